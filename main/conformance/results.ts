/**
 * One rule's verdict, printed as one plain line a vendor can grep: `PASS <rule>: <what was seen>`
 * or `FAIL <rule>: expected <what the API promises>; got <what came back>`.
 */
export interface RuleResult {
  readonly rule: string;
  readonly passed: boolean;
  readonly detail: string;
}

export const pass = (rule: string, seen: string): RuleResult => ({ rule, passed: true, detail: seen });

export const fail = (rule: string, expected: string, got: string): RuleResult => ({ rule, passed: false, detail: `expected ${expected}; got ${got}` });

/** A rule that could not be tried because one it builds on failed: a failure too, saying which. */
export const blocked = (rule: string, expected: string, by: string): RuleResult => fail(rule, expected, `nothing to check (${by} failed)`);

export function lineOf(result: RuleResult): string {
  return `${result.passed ? 'PASS' : 'FAIL'} ${result.rule}: ${oneLine(result.detail)}`;
}

/** The closing line: how many passed and which failed. */
export function summaryOf(results: readonly RuleResult[]): string {
  const failed = results.filter((result) => !result.passed).map((result) => result.rule);
  const counts = `${String(results.length - failed.length)} passed, ${String(failed.length)} failed`;
  return failed.length === 0 ? `SUMMARY ${counts}` : `SUMMARY ${counts}: ${failed.join(', ')}`;
}

/** What a platform said, kept to one line and a readable length. */
export function oneLine(text: string, max = 400): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
