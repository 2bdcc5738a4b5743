import type { AssignmentRecordings } from '@common/contract';
import { queuedRecordings, recordingRow, type RecordingCache, type RecordingRow } from '../recording-cache';
import type { PlatformHealthMonitor } from '../services/platform-health-monitor';
import type { SessionService } from '../services/session-service';
import type { Store } from '../store/connection';
import type { CachePolicy } from './cache-policy';
import type { RecordingsState } from './recordings-state';
import type { Transfers } from './transfer';
import { Disposables } from '../util/disposables';

export interface DownloadQueueOptions {
  /** Recordings downloading at once (default 3). */
  readonly concurrency?: number;
}

export interface DownloadQueueDeps {
  readonly store: Store;
  readonly cache: RecordingCache;
  readonly session: SessionService;
  readonly health: PlatformHealthMonitor;
  readonly origin: string | null;
  readonly transfers: Transfers;
  readonly policy: CachePolicy;
  readonly state: RecordingsState;
}

/**
 * Which recordings download, and when: the grader's download, pause, resume and cancel of an
 * assignment's recordings, a few at once (the longest queued first, only the signed-in
 * examiner's), all stopped at sign-out and queued again for their return, and those that gave
 * up on an unreachable platform queued again when it answers.
 */
export class DownloadQueue {
  readonly #subscriptions = new Disposables();
  #started = false;
  #stopped = false;

  constructor(
    private readonly deps: DownloadQueueDeps,
    private readonly options: DownloadQueueOptions = {},
  ) {}

  start(): void {
    this.#subscriptions.add(
      this.deps.session.onChange((session) => {
        if (session === null) this.deps.transfers.abortAll('signed out');
        this.pump();
      }),
      this.deps.health.onChange((health) => {
        if (health.state === 'online') this.#retryInterrupted();
      }),
    );
    this.#started = true;
    this.pump();
  }

  stop(): void {
    this.#stopped = true;
    this.#subscriptions.dispose();
  }

  download(assignmentId: string): AssignmentRecordings {
    const examinerId = this.deps.session.requireExaminerId();
    const assignment = this.deps.state.requireAssignment(examinerId, assignmentId);
    const rows = this.deps.cache.want(examinerId, assignmentId, Date.parse(assignment.dueAt), assignment.recordings);
    const spare = assignment.recordings.map((recording) => recording.recordingId);
    for (const row of rows) if (row.state === 'queued') this.deps.policy.reserve(row, spare);
    this.pump();
    return this.deps.state.publishAssignment(examinerId, assignmentId);
  }

  async pause(assignmentId: string): Promise<AssignmentRecordings> {
    const examinerId = this.deps.session.requireExaminerId();
    const links = this.deps.state.requireLinks(examinerId, assignmentId);
    const stopping: Promise<void>[] = [];
    for (const link of links) {
      const row = recordingRow(this.deps.store.reader, link.recording_id);
      if (!row || (row.state !== 'queued' && row.state !== 'downloading')) continue;
      const bytes = this.deps.transfers.bytesOf(link.recording_id);
      this.deps.cache.setState(link.recording_id, 'paused', bytes === undefined ? {} : { bytesDone: bytes });
      const done = this.deps.transfers.abort(link.recording_id, 'paused');
      if (done) stopping.push(done);
    }
    await Promise.all(stopping);
    return this.deps.state.publishAssignment(examinerId, assignmentId);
  }

  resume(assignmentId: string): AssignmentRecordings {
    const examinerId = this.deps.session.requireExaminerId();
    const links = this.deps.state.requireLinks(examinerId, assignmentId);
    const spare = links.map((link) => link.recording_id);
    for (const link of links) {
      const row = recordingRow(this.deps.store.reader, link.recording_id);
      if (!row || (row.state !== 'paused' && row.state !== 'failed')) continue;
      this.deps.cache.setState(link.recording_id, 'queued', { error: null });
      const queued = recordingRow(this.deps.store.reader, link.recording_id);
      if (queued) this.deps.policy.reserve(queued, spare);
    }
    this.pump();
    return this.deps.state.publishAssignment(examinerId, assignmentId);
  }

  /** Stops the assignment's unfinished downloads and throws away what arrived; ready recordings stay. */
  async cancel(assignmentId: string): Promise<AssignmentRecordings> {
    const examinerId = this.deps.session.requireExaminerId();
    const links = this.deps.state.requireLinks(examinerId, assignmentId);
    for (const link of links) {
      const row = recordingRow(this.deps.store.reader, link.recording_id);
      if (!row || row.state === 'ready') continue;
      await this.deps.transfers.abort(link.recording_id, 'cancelled');
      await this.deps.cache.discard(link.recording_id);
    }
    return this.deps.state.publishAssignment(examinerId, assignmentId);
  }

  /** Starts queued recordings of the signed-in examiner while fewer than `concurrency` run (once started, until stopped). */
  pump(): void {
    if (!this.#started || this.#stopped || this.deps.origin === null || this.deps.session.session === null) return;
    const examinerId = this.deps.session.session.examiner.id;
    const concurrency = this.options.concurrency ?? 3;
    const transfers = this.deps.transfers;
    while (transfers.size < concurrency) {
      const next: RecordingRow | undefined = queuedRecordings(this.deps.store.reader, examinerId, concurrency + transfers.size).find(
        (row) => !transfers.has(row.recording_id),
      );
      if (!next) return;
      transfers.begin(next, () => this.pump());
    }
  }

  /** Downloads that gave up because the platform was unreachable start again when it answers. */
  #retryInterrupted(): void {
    if (this.#stopped) return;
    if (this.deps.cache.requeueUnreachable() > 0) this.pump();
  }
}
