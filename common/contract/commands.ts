import { z } from 'zod';
import { Id } from '../platform/exams';
import { AppInfo, LoginInput, NoInput, PlatformHealth, Session } from './schemas';
import {
  AssignmentListView,
  AssignmentRef,
  AuditVerdictView,
  ExamListView,
  ExamView,
  RecoveryReport,
  ResolveConflictInput,
  SheetInput,
  SheetState,
  SyncStatus,
} from './store-schemas';

interface CommandSpec<I extends z.ZodType, O extends z.ZodType> {
  readonly summary: string;
  readonly input: I;
  readonly output: O;
}

function command<I extends z.ZodType, O extends z.ZodType>(spec: CommandSpec<I, O>): CommandSpec<I, O> {
  return spec;
}

/**
 * Every command the renderer may call, defined once: name, input schema, output schema.
 * main/contract/dispatcher.ts validates against these; both transports (Electron IPC and the
 * browser host's WebSocket) and both bridges build `window.examiner` from this list.
 * To add a command, see common/contract/README.md.
 */
export const commands = {
  'app.getInfo': command({
    summary: 'Name, version and host of this workstation, and which platform it talks to.',
    input: NoInput,
    output: AppInfo,
  }),
  'platform.getHealth': command({
    summary: 'The last known state of the platform connection; checks now if never checked.',
    input: NoInput,
    output: PlatformHealth,
  }),
  'platform.checkNow': command({
    summary: 'Ask the platform now and return the fresh state.',
    input: NoInput,
    output: PlatformHealth,
  }),
  'session.get': command({
    summary: 'The signed-in examiner, or null.',
    input: NoInput,
    output: Session.nullable(),
  }),
  'session.login': command({
    summary: 'Sign in to the platform; the token stays in main.',
    input: LoginInput,
    output: Session,
  }),
  'session.logout': command({
    summary: 'Forget the token and the signed-in examiner.',
    input: NoInput,
    output: z.null(),
  }),
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
  'store.getRecovery': command({
    summary: 'Set when the database was damaged at start and restored from a backup.',
    input: NoInput,
    output: RecoveryReport.nullable(),
  }),
} as const;

export type Commands = typeof commands;
export type CommandName = keyof Commands;
/** What a caller passes (before defaults and transforms). */
export type CommandInput<N extends CommandName> = z.input<Commands[N]['input']>;
/** What a handler receives after validation. */
export type CommandArgs<N extends CommandName> = z.output<Commands[N]['input']>;
export type CommandOutput<N extends CommandName> = z.output<Commands[N]['output']>;

export const commandNames = Object.keys(commands) as CommandName[];

export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && Object.hasOwn(commands, name);
}
