import { parseConformanceArgs, USAGE } from './args';
import { EXIT, runConformance, type Output } from './run';

/**
 * `npm run conformance -- --platform URL --user U --password P [--exam ID]` (or the password in
 * CONFORMANCE_PASSWORD, out of the process list): the vendor
 * conformance check (run.ts). Exit 0: every rule passed; 1: a rule failed; 2: refused (bad
 * arguments, or no test exam to write into).
 */
const output: Output = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

async function main(): Promise<number> {
  const parsed = parseConformanceArgs(process.argv.slice(2), process.env);
  if (parsed.kind === 'help') {
    output.out(USAGE);
    return EXIT.passed;
  }
  if (parsed.kind === 'error') {
    output.err(`conformance: ${parsed.message}`);
    output.err(USAGE);
    return EXIT.refused;
  }
  return runConformance(parsed.options, output);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    output.err(`conformance: the check itself failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = EXIT.failed;
  },
);
