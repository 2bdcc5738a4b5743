/**
 * A workstation recording evidence, as its own process so a test can `kill -9` it mid-recording:
 * signs in to the platform, starts a recording of the first live assignment and sends the
 * stream in `stream-file` in chunks of `chunk-bytes`, printing `ack <seq> <bytes>` after each call returned
 * (after the chunk was synced). After `stop-after` chunks it prints `paused` and waits, mid-recording,
 * for the kill.
 *
 *   TSX_TSCONFIG_PATH=tsconfig.tests.json node --import tsx tests/support/evidence-child.ts <platformUrl> <dataDir> <stream-file> <chunk-bytes> <stop-after>
 */
import { readFileSync, writeSync } from 'node:fs';
import { evidenceChunks } from './evidence-fixtures';
import { startWorkstation } from './workstation';

const print = (line: string) => writeSync(1, `${line}\n`);

async function main(platformUrl: string, dataDir: string, streamFile: string, chunkBytes: number, stopAfter: number): Promise<void> {
  const ws = startWorkstation(platformUrl, { dataDir });
  await ws.call('session.login', { username: 'examiner1', password: 'demo1234' });
  const { assignments } = await ws.call('assignments.list', {});
  const live = assignments.find((item) => item.assignment.kind === 'live')?.assignment;
  if (!live) throw new Error('no live assignment');
  const { recordingId } = await ws.call('evidence.start', { assignmentId: live.assignmentId, device: 'main' });
  print(`recording ${recordingId}`);
  for (const [seq, chunk] of evidenceChunks(readFileSync(streamFile), chunkBytes).slice(0, stopAfter).entries()) {
    const ack = await ws.call('evidence.chunk', { recordingId, seq, data: chunk.toString('base64') });
    print(`ack ${ack.seq} ${ack.bytes}`);
  }
  print('paused');
  // Never finished on purpose: the parent kills this process here.
  await new Promise(() => undefined);
}

const [platformUrl, dataDir, streamFile, chunkBytes, stopAfter] = process.argv.slice(2);
if (!platformUrl || !dataDir || !streamFile || !/^[1-9]\d*$/.test(chunkBytes ?? '') || !/^[1-9]\d*$/.test(stopAfter ?? '')) {
  process.stderr.write('usage: evidence-child.ts <platformUrl> <dataDir> <stream-file> <chunk-bytes> <stop-after>\n');
  process.exit(2);
}
void main(platformUrl, dataDir, streamFile, Number(chunkBytes), Number(stopAfter)).catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
