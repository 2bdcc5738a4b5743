import http from 'node:http';
import https from 'node:https';
import { rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { API_PREFIX } from '@common/platform/wire';
import type { ContractError, ErrorCode } from '@common/contract';
import type { Logger } from '../log';
import type { RecordingCache, RecordingRow } from '../recording-cache';
import { fullJitterDelay } from '../services/backoff';
import type { SessionService } from '../services/session-service';
import { syncDir, syncFile } from '../store/durable';
import { AttemptError, downloadAttempt, type AttemptFailure } from './fetch-recording';
import { systemClock, type Clock } from '../util/clock';

export interface TransferOptions {
  /** Back-off between attempts after a network drop, and how many attempts without progress before giving up. */
  readonly retry?: { readonly baseDelayMs?: number; readonly maxDelayMs?: number; readonly maxAttempts?: number };
  /** A connection silent this long is dropped and the download resumes (default 30 s). */
  readonly idleTimeoutMs?: number;
  /** At most one progress event per recording this often (default 250 ms). */
  readonly progressIntervalMs?: number;
  readonly now?: Clock;
}

export interface TransferDeps {
  readonly cache: RecordingCache;
  readonly session: SessionService;
  readonly origin: string | null;
  readonly log: Logger;
  /** Tells the renderer a recording's state changed (progress, verifying, ended). */
  readonly publish: (recordingId: string) => void;
}

interface Active {
  readonly recordingId: string;
  readonly controller: AbortController;
  bytes: number;
  lastEventAt: number;
  lastSavedAt: number;
  done: Promise<void>;
}

/**
 * The running downloads, each bringing one recording from the platform into the cache folder:
 * attempts resumed by range after a network drop (guarded by the ETag) with a jittered back-off,
 * sha256 verification and an atomic rename, so a partial or corrupt file is never "ready". Which
 * recording runs when is the queue's (download-queue.ts); this only moves bytes and says how it went
 * on the recording's row.
 */
export class Transfers {
  readonly #active = new Map<string, Active>();
  readonly #agent: http.Agent;
  readonly #now: Clock;
  #stopped = false;

  constructor(
    private readonly deps: TransferDeps,
    private readonly options: TransferOptions = {},
  ) {
    this.#now = options.now ?? systemClock;
    const agentOptions = { keepAlive: true, maxSockets: 8 };
    this.#agent = deps.origin?.startsWith('https:') ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
  }

  get size(): number {
    return this.#active.size;
  }

  has(recordingId: string): boolean {
    return this.#active.has(recordingId);
  }

  /** The bytes a running download has on disk now; undefined when it is not running. */
  bytesOf(recordingId: string): number | undefined {
    return this.#active.get(recordingId)?.bytes;
  }

  /** Starts downloading a queued recording; `ended` is called once it stopped, however it ended (unless stopped). */
  begin(row: RecordingRow, ended: () => void): void {
    const active: Active = { recordingId: row.recording_id, controller: new AbortController(), bytes: row.bytes_done, lastEventAt: 0, lastSavedAt: 0, done: Promise.resolve() };
    this.#active.set(row.recording_id, active);
    this.deps.cache.setState(row.recording_id, 'downloading', { error: null });
    this.deps.publish(row.recording_id);
    active.done = this.#run(active, row)
      .catch((error: unknown) => {
        this.deps.log.error('download failed unexpectedly', { recordingId: row.recording_id, error });
        if (!this.#stopped) this.#fail(active, 'internal', `the download failed unexpectedly: ${(error as Error).message}`);
      })
      .finally(() => {
        this.#active.delete(row.recording_id);
        if (!this.#stopped) {
          this.deps.publish(row.recording_id);
          ended();
        }
      });
  }

  /** Stops a running download (a pause, a cancel, its recording removed); resolves once it stopped. Null when it is not running. */
  abort(recordingId: string, reason: string): Promise<void> | null {
    const active = this.#active.get(recordingId);
    if (!active) return null;
    active.controller.abort(reason);
    return active.done;
  }

  /** Stops every download; one stopped because its examiner signed out (`signed out`) goes back in the queue. */
  abortAll(reason: string): void {
    for (const active of this.#active.values()) active.controller.abort(reason);
  }

  /** Resolves when no download is running (tests). */
  async whenIdle(): Promise<void> {
    while (this.#active.size > 0) await Promise.all([...this.#active.values()].map((active) => active.done));
  }

  /** At quit: every download stops where it is; the next start resumes them. */
  stop(): void {
    this.#stopped = true;
    for (const active of this.#active.values()) active.controller.abort('stopping');
    this.#agent.destroy();
  }

  async #run(active: Active, row: RecordingRow): Promise<void> {
    const folder = this.deps.cache.folder;
    const partial = folder.recordingPartial(row.recording_id).absolute;
    const retry = this.options.retry ?? {};
    let attempts = 0;
    let bytesAtLastFailure = -1;
    for (;;) {
      let token: string;
      try {
        token = this.deps.session.requireToken();
      } catch {
        return this.#requeue(active);
      }
      let result;
      try {
        result = await downloadAttempt({
          url: `${this.deps.origin ?? ''}${API_PREFIX}/recordings/${encodeURIComponent(row.recording_id)}`,
          token,
          etag: `"${row.sha256}"`,
          expectedBytes: row.expected_bytes,
          partialFile: partial,
          signal: active.controller.signal,
          agent: this.#agent,
          idleTimeoutMs: this.options.idleTimeoutMs ?? 30_000,
          onBytes: (bytes) => this.#progress(active, bytes),
        });
      } catch (error) {
        if (!(error instanceof AttemptError)) throw error;
        const failure = error.failure;
        if (failure.kind === 'aborted' || active.controller.signal.aborted) return this.#requeueIfSignedOut(active);
        if (failure.kind !== 'network' && failure.kind !== 'unavailable') return this.#fail(active, ...codeFor(failure));
        if (active.bytes > bytesAtLastFailure) attempts = 0;
        bytesAtLastFailure = active.bytes;
        attempts++;
        this.deps.log.warn('download interrupted; resuming', { recordingId: row.recording_id, attempt: attempts, reason: failure.message });
        if (attempts > (retry.maxAttempts ?? 6)) return this.#fail(active, 'platform_unreachable', `the download keeps failing: ${failure.message}`);
        const waited = await abortableDelay(fullJitterDelay(attempts, retry.baseDelayMs ?? 500, retry.maxDelayMs ?? 15_000), active.controller.signal);
        if (!waited) return this.#requeueIfSignedOut(active);
        continue;
      }

      if (active.controller.signal.aborted) return this.#requeueIfSignedOut(active);
      if (!this.#stopped) this.deps.cache.setState(row.recording_id, 'verifying', { bytesDone: result.bytes });
      this.deps.publish(row.recording_id);
      if (result.sha256 !== row.sha256) {
        await rm(partial, { force: true });
        return this.#fail(active, 'recording_corrupt', `the downloaded file's sha256 ${result.sha256} is not the platform's ${row.sha256}`);
      }
      const target = folder.recordingFile(row.recording_id, row.content_type);
      // The rename is the moment the recording becomes whole: never a half file under the final
      // name. Its bytes are on the disk before it, and the name before the row says ready, so a
      // power cut cannot leave a ready row over a short or missing file.
      await syncFile(partial);
      await rename(partial, target.absolute);
      await syncDir(dirname(target.absolute));
      if (this.#stopped) return;
      this.deps.log.info('recording downloaded', { recordingId: row.recording_id, bytes: result.bytes, resumedFrom: result.resumedFrom });
      // The cache announces it ready: media checks it is readable before anyone opens it.
      this.deps.cache.markReady(row.recording_id, target.relative, result.bytes);
      return;
    }
  }

  #progress(active: Active, bytes: number): void {
    active.bytes = bytes;
    const at = this.#now().getTime();
    if (at - active.lastEventAt >= (this.options.progressIntervalMs ?? 250)) {
      active.lastEventAt = at;
      this.deps.publish(active.recordingId);
    }
    // Every write is fsynced (synchronous=FULL): the database hears of progress once a second, events more often.
    if (at - active.lastSavedAt >= 1000) {
      active.lastSavedAt = at;
      if (!this.#stopped) this.deps.cache.saveProgress(active.recordingId, bytes);
    }
  }

  #fail(active: Active, code: ErrorCode, message: string): void {
    if (this.#stopped || active.controller.signal.aborted) return;
    const error: ContractError = { code, message: message.slice(0, 2000) };
    this.deps.log.warn('download failed', { recordingId: active.recordingId, ...error });
    this.deps.cache.setState(active.recordingId, 'failed', { bytesDone: active.bytes, error });
  }

  /** A download stopped because its examiner signed out goes back in the queue for their return. */
  #requeueIfSignedOut(active: Active): void {
    if (active.controller.signal.reason === 'signed out') this.#requeue(active);
  }

  #requeue(active: Active): void {
    if (this.#stopped) return;
    this.deps.cache.setState(active.recordingId, 'queued', { bytesDone: active.bytes });
  }
}

function codeFor(failure: AttemptFailure): [ErrorCode, string] {
  switch (failure.kind) {
    case 'disk_full':
      return ['disk_full', failure.message];
    case 'oversize':
      return ['recording_corrupt', failure.message];
    case 'refused':
      if (failure.status === 401) return ['session_expired', failure.message];
      if (failure.status === 404) return ['not_found', failure.message];
      return ['platform_error', failure.message];
    case 'unavailable':
      return ['platform_error', failure.message];
    case 'network':
      return ['platform_unreachable', failure.message];
    case 'aborted':
      return ['internal', 'aborted'];
  }
}

/** Waits `ms`; false if the signal aborted first. */
function abortableDelay(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
