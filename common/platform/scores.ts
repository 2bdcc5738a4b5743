import { z } from 'zod';
import { Id, MAX_CRITERIA } from './exams';
import { MAX_TECHNICAL_ISSUES, TechnicalIssue } from './fairness';
import { maxJsonBytes } from './json-size';

/**
 * Score intake. A sheet is submitted for an assignment with an `Idempotency-Key` header (the
 * same key on every retry of one submission) and `If-Match: "<version>"` naming the version it
 * was based on (`If-Match: "0"` for the first submission). The platform answers:
 *   201 accepted (a repeated key + same body gets the original status and body again, with
 *   the header `idempotent-replayed: true`, even if the score changed since);
 *   422 same key, different body; 409 same key still in flight; 412 stale base version, with
 *   the current record; 423 locked by the chief examiner, with the current record;
 *   400 values outside the rubric (`problems` lists them). A missing If-Match is a 428, a
 *   missing or malformed Idempotency-Key or a malformed If-Match a 400.
 * The optional `Audit-Head` header (also on the batch) lets the platform witness the
 * workstation's audit chain: see common/platform/audit.ts.
 */

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
export const IDEMPOTENT_REPLAYED_HEADER = 'idempotent-replayed';
export const IdempotencyKey = z.string().min(8).max(128).regex(/^[A-Za-z0-9_.:-]+$/);

/**
 * A grader's mark on a recording, at a time on the review clock: a note ("intonation slips
 * here") or a suspected violation (someone else in the room). Kept with the score sheet so the
 * chief examiner can jump to what the grader saw.
 */
export const ReviewMark = z.strictObject({
  /** Chosen by the workstation; unique within the sheet. */
  id: z.string().min(1).max(40).regex(/^[A-Za-z0-9_-]+$/),
  kind: z.enum(['note', 'violation']),
  /** Milliseconds from the start of the main recording (48 hours at most). */
  atMs: z.number().int().nonnegative().max(172_800_000),
  text: z.string().max(500),
});
export type ReviewMark = z.infer<typeof ReviewMark>;

export const MAX_REVIEW_MARKS = 200;

export const ScoreSheet = z.strictObject({
  /**
   * Criterion id → value (0..max, a multiple of the step); one per criterion at most. The bound
   * is also written as `maxProperties`, where JSON Schema (and so maxJsonBytes) reads it.
   */
  values: z
    .record(Id, z.number().nonnegative().max(1000))
    .refine((values) => Object.keys(values).length <= MAX_CRITERIA, { message: `at most ${String(MAX_CRITERIA)} values` })
    .meta({ maxProperties: MAX_CRITERIA }),
  comment: z.string().max(2000),
  violation: z.strictObject({
    flagged: z.boolean(),
    /** Required when flagged. */
    note: z.string().max(2000).nullable(),
  }),
  /**
   * Replaced by the `Audit-Head` header (common/platform/audit.ts), which carries the head at
   * send time. Still accepted, and stored when no header comes, so sheets an older workstation
   * queued with it are delivered; a new workstation leaves it out.
   */
  auditHead: z.string().length(64).regex(/^[0-9a-f]{64}$/).nullable().optional(),
  /**
   * Timestamped notes and violation marks from the review player. Optional, and left out when
   * there are none, so sheets sent before marks existed (and their idempotency hashes) stay valid.
   */
  marks: z.array(ReviewMark).max(MAX_REVIEW_MARKS).optional(),
  /**
   * The band chosen first, when the rubric is band-first (common/scoring/bands.ts): required
   * there, refused elsewhere. Left out otherwise, so older sheets keep their hashes.
   */
  band: Id.optional(),
  /** Technical-issue marks (common/platform/fairness.ts): never part of the total. Left out when none. */
  technicalIssues: z.array(TechnicalIssue).max(MAX_TECHNICAL_ISSUES).optional(),
});
export type ScoreSheet = z.infer<typeof ScoreSheet>;

/** What the platform holds for one (assignment, examiner). */
export const ScoreRecord = z.object({
  assignmentId: Id,
  version: z.number().int().nonnegative(),
  sheet: ScoreSheet.nullable(),
  total: z.number().nullable(),
  acceptedAt: z.iso.datetime().nullable(),
  locked: z.boolean(),
});
export type ScoreRecord = z.infer<typeof ScoreRecord>;

export const ScoreReceipt = z.object({
  assignmentId: Id,
  version: z.number().int().positive(),
  total: z.number(),
  acceptedAt: z.iso.datetime(),
  idempotencyKey: IdempotencyKey,
});
export type ScoreReceipt = z.infer<typeof ScoreReceipt>;

export const ScoreErrorCode = z.enum([
  'invalid_score',
  'idempotency_mismatch',
  'in_flight',
  'version_conflict',
  'locked',
  'not_found',
  'forbidden',
  'idempotency_key_required',
  'bad_idempotency_key',
  'precondition_required',
  'bad_if_match',
  'bad_audit_head',
  /** The examiner recused themselves from this candidate (or a chief recorded it): the sheet is void. */
  'recused',
  /** The subject requires calibration (试评) and this examiner has anchors left to score. */
  'calibration_required',
]);
export type ScoreErrorCode = z.infer<typeof ScoreErrorCode>;

/** A refused submission; 412 and 423 carry the platform's current record. */
export const ScoreRefusal = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
  current: ScoreRecord.optional(),
});
export type ScoreRefusal = z.infer<typeof ScoreRefusal>;

export const MAX_BATCH = 500;

export const BatchItem = z.strictObject({
  assignmentId: Id,
  idempotencyKey: IdempotencyKey,
  baseVersion: z.number().int().nonnegative(),
  sheet: ScoreSheet,
});
export type BatchItem = z.infer<typeof BatchItem>;

export const BatchRequest = z.strictObject({ items: z.array(BatchItem).min(1).max(MAX_BATCH) });
export type BatchRequest = z.infer<typeof BatchRequest>;

/**
 * The longest body of a valid single submission and of a valid batch, as JSON.stringify writes
 * them (common/platform/json-size.ts): the platform's body limits, so no valid request is refused
 * for its size, and the workstation's byte budget for a batch. Computed from the schemas' limits,
 * so a field added to a submission, or a limit raised, moves them.
 */
export const MAX_SCORE_SHEET_BYTES = maxJsonBytes(ScoreSheet);
export const MAX_BATCH_BODY_BYTES = maxJsonBytes(BatchRequest);

export const BatchResult = z.object({
  idempotencyKey: IdempotencyKey,
  /** The HTTP status the single endpoint would have answered. */
  status: z.number().int(),
  body: z.union([ScoreReceipt, ScoreRefusal]),
});
export type BatchResult = z.infer<typeof BatchResult>;

export const BatchResponse = z.object({ results: z.array(BatchResult) });
export type BatchResponse = z.infer<typeof BatchResponse>;

/**
 * Pushed to an examiner asked to look at a sheet again: by the platform when their total
 * deviates from the panel (how far, never the others' scores), or by a chief examiner with a
 * note (common/platform/chief.ts). Blind either way: nobody else's score goes with it.
 */
const ReReviewBase = { requestId: Id, assignmentId: Id, requestedAt: z.iso.datetime() };
export const ReReviewRequest = z.discriminatedUnion('reason', [
  z.object({
    ...ReReviewBase,
    reason: z.literal('deviation'),
    /** How far this examiner's total is from the panel's combined score, and the threshold. */
    deviation: z.number().nonnegative(),
    threshold: z.number().positive(),
  }),
  z.object({
    ...ReReviewBase,
    reason: z.literal('chief'),
    /** The chief examiner's reason, in their words. */
    note: z.string().min(1).max(500),
  }),
]);
export type ReReviewRequest = z.infer<typeof ReReviewRequest>;

export const ReReviewList = z.object({ requests: z.array(ReReviewRequest) });
