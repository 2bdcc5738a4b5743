import { ContractFailure } from '@common/contract';
import { AssignmentList, Exam, ExamList, ScoreRecord, type Assignment, type ExamSummary, type Recording, type Slot } from '@common/platform';
import type { PlatformClient } from '../platform/client';
import { fail, pass, type RuleResult } from './results';
import type { CheckedWorkstation } from './workstation';

/** Why the check will not write into any exam of this account (printed as one line, exit 2). */
export class Refusal extends Error {
  override readonly name = 'Refusal';
}

/** An assignment of the test exam with the platform's record of this examiner's sheet for it. */
export interface Sheet {
  readonly assignment: Assignment;
  readonly record: ScoreRecord;
}

/** What the check found in the test exam to work on; null where the exam holds none. */
export interface TestExam {
  readonly exam: Exam;
  /** A live slot of the examiner's panel: its queue is subscribed to. */
  readonly liveSlot: Slot | null;
  /** A sheet open for scoring (not locked, not recused), one with a recording if there is one. */
  readonly open: Sheet | null;
  /** A sheet the chief examiner locked: a submission to it must be refused with 423. */
  readonly locked: Sheet | null;
  /** A recording of one of the examiner's assignments in the test exam. */
  readonly recording: Recording | null;
}

/** The message of whatever a workstation call threw: a ContractFailure says its code first. */
export function failureText(error: unknown): string {
  if (error instanceof ContractFailure) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/** `login`: the workstation's own sign-in (SessionService) gets a session and a token. */
export async function signIn(ws: CheckedWorkstation, user: string, password: string): Promise<RuleResult> {
  try {
    const session = await ws.session.login({ username: user, password });
    ws.session.requireToken();
    return pass('login', `signed in as ${session.examiner.displayName} (${session.examiner.id}, roles ${session.examiner.roles.join('/')}), token until ${session.expiresAt}`);
  } catch (error) {
    return fail('login', `POST /auth/login to answer 200 with a token for ${user}`, failureText(error));
  }
}

/**
 * The exam to write into: `wanted` if given, else the first exam the platform marks `test: true`.
 * Throws Refusal when there is none (or `wanted` is not one): the check never writes elsewhere.
 */
export function chooseTestExam(exams: readonly ExamSummary[], wanted: string | null, user: string): ExamSummary {
  if (wanted !== null) {
    const exam = exams.find((candidate) => candidate.id === wanted);
    if (!exam) throw new Refusal(`${user} has no exam ${wanted} on this platform (its exams: ${listed(exams)})`);
    if (!exam.test) throw new Refusal(`exam ${wanted} is not a test exam (the platform says test: false); the check writes only into an exam marked test: true`);
    return exam;
  }
  const test = exams.find((exam) => exam.test);
  if (!test) throw new Refusal(`none of ${user}'s exams is a test exam (${listed(exams)}); the check writes only into an exam the platform marks test: true`);
  return test;
}

const listed = (exams: readonly ExamSummary[]) =>
  exams.length === 0 ? 'none' : exams.map((exam) => `${exam.id} test: ${String(exam.test)}`).join(', ');

/**
 * `exams`: GET /exams and GET /exams/{id} parse with the shared schemas, and a test exam is
 * found (Refusal when not). The exam itself must say `test: true` too: its summary alone is not
 * trusted with a write.
 */
export async function findTestExam(
  client: PlatformClient,
  token: string,
  wanted: string | null,
  user: string,
): Promise<{ result: RuleResult; exam: Exam | null }> {
  let summaries: ExamSummary[];
  try {
    summaries = (await client.request({ method: 'GET', path: '/exams', schema: ExamList, token })).data.exams;
  } catch (error) {
    return { result: fail('exams', 'GET /exams to answer an exam list of the shared schema', failureText(error)), exam: null };
  }
  const summary = chooseTestExam(summaries, wanted, user);
  let exam: Exam;
  try {
    exam = (await client.request({ method: 'GET', path: `/exams/${encodeURIComponent(summary.id)}`, schema: Exam, token })).data;
  } catch (error) {
    return { result: fail('exams', `GET /exams/${summary.id} to answer the exam in the shared schema`, failureText(error)), exam: null };
  }
  if (!exam.test) throw new Refusal(`exam ${exam.id} is listed as a test exam but GET /exams/${exam.id} says test: false; the check writes into neither`);
  const seen = `${String(summaries.length)} exam(s) parse with the shared schemas; test exam ${exam.id} (${exam.name.en}): ${String(exam.subjects.length)} subjects, ${String(exam.slots.length)} slots`;
  return { result: pass('exams', seen), exam };
}

/**
 * `assignments`: the examiner's assignment list and their score records in the test exam parse,
 * and what the later rules need is picked from them. A missing piece is not this rule's failure
 * but that of the rule that needs it.
 */
export async function surveyTestExam(client: PlatformClient, token: string, exam: Exam): Promise<{ result: RuleResult; target: TestExam }> {
  const liveSlot = exam.slots.find((slot) => slot.kind === 'live') ?? null;
  const empty: TestExam = { exam, liveSlot, open: null, locked: null, recording: null };
  let assignments: Assignment[];
  try {
    const { data } = await client.request({ method: 'GET', path: '/assignments', schema: AssignmentList, token, timeoutMs: 30_000 });
    assignments = data.assignments.filter((assignment) => assignment.examId === exam.id && assignment.purpose === 'score' && assignment.recusal === null);
  } catch (error) {
    return { result: fail('assignments', 'GET /assignments to answer an assignment list of the shared schema', failureText(error)), target: empty };
  }
  const sheets: Sheet[] = [];
  for (const assignment of assignments) {
    try {
      const path = `/assignments/${encodeURIComponent(assignment.assignmentId)}/score`;
      sheets.push({ assignment, record: (await client.request({ method: 'GET', path, schema: ScoreRecord, token })).data });
    } catch (error) {
      const expected = `GET /assignments/${assignment.assignmentId}/score to answer a score record of the shared schema`;
      return { result: fail('assignments', expected, failureText(error)), target: empty };
    }
  }
  const open = sheets.filter((sheet) => !sheet.record.locked);
  const target: TestExam = {
    ...empty,
    open: open.find((sheet) => sheet.assignment.recordings.length > 0) ?? open[0] ?? null,
    locked: sheets.find((sheet) => sheet.record.locked) ?? null,
    recording: assignments.flatMap((assignment) => assignment.recordings)[0] ?? null,
  };
  const found = [
    `live slot ${target.liveSlot?.id ?? 'none'}`,
    `open sheet ${target.open ? `${target.open.assignment.assignmentId} (v${String(target.open.record.version)})` : 'none'}`,
    `locked sheet ${target.locked?.assignment.assignmentId ?? 'none'}`,
    `recording ${target.recording?.recordingId ?? 'none'}`,
  ];
  return { result: pass('assignments', `${String(assignments.length)} assignment(s) in ${exam.id} with their score records; ${found.join(', ')}`), target };
}
