import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { AssignmentList, type Assignment } from '@common/platform/assignments';
import { Exam, type Criterion } from '@common/platform/exams';
import { QueueEntry } from '@common/platform/queue';
import { RoomLog, type MoveEntry } from '@common/platform/room';
import { IDEMPOTENCY_KEY_HEADER, ScoreReceipt, ScoreRecord, type ScoreSheet } from '@common/platform/scores';
import { API_PREFIX } from '@common/platform/wire';

/** The platform refused a request: its HTTP status and error code (`not_lead`, `queue_empty`, …). */
export class PlatformRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'PlatformRefusal';
  }
}

/**
 * What a signed-in examiner does over the platform's HTTP API (platform/routes): the lead's
 * controls of the live interview, the room log, assignments and score sheets. Every answer is
 * checked against its schema; a refusal throws PlatformRefusal.
 */
export class ExaminerApi {
  constructor(
    private readonly platformUrl: string,
    private readonly token: string,
  ) {}

  call(slotId: string, entryId: string): Promise<QueueEntry> {
    return this.#entryControl(slotId, `${entryId}/call`);
  }

  callNext(slotId: string): Promise<QueueEntry> {
    return this.#entryControl(slotId, 'call-next');
  }

  finish(slotId: string, entryId: string): Promise<QueueEntry> {
    return this.#entryControl(slotId, `${entryId}/finish`);
  }

  absent(slotId: string, entryId: string): Promise<QueueEntry> {
    return this.#entryControl(slotId, `${entryId}/absent`);
  }

  extend(slotId: string, entryId: string, minutes: 1 | 2 | 5): Promise<QueueEntry> {
    return this.#entryControl(slotId, `${entryId}/extend`, { minutes });
  }

  readmit(slotId: string, entryId: string, reason: string): Promise<QueueEntry> {
    return this.#entryControl(slotId, `${entryId}/readmit`, { reason });
  }

  move(slotId: string, entryId: string, target: MoveEntry): Promise<QueueEntry> {
    return this.#entryControl(slotId, `${entryId}/move`, target);
  }

  async roomLog(slotId: string, entryId: string): Promise<RoomLog> {
    return this.#request('GET', `/slots/${slotId}/queue/${entryId}/log`, undefined, RoomLog);
  }

  async assignments(): Promise<Assignment[]> {
    return (await this.#request('GET', '/assignments', undefined, AssignmentList)).assignments;
  }

  exam(examId: string): Promise<Exam> {
    return this.#request('GET', `/exams/${examId}`, undefined, Exam);
  }

  score(assignmentId: string): Promise<ScoreRecord> {
    return this.#request('GET', `/assignments/${assignmentId}/score`, undefined, ScoreRecord);
  }

  /** Submits a sheet based on `baseVersion` (0 for a first submission), with a fresh idempotency key. */
  submitScore(assignmentId: string, sheet: ScoreSheet, baseVersion = 0): Promise<ScoreReceipt> {
    return this.#request('POST', `/assignments/${assignmentId}/score`, sheet, ScoreReceipt, {
      [IDEMPOTENCY_KEY_HEADER]: randomUUID(),
      'if-match': `"${baseVersion}"`,
    });
  }

  #entryControl(slotId: string, path: string, body: unknown = {}): Promise<QueueEntry> {
    return this.#request('POST', `/slots/${slotId}/queue/${path}`, body, QueueEntry);
  }

  async #request<T>(method: 'GET' | 'POST', path: string, body: unknown, schema: z.ZodType<T>, headers: Record<string, string> = {}): Promise<T> {
    const response = await fetch(`${this.platformUrl}${API_PREFIX}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const json: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      const error = (json as { error?: { code?: unknown; message?: unknown } } | null)?.error;
      throw new PlatformRefusal(response.status, String(error?.code ?? 'http'), `${method} ${path}: HTTP ${response.status} ${String(error?.message ?? '')}`);
    }
    return schema.parse(json);
  }
}

/**
 * A sheet that gives `fraction` (0..1) of every criterion's maximum, rounded down to its step:
 * what a simulated member submits after the interview.
 */
export function sheetFor(criteria: readonly Criterion[], fraction: number, comment = ''): ScoreSheet {
  const values: Record<string, number> = {};
  for (const criterion of criteria) values[criterion.id] = Math.floor((criterion.max * Math.min(1, Math.max(0, fraction))) / criterion.step) * criterion.step;
  return { values, comment, violation: { flagged: false, note: null }, auditHead: null };
}
