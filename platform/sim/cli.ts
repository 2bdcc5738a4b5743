import { parseArgs } from 'node:util';
import { FINAL_QUEUE_STATES } from '@common/platform/queue';
import { DEMO_LIVE_SLOT_ID } from '../demo/exam';
import { slotCandidates } from './admin';
import { startSimulatedCandidate, type SimulatedCandidate } from './candidate';

const USAGE = `usage: npm run candidates -- --count N --admin-secret S [--platform URL] [--slot ID]
                          [--fps F] [--width W --height H] [--tone] [--face-failures N]`;

const integer = (name: string, value: string, min: number, max: number): number => {
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) fail(`--${name} must be an integer from ${min} to ${max}, not ${value}`);
  return number;
};

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

/**
 * `npm run candidates`: N simulated candidates (main and side device each) of a live slot,
 * connected to a running platform, each walking the queue to `waiting` and joining when an
 * examiner calls. Tokens come from the platform's admin endpoint. Ctrl-C stops them all.
 */
async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        count: { type: 'string' },
        platform: { type: 'string', default: 'http://127.0.0.1:4100' },
        slot: { type: 'string', default: DEMO_LIVE_SLOT_ID },
        'admin-secret': { type: 'string' },
        fps: { type: 'string', default: '15' },
        width: { type: 'string', default: '640' },
        height: { type: 'string', default: '360' },
        tone: { type: 'boolean', default: false },
        'face-failures': { type: 'string', default: '0' },
      },
      strict: true,
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (values.count === undefined) fail('--count is required');
  const adminSecret = values['admin-secret'] ?? fail('--admin-secret is required (`npm run platform` prints it)');
  const count = integer('count', values.count, 1, 500);
  const camera = {
    fps: integer('fps', values.fps, 1, 60),
    width: integer('width', values.width, 64, 3840),
    height: integer('height', values.height, 64, 2160),
    tone: values.tone,
    faceFailures: integer('face-failures', values['face-failures'], 0, 10),
  };

  const open = (await slotCandidates(values.platform, values.slot, adminSecret)).filter((candidate) => !FINAL_QUEUE_STATES.includes(candidate.state));
  if (open.length < count) fail(`${values.slot} has ${open.length} candidates still to examine, fewer than --count ${count}`);

  const running: SimulatedCandidate[] = [];
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\nStopping ${running.length} simulated candidates…\n`);
    for (const candidate of running) candidate.stop();
    // Exit explicitly, and not by running out of work: wrtc's finalizers crash a Node process
    // that ends naturally (node-webrtc/node-webrtc#636). The pause lets sockets say goodbye.
    setTimeout(() => process.exit(0), 200);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  for (const [index, { candidateId, mainToken, sideToken }] of open.slice(0, count).entries()) {
    if (stopping) break;
    const candidate = await startSimulatedCandidate({ platformUrl: values.platform, mainToken, sideToken, ...camera });
    running.push(candidate);
    for (const device of [candidate.main, candidate.side]) {
      let last = '';
      device.subscribe(() => {
        const { entry, connection, publish, publishers, voices, problem } = device.snapshot;
        const media = `camera ${publish}${publishers > 1 ? ` ×${publishers}` : ''}${voices > 0 ? ` · ${voices} voice(s)` : ''}`;
        const line = `${entry?.state ?? '…'} · ${connection} · ${media}${problem ? ` · ${problem}` : ''}`;
        if (line === last) return;
        last = line;
        process.stdout.write(`[${String(index + 1).padStart(3, ' ')} ${candidateId} ${device.device}] ${line}\n`);
      });
    }
  }
  process.stdout.write(`${running.length} simulated candidates connected to ${values.platform} (${values.slot}); Ctrl-C stops them.\n`);
}

void main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
