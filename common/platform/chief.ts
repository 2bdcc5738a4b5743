import { z } from 'zod';
import { CombineRule, Id, LocalizedText, Rubric } from './exams';
import { Recusal, TechnicalIssue } from './fairness';
import { RoomLogLine } from './room';

/**
 * The chief examiner's desk (主考): a slot's score matrix, the chief's actions on it (lock,
 * re-review, sign-off), the slot's exam-room log and the results for the exam office. Every
 * route under `/chief/` answers 403 `forbidden` to an account without the `chief` role, and 404
 * for a slot or assignment of a panel the chief does not sit on. Scores reach chief examiners
 * only: examiners see nothing of the matrix, and a re-review reaches them blind (the chief's
 * note, never anyone's score).
 */

/**
 * Where one member's sheet for one candidate stands, as the platform knows it:
 * - `not_scored`: nothing yet;
 * - `saved`: the examiner's workstation holds a draft (it says so; the values stay there);
 * - `submitted`: submitted on the workstation and on its way (in its outbox), not yet accepted;
 * - `accepted`: the platform holds an accepted sheet (its total counts);
 * - `recused`: the member stood aside from this candidate and does not count.
 */
export const SheetState = z.enum(['not_scored', 'saved', 'submitted', 'accepted', 'recused']);
export type SheetState = z.infer<typeof SheetState>;

/** What an examiner's workstation tells the platform of a sheet (never its values). */
export const SheetProgress = z.enum(['saved', 'submitted']);
export type SheetProgress = z.infer<typeof SheetProgress>;

/** A panel member as the chief sees them: the account id keys the matrix's cells. */
export const MatrixMember = z.object({
  memberId: Id,
  displayName: z.string().min(1).max(128),
  /** The chief's own column, when the chief sits on the panel. */
  isYou: z.boolean(),
});
export type MatrixMember = z.infer<typeof MatrixMember>;

/** The state of a re-review request on a sheet: none ever, open, or answered by a resubmission. */
export const ReReviewState = z.enum(['none', 'open', 'answered']);
export type ReReviewState = z.infer<typeof ReReviewState>;

export const MatrixCell = z.object({
  assignmentId: Id,
  memberId: Id,
  state: SheetState,
  /** The accepted total; null unless accepted. */
  total: z.number().nullable(),
  /** The platform's version of the sheet (0 before the first acceptance). */
  version: z.number().int().nonnegative(),
  locked: z.boolean(),
  /** When the current version was accepted, and when the first one was (the order of the member's day). */
  acceptedAt: z.iso.datetime().nullable(),
  firstAcceptedAt: z.iso.datetime().nullable(),
  /** |total - combined| once the row has a combined score; null otherwise. */
  deviation: z.number().nonnegative().nullable(),
  /** The deviation is beyond the exam's threshold (and the panel has enough totals to judge by). */
  flagged: z.boolean(),
  reReview: ReReviewState,
  /** The member's recusal from this candidate (state `recused`); null otherwise. */
  recusal: Recusal.nullable().default(null),
  /** How many technical-issue marks the accepted sheet carries (never part of its total). */
  technicalIssues: z.number().int().nonnegative().default(0),
});
export type MatrixCell = z.infer<typeof MatrixCell>;

export const MatrixRow = z.object({
  candidateCode: z.string().min(1).max(32),
  /** The candidate's place in the slot (appointment order), from 1. */
  order: z.number().int().positive(),
  /** The combined score of the accepted totals by the exam's rule; null with none accepted. */
  combined: z.number().nullable(),
  /** How many of the counting members' sheets are accepted, of how many count (recused excluded). */
  accepted: z.number().int().nonnegative(),
  counting: z.number().int().nonnegative(),
  /** One per member, in the order of the matrix's members. */
  cells: z.array(MatrixCell),
});
export type MatrixRow = z.infer<typeof MatrixRow>;

export const SignOff = z.object({
  slotId: Id,
  at: z.iso.datetime(),
  /** The chief's display name. */
  by: z.string().min(1).max(128),
});
export type SignOff = z.infer<typeof SignOff>;

export const ScoreMatrix = z.object({
  examId: Id,
  slotId: Id,
  subjectId: Id,
  subjectName: LocalizedText,
  combineRule: CombineRule,
  deviationThreshold: z.number().positive(),
  /** The highest total the rubric allows. */
  maxTotal: z.number().positive(),
  members: z.array(MatrixMember),
  rows: z.array(MatrixRow),
  signedOff: SignOff.nullable(),
  generatedAt: z.iso.datetime(),
  /**
   * Present when only a page of the rows was asked for (`?offset=&limit=`): the rows are the
   * slot's [offset, offset + limit) in its order, of `totalRows`. Absent: the rows are all of them.
   */
  page: z
    .object({
      offset: z.number().int().nonnegative(),
      limit: z.number().int().positive(),
      totalRows: z.number().int().nonnegative(),
    })
    .optional(),
});
export type ScoreMatrix = z.infer<typeof ScoreMatrix>;

/** The most rows one page of the matrix may ask for (GET /chief/slots/:slotId/matrix?limit=). */
export const MAX_MATRIX_PAGE_ROWS = 5000;

const QueryCount = z
  .string()
  .regex(/^\d{1,9}$/, 'a whole number')
  .transform(Number);

/**
 * The query of a page of the matrix (query strings, as they come): without either, the whole
 * matrix; with either, a page (offset 0 and MAX_MATRIX_PAGE_ROWS rows unless said).
 */
export const MatrixPageQuery = z.object({
  offset: QueryCount.optional(),
  limit: QueryCount.pipe(z.number().min(1).max(MAX_MATRIX_PAGE_ROWS)).optional(),
});
export type MatrixPageQuery = z.infer<typeof MatrixPageQuery>;

/**
 * Pushed on the realtime socket to the chief examiners of the slot's panel when rows change (a
 * sheet saved, submitted, accepted, locked, questioned; a sign-off): whole rows, since one
 * sheet moves the row's combined score and every deviation. At most MAX_MATRIX_PUSH_ROWS rows.
 */
export const MAX_MATRIX_PUSH_ROWS = 100;
export const PushMatrix = z.object({
  type: z.literal('matrix'),
  slotId: Id,
  rows: z.array(MatrixRow).max(MAX_MATRIX_PUSH_ROWS),
  signedOff: SignOff.nullable(),
});
export type PushMatrix = z.infer<typeof PushMatrix>;

/**
 * Pushed to the examiner whose sheet a chief locked or unlocked (or the whole slot on sign-off):
 * the sheet can no longer be submitted (423) until it is unlocked.
 */
export const PushSheetLock = z.object({
  type: z.literal('sheet_lock'),
  assignmentId: Id,
  locked: z.boolean(),
  /** The lock is the slot's sign-off. */
  signedOff: z.boolean(),
});
export type PushSheetLock = z.infer<typeof PushSheetLock>;

/**
 * PUT /assignments/:assignmentId/progress: the examiner's workstation says a draft is saved, or
 * a sheet submitted and on its way (never the values), so the chief's matrix shows it. Best
 * effort: an acceptance outranks it, and a stale report never moves a sheet back.
 */
export const SheetProgressBody = z.strictObject({ state: SheetProgress });
export type SheetProgressBody = z.infer<typeof SheetProgressBody>;

/** POST /chief/re-reviews: ask a member to look at a sheet again, saying why. */
export const ChiefReReviewBody = z.strictObject({
  assignmentId: Id,
  note: z.string().trim().min(1).max(500),
});
export type ChiefReReviewBody = z.infer<typeof ChiefReReviewBody>;

/** DELETE /assignments/:id/lock after a sign-off needs a reason (logged); before it, none. */
export const UnlockBody = z.strictObject({ reason: z.string().trim().min(1).max(500) });
export type UnlockBody = z.infer<typeof UnlockBody>;

/** A re-review as the chief sees it: who, which candidate, why, and whether it was answered. */
export const ChiefReReview = z.object({
  requestId: Id,
  assignmentId: Id,
  candidateCode: z.string().min(1).max(32),
  memberId: Id,
  memberName: z.string().min(1).max(128),
  /** `deviation`: the platform's own request; `chief`: a chief's, with the note. */
  reason: z.enum(['deviation', 'chief']),
  note: z.string().max(500).nullable(),
  deviation: z.number().nonnegative().nullable(),
  /** The chief who asked; null for the platform. */
  requestedBy: z.string().min(1).max(128).nullable(),
  requestedAt: z.iso.datetime(),
  state: z.enum(['open', 'answered']),
  answeredAt: z.iso.datetime().nullable(),
});
export type ChiefReReview = z.infer<typeof ChiefReReview>;
export const ChiefReReviewList = z.object({ requests: z.array(ChiefReReview) });
export type ChiefReReviewList = z.infer<typeof ChiefReReviewList>;

/** The chief's actions on a slot's scores, append-only: every lock, unlock, re-review and sign-off. */
/** `recusal`: a chief recorded a member's recusal; `anchor`: a chief set an anchor (样卷) of the slot's subject. */
export const ChiefActionKind = z.enum(['lock', 'unlock', 're_review', 'sign_off', 'recusal', 'anchor']);
export const ChiefAction = z.object({
  at: z.iso.datetime(),
  /** The chief's display name. */
  actor: z.string().min(1).max(128),
  action: ChiefActionKind,
  assignmentId: Id.nullable(),
  candidateCode: z.string().min(1).max(32).nullable(),
  memberName: z.string().min(1).max(128).nullable(),
  reason: z.string().max(500).nullable(),
});
export type ChiefAction = z.infer<typeof ChiefAction>;
export const ChiefActionList = z.object({ actions: z.array(ChiefAction) });
export type ChiefActionList = z.infer<typeof ChiefActionList>;

/** The exam-room log (考场记录) of every interview of a slot, in appointment order. */
export const SlotRoomLog = z.object({
  slotId: Id,
  entries: z.array(
    z.object({
      entryId: Id,
      candidateCode: z.string().min(1).max(32),
      lines: z.array(RoomLogLine),
    }),
  ),
});
export type SlotRoomLog = z.infer<typeof SlotRoomLog>;

/** One member's sheet in the results: the criterion values as accepted. */
export const ResultSheet = z.object({
  memberId: Id,
  memberName: z.string().min(1).max(128),
  state: SheetState,
  values: z.record(Id, z.number()).nullable(),
  total: z.number().nullable(),
  version: z.number().int().nonnegative(),
  acceptedAt: z.iso.datetime().nullable(),
  /** The band of a band-first rubric, as accepted. */
  band: Id.nullable().default(null),
  technicalIssues: z.array(TechnicalIssue).default([]),
  recusal: Recusal.nullable().default(null),
});
export type ResultSheet = z.infer<typeof ResultSheet>;

export const ResultCandidate = z.object({
  candidateCode: z.string().min(1).max(32),
  /** Only when the platform grants this chief the code → name mapping (`identities`); else null. */
  candidateName: z.string().min(1).max(128).nullable(),
  slotId: Id,
  combined: z.number().nullable(),
  accepted: z.number().int().nonnegative(),
  counting: z.number().int().nonnegative(),
  sheets: z.array(ResultSheet),
});
export type ResultCandidate = z.infer<typeof ResultCandidate>;

/**
 * GET /chief/slots/:slotId/results, GET /chief/exams/:examId/subjects/:subjectId/results:
 * what the exam office's results file is made of.
 */
export const Results = z.object({
  examId: Id,
  examName: LocalizedText,
  subjectId: Id,
  subjectName: LocalizedText,
  rubric: Rubric,
  combineRule: CombineRule,
  /** The slots covered (one for a slot's results, every slot of the subject the chief sits on otherwise). */
  slotIds: z.array(Id),
  signedOff: z.array(SignOff),
  /** Whether candidate names are included (the platform granted the mapping). */
  identities: z.boolean(),
  candidates: z.array(ResultCandidate),
  roomLog: z.array(z.object({ entryId: Id, candidateCode: z.string().min(1).max(32), lines: z.array(RoomLogLine) })),
  generatedAt: z.iso.datetime(),
});
export type Results = z.infer<typeof Results>;
