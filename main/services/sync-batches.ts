/**
 * How the sync worker cuts the outbox into batches, and what it does when the platform refuses
 * one as a whole. Pure functions: tests/unit/sync/sync-batches.test.ts holds their cases.
 */

/** `{"items":[` and `]}` around the items, which a comma separates. */
export const BATCH_ENVELOPE_BYTES = Buffer.byteLength('{"items":[]}');

export interface BatchLimits {
  /** Items per batch (the platform takes up to MAX_BATCH). */
  readonly maxItems: number;
  /** Bytes of the whole body, as JSON.stringify writes it. */
  readonly maxBytes: number;
}

/** The body's size for items of these sizes (each its JSON in UTF-8). */
export function batchBytes(items: readonly { readonly bytes: number }[]): number {
  return BATCH_ENVELOPE_BYTES + items.reduce((sum, item) => sum + item.bytes, 0) + Math.max(0, items.length - 1);
}

/**
 * The longest run from the head of `queue` that stays within both limits. The first item always
 * goes, alone if it is larger than the budget: the platform, not a guess, decides whether it fits.
 */
export function fillBatch<T extends { readonly bytes: number }>(queue: readonly T[], limits: BatchLimits): T[] {
  const batch: T[] = [];
  let bytes = BATCH_ENVELOPE_BYTES - 1;
  for (const item of queue) {
    if (batch.length >= limits.maxItems) break;
    // Each item brings its bytes and a comma (or, for the first, the envelope's last byte).
    if (batch.length > 0 && bytes + 1 + item.bytes > limits.maxBytes) break;
    bytes += 1 + item.bytes;
    batch.push(item);
  }
  return batch;
}

/**
 * The platform's answers that refuse what the items are, not how the request was made: a body
 * too large (413) or one the platform cannot take (400, 422). Such a batch is split until the
 * item at fault is alone, and that one item is refused; the others are delivered. A 400 about
 * the request's headers (a malformed Audit-Head) is the workstation's own fault, the same for
 * every half, so it is retried as before instead. A header added to the submission request
 * brings its refusal code here.
 */
const HEADER_REFUSALS: ReadonlySet<string> = new Set(['bad_audit_head']);

export function refusesTheItems(status: number, platformCode: string | null): boolean {
  if (status === 413) return true;
  if (status !== 400 && status !== 422) return false;
  return platformCode === null || !HEADER_REFUSALS.has(platformCode);
}

/** The two halves of a batch of two or more, the first the larger when the count is odd. */
export function halves<T>(batch: readonly T[]): [T[], T[]] {
  const middle = Math.ceil(batch.length / 2);
  return [batch.slice(0, middle), batch.slice(middle)];
}

/**
 * The byte budget after the platform (or a proxy before it) refused a batch of `refusedBytes` as
 * too large: half of that, so the next batches are cut below whatever its limit is. Never raised
 * again by this worker: a platform's limit does not grow while the workstation runs.
 */
export function budgetAfterTooLarge(budget: number, refusedBytes: number): number {
  return Math.min(budget, Math.max(BATCH_ENVELOPE_BYTES + 1, Math.floor(refusedBytes / 2)));
}
