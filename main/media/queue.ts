import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { JobPriority, MediaFailure, MediaJobKind, MediaJobState } from '@common/contract';
import { MediaAbort, MediaJobError } from '../../node-shared/media/failures';
import { failureOf } from './failures';

export interface JobContext {
  readonly jobId: string;
  /** Aborted on cancel, on timeout and at quit; pass it to every run. */
  readonly signal: AbortSignal;
  progress(fraction: number): void;
}

export interface JobSpec<T> {
  readonly kind: MediaJobKind;
  readonly priority: JobPriority;
  readonly timeoutMs: number;
  readonly recordingId: string | null;
  readonly assignmentId: string | null;
  run(context: JobContext): Promise<T>;
}

export interface JobSnapshot {
  readonly jobId: string;
  readonly kind: MediaJobKind;
  readonly priority: JobPriority;
  readonly recordingId: string | null;
  readonly assignmentId: string | null;
  readonly state: MediaJobState;
  readonly progress: number | null;
  readonly error: MediaFailure | null;
}

export interface QueueOptions {
  /** How many jobs run at once; default: one core left for the UI and the player. */
  readonly concurrency?: number;
  /** At most one progress report per job this often (state changes always go out at once). */
  readonly progressIntervalMs?: number;
  readonly onChange?: (job: JobSnapshot) => void;
}

interface Entry {
  snapshot: JobSnapshot;
  readonly spec: JobSpec<unknown>;
  readonly controller: AbortController;
  readonly settle: { resolve(value: unknown): void; reject(error: unknown): void };
  lastProgressAt: number;
  seq: number;
}

export function defaultConcurrency(): number {
  return Math.max(1, availableParallelism() - 1);
}

/**
 * Media jobs, run a few at a time. What the grader opens now (`priority: 'now'`) goes before
 * everything in the background, and has one lane of its own: when every slot is busy with
 * background work (a long proxy transcode), a `now` job still starts at once rather than
 * waiting minutes for a strip. Each job has a timeout and can be cancelled, queued or running.
 */
export class MediaJobQueue {
  readonly #queued: Entry[] = [];
  readonly #running = new Map<string, Entry>();
  readonly #concurrency: number;
  #seq = 0;
  #closed = false;

  constructor(private readonly options: QueueOptions = {}) {
    this.#concurrency = Math.max(1, options.concurrency ?? defaultConcurrency());
  }

  get concurrency(): number {
    return this.#concurrency;
  }

  enqueue<T>(spec: JobSpec<T>): { readonly jobId: string; readonly done: Promise<T> } {
    const jobId = `j${randomBytes(8).toString('hex')}`;
    let settle!: Entry['settle'];
    const done = new Promise<T>((resolve, reject) => {
      settle = { resolve: resolve as (value: unknown) => void, reject };
    });
    // The queue reports failures through onChange; a caller that only fires and forgets must not crash the process.
    done.catch(() => undefined);
    const snapshot: JobSnapshot = {
      jobId,
      kind: spec.kind,
      priority: spec.priority,
      recordingId: spec.recordingId,
      assignmentId: spec.assignmentId,
      state: 'queued',
      progress: null,
      error: null,
    };
    const entry: Entry = { snapshot, spec: spec as JobSpec<unknown>, controller: new AbortController(), settle, lastProgressAt: 0, seq: this.#seq++ };
    if (this.#closed) {
      this.#finish(entry, new MediaAbort('cancelled'));
      return { jobId, done };
    }
    this.#queued.push(entry);
    this.#report(entry);
    this.#pump();
    return { jobId, done };
  }

  /** Moves a queued job ahead of the background (the grader opened its recording). */
  prioritise(jobId: string): void {
    const entry = this.#queued.find((candidate) => candidate.snapshot.jobId === jobId);
    if (!entry || entry.snapshot.priority === 'now') return;
    entry.snapshot = { ...entry.snapshot, priority: 'now' };
    this.#report(entry);
    this.#pump();
  }

  /** Cancels a queued or running job; false when there is no such job (any more). */
  cancel(jobId: string): boolean {
    const index = this.#queued.findIndex((candidate) => candidate.snapshot.jobId === jobId);
    if (index >= 0) {
      const [entry] = this.#queued.splice(index, 1);
      if (entry) this.#finish(entry, new MediaAbort('cancelled'));
      return true;
    }
    const running = this.#running.get(jobId);
    if (!running) return false;
    running.controller.abort(new MediaAbort('cancelled'));
    return true;
  }

  /** At quit: cancels everything and refuses new jobs. */
  abortAll(): void {
    this.#closed = true;
    for (const entry of this.#queued.splice(0)) this.#finish(entry, new MediaAbort('cancelled'));
    for (const entry of this.#running.values()) entry.controller.abort(new MediaAbort('cancelled'));
  }

  snapshot(jobId: string): JobSnapshot | null {
    return this.#running.get(jobId)?.snapshot ?? this.#queued.find((entry) => entry.snapshot.jobId === jobId)?.snapshot ?? null;
  }

  get pending(): number {
    return this.#queued.length + this.#running.size;
  }

  #pump(): void {
    while (!this.#closed) {
      const next = this.#next();
      if (!next) return;
      this.#queued.splice(this.#queued.indexOf(next), 1);
      this.#start(next);
    }
  }

  /** The first `now` job, else the first background job, if a lane is free for it. */
  #next(): Entry | undefined {
    const first = (priority: JobPriority) =>
      this.#queued.filter((entry) => entry.snapshot.priority === priority).sort((a, b) => a.seq - b.seq)[0];
    const running = [...this.#running.values()];
    const now = first('now');
    if (now) {
      const reservedLaneFree = running.every((entry) => entry.snapshot.priority === 'background') && running.length <= this.#concurrency;
      if (running.length < this.#concurrency || reservedLaneFree) return now;
      return undefined;
    }
    return running.length < this.#concurrency ? first('background') : undefined;
  }

  #start(entry: Entry): void {
    this.#running.set(entry.snapshot.jobId, entry);
    entry.snapshot = { ...entry.snapshot, state: 'running', progress: 0 };
    this.#report(entry);
    const timer = setTimeout(() => entry.controller.abort(new MediaAbort('timed_out')), entry.spec.timeoutMs);
    const context: JobContext = {
      jobId: entry.snapshot.jobId,
      signal: entry.controller.signal,
      progress: (fraction) => {
        if (entry.snapshot.state !== 'running' || !Number.isFinite(fraction)) return;
        const progress = Math.min(1, Math.max(0, fraction));
        entry.snapshot = { ...entry.snapshot, progress };
        const at = Date.now();
        if (at - entry.lastProgressAt >= (this.options.progressIntervalMs ?? 250)) {
          entry.lastProgressAt = at;
          this.#report(entry);
        }
      },
    };
    void (async () => {
      let outcome: { ok: true; value: unknown } | { ok: false; error: unknown };
      try {
        // A job that ignores its signal must still end as cancelled, not as done.
        const value = await entry.spec.run(context);
        const reason: unknown = entry.controller.signal.reason;
        outcome = entry.controller.signal.aborted ? { ok: false, error: reason } : { ok: true, value };
      } catch (error) {
        outcome = { ok: false, error };
      }
      clearTimeout(timer);
      this.#running.delete(entry.snapshot.jobId);
      if (outcome.ok) {
        entry.snapshot = { ...entry.snapshot, state: 'done', progress: 1 };
        this.#report(entry);
        entry.settle.resolve(outcome.value);
      } else {
        this.#finish(entry, outcome.error);
      }
      this.#pump();
    })();
  }

  #finish(entry: Entry, error: unknown): void {
    const failure = error instanceof MediaAbort ? new MediaJobError(error.abortCause, error.message).toFailure() : failureOf(error);
    entry.snapshot = { ...entry.snapshot, state: 'failed', error: failure };
    this.#report(entry);
    entry.settle.reject(error instanceof MediaAbort ? new MediaJobError(error.abortCause, error.message) : error);
  }

  #report(entry: Entry): void {
    this.options.onChange?.(entry.snapshot);
  }
}
