import { ContractFailure, type HostKind, type RecoveryReport, type SheetStatus } from '@common/contract';
import { AssignmentList, Exam, ExamList } from '@common/platform';
import { ChiefService, chiefHandlers, ResultsFiles } from './chief';
import { EventHub } from './contract/event-hub';
import { createDispatcher, type Dispatch } from './contract/dispatcher';
import { createEvidenceService, type EvidenceOptions, type EvidenceService } from './evidence';
import type { WorkstationConfig } from './config';
import type { Logger } from './log';
import { createMediaStack, type MediaStackOptions } from './media';
import type { MediaLookup } from './media/serve-media';
import { PlatformClient } from './platform/client';
import { PlatformCache } from './services/cache';
import { CalibrationService } from './services/calibration';
import { CredentialStore, memoryOnlyBox, type SecretBox } from './services/credentials';
import { PlatformHealthMonitor } from './services/health';
import { LiveService, type LiveServiceOptions } from './services/live';
import { SessionService } from './services/session';
import { SheetLocks } from './services/sheet-locks';
import { SheetProgressReporter } from './services/sheet-progress';
import { SheetService } from './services/sheets';
import { StoreSpaceService, type StoreSpaceOptions } from './services/store-space';
import { SyncWorker, type SyncOptions } from './services/sync';
import { verifyAudit } from './store/audit';
import type { Store } from './store/connection';
import { backupStore } from './store/backups';
import { openStore } from './store/database';
import { sql } from './store/sql';
import { APP_NAME, APP_VERSION } from './version';

export interface Workstation {
  readonly dispatch: Dispatch;
  readonly events: EventHub;
  readonly health: PlatformHealthMonitor;
  readonly sync: SyncWorker;
  readonly store: Store;
  /** Evidence recordings of live interviews (files by id for the review player). */
  readonly evidence: EvidenceService;
  /** Downloaded recordings and review artefacts by media id, for the /media route and the app:// protocol. */
  readonly media: MediaLookup;
  start(): void;
  stop(): void;
}

export interface WorkstationOptions {
  readonly host: HostKind;
  readonly config: WorkstationConfig;
  readonly log: Logger;
  /** Seals the token for storage; the browser host keeps it in memory only. */
  readonly secretBox?: SecretBox;
  readonly healthIntervalMs?: { online: number; offline: number };
  readonly sync?: SyncOptions;
  /** How often to back up the database (default 10 minutes). */
  readonly backupIntervalMs?: number;
  /** Downloads (concurrency, quota, purge) and media jobs (concurrency, time limits). */
  readonly media?: MediaStackOptions;
  /** Evidence recording's disk space rules (tests on a small disk). */
  readonly evidence?: EvidenceOptions;
  /** The realtime connection's heartbeat timing (tests make it shorter). */
  readonly live?: LiveServiceOptions;
  /** How often to try to make the disk space reserve again while the disk is full. */
  readonly storeSpace?: StoreSpaceOptions;
}

/**
 * The workstation's back end, independent of its host: the same object runs inside Electron's
 * main process and inside the plain-Node browser host. Transports only call `dispatch` and
 * subscribe to `events`.
 */
export function createWorkstation(options: WorkstationOptions): Workstation {
  const { config, log } = options;
  const events = new EventHub(log);
  const opened = openStore(config.dataDir);
  const store = opened.store;
  const recovery = recoveryReport(store, opened.recovery);
  if (recovery) log.error('the database was damaged and has been restored from a backup', { ...opened.recovery });

  const space = new StoreSpaceService(store, events, log, options.storeSpace);

  const client = new PlatformClient(config.platformUrl);
  const health = new PlatformHealthMonitor(client, events, {
    ...(options.healthIntervalMs && {
      onlineIntervalMs: options.healthIntervalMs.online,
      offlineIntervalMs: options.healthIntervalMs.offline,
    }),
  });
  const session = new SessionService(client, events, new CredentialStore(store, options.secretBox ?? memoryOnlyBox));
  session.restore();
  const cache = new PlatformCache(store, client, session);
  // The sync worker reports synced sheets through the sheet service, which kicks the worker on submit.
  const sheetsRef: { current: SheetService | null } = { current: null };
  const sync = new SyncWorker(store, client, session, health, () => sheetsRef.current as SheetService, events, log, options.sync);
  const progress = new SheetProgressReporter(client, session, health, log);
  const sheets = new SheetService(store, cache, session, events, () => sync.kick(), undefined, progress, client);
  const calibration = new CalibrationService(client, session, cache, sheets, log);
  sheetsRef.current = sheets;
  const sheetLocks = new SheetLocks(client, session, cache, events, (lock) => {
    try {
      sheets.lockChanged(lock.assignmentId, lock.locked);
    } catch (error) {
      log.warn('a locked conflict could not take the new lock state', { assignmentId: lock.assignmentId, error: String(error) });
    }
  });
  const live = new LiveService(client, session, health, cache, events, log, options.live, sheetLocks);
  const media = createMediaStack(
    { store, dataDir: config.dataDir, ffmpegPath: config.ffmpegPath ?? null, session, cache, health, origin: client.origin, events, log },
    {
      ...options.media,
      downloads: {
        ...(config.mediaCacheGiB === undefined ? {} : { quotaBytes: Math.round(config.mediaCacheGiB * 2 ** 30) }),
        ...(config.purgeAfterDays === undefined ? {} : { purgeAfterDueDays: config.purgeAfterDays }),
        ...options.media?.downloads,
      },
    },
  );
  const resultsFiles = new ResultsFiles(config.dataDir, session);
  const chief = new ChiefService(client, session, cache, resultsFiles, log);
  const evidence = createEvidenceService({ store, session, cache, events, log, dataDir: config.dataDir, runner: media.runner }, options.evidence);

  const dispatch = createDispatcher(
    {
      'app.getInfo': () => ({
        name: APP_NAME,
        version: APP_VERSION,
        host: options.host,
        platformOrigin: client.origin,
        demo: config.demo,
      }),
      'platform.getHealth': () => (health.current.checkedAt === null ? health.check() : health.current),
      'platform.checkNow': () => health.check(),
      'session.get': () => session.session,
      'session.login': (input) => session.login(input),
      'session.logout': () => {
        session.logout();
        return null;
      },
      'exams.list': async () => {
        const { data, freshness } = await cache.fetch('exams', 'all', '/exams', ExamList);
        return { exams: data.exams, freshness };
      },
      'exams.get': async ({ examId }) => {
        const { data, freshness } = await cache.fetch('exam', examId, `/exams/${encodeURIComponent(examId)}`, Exam);
        return { exam: data, freshness };
      },
      'assignments.list': async () => {
        const { data, freshness } = await cache.fetch('assignments', 'all', '/assignments', AssignmentList);
        // Grading must work offline later: make sure every rubric these assignments need is cached now.
        const examinerId = session.requireExaminerId();
        for (const examId of new Set(data.assignments.map((assignment) => assignment.examId))) {
          if (cache.peek(examinerId, 'exam', examId, Exam) === null && freshness.fresh) {
            await cache.fetch('exam', examId, `/exams/${encodeURIComponent(examId)}`, Exam).catch(() => undefined);
          }
        }
        // A recusal declared elsewhere (or recorded by a chief) makes the local sheet void too.
        sheets.takeRecusals(data.assignments);
        const statuses = new Map(
          store.reader
            .all<{ assignment_id: string; status: SheetStatus }>(sql`SELECT assignment_id, status FROM score_sheets WHERE examiner_id = ${examinerId}`)
            .map((row) => [row.assignment_id, row.status]),
        );
        return {
          assignments: data.assignments.map((assignment) => ({
            assignment,
            sheetStatus: assignment.recusal === null ? (statuses.get(assignment.assignmentId) ?? null) : 'recused',
          })),
          freshness,
        };
      },
      'sheets.get': ({ assignmentId }) => sheets.get(assignmentId),
      'sheets.save': (input) => sheets.save(input),
      'sheets.submit': async ({ assignmentId }) => {
        // The sheet's own problems first; then a subject that requires calibration (试评) takes no sheet while anchors are left.
        sheets.checkSubmit(assignmentId);
        await calibration.checkSubmit(assignmentId);
        return sheets.submit(assignmentId);
      },
      'sheets.recuse': (input) => sheets.recuse(input),
      'calibration.get': ({ subjectId }) => calibration.get(subjectId),
      'calibration.submit': (input) => calibration.submit(input),
      'sheets.resolveConflict': (input) => sheets.resolveConflict(input),
      'sheets.getLock': ({ assignmentId }) => sheetLocks.get(assignmentId),
      'sync.getStatus': () => sync.status(),
      'sync.now': async () => {
        if (health.current.state !== 'online') await health.check();
        sync.kick(true);
        return sync.status();
      },
      'audit.verify': () => verifyAudit(store.reader),
      'store.getRecovery': () => recovery,
      'store.getSpace': () => space.status(),
      'sheets.reopen': async ({ assignmentId }) => {
        const request = (await live.reReviews()).requests.find((candidate) => candidate.assignmentId === assignmentId);
        if (!request) throw new ContractFailure('not_found', 'no open re-review request for this sheet');
        return sheets.reopen(assignmentId, request.requestId);
      },
      'live.getQueue': ({ slotId }) => live.getQueue(slotId),
      'live.call': ({ slotId, entryId }) => live.call(slotId, entryId),
      'live.callNext': ({ slotId }) => live.callNext(slotId),
      'live.finish': ({ slotId, entryId }) => live.finish(slotId, entryId),
      'live.markAbsent': ({ slotId, entryId }) => live.markAbsent(slotId, entryId),
      'live.extend': ({ slotId, entryId, minutes, reason }) => live.extend(slotId, entryId, minutes, reason),
      'live.readmit': ({ slotId, entryId, reason }) => live.readmit(slotId, entryId, reason),
      'live.move': ({ slotId, entryId, move }) => live.move(slotId, entryId, move),
      'live.roomLog': ({ slotId, entryId }) => live.roomLog(slotId, entryId),
      'live.roomJoin': ({ entryId }) => {
        live.roomJoin(entryId);
        return null;
      },
      'live.roomLeave': ({ entryId }) => {
        live.roomLeave(entryId);
        return null;
      },
      'live.feedSubscribe': (input) => {
        live.feedSubscribe(input);
        return null;
      },
      'live.voicePublish': (input) => {
        live.voicePublish(input);
        return null;
      },
      'live.talking': (input) => {
        live.talking(input);
        return null;
      },
      'live.peerClose': (input) => {
        live.peerClose(input);
        return null;
      },
      'live.signal': (signal) => {
        live.signal(signal);
        return null;
      },
      'live.prompt': ({ entryId, text }) => {
        live.prompt(entryId, text);
        return null;
      },
      'live.getConnection': () => live.connection(),
      'evidence.start': (input) => evidence.start(input),
      'evidence.chunk': (input) => evidence.chunk(input),
      'evidence.finish': ({ recordingId }) => evidence.finish(recordingId),
      'evidence.list': ({ assignmentId }) => ({ recordings: evidence.list(assignmentId) }),
      'reReviews.list': () => live.reReviews(),
      ...media.handlers,
      ...chiefHandlers(chief),
    },
    log,
  );

  let backupTimer: NodeJS.Timeout | null = null;
  const backup = () => {
    // A backup on a full disk would take the space the score sheets need: none until the reserve is back.
    if (!space.check()) {
      log.warn('database backup skipped: the disk is too full to hold space back for score sheets');
      return;
    }
    try {
      backupStore(store, config.dataDir);
    } catch (error) {
      log.error('database backup failed', { error });
    }
  };

  return {
    dispatch,
    events,
    health,
    sync,
    store,
    evidence,
    // Evidence recordings open in the review player like downloaded recordings, by media id; the
    // chief's results files are saved from the same route (as downloads).
    media: { lookup: (mediaId) => media.library.lookup(mediaId) ?? evidence.lookup(mediaId) ?? resultsFiles.lookup(mediaId) },
    start: () => {
      health.start();
      sync.start();
      live.start();
      void evidence.recover();
      media.start();
      space.start();
      resultsFiles.purge();
      backup();
      backupTimer = setInterval(backup, options.backupIntervalMs ?? 10 * 60_000);
      backupTimer.unref();
    },
    stop: () => {
      if (backupTimer) clearInterval(backupTimer);
      live.stop();
      void evidence.stop();
      // Before the store closes: no download or ffmpeg job may outlive the workstation.
      media.stop();
      sync.stop();
      health.stop();
      space.stop();
      session.dispose();
      store.close();
    },
  };
}

function recoveryReport(store: Store, recovery: { backupTakenAt: string; reason: string } | null): RecoveryReport | null {
  if (!recovery) return null;
  const unsynced = store.reader.all<{ assignment_id: string; status: RecoveryReport['unsynced'][number]['status']; updated_at: string }>(
    // A recused sheet is void: nothing of it is waiting for the platform.
    sql`SELECT assignment_id, status, updated_at FROM score_sheets WHERE status NOT IN ('accepted', 'recused') ORDER BY updated_at`,
  );
  return {
    backupTakenAt: recovery.backupTakenAt,
    reason: recovery.reason,
    unsynced: unsynced.map((row) => ({ assignmentId: row.assignment_id, status: row.status, updatedAt: row.updated_at })),
  };
}
