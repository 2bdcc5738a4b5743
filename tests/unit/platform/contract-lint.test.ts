import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { load as parseYaml } from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

/**
 * Both documents of the platform contract through a published linter, as a vendor's own CI would
 * run it: Redocly CLI's "recommended" rules, every finding an error (redocly.yaml). A finding kept
 * on purpose is in .redocly.lint-ignore.yaml with its reason; anything else fails here, printed as
 * Redocly prints it (rule, place, message).
 */

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'node_modules/@redocly/cli/bin/cli.js');
const run = promisify(execFile);

const Problem = z.looseObject({
  ruleId: z.string(),
  severity: z.string(),
  message: z.string(),
  location: z.array(z.looseObject({ source: z.looseObject({ ref: z.string() }), pointer: z.string().optional() })),
});
const Report = z.looseObject({
  totals: z.object({ errors: z.number(), warnings: z.number(), ignored: z.number() }),
  problems: z.array(Problem),
});
type Report = z.infer<typeof Report>;

/** `redocly lint --format json`, with the project's configuration; no telemetry, no update check. */
async function lint(args: readonly string[]): Promise<Report> {
  const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' };
  // It exits 1 when it finds errors; its report is on stdout either way.
  const output = await run(process.execPath, [CLI, 'lint', '--format', 'json', ...args], { cwd: ROOT, env, maxBuffer: 64 * 1024 * 1024 }).catch(
    (error: { stdout?: string; stderr?: string }) => {
      if (!error.stdout) throw new Error(`redocly lint did not report: ${error.stderr ?? String(error)}`);
      return { stdout: error.stdout };
    },
  );
  return Report.parse(JSON.parse(output.stdout));
}

const describeProblem = (problem: z.infer<typeof Problem>) =>
  `${problem.location[0]?.source.ref ?? '?'} ${problem.location[0]?.pointer ?? ''}: ${problem.ruleId}: ${problem.message}`;

/** The documents redocly.yaml names: its alias of each, and its path from the repository's root. */
const configured = (): Record<string, string> => {
  const config = z.object({ apis: z.record(z.string(), z.object({ root: z.string() })) }).parse(parseYaml(readFileSync(join(ROOT, 'redocly.yaml'), 'utf8')));
  return Object.fromEntries(Object.entries(config.apis).map(([alias, api]) => [alias, api.root]));
};

const scratch = mkdtempSync(join(tmpdir(), 'contract-lint-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the platform contract, through Redocly’s recommended rules', () => {
  it('lints both documents, the HTTP API and the realtime protocol', () => {
    expect(Object.values(configured()).sort()).toEqual(['platform/asyncapi.yaml', 'platform/openapi.yaml']);
  });

  // One run per document: Redocly's JSON report covers one document at a time.
  it.each(Object.entries(configured()))('finds nothing in %s, beyond the findings kept on purpose', async (alias) => {
    const report = await lint([alias]);
    expect(report.problems.map(describeProblem)).toEqual([]);
    expect(report.totals.errors + report.totals.warnings).toBe(0);
  });

  it('would fail an operation without its id, and a component nothing uses', async () => {
    // A copy outside the repository: the configuration's rules apply, its ignore list does not.
    const copy = join(scratch, 'openapi.yaml');
    copyFileSync(join(ROOT, 'platform/openapi.yaml'), copy);
    const text = readFileSync(copy, 'utf8');
    const withoutId = text.replace(/^ {6}operationId: getHealth\n/m, '');
    expect(withoutId).not.toBe(text);
    writeFileSync(copy, withoutId);
    const report = await lint([copy, '--config', join(ROOT, 'redocly.yaml')]);
    const rules = new Set(report.problems.filter((problem) => problem.severity === 'error').map((problem) => problem.ruleId));
    expect(rules).toContain('operation-operationId');
    expect(rules).toContain('no-unused-components');
  });
});
