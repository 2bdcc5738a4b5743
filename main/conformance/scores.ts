import { randomUUID } from 'node:crypto';
import {
  BatchResponse,
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENT_REPLAYED_HEADER,
  ScoreReceipt,
  ScoreRecord,
  type Rubric,
  type ScoreSheet,
} from '@common/platform';
import { canonicalJson } from '@common/util/canonical-json';
import { PlatformRefusal, type PlatformClient } from '../platform/client';
import { submissionOutcome, type SubmissionOutcome } from '../services/submission-outcome';
import { blocked, fail, oneLine, pass, type RuleResult } from './results';
import { sheetFor } from './sheets';
import { failureText, type Sheet, type TestExam } from './target';

/**
 * The score intake's promises (common/platform/scores.ts), on the single endpoint with its
 * headers and on the batch the workstation's sync sends, each answer read by the workstation's
 * own verdict on it (submissionOutcome: accepted, conflict, rejected, retry). Every write goes to
 * the test exam, each submission under a fresh idempotency key.
 */

/** One answer to a submission, as the workstation's client gets it. */
interface Answer {
  readonly status: number;
  readonly body: unknown;
  readonly replayed: boolean;
  readonly outcome: SubmissionOutcome;
}

interface Submitter {
  readonly client: PlatformClient;
  readonly token: string;
}

/** What the accepted first submission left, for the rules that repeat it. */
interface First {
  readonly sheet: Sheet;
  readonly key: string;
  /** The version its If-Match named. */
  readonly base: number;
  readonly body: ScoreSheet;
  readonly answer: Answer;
  readonly receipt: ScoreReceipt;
}

const newKey = () => `conformance-${randomUUID()}`;
const pathOf = (sheet: Sheet) => `/assignments/${encodeURIComponent(sheet.assignment.assignmentId)}/score`;

/** POST /assignments/{id}/score with `Idempotency-Key` and `If-Match`, through the workstation's client. */
async function submit(to: Submitter, sheet: Sheet, key: string, baseVersion: number, body: ScoreSheet): Promise<Answer> {
  const headers = { [IDEMPOTENCY_KEY_HEADER]: key, 'if-match': `"${String(baseVersion)}"` };
  try {
    const response = await to.client.request({ method: 'POST', path: pathOf(sheet), body, schema: ScoreReceipt, token: to.token, headers });
    const replayed = response.headers.get(IDEMPOTENT_REPLAYED_HEADER) === 'true';
    return { status: response.status, body: response.data, replayed, outcome: submissionOutcome(response.status, response.data) };
  } catch (error) {
    if (!(error instanceof PlatformRefusal)) throw error;
    return { status: error.status, body: error.body, replayed: false, outcome: submissionOutcome(error.status, error.body) };
  }
}

async function recordOf(to: Submitter, sheet: Sheet): Promise<ScoreRecord> {
  return (await to.client.request({ method: 'GET', path: pathOf(sheet), schema: ScoreRecord, token: to.token })).data;
}

/** An answer in a few words: `201 receipt v2`, `412 version_conflict (…)`. */
function describe(status: number, body: unknown): string {
  const receipt = ScoreReceipt.safeParse(body);
  if (receipt.success) return `${String(status)} receipt v${String(receipt.data.version)} under key ${receipt.data.idempotencyKey}`;
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (typeof error?.code === 'string') return `${String(status)} ${error.code}${typeof error.message === 'string' ? ` (${oneLine(error.message, 160)})` : ''}`;
  return `${String(status)} ${body === null || body === undefined ? 'without a body' : oneLine(JSON.stringify(body), 160)}`;
}

const codeOf = (body: unknown) => (body as { error?: { code?: unknown } } | null)?.error?.code;
const verdict = (outcome: SubmissionOutcome) => (outcome.kind === 'conflict' ? `conflict (${outcome.reason})` : outcome.kind);

function rubricOf(target: TestExam, sheet: Sheet): Rubric | null {
  return target.exam.subjects.find((subject) => subject.id === sheet.assignment.subjectId)?.rubric ?? null;
}

/** Every score rule, in order: each later one builds on the accepted first submission where it must. */
export async function scoreRules(client: PlatformClient, token: string, target: TestExam): Promise<RuleResult[]> {
  const to: Submitter = { client, token };
  const results: RuleResult[] = [];
  const run = async (rule: string, check: () => Promise<RuleResult>) => {
    try {
      results.push(await check());
    } catch (error) {
      results.push(fail(rule, 'an answer the workstation can read', failureText(error)));
    }
  };
  const open = target.open;
  const rubric = open ? rubricOf(target, open) : null;
  if (!open || !rubric) {
    const why = open ? `no rubric for subject ${open.assignment.subjectId}` : 'none';
    for (const rule of ['score.submit', 'score.replay', 'score.batch-replay', 'score.mismatch', 'score.stale']) {
      results.push(fail(rule, "an open sheet (not locked, not recused) of this examiner's in the test exam", why));
    }
  } else {
    let accepted: First | null = null;
    try {
      const made = await submitFirst(to, open, rubric);
      results.push(made.result);
      accepted = made.first;
    } catch (error) {
      results.push(fail('score.submit', 'an answer the workstation can read', failureText(error)));
    }
    const repeats: [string, (first: First) => Promise<RuleResult>][] = [
      ['score.replay', (done) => replayRule(to, done)],
      ['score.batch-replay', (done) => batchReplayRule(to, done)],
      ['score.mismatch', (done) => mismatchRule(to, done)],
    ];
    for (const [rule, check] of repeats) {
      if (accepted === null) results.push(blocked(rule, 'an accepted submission to repeat', 'score.submit'));
      else await run(rule, () => check(accepted));
    }
    await run('score.stale', () => staleRule(to, open, rubric));
  }
  await run('score.locked', () => lockedRule(to, target));
  return results;
}

/** `score.submit`: a sheet under a fresh key, If-Match the version held, is accepted as the next version. */
async function submitFirst(to: Submitter, sheet: Sheet, rubric: Rubric): Promise<{ result: RuleResult; first: First | null }> {
  const rule = 'score.submit';
  const base = (await recordOf(to, sheet)).version;
  const key = newKey();
  const body = sheetFor(rubric, `conformance check ${new Date().toISOString()}`);
  const answer = await submit(to, sheet, key, base, body);
  const expected = `201 with a receipt for version ${String(base + 1)} under key ${key}, which the workstation takes as accepted`;
  const { outcome } = answer;
  if (answer.status !== 201 || outcome.kind !== 'accepted') {
    return { result: fail(rule, expected, `${describe(answer.status, answer.body)}, which the workstation takes as ${verdict(outcome)}`), first: null };
  }
  const { receipt } = outcome;
  if (receipt.version !== base + 1 || receipt.idempotencyKey !== key || receipt.assignmentId !== sheet.assignment.assignmentId) {
    return { result: fail(rule, expected, `${describe(answer.status, answer.body)} for ${receipt.assignmentId}`), first: null };
  }
  if (answer.replayed) return { result: fail(rule, `${expected}, not marked replayed`, `${IDEMPOTENT_REPLAYED_HEADER}: true on a new key`), first: null };
  const seen = `${sheet.assignment.assignmentId}: 201, version ${String(receipt.version)}, total ${String(receipt.total)}; the workstation takes it as accepted`;
  return { result: pass(rule, seen), first: { sheet, key, base, body, answer, receipt } };
}

/** `score.replay`: the same key and sheet again get the first answer, marked replayed, and no new version. */
async function replayRule(to: Submitter, first: First): Promise<RuleResult> {
  const again = await submit(to, first.sheet, first.key, first.base, first.body);
  const held = (await recordOf(to, first.sheet)).version;
  const wrong: string[] = [];
  if (again.status !== first.answer.status || canonicalJson(again.body) !== canonicalJson(first.answer.body)) wrong.push(describe(again.status, again.body));
  if (!again.replayed) wrong.push(`no ${IDEMPOTENT_REPLAYED_HEADER}: true header`);
  if (held !== first.receipt.version) wrong.push(`the platform now holds version ${String(held)}`);
  const expected = `the first answer again (201, receipt v${String(first.receipt.version)}) with ${IDEMPOTENT_REPLAYED_HEADER}: true, and no second version`;
  if (wrong.length > 0) return fail('score.replay', expected, wrong.join(', '));
  return pass('score.replay', `the same key and sheet got the first receipt again with ${IDEMPOTENT_REPLAYED_HEADER}: true; still version ${String(held)}`);
}

/**
 * `score.batch-replay`: the same submission as an item of POST /scores/batch, the way the
 * workstation's sync sends every sheet, gets the first answer and leaves the version alone.
 */
async function batchReplayRule(to: Submitter, first: First): Promise<RuleResult> {
  const item = { assignmentId: first.sheet.assignment.assignmentId, idempotencyKey: first.key, baseVersion: first.base, sheet: first.body };
  const { data } = await to.client.request({ method: 'POST', path: '/scores/batch', body: { items: [item] }, schema: BatchResponse, token: to.token, timeoutMs: 30_000 });
  const result = data.results[0];
  const held = (await recordOf(to, first.sheet)).version;
  const expected = `one result with the first answer (201, receipt v${String(first.receipt.version)}), which the workstation's sync takes as accepted, and no second version`;
  if (data.results.length !== 1 || !result) return fail('score.batch-replay', expected, `${String(data.results.length)} results for 1 item`);
  const outcome = submissionOutcome(result.status, result.body);
  const wrong: string[] = [];
  if (result.status !== first.answer.status || canonicalJson(result.body) !== canonicalJson(first.answer.body)) {
    wrong.push(`${describe(result.status, result.body)}, which the workstation takes as ${verdict(outcome)}`);
  }
  if (held !== first.receipt.version) wrong.push(`the platform now holds version ${String(held)}`);
  if (wrong.length > 0) return fail('score.batch-replay', expected, wrong.join(', '));
  return pass('score.batch-replay', `the batch item with the same key got the first receipt again; the workstation's sync takes it as accepted; still version ${String(held)}`);
}

/** `score.mismatch`: the key reused with a different sheet is refused with 422 idempotency_mismatch, final for the workstation. */
async function mismatchRule(to: Submitter, first: First): Promise<RuleResult> {
  const changed: ScoreSheet = { ...first.body, comment: `${first.body.comment} (changed)` };
  const answer = await submit(to, first.sheet, first.key, first.base, changed);
  const held = (await recordOf(to, first.sheet)).version;
  const expected = '422 idempotency_mismatch for the key reused with another sheet, which the workstation takes as rejected (never retried), and no new version';
  const ok = answer.status === 422 && codeOf(answer.body) === 'idempotency_mismatch' && answer.outcome.kind === 'rejected' && held === first.receipt.version;
  if (!ok) return fail('score.mismatch', expected, `${describe(answer.status, answer.body)}, which the workstation takes as ${verdict(answer.outcome)}; version ${String(held)}`);
  return pass('score.mismatch', `422 idempotency_mismatch; the workstation takes it as rejected; still version ${String(held)}`);
}

/** `score.stale`: If-Match naming a version the platform does not hold is refused with 412 and the current record. */
async function staleRule(to: Submitter, sheet: Sheet, rubric: Rubric): Promise<RuleResult> {
  const held = (await recordOf(to, sheet)).version;
  const stale = held > 0 ? held - 1 : held + 1;
  const answer = await submit(to, sheet, newKey(), stale, sheetFor(rubric, `conformance check, stale base ${new Date().toISOString()}`));
  const expected = `412 version_conflict with the current record (version ${String(held)}) for If-Match "${String(stale)}", which the workstation keeps as a conflict`;
  const { outcome } = answer;
  const ok = answer.status === 412 && codeOf(answer.body) === 'version_conflict' && outcome.kind === 'conflict' && outcome.reason === 'version_conflict' && outcome.current.version === held;
  if (!ok) return fail('score.stale', expected, `${describe(answer.status, answer.body)}, which the workstation takes as ${verdict(outcome)}`);
  return pass('score.stale', `If-Match "${String(stale)}" got 412 version_conflict with the current record (v${String(held)}); the workstation keeps it as a conflict`);
}

/** `score.locked`: a submission to a sheet the chief locked is refused with 423 and the current record. */
async function lockedRule(to: Submitter, target: TestExam): Promise<RuleResult> {
  const expected = '423 locked with the current record (locked: true), which the workstation keeps as a conflict';
  const sheet = target.locked;
  if (!sheet) return fail('score.locked', `${expected}, for a sheet the chief locked in the test exam`, 'no locked sheet of this examiner in the test exam');
  const rubric = rubricOf(target, sheet);
  if (!rubric) return fail('score.locked', expected, `no rubric for subject ${sheet.assignment.subjectId}`);
  const held = (await recordOf(to, sheet)).version;
  const answer = await submit(to, sheet, newKey(), held, sheetFor(rubric, `conformance check, locked sheet ${new Date().toISOString()}`));
  const { outcome } = answer;
  const ok = answer.status === 423 && codeOf(answer.body) === 'locked' && outcome.kind === 'conflict' && outcome.reason === 'locked' && outcome.current.locked;
  if (!ok) return fail('score.locked', expected, `${describe(answer.status, answer.body)}, which the workstation takes as ${verdict(outcome)}`);
  return pass('score.locked', `${sheet.assignment.assignmentId}: 423 locked with the current record; the workstation keeps it as a conflict`);
}
