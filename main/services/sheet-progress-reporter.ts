import type { SheetProgress, SheetProgressBody } from '@common/platform';
import type { Logger } from '../log';
import type { PlatformClient } from '../platform/client';
import { NoContent } from '../platform/response-limits';
import type { PlatformHealthMonitor } from './platform-health-monitor';
import type { SessionService } from './session-service';

/** A report is advice for the chief's matrix: it gives up quickly rather than queue behind a slow platform. */
const REPORT_TIMEOUT_MS = 3_000;

export interface SheetProgressSink {
  /** A draft was saved; reported once per assignment and base version. */
  saved(assignmentId: string, baseVersion: number): void;
  /** The sheet was submitted into the outbox. */
  submitted(assignmentId: string): void;
  /** The examiner recused themselves: the sheet is void, and nothing more is reported of it. */
  recused?(assignmentId: string): void;
}

/**
 * Tells the platform that a sheet is saved as a draft or submitted and on its way
 * (PUT /assignments/:id/progress {state}), so the chief's matrix shows it: never the values.
 * Best effort: it never holds up a save (reports go out one at a time, after it), reports that
 * pile up are coalesced per sheet (submitted outranks saved), and offline they are dropped: the
 * acceptance, when the sheet arrives, speaks for itself.
 */
export class SheetProgressReporter implements SheetProgressSink {
  readonly #pending = new Map<string, SheetProgress>();
  /** `assignment\0baseVersion` of drafts already reported (or dropped: a report is never retried). */
  readonly #saved = new Set<string>();
  /** Assignments recused from: never reported again. */
  readonly #recused = new Set<string>();
  #draining: Promise<void> | null = null;

  constructor(
    private readonly client: PlatformClient,
    private readonly session: SessionService,
    private readonly health: PlatformHealthMonitor,
    private readonly log: Logger,
  ) {}

  saved(assignmentId: string, baseVersion: number): void {
    const key = `${assignmentId}\u0000${String(baseVersion)}`;
    if (this.#saved.has(key)) return;
    this.#saved.add(key);
    this.#queue(assignmentId, 'saved');
  }

  submitted(assignmentId: string): void {
    this.#queue(assignmentId, 'submitted');
  }

  recused(assignmentId: string): void {
    this.#recused.add(assignmentId);
    this.#pending.delete(assignmentId);
  }

  /** Resolves when every queued report has been sent or given up (tests). */
  async idle(): Promise<void> {
    while (this.#draining) await this.#draining;
  }

  #queue(assignmentId: string, state: SheetProgress): void {
    if (this.#recused.has(assignmentId)) return;
    if (this.health.current.state === 'offline' || this.health.current.state === 'unconfigured') return;
    if (this.#pending.get(assignmentId) !== 'submitted') this.#pending.set(assignmentId, state);
    this.#draining ??= this.#drain().finally(() => {
      this.#draining = null;
    });
  }

  async #drain(): Promise<void> {
    // After the save that queued it has returned: a report never delays one.
    await Promise.resolve();
    for (const [assignmentId, state] of this.#pending) {
      this.#pending.delete(assignmentId);
      if (this.health.current.state === 'offline') continue;
      let token: string;
      try {
        token = this.session.requireToken();
      } catch {
        this.#pending.clear();
        return;
      }
      const body: SheetProgressBody = { state };
      try {
        await this.client.request({
          method: 'PUT',
          path: `/assignments/${encodeURIComponent(assignmentId)}/progress`,
          schema: NoContent,
          token,
          body,
          timeoutMs: REPORT_TIMEOUT_MS,
        });
      } catch (error) {
        this.log.warn('a sheet progress report was not delivered (dropped)', { assignmentId, state, error: String(error) });
      }
    }
  }
}
