import { z } from 'zod';
import {
  ChiefActionList,
  ChiefReReview,
  ChiefReReviewList,
  MAX_MATRIX_PAGE_ROWS,
  PushMatrix,
  ScoreMatrix,
  SignOff,
  SlotRoomLog,
} from '../platform/chief';
import { AuditFlagList } from '../platform/audit';
import { Id } from '../platform/exams';
import { Anchor, ChiefCalibration, ChiefRecusalBody, CreateAnchorBody } from '../platform/fairness';
import { command, type CommandSpec } from './command';
import { NoInput } from './schemas';
import { Freshness } from './store-schemas';

/**
 * The chief examiner's desk (see common/platform/chief.ts and main/services/chief.ts). Every
 * command answers `forbidden` to an examiner who is not a chief, as the platform does.
 */

export const ChiefSlotRef = z.strictObject({ slotId: Id });
export const ChiefSheetRef = z.strictObject({ slotId: Id, assignmentId: Id });
/** A slot's matrix: every row, or a page of them (the slot's rows [offset, offset + limit) in its order). */
export const ChiefMatrixInput = z.strictObject({
  slotId: Id,
  offset: z.number().int().nonnegative().optional(),
  limit: z.number().int().min(1).max(MAX_MATRIX_PAGE_ROWS).optional(),
});
export type ChiefMatrixInput = z.infer<typeof ChiefMatrixInput>;
export const ChiefUnlockInput = z.strictObject({
  slotId: Id,
  assignmentId: Id,
  /** Required once the slot is signed off (the unlock is logged with it). */
  reason: z.string().trim().min(1).max(500).optional(),
});
export const ChiefReReviewInput = z.strictObject({ slotId: Id, assignmentId: Id, note: z.string().trim().min(1).max(500) });

/** The matrix as the platform last sent it, and whether that was just now. */
export const ChiefMatrixView = z.strictObject({ matrix: ScoreMatrix, freshness: Freshness });
export type ChiefMatrixView = z.infer<typeof ChiefMatrixView>;

/** What the results file covers: one slot, or every slot of a subject the chief sits on. */
export const ExportScope = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('slot'), slotId: Id }),
  z.strictObject({ kind: z.literal('subject'), examId: Id, subjectId: Id }),
]);
export type ExportScope = z.infer<typeof ExportScope>;
export const ChiefExportInput = z.strictObject({ scope: ExportScope, format: z.enum(['xlsx', 'csv']) });
export type ChiefExportInput = z.infer<typeof ChiefExportInput>;

/**
 * A results file written by main, saved by the renderer from `/media/<mediaId>` (an `<a download>`),
 * as the review's exports are: no path crosses the contract.
 */
export const ChiefExportFile = z.strictObject({
  mediaId: Id,
  fileName: z.string().min(1).max(200),
  bytes: z.number().int().positive(),
  candidates: z.number().int().positive(),
});
export type ChiefExportFile = z.infer<typeof ChiefExportFile>;

export const chiefCommands = {
  'chief.getMatrix': command({
    summary:
      "A slot's score matrix (candidates × panel members), whole or a page of its rows (offset, limit); its changes then arrive as chief.matrix.",
    input: ChiefMatrixInput,
    output: ChiefMatrixView,
  }),
  'chief.lock': command({
    summary: 'Lock a sheet: the examiner can no longer change it (their submissions answer locked).',
    input: ChiefSheetRef,
    output: z.null(),
  }),
  'chief.unlock': command({
    summary: 'Unlock a sheet; after the slot is signed off only with a reason, which is logged.',
    input: ChiefUnlockInput,
    output: z.null(),
  }),
  'chief.requestReReview': command({
    summary: 'Ask a member to look at a sheet again, with the reason; it reaches them blind (no other score).',
    input: ChiefReReviewInput,
    output: ChiefReReview,
  }),
  'chief.getReReviews': command({
    summary: "Every re-review of a slot's sheets, the platform's and the chiefs', open and answered.",
    input: ChiefSlotRef,
    output: ChiefReReviewList,
  }),
  'chief.signOff': command({
    summary: 'Sign off a slot once every counting sheet is accepted; its scores then change only through a logged unlock.',
    input: ChiefSlotRef,
    output: SignOff,
  }),
  'chief.getActions': command({
    summary: "The chiefs' actions on a slot's scores: locks, unlocks, re-reviews, the sign-off.",
    input: ChiefSlotRef,
    output: ChiefActionList,
  }),
  'chief.getRoomLog': command({
    summary: 'The exam-room log (考场记录) of every interview of a slot.',
    input: ChiefSlotRef,
    output: SlotRoomLog,
  }),
  'chief.getAuditFlags': command({
    summary: "Forks the platform saw in the audit chains of the chief's panel members (a restored backup, a replaced computer, tampering); their scores were accepted as usual.",
    input: NoInput,
    output: AuditFlagList,
  }),
  'chief.recordRecusal': command({
    summary: "Record a member's recusal from a candidate, also after their sheet was accepted (it becomes void); the note is logged.",
    input: ChiefRecusalBody.extend({ slotId: Id }),
    output: z.null(),
  }),
  'chief.createAnchor': command({
    summary: "Mark one of the chief's own recorded assignments as an anchor (样卷) of its subject, with complete reference scores.",
    input: CreateAnchorBody,
    output: Anchor,
  }),
  'chief.getCalibration': command({
    summary: "A subject's anchors and every examiner's calibration results against them.",
    input: z.strictObject({ examId: Id, subjectId: Id }),
    output: ChiefCalibration,
  }),
  'chief.export': command({
    summary: 'Write the results file (xlsx or CSV) of a slot or a subject for the exam office; refused when nothing is scored.',
    input: ChiefExportInput,
    output: ChiefExportFile,
  }),
} as const satisfies Record<string, CommandSpec<z.ZodType, z.ZodType>>;

/** Rows of a slot's matrix that changed (pushed by the platform to its chief examiners). */
export const chiefEvents = {
  'chief.matrix': PushMatrix.omit({ type: true }),
} as const;
