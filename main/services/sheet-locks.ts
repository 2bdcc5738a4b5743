import { ContractFailure, SheetLock } from '@common/contract';
import { ScoreRecord, type PushSheetLock } from '@common/platform';
import type { EventHub } from '../contract/event-hub';
import type { PlatformClient } from '../platform/client';
import type { PlatformCache } from './platform-cache';
import type { SessionService } from './session-service';

/** How long opening a sheet waits for the platform's word on its lock before showing what it knew. */
const LOCK_READ_TIMEOUT_MS = 2_000;

export interface SheetLocksDeps {
  readonly client: PlatformClient;
  readonly session: SessionService;
  readonly cache: PlatformCache;
  readonly events: EventHub;
  /** Told of every change kept (the sheet service updates a locked conflict). */
  readonly onChange?: (lock: SheetLock) => void;
}

/**
 * Whether the chief examiner has locked this examiner's sheets, so the form says so before a
 * submission would be refused (423). The platform pushes each change (`sheet_lock`); the last word
 * is kept in the cache table (kind `sheetLock`), so a restart still shows it offline; and opening
 * a sheet asks the platform again (its ScoreRecord.locked), so a lock pushed while this
 * workstation was closed is not missed.
 */
export class SheetLocks {
  constructor(private readonly deps: SheetLocksDeps) {}

  /** A push from the platform: kept, and told to the renderer. */
  apply(push: PushSheetLock): void {
    const examinerId = this.deps.session.session?.examiner.id;
    if (examinerId === undefined) return;
    this.#keep(examinerId, { assignmentId: push.assignmentId, locked: push.locked, signedOff: push.locked && push.signedOff });
  }

  async get(assignmentId: string): Promise<SheetLock> {
    const examinerId = this.deps.session.requireExaminerId();
    const known = this.peek(examinerId, assignmentId);
    let record: ScoreRecord;
    try {
      ({ data: record } = await this.deps.client.request({
        method: 'GET',
        path: `/assignments/${encodeURIComponent(assignmentId)}/score`,
        schema: ScoreRecord,
        token: this.deps.session.requireToken(),
        timeoutMs: LOCK_READ_TIMEOUT_MS,
      }));
    } catch (error) {
      if (error instanceof ContractFailure && (error.code === 'platform_unreachable' || error.code === 'platform_error')) return known;
      throw error;
    }
    // The record says locked or not; whether the lock is the sign-off only a push says.
    const lock: SheetLock = { assignmentId, locked: record.locked, signedOff: record.locked && known.signedOff };
    if (lock.locked !== known.locked || lock.signedOff !== known.signedOff) this.#keep(examinerId, lock);
    return lock;
  }

  /**
   * Asks the platform again about every sheet kept as locked (the realtime socket is back: an
   * unlock pushed while it was down would otherwise be missed until the sheet is opened again).
   * Best effort, one at a time; a lock made while it was down shows when its sheet is opened.
   * Sign-off locks are left out: a slot's every sheet, held for days, and lifted only one by one
   * by an exceptional unlock, which opening the sheet asks about anyway.
   */
  async refreshLocked(): Promise<void> {
    const examinerId = this.deps.session.session?.examiner.id;
    if (examinerId === undefined) return;
    for (const assignmentId of this.deps.cache.keys(examinerId, 'sheetLock')) {
      const known = this.peek(examinerId, assignmentId);
      if (!known.locked || known.signedOff) continue;
      await this.get(assignmentId).catch(() => undefined);
    }
  }

  /** What is known without asking the platform: unlocked when nothing was ever said. */
  peek(examinerId: string, assignmentId: string): SheetLock {
    return this.deps.cache.peek(examinerId, 'sheetLock', assignmentId, SheetLock) ?? { assignmentId, locked: false, signedOff: false };
  }

  #keep(examinerId: string, lock: SheetLock): void {
    this.deps.cache.remember(examinerId, 'sheetLock', lock.assignmentId, lock);
    this.deps.onChange?.(lock);
    this.deps.events.emit('sheet.lock', lock);
  }
}
