import { CalibrationService } from '../services/calibration-service';
import { SheetLocks } from '../services/sheet-locks';
import { SheetProgressReporter } from '../services/sheet-progress-reporter';
import { SheetService } from '../services/sheet-service';
import { StoreSpaceService, type StoreSpaceOptions } from '../services/store-space-service';
import { SyncWorker, type SyncOptions } from '../services/sync-worker';
import { verifyAudit } from '../store/audit';
import { backupStore } from '../store/backups';
import type { Store } from '../store/connection';
import type { OpenedStore } from '../store/database';
import type { Area, CommandsOf } from '../util/area';
import { listAssignments } from './assignment-list';
import { recoveryReport } from './recovery-report';
import type { PlatformAccess } from '../services/platform-access';

export interface SheetsDeps extends PlatformAccess {
  readonly store: Store;
  /** What opening the store restored from a backup, if it did. */
  readonly recovery: OpenedStore['recovery'];
  readonly dataDir: string;
}

export interface SheetsOptions {
  readonly sync?: SyncOptions | undefined;
  /** How often to back up the database (default 10 minutes). */
  readonly backupIntervalMs?: number | undefined;
  readonly storeSpace?: StoreSpaceOptions | undefined;
}

/** `sheets.reopen` answers with the live area (it needs the platform's re-review requests). */
export interface SheetsArea extends Area<Exclude<CommandsOf<'assignments' | 'sheets' | 'calibration' | 'sync' | 'audit' | 'store'>, 'sheets.reopen'>> {
  readonly sheets: SheetService;
  readonly sync: SyncWorker;
  /** The chief's locks of this examiner's sheets, which the live area's pushes update. */
  readonly locks: SheetLocks;
}

/**
 * Score sheets and everything that keeps them: the sheet service, calibration, the chief's locks,
 * the sync worker that sends the outbox, the disk space held back for sheets, the database's
 * backups and the report of a restore.
 */
export function createSheetsArea(deps: SheetsDeps, options: SheetsOptions = {}): SheetsArea {
  const { store, client, session, health, cache, events, log } = deps;
  const recovery = recoveryReport(store.reader, deps.recovery);
  if (recovery) log.error('the database was damaged and has been restored from a backup', { ...deps.recovery });
  const space = new StoreSpaceService(store, events, log, options.storeSpace);
  const sync = new SyncWorker({ store, client, session, health, events, log }, options.sync);
  const progress = new SheetProgressReporter(client, session, health, log);
  const sheets = new SheetService({ store, cache, session, events, onSubmitted: () => sync.kick(), progress, client });
  // Sheets the platform answered for change status: the renderer hears of each.
  sync.onSynced((assignmentIds) => {
    for (const assignmentId of assignmentIds) {
      try {
        const state = sheets.get(assignmentId);
        if (state) events.emit('sheet.changed', state);
      } catch (error) {
        log.warn('could not report a synced sheet', { assignmentId, error });
      }
    }
  });
  const calibration = new CalibrationService({ client, session, cache, sheets, log });
  const locks = new SheetLocks({
    client,
    session,
    cache,
    events,
    onChange: (lock) => {
      try {
        sheets.lockChanged(lock.assignmentId, lock.locked);
      } catch (error) {
        log.warn('a locked conflict could not take the new lock state', { assignmentId: lock.assignmentId, error: String(error) });
      }
    },
  });

  const backup = () => {
    // A backup on a full disk would take the space the score sheets need: none until the reserve is back.
    if (!space.check()) {
      log.warn('database backup skipped: the disk is too full to hold space back for score sheets');
      return;
    }
    try {
      backupStore(store, deps.dataDir);
    } catch (error) {
      log.error('database backup failed', { error });
    }
  };
  let backupTimer: NodeJS.Timeout | null = null;

  return {
    sheets,
    sync,
    locks,
    handlers: {
      'assignments.list': () => listAssignments({ db: store.reader, cache, session, sheets }),
      'sheets.get': ({ assignmentId }) => sheets.get(assignmentId),
      'sheets.save': (input) => sheets.save(input),
      'sheets.submit': async ({ assignmentId }) => {
        // The sheet's own problems first; then a subject that requires calibration (试评) takes no sheet while anchors are left.
        sheets.checkSubmit(assignmentId);
        await calibration.checkSubmit(assignmentId);
        return sheets.submit(assignmentId);
      },
      'sheets.recuse': (input) => sheets.recuse(input),
      'sheets.resolveConflict': (input) => sheets.resolveConflict(input),
      'sheets.getLock': ({ assignmentId }) => locks.get(assignmentId),
      'calibration.get': ({ subjectId }) => calibration.get(subjectId),
      'calibration.submit': (input) => calibration.submit(input),
      'sync.getStatus': () => sync.status(),
      'sync.now': async () => {
        if (health.current.state !== 'online') await health.check();
        sync.kick(true);
        return sync.status();
      },
      'audit.verify': () => verifyAudit(store.reader),
      'store.getRecovery': () => recovery,
      'store.getSpace': () => space.status(),
    },
    start: () => {
      sync.start();
      space.start();
      backup();
      backupTimer = setInterval(backup, options.backupIntervalMs ?? 10 * 60_000);
      backupTimer.unref();
    },
    stop: () => {
      if (backupTimer) clearInterval(backupTimer);
      backupTimer = null;
      sync.stop();
      space.stop();
    },
  };
}
