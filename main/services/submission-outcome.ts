import { ScoreReceipt, ScoreRefusal, type ScoreRecord } from '@common/platform';

/**
 * What the workstation makes of the platform's answer to one submitted sheet, whichever
 * endpoint brought it (an item of the batch, or the single endpoint's status and body):
 *   - accepted: a 200/201 with a receipt; the sheet is the platform's version now;
 *   - conflict: a 412 (stale base version) or 423 (locked by the chief) with the platform's
 *     current record, kept beside the examiner's sheet for them to resolve: never overwritten;
 *   - rejected: any other 4xx but 409 (still in flight) and 429 (slow down), final and shown
 *     with its code (a 422 idempotency_mismatch, a 403 `recused` among them);
 *   - retry: anything else (5xx, 409, 429, an answer that breaks the schema), sent again later
 *     with the same key and body.
 * The sync worker acts on it; the conformance check (main/conformance) asks it of a platform's
 * answers, so what it proves is how the workstation would take them.
 */
export type SubmissionOutcome =
  | { readonly kind: 'accepted'; readonly receipt: ScoreReceipt }
  | { readonly kind: 'conflict'; readonly reason: 'locked' | 'version_conflict'; readonly current: ScoreRecord }
  | { readonly kind: 'rejected'; readonly error: { readonly code: string; readonly message: string } }
  | { readonly kind: 'retry' };

export function submissionOutcome(status: number, body: unknown): SubmissionOutcome {
  const receipt = ScoreReceipt.safeParse(body);
  if ((status === 200 || status === 201) && receipt.success) return { kind: 'accepted', receipt: receipt.data };
  const refusal = ScoreRefusal.safeParse(body);
  if ((status === 412 || status === 423) && refusal.success && refusal.data.current) {
    return { kind: 'conflict', reason: status === 423 ? 'locked' : 'version_conflict', current: refusal.data.current };
  }
  if (status >= 400 && status < 500 && status !== 409 && status !== 429) {
    return { kind: 'rejected', error: refusal.success ? refusal.data.error : { code: `http_${String(status)}`, message: 'refused by the platform' } };
  }
  return { kind: 'retry' };
}
