import { z } from 'zod';
import { Id } from './exams';

/**
 * Fair scoring (公平评分): recusal, calibration on anchor performances, technical-issue marks.
 * Band-first scoring is part of the rubric (exams.ts `Band`) and its check is
 * common/scoring/bands.ts, which the platform and the workstation both apply.
 */

// ── Recusal (利益关系者回避) ────────────────────────────────────────────────────────────

/** Why an examiner stands aside from a candidate: a relative, their own student, or another tie (say which). */
export const RecusalReason = z.enum(['relative', 'own_student', 'other']);
export type RecusalReason = z.infer<typeof RecusalReason>;

const RecusalNote = z.string().trim().max(500);

/**
 * POST /assignments/{assignmentId}/recusal: the examiner declares they know the candidate. Only
 * before their sheet is accepted (after that, 409 `already_scored`: only a chief may record it).
 * `other` needs a note. The sheet is void from then on: it leaves the panel's combination and the
 * deviation check, and any later submission is refused 403 `recused`. Declaring again is 409
 * `already_recused` with the recusal as it stands.
 */
export const RecusalBody = z
  .strictObject({ reason: RecusalReason, note: RecusalNote.optional() })
  .refine((body) => body.reason !== 'other' || (body.note ?? '').length > 0, { message: 'a recusal for another reason needs a note', path: ['note'] });
export type RecusalBody = z.infer<typeof RecusalBody>;

/** A declared recusal, as the examiner and the chief see it. */
export const Recusal = z.object({
  assignmentId: Id,
  reason: RecusalReason,
  note: z.string().max(500).nullable(),
  declaredAt: z.iso.datetime(),
  /** `self`: the examiner declared it; `chief`: a chief recorded it (after a submission, with a note). */
  declaredBy: z.enum(['self', 'chief']),
});
export type Recusal = z.infer<typeof Recusal>;

/**
 * POST /chief/recusals: a chief records a member's recusal, also after the sheet was accepted
 * (the accepted sheet is then void). The note is required and goes into the chief's action log.
 */
export const ChiefRecusalBody = z.strictObject({ assignmentId: Id, reason: RecusalReason, note: z.string().trim().min(1).max(500) });
export type ChiefRecusalBody = z.infer<typeof ChiefRecusalBody>;

// ── Technical-issue marks (技术问题标记) ─────────────────────────────────────────────────

/** What the recording or the connection did to the performance. */
export const TechnicalIssueCategory = z.enum(['sound_clipped', 'sound_missing', 'picture_frozen', 'angle_missing', 'connection_lost', 'other']);
export type TechnicalIssueCategory = z.infer<typeof TechnicalIssueCategory>;

export const MAX_TECHNICAL_ISSUES = 20;
export const MAX_ISSUE_MOMENTS = 20;

/**
 * A mark, carried with the sheet but never part of its total, that the performance was hurt by
 * the recording or the connection; the chief sees it beside the scores. Moments are milliseconds
 * on the review clock (recorded subjects) or since the interview began (live), `toMs` when it
 * lasted.
 */
export const TechnicalIssue = z.strictObject({
  /** Chosen by the workstation; unique within the sheet. */
  id: z.string().min(1).max(40).regex(/^[A-Za-z0-9_-]+$/),
  category: TechnicalIssueCategory,
  note: z.string().max(500),
  moments: z
    .array(
      z
        .strictObject({ atMs: z.number().int().nonnegative().max(172_800_000), toMs: z.number().int().nonnegative().max(172_800_000).optional() })
        .refine((moment) => moment.toMs === undefined || moment.toMs >= moment.atMs, { message: 'toMs before atMs' }),
    )
    .max(MAX_ISSUE_MOMENTS),
});
export type TechnicalIssue = z.infer<typeof TechnicalIssue>;

// ── Calibration (试评, 样卷) ─────────────────────────────────────────────────────────────

/** Values of a rubric, with the band when the rubric is band-first. */
export const ReferenceScores = z.strictObject({
  values: z.record(Id, z.number().nonnegative().max(1000)).meta({ maxProperties: 50 }),
  band: Id.optional(),
});
export type ReferenceScores = z.infer<typeof ReferenceScores>;

/**
 * POST /chief/anchors: a chief marks a recording of a subject as an anchor (样卷), with reference
 * scores that must be a complete, valid sheet of the subject's rubric (band included when it is
 * band-first); 400 `invalid_reference` otherwise. `assignmentId` is the chief's own assignment of
 * that candidate (recorded subjects only). The anchor is then offered to every other examiner of
 * the subject as a calibration assignment; the chief who set it never calibrates on it.
 */
export const CreateAnchorBody = z.strictObject({
  assignmentId: Id,
  label: z.string().trim().min(1).max(32),
  reference: ReferenceScores,
});
export type CreateAnchorBody = z.infer<typeof CreateAnchorBody>;

export const Anchor = z.object({
  anchorId: Id,
  examId: Id,
  subjectId: Id,
  label: z.string().min(1).max(32),
  reference: ReferenceScores,
  referenceTotal: z.number(),
  /** The chief who set it (display name). */
  setBy: z.string().min(1).max(128),
  createdAt: z.iso.datetime(),
});
export type Anchor = z.infer<typeof Anchor>;

/**
 * POST /calibration/anchors/{anchorId}: the examiner's scores for an anchor. Once per examiner
 * and anchor (again: 409 `already_calibrated` with the stored result); refused 403 `own_anchor`
 * to the chief who set it; 400 `invalid_score` with `problems` when it does not fit the rubric.
 */
export const CalibrationBody = z.strictObject({ ...ReferenceScores.shape });
export type CalibrationBody = z.infer<typeof CalibrationBody>;

/** How an examiner's calibration scores compare with the anchor's reference, per criterion. */
export const CalibrationResult = z.object({
  anchorId: Id,
  label: z.string().min(1).max(32),
  scoredAt: z.iso.datetime(),
  criteria: z.array(z.object({ criterionId: Id, yours: z.number(), reference: z.number(), difference: z.number() })),
  total: z.number(),
  referenceTotal: z.number(),
  /** yours − reference. */
  totalDifference: z.number(),
  /** The bands, when the rubric is band-first. */
  band: z.object({ yours: Id, reference: Id }).nullable(),
});
export type CalibrationResult = z.infer<typeof CalibrationResult>;

/** GET /calibration/subjects/{subjectId}: the examiner's calibration in a subject. */
export const CalibrationStatus = z.object({
  subjectId: Id,
  required: z.boolean(),
  /** The anchors offered to this examiner (as calibration assignments), and those they scored. */
  anchorIds: z.array(Id),
  results: z.array(CalibrationResult),
  /** Every offered anchor is scored: real scores in the subject are accepted. */
  complete: z.boolean(),
});
export type CalibrationStatus = z.infer<typeof CalibrationStatus>;

/** GET /chief/exams/{examId}/subjects/{subjectId}/calibration: every examiner's calibration. */
export const ChiefCalibration = z.object({
  examId: Id,
  subjectId: Id,
  required: z.boolean(),
  anchors: z.array(Anchor),
  examiners: z.array(
    z.object({
      memberId: Id,
      displayName: z.string().min(1).max(128),
      results: z.array(CalibrationResult),
      complete: z.boolean(),
    }),
  ),
});
export type ChiefCalibration = z.infer<typeof ChiefCalibration>;
