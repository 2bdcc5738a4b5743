/**
 * A workstation that grades and syncs, run as its own process so sync-crash.test.ts can `kill -9`
 * it while a batch of score sheets is in flight. Signs in, saves and submits a sheet for each of
 * examiner1's first <count> live assignments that the database does not already hold as
 * submitted (so a run resumes where the last one was killed), lets the sync worker deliver them
 * in small batches, and prints `done` once the outbox is empty.
 *
 *   TSX_TSCONFIG_PATH=tsconfig.tests.json node --import tsx tests/reliability/sync-crash-child.ts <dataDir> <platformUrl> <count>
 */
import { writeSync } from 'node:fs';
import type { Exam } from '@common/platform';
import { startWorkstation, valuesFor } from '../support/workstation';

/** Sheets per batch: small, so a run sends many batches and a kill finds one in flight. */
const CRASH_BATCH_SIZE = 10;

async function main(dataDir: string, platformUrl: string, count: number): Promise<void> {
  const ws = startWorkstation(platformUrl, { dataDir, sync: { batchSize: CRASH_BATCH_SIZE, baseDelayMs: 20, maxDelayMs: 200 } });
  try {
    await ws.call('session.login', { username: 'examiner1', password: 'demo1234' });
    const { assignments } = await ws.call('assignments.list', {});
    const live = assignments.filter((item) => item.assignment.kind === 'live').slice(0, count);
    const { exam } = await ws.call('exams.get', { examId: live[0]?.assignment.examId ?? '' });
    const criteria = (exam as Exam).subjects.find((subject) => subject.id === live[0]?.assignment.subjectId)?.rubric.criteria ?? [];
    for (const [index, { assignment, sheetStatus }] of live.entries()) {
      if (sheetStatus !== null && sheetStatus !== 'draft') continue;
      const { assignmentId } = assignment;
      if (sheetStatus === null) {
        await ws.call('sheets.save', { assignmentId, values: valuesFor(criteria, (index % 11) / 10), comment: `#${String(index)}`, violation: { flagged: false, note: null } });
      }
      await ws.call('sheets.submit', { assignmentId });
    }
    const drained = ws.waitFor('sync.status', (status) => status.pending === 0 && status.state === 'idle');
    const now = await ws.call('sync.getStatus', {});
    if (now.pending > 0 || now.state !== 'idle') await drained;
  } finally {
    ws.stop();
  }
  writeSync(1, 'done\n');
}

const [dataDir, platformUrl, count] = process.argv.slice(2);
if (dataDir === undefined || platformUrl === undefined || !/^[1-9]\d*$/.test(count ?? '')) {
  process.stderr.write('usage: sync-crash-child.ts <dataDir> <platformUrl> <count>\n');
  process.exit(2);
}
await main(dataDir, platformUrl, Number(count));
process.exit(0);
