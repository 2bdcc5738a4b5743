import type { ConformanceOptions } from './args';
import { helloRule, liveRules } from './realtime';
import { recordingRules } from './recordings';
import { fail, lineOf, pass, summaryOf, type RuleResult } from './results';
import { scoreRules } from './scores';
import { findTestExam, Refusal, signIn, surveyTestExam } from './target';
import { workstationFor, type CheckedWorkstation } from './workstation';

/** Where the check writes: rule lines and the summary to `out`, a refusal to `err`. */
export interface Output {
  out(line: string): void;
  err(line: string): void;
}

/** The check's exit codes: 0 every rule passed, 1 a rule failed, 2 refused (bad arguments, or no test exam to write into). */
export const EXIT = { passed: 0, failed: 1, refused: 2 } as const;

/**
 * The vendor conformance check: drives the platform through the workstation's own client, as an
 * examiner at their desk would, and prints one line per rule and a summary. It signs in, finds
 * a test exam (refusing, before any write, when the platform marks none of the account's exams
 * `test: true`), and writes only there. Returns the exit code.
 */
export async function runConformance(options: ConformanceOptions, output: Output): Promise<number> {
  const ws = workstationFor(options.platform);
  const results: RuleResult[] = [];
  const report = (result: RuleResult) => {
    results.push(result);
    output.out(lineOf(result));
  };
  output.out(`Conformance check of ${ws.client.origin ?? options.platform} as ${options.user}`);
  try {
    await checkAll(ws, options, report);
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    output.err(`REFUSED: ${error.message}`);
    return EXIT.refused;
  } finally {
    ws.session.dispose();
  }
  output.out(summaryOf(results));
  return results.every((result) => result.passed) ? EXIT.passed : EXIT.failed;
}

/** The rules in order; without a session or a test exam the rest cannot be tried, and is not. */
async function checkAll(ws: CheckedWorkstation, options: ConformanceOptions, report: (result: RuleResult) => void): Promise<void> {
  report(await healthRule(ws));
  const login = await signIn(ws, options.user, options.password);
  report(login);
  if (!login.passed) return;
  const token = ws.session.requireToken();
  const found = await findTestExam(ws.client, token, options.exam, options.user);
  report(found.result);
  if (!found.exam) return;
  const survey = await surveyTestExam(ws.client, token, found.exam);
  report(survey.result);
  const origin = ws.client.origin ?? options.platform;
  report(await helloRule(origin, token));
  for (const result of await liveRules(ws, survey.target.liveSlot)) report(result);
  for (const result of await scoreRules(ws.client, token, survey.target)) report(result);
  for (const result of await recordingRules(origin, token, survey.target.recording)) report(result);
}

/** `health`: the workstation's own health check (GET /health) finds the platform online. */
async function healthRule(ws: CheckedWorkstation): Promise<RuleResult> {
  const health = await ws.health.check();
  if (health.state !== 'online') return fail('health', 'GET /health to answer the shared health response', health.error ?? health.state);
  return pass('health', `online, platform version ${health.platformVersion ?? 'unknown'}, ${String(health.latencyMs ?? 0)} ms`);
}
