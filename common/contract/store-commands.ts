import { z } from 'zod';
import { Id } from '../platform/exams';
import { CalibrationResult } from '../platform/fairness';
import { command } from './command';
import { NoInput } from './schemas';
import {
  AssignmentListView,
  AssignmentRef,
  AuditVerdictView,
  ExamListView,
  ExamView,
  CalibrationView,
  RecoveryReport,
  RecuseInput,
  ResolveConflictInput,
  SheetInput,
  SheetLock,
  SheetState,
  StoreSpace,
  SyncStatus,
} from './store-schemas';

/** The offline-first store: cached platform data, score sheets, sync, audit. */
export const storeCommands = {
  'exams.list': command({
    summary: "The signed-in examiner's exams: from the platform when it answers, else as it said last.",
    input: NoInput,
    output: ExamListView,
  }),
  'exams.get': command({
    summary: 'One exam with its subjects, rubrics and slots, cached for offline use.',
    input: z.strictObject({ examId: Id }),
    output: ExamView,
  }),
  'assignments.list': command({
    summary: "The examiner's assignments (live and recorded) with each sheet's status, cached.",
    input: NoInput,
    output: AssignmentListView,
  }),
  'sheets.get': command({
    summary: "This examiner's score sheet for an assignment, or null if never touched.",
    input: AssignmentRef,
    output: SheetState.nullable(),
  }),
  'sheets.save': command({
    summary: 'Autosave a draft: values outside the rubric are refused; the save is durable when it returns.',
    input: SheetInput,
    output: SheetState,
  }),
  'sheets.submit': command({
    summary: 'Submit a complete sheet: it becomes read-only and goes into the outbox.',
    input: AssignmentRef,
    output: SheetState,
  }),
  'sheets.reopen': command({
    summary: 'Reopen an accepted sheet that has an open re-review request, so it can be scored again.',
    input: AssignmentRef,
    output: SheetState,
  }),
  'sheets.recuse': command({
    summary:
      'Recuse from the candidate (回避: a relative, own student, other with a note) before the sheet is submitted; the platform must answer. The sheet becomes void and read-only.',
    input: RecuseInput,
    output: SheetState,
  }),
  'calibration.get': command({
    summary: "The examiner's calibration (试评) in a subject: the anchors offered, the results, whether it is complete; cached.",
    input: z.strictObject({ subjectId: Id }),
    output: CalibrationView,
  }),
  'calibration.submit': command({
    summary: "Score an anchor performance (样卷): the platform answers with the differences from its reference per criterion.",
    input: z.strictObject({ anchorId: Id, values: z.record(Id, z.number().nonnegative().max(1000)), band: Id.optional() }),
    output: CalibrationResult,
  }),
  'sheets.getLock': command({
    summary: "Whether the chief examiner has locked this examiner's sheet (changes then arrive as sheet.lock).",
    input: AssignmentRef,
    output: SheetLock,
  }),
  'sheets.resolveConflict': command({
    summary: "Resolve a conflict by keeping this workstation's version (resubmitted) or the platform's.",
    input: ResolveConflictInput,
    output: SheetState,
  }),
  'sync.getStatus': command({
    summary: 'Outbox and sync state: pending count, last success, current error.',
    input: NoInput,
    output: SyncStatus,
  }),
  'sync.now': command({
    summary: 'Try to send the outbox now (skipping the back-off wait).',
    input: NoInput,
    output: SyncStatus,
  }),
  'audit.verify': command({
    summary: 'Check the hash chain of the audit trail; names the first broken entry.',
    input: NoInput,
    output: AuditVerdictView,
  }),
  'store.getSpace': command({
    summary: 'Whether disk space is held back for score sheets, or a save used it because the disk is full (made again when there is room).',
    input: NoInput,
    output: StoreSpace,
  }),
  'store.getRecovery': command({
    summary: 'Set when the database was damaged at start and restored from a backup.',
    input: NoInput,
    output: RecoveryReport.nullable(),
  }),
} as const;
