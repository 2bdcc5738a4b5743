import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * `npm run bench -- NAME`: runs tests/bench/NAME.bench.ts, which prints its figures as
 * `BENCH <suite>.<figure> <value> <unit>` lines. Benchmarks measure; they assert nothing.
 */
const here = fileURLToPath(new URL('.', import.meta.url));
const suites = readdirSync(here)
  .filter((file) => file.endsWith('.bench.ts'))
  .map((file) => file.replace(/\.bench\.ts$/, ''));
const name = process.argv[2];
if (!name || !suites.includes(name)) {
  process.stderr.write(`usage: npm run bench -- NAME   (one of: ${suites.join(', ')})\n`);
  process.exit(2);
}
const suite = (await import(`./${name}.bench.ts`)) as { run(): Promise<void> };
await suite.run();
// wrtc's finalizers crash a Node process that ends by running out of work (node-webrtc/node-webrtc#636).
process.exit(0);
