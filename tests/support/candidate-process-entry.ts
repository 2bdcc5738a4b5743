/**
 * A simulated candidate (platform/sim: both phones, wrtc cameras with frame stamps) as a process
 * of its own, so a test can run it inside a network namespace (`ip netns exec …`) or keep its
 * encoding off the test's thread. Options come as one JSON argument; commands arrive as JSON
 * lines on stdin (`{"drop":seconds,"device":"side"}`, `{"quickMessage":"ready"}`, `{"outboundBytes":true}`,
 * `{"stop":true}`);
 * every change of a device is printed as a JSON line `{"device","state","connection","publish","publishers","voices"}`.
 *
 *   TSX_TSCONFIG_PATH=tsconfig.tests.json node --import tsx tests/support/candidate-process-entry.ts '<json>'
 */
import { writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { Device } from '@common/platform/queue';
import { QuickMessageId } from '@common/platform/realtime';
import { startSimulatedCandidate } from '../../platform/sim/candidate';

const Options = z.strictObject({
  platformUrl: z.string(),
  mainToken: z.string(),
  sideToken: z.string(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  fps: z.number().int().positive(),
  tone: z.boolean(),
});
const Command = z.union([
  z.strictObject({ drop: z.number().nonnegative(), device: z.union([Device, z.literal('both')]) }),
  z.strictObject({ quickMessage: QuickMessageId }),
  z.strictObject({ stop: z.literal(true) }),
  /** Answered with a line `{"outboundBytes":n}`: what both phones sent so far on their publishing peers. */
  z.strictObject({ outboundBytes: z.literal(true) }),
]);

const print = (value: unknown) => writeSync(1, `${JSON.stringify(value)}\n`);

async function main(): Promise<void> {
  const options = Options.parse(JSON.parse(process.argv[2] ?? '{}'));
  const candidate = await startSimulatedCandidate(options);
  // wrtc's finalizers crash a Node process that ends by running out of work (node-webrtc/node-webrtc#636).
  const stop = () => {
    candidate.stop();
    setTimeout(() => process.exit(0), 200);
  };
  process.on('SIGTERM', stop);
  for (const device of [candidate.main, candidate.side]) {
    let last = '';
    const report = () => {
      const { entry, connection, publish, publishers, voices } = device.snapshot;
      const line = { device: device.device, state: entry?.state ?? null, connection, publish, publishers, voices };
      const text = JSON.stringify(line);
      if (text === last) return;
      last = text;
      print(line);
    };
    device.subscribe(report);
    report();
  }
  createInterface({ input: process.stdin }).on('line', (line) => {
    const command = Command.parse(JSON.parse(line));
    if ('drop' in command) void candidate.drop(command.drop, command.device);
    else if ('quickMessage' in command) candidate.quickMessage(command.quickMessage);
    else if ('outboundBytes' in command) void candidate.outboundBytes().then((bytes) => print({ outboundBytes: bytes }));
    else stop();
  });
}

void main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
