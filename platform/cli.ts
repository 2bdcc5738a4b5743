import { parseArgs } from 'node:util';
import { FaultMode } from '@common/platform/admin';
import { TEST_EXAM_ID } from './demo/test-exam';
import { startPlatform } from './server';

const USAGE = 'usage: npm run platform -- [--port N] [--data-dir DIR] [--demo-media] [--admin-secret S] [--test-exam] [--fault MODE]';

/**
 * `npm run platform [-- --port N] [--data-dir DIR] [--demo-media] [--test-exam] [--fault MODE]`:
 * the reference platform on its own, on loopback. Without --data-dir its state lives in memory
 * and ends with it. --test-exam adds the test exam the conformance check (`npm run conformance`)
 * writes into; --fault starts it with that fault on every request (e.g. `no_replay`, to watch the
 * check fail).
 */
async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string', default: '4100' },
        'data-dir': { type: 'string' },
        'demo-media': { type: 'boolean', default: false },
        'admin-secret': { type: 'string' },
        'test-exam': { type: 'boolean', default: false },
        fault: { type: 'string' },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`--port must be a port number, not ${values.port}\n`);
    process.exit(2);
  }
  const dataDir = values['data-dir'] ?? null;
  if (values['demo-media'] && dataDir === null) {
    process.stderr.write('--demo-media needs --data-dir (the recordings are cached there)\n');
    process.exit(2);
  }
  const fault = values.fault === undefined ? null : FaultMode.safeParse(values.fault);
  if (fault?.success === false) {
    process.stderr.write(`--fault must be one of ${FaultMode.options.join(', ')}, not ${String(values.fault)}\n`);
    process.exit(2);
  }
  const platform = await startPlatform({
    port,
    dataDir,
    demoMedia: values['demo-media'],
    testExam: values['test-exam'],
    ...(fault?.success && { faults: { rate: 1, modes: [fault.data], paths: [], delayMs: 2_000, seed: 1 } }),
    ...(values['admin-secret'] !== undefined && { adminSecret: values['admin-secret'] }),
  });
  process.stdout.write(`Reference exam platform listening on ${platform.url}\n`);
  process.stdout.write(`Admin secret (header x-admin-secret): ${platform.adminSecret}\n`);
  process.stdout.write(dataDir ? `State in ${dataDir}\n` : 'State in memory (pass --data-dir to keep it)\n');
  process.stdout.write(`${platform.mediaNotice}\n`);
  if (values['test-exam']) process.stdout.write(`Test exam: ${TEST_EXAM_ID}, for examiner1 (npm run conformance)\n`);
  if (fault?.success) process.stdout.write(`Fault on every request: ${fault.data}\n`);
  const stop = () => void platform.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
