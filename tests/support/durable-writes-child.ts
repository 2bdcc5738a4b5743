/**
 * A workstation that makes one finished evidence recording and one ready download, as its own
 * process so that a test can watch its system calls (strace): signs in as examiner1, records the
 * stream in `stream-file` as evidence of the first live assignment and finishes it, then signs in
 * as grader1 and downloads the first recorded assignment. Prints `evidence <recordingId>`, then
 * `download <assignmentId>`, then `done`.
 *
 *   TSX_TSCONFIG_PATH=tsconfig.tests.json node --import tsx tests/support/durable-writes-child.ts <platformUrl> <dataDir> <stream-file>
 */
import { readFileSync, writeSync } from 'node:fs';
import { evidenceChunks } from './evidence-fixtures';
import { startWorkstation } from './workstation';

const print = (line: string) => writeSync(1, `${line}\n`);

async function main(platformUrl: string, dataDir: string, streamFile: string): Promise<void> {
  const ws = startWorkstation(platformUrl, { dataDir });
  await ws.call('session.login', { username: 'examiner1', password: 'demo1234' });
  const live = (await ws.call('assignments.list', {})).assignments.find((item) => item.assignment.kind === 'live')?.assignment;
  if (!live) throw new Error('no live assignment');
  const { recordingId } = await ws.call('evidence.start', { assignmentId: live.assignmentId, device: 'main' });
  for (const [seq, chunk] of evidenceChunks(readFileSync(streamFile)).entries()) {
    await ws.call('evidence.chunk', { recordingId, seq, data: chunk.toString('base64') });
  }
  const finished = await ws.call('evidence.finish', { recordingId });
  if (finished.state !== 'finished') throw new Error(`the recording is ${finished.state}`);
  print(`evidence ${recordingId}`);

  await ws.call('session.logout', {});
  await ws.call('session.login', { username: 'grader1', password: 'demo1234' });
  const recorded = (await ws.call('assignments.list', {})).assignments.find((item) => item.assignment.kind === 'recorded')?.assignment;
  if (!recorded) throw new Error('no recorded assignment');
  const ready = ws.waitFor('recordings.progress', (state) => state.assignmentId === recorded.assignmentId && (state.state === 'ready' || state.state === 'failed'));
  const state = await ws.call('recordings.download', { assignmentId: recorded.assignmentId });
  const settled = state.state === 'ready' ? state : await ready;
  if (settled.state !== 'ready') throw new Error(`the download is ${settled.state}`);
  print(`download ${recorded.assignmentId}`);
  ws.workstation.stop();
  print('done');
}

const [platformUrl, dataDir, streamFile] = process.argv.slice(2);
if (!platformUrl || !dataDir || !streamFile) {
  process.stderr.write('usage: durable-writes-child.ts <platformUrl> <dataDir> <stream-file>\n');
  process.exit(2);
}
void main(platformUrl, dataDir, streamFile).catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
