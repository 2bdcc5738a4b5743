import type { AssignmentRecordings, RecordingsOverview } from '@common/contract';
import type { EventHub } from '../contract/event-hub';
import type { Logger } from '../log';
import type { RecordingCache, Removal } from '../recording-cache';
import type { PlatformCache } from '../services/platform-cache';
import type { PlatformHealthMonitor } from '../services/platform-health-monitor';
import type { SessionService } from '../services/session-service';
import type { Store } from '../store/connection';
import { CachePolicy, type CachePolicyOptions } from './cache-policy';
import { DownloadQueue, type DownloadQueueOptions } from './download-queue';
import { RecordingsState } from './recordings-state';
import { Transfers, type TransferOptions } from './transfer';
import { systemClock } from '../util/clock';
import { Disposables } from '../util/disposables';

export type DownloadOptions = DownloadQueueOptions & CachePolicyOptions & TransferOptions;

export interface DownloadDeps {
  readonly store: Store;
  /** The media cache: where the recordings' rows are written and files kept. */
  readonly cache: RecordingCache;
  readonly session: SessionService;
  /** The platform's answers main keeps (the assignments, with their recordings and due dates). */
  readonly platformCache: PlatformCache;
  readonly health: PlatformHealthMonitor;
  readonly origin: string | null;
  readonly events: EventHub;
  readonly log: Logger;
  /** The folder of evidence recordings (main/evidence), purged with the assignments' recordings. */
  readonly evidenceDir: string;
}

/**
 * Brings an examiner's recordings into the local media cache ahead of grading, and says how far
 * they got (`recordings.*` commands and `recordings.progress`). The parts, each with one reason to
 * change:
 *
 * - `download-queue.ts`: which recordings download when (download, pause, resume, cancel, concurrency, sign-out, back online);
 * - `transfer.ts` (with `fetch-recording.ts`): moving one recording's bytes, resumed, verified and renamed into place;
 * - `cache-policy.ts` (with `quota.ts`): the quota, eviction and purge rules;
 * - `recordings-state.ts`: the state the renderer sees.
 *
 * The rows and files are the media cache's (main/recording-cache): this service hears from it when a
 * recording is removed (its download stops, its assignments' state is sent, and a damaged one is
 * downloaded again) or found unreadable.
 */
export class DownloadService {
  readonly #transfers: Transfers;
  readonly #state: RecordingsState;
  readonly #policy: CachePolicy;
  readonly #queue: DownloadQueue;
  readonly #subscriptions = new Disposables();

  constructor(
    private readonly deps: DownloadDeps,
    options: DownloadOptions = {},
  ) {
    const now = options.now ?? systemClock;
    this.#transfers = new Transfers(
      { cache: deps.cache, session: deps.session, origin: deps.origin, log: deps.log, publish: (recordingId) => this.#state.publishRecording(recordingId) },
      { ...options, now },
    );
    this.#state = new RecordingsState({
      store: deps.store,
      session: deps.session,
      platformCache: deps.platformCache,
      events: deps.events,
      liveBytes: (recordingId) => this.#transfers.bytesOf(recordingId),
    });
    this.#policy = new CachePolicy(
      { store: deps.store, cache: deps.cache, log: deps.log, evidenceDir: deps.evidenceDir, dueAt: (examinerId, assignmentId) => this.#state.dueAt(examinerId, assignmentId) },
      { ...options, now },
    );
    this.#queue = new DownloadQueue(
      { store: deps.store, cache: deps.cache, session: deps.session, health: deps.health, origin: deps.origin, transfers: this.#transfers, policy: this.#policy, state: this.#state },
      options,
    );
    this.#subscriptions.add(
      deps.cache.on('removed', (removal) => this.#removed(removal)),
      deps.cache.on('readability', (recordingId) => this.#state.publishRecording(recordingId)),
    );
  }

  get quotaBytes(): number {
    return this.#policy.quotaBytes;
  }

  /** Downloads cut short by a quit or crash resume; ready files cut short on disk download again; expired recordings are purged. */
  start(): void {
    this.deps.cache.folder.ensure();
    this.deps.cache.requeueInterrupted();
    this.deps.cache.checkReadySizes();
    this.#policy.start();
    this.#queue.start();
  }

  /** At quit: stops every download where it is; the next start resumes them. */
  stop(): void {
    this.#policy.stop();
    this.#queue.stop();
    this.#subscriptions.dispose();
    this.#transfers.stop();
  }

  /** Resolves when no download is running (tests). */
  whenIdle(): Promise<void> {
    return this.#transfers.whenIdle();
  }

  overview(): RecordingsOverview {
    const examinerId = this.deps.session.requireExaminerId();
    return this.#state.overview(examinerId, { usedBytes: this.#policy.usedBytes(), quotaBytes: this.quotaBytes });
  }

  state(assignmentId: string): AssignmentRecordings {
    return this.#state.of(this.deps.session.requireExaminerId(), assignmentId);
  }

  download(assignmentId: string): AssignmentRecordings {
    return this.#queue.download(assignmentId);
  }

  pause(assignmentId: string): Promise<AssignmentRecordings> {
    return this.#queue.pause(assignmentId);
  }

  resume(assignmentId: string): AssignmentRecordings {
    return this.#queue.resume(assignmentId);
  }

  /** Stops the assignment's unfinished downloads and throws away what arrived; ready recordings stay. */
  cancel(assignmentId: string): Promise<AssignmentRecordings> {
    return this.#queue.cancel(assignmentId);
  }

  /** Purges expired recordings and evidence now (cache-policy.ts); returns their ids. */
  purgeExpired(): string[] {
    return this.#policy.purgeExpired();
  }

  /**
   * A recording left the cache (or its damaged file did): a download of it stops; its
   * assignments' state goes to the renderer (a cancel sends it once, when it is done); a damaged
   * one, back in the queue, downloads again.
   */
  #removed(removal: Removal): void {
    void this.#transfers.abort(removal.recordingId, 'removed');
    if (removal.reason !== 'cancelled') this.#state.publishAssignments(removal.assignments);
    if (removal.reason === 'damaged') this.#queue.pump();
  }
}
