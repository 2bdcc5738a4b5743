import { z } from 'zod';
import { Assignment } from '../platform/assignments';
import { Exam, ExamSummary, Id } from '../platform/exams';
import { CalibrationStatus, MAX_TECHNICAL_ISSUES, Recusal, RecusalReason, TechnicalIssue } from '../platform/fairness';
import { MAX_REVIEW_MARKS, ReviewMark, ScoreSheet } from '../platform/scores';

/** Schemas of the offline-first store: cached platform data, score sheets, sync status, audit. */

const Instant = z.iso.datetime();

/** Where cached data came from and how old it is. */
export const Freshness = z.strictObject({
  fetchedAt: Instant.nullable(),
  /** False when the platform could not be asked and this is what it said last. */
  fresh: z.boolean(),
});
export type Freshness = z.infer<typeof Freshness>;

export const ExamListView = z.strictObject({ exams: z.array(ExamSummary), freshness: Freshness });
export type ExamListView = z.infer<typeof ExamListView>;

export const ExamView = z.strictObject({ exam: Exam, freshness: Freshness });
export type ExamView = z.infer<typeof ExamView>;

/** `recused`: the examiner recused themselves from the candidate (回避); the sheet is void and read-only. */
export const SheetStatus = z.enum(['draft', 'submitted', 'accepted', 'conflict', 'rejected', 'recused']);
export type SheetStatus = z.infer<typeof SheetStatus>;

export const AssignmentView = z.strictObject({
  assignment: Assignment,
  sheetStatus: SheetStatus.nullable(),
});
export type AssignmentView = z.infer<typeof AssignmentView>;

export const AssignmentListView = z.strictObject({ assignments: z.array(AssignmentView), freshness: Freshness });
export type AssignmentListView = z.infer<typeof AssignmentListView>;

export const AssignmentRef = z.strictObject({ assignmentId: Id });

export const ViolationInput = z.strictObject({
  flagged: z.boolean(),
  note: z.string().max(2000).nullable(),
});

/** What the grading form autosaves on every change. */
export const SheetInput = z.strictObject({
  assignmentId: Id,
  values: z.record(Id, z.number().nonnegative().max(1000)),
  comment: z.string().max(2000),
  violation: ViolationInput,
  /** The review player's notes and violation marks; left out, the stored ones are kept. */
  marks: z.array(ReviewMark).max(MAX_REVIEW_MARKS).optional(),
  /** The band of a band-first rubric (null: none chosen yet); left out, the stored one is kept. */
  band: Id.nullable().optional(),
  /** Technical-issue marks; left out, the stored ones are kept. */
  technicalIssues: z.array(TechnicalIssue).max(MAX_TECHNICAL_ISSUES).optional(),
});
export type SheetInput = z.infer<typeof SheetInput>;

/**
 * A problem with a value (common/scoring/rubric.ts) or with the band (common/scoring/bands.ts:
 * `criterionId` is then a criterion, or '@band' / '@total').
 */
export const ValueProblem = z.strictObject({
  criterionId: z.string(),
  problem: z.enum([
    'missing',
    'unknown_criterion',
    'over_max',
    'negative',
    'off_step',
    'not_finite',
    'band_missing',
    'band_unknown',
    'band_not_used',
    'outside_band',
    'total_outside_band',
  ]),
});

/** The platform's version of a sheet, shown beside ours in a conflict. */
export const PlatformVersion = z.strictObject({
  version: z.number().int().nonnegative(),
  sheet: ScoreSheet.nullable(),
  total: z.number().nullable(),
  acceptedAt: Instant.nullable(),
  locked: z.boolean(),
});
export type PlatformVersion = z.infer<typeof PlatformVersion>;

export const SheetState = z.strictObject({
  assignmentId: Id,
  values: z.record(z.string(), z.number()),
  comment: z.string(),
  violation: z.strictObject({ flagged: z.boolean(), note: z.string().nullable() }),
  /** Timestamped notes and violation marks, in time order (empty for sheets from before marks). */
  marks: z.array(ReviewMark),
  /** The chosen band of a band-first rubric; null when none (or the rubric has no bands). */
  band: Id.nullable(),
  /** Technical-issue marks, never part of the total. */
  technicalIssues: z.array(TechnicalIssue),
  /** Set once the examiner recused themselves (status `recused`). */
  recusal: Recusal.nullable(),
  /** Null while incomplete or invalid. */
  total: z.number().nullable(),
  /** What stands between this sheet and submission (missing required criteria…). */
  problems: z.array(ValueProblem),
  status: SheetStatus,
  /** The platform version this sheet was based on (0: never accepted). */
  baseVersion: z.number().int().nonnegative(),
  acceptedVersion: z.number().int().positive().nullable(),
  /** Local edit counter: grows with every autosave. */
  revision: z.number().int().nonnegative(),
  updatedAt: Instant,
  submittedAt: Instant.nullable(),
  acceptedAt: Instant.nullable(),
  conflict: z.strictObject({ reason: z.enum(['version_conflict', 'locked']), platform: PlatformVersion }).nullable(),
  /** Why the platform refused it outright (a bug to report, not retried). */
  error: z.strictObject({ code: z.string(), message: z.string() }).nullable(),
});
export type SheetState = z.infer<typeof SheetState>;

/**
 * Whether the chief examiner has locked this examiner's sheet (pushed by the platform as
 * `sheet_lock`, kept across a restart): a locked sheet cannot be submitted until it is unlocked.
 */
export const SheetLock = z.strictObject({
  assignmentId: Id,
  locked: z.boolean(),
  /** The lock is the slot's sign-off (本场已签署). */
  signedOff: z.boolean(),
});
export type SheetLock = z.infer<typeof SheetLock>;

export const ResolveConflictInput = z.strictObject({
  assignmentId: Id,
  /** mine: resubmit this workstation's version on top of the platform's; platform: take theirs. */
  keep: z.enum(['mine', 'platform']),
});
export type ResolveConflictInput = z.infer<typeof ResolveConflictInput>;

export const SyncState = z.enum(['idle', 'syncing', 'offline', 'backing_off', 'signed_out']);
export const SyncStatus = z.strictObject({
  state: SyncState,
  /** Submissions waiting to reach the platform. */
  pending: z.number().int().nonnegative(),
  conflicts: z.number().int().nonnegative(),
  /** Refused outright by the platform: a bug surfaced, not retried. */
  rejected: z.number().int().nonnegative(),
  lastSuccessAt: Instant.nullable(),
  /** The current error in English for logs; the UI words it from `state`. */
  lastError: z.string().nullable(),
  nextAttemptAt: Instant.nullable(),
});
export type SyncStatus = z.infer<typeof SyncStatus>;

export const AuditVerdictView = z.union([
  z.strictObject({ ok: z.literal(true), count: z.number().int().nonnegative(), head: z.string().nullable() }),
  z.strictObject({
    ok: z.literal(false),
    seq: z.number().int().positive(),
    reason: z.enum(['altered', 'missing', 'out_of_order', 'tail_cut']),
  }),
  /** A submission waiting in the outbox that its audit entry (`seq`) does not record as it is, or that none records. */
  z.strictObject({
    ok: z.literal(false),
    reason: z.enum(['body_altered', 'body_unrecorded']),
    seq: z.number().int().positive().nullable(),
    idempotencyKey: z.string(),
    assignmentId: Id,
  }),
]);

/** Told once after start when the database was damaged and restored from a backup. */
export const RecoveryReport = z.strictObject({
  backupTakenAt: Instant,
  reason: z.string(),
  /** Sheets the restored backup still had unsynced: they will be sent; anything newer was lost. */
  unsynced: z.array(z.strictObject({ assignmentId: Id, status: SheetStatus, updatedAt: Instant })),
});
export type RecoveryReport = z.infer<typeof RecoveryReport>;

/**
 * The disk space the workstation holds back so score sheets can always be saved. `held`: in
 * place; `spent`: a save found the disk full and was saved from it (the disk is full: free space
 * now); `missing`: the disk was too full to make it (free space soon).
 */
export const StoreSpace = z.strictObject({
  reserve: z.enum(['held', 'spent', 'missing']),
  /** When a score sheet was last saved from the reserve, if ever since it was last held. */
  spentAt: Instant.nullable(),
});
export type StoreSpace = z.infer<typeof StoreSpace>;

/** sheets.recuse: "I know this candidate" (回避), before the sheet is submitted. */
export const RecuseInput = z
  .strictObject({ assignmentId: Id, reason: RecusalReason, note: z.string().trim().max(500).optional() })
  .refine((input) => input.reason !== 'other' || (input.note ?? '').length > 0, { message: 'a recusal for another reason needs a note', path: ['note'] });
export type RecuseInput = z.infer<typeof RecuseInput>;

/** The examiner's calibration in a subject, from the platform or as it said last. */
export const CalibrationView = z.strictObject({ status: CalibrationStatus, freshness: Freshness });
export type CalibrationView = z.infer<typeof CalibrationView>;
