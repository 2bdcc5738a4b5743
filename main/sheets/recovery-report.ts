import type { RecoveryReport } from '@common/contract';
import { unsyncedSheets } from '../services/sheet-rows';
import type { ReadableDb } from '../store/connection';

/** What opening the store restored from a backup, with the sheets that backup still had to send (null: nothing was restored). */
export function recoveryReport(db: ReadableDb, recovery: { backupTakenAt: string; reason: string } | null): RecoveryReport | null {
  if (!recovery) return null;
  return {
    backupTakenAt: recovery.backupTakenAt,
    reason: recovery.reason,
    unsynced: unsyncedSheets(db).map((row) => ({ assignmentId: row.assignment_id, status: row.status, updatedAt: row.updated_at })),
  };
}
