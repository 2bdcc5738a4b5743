/**
 * The workstation's grading loop, run as its own process so the crash test can `kill -9` it:
 * opens the store in a data folder, signs back in from stored credentials and autosaves one
 * sheet per assignment (values derived from the assignment's index), submitting every n-th.
 * It resumes where the database says the last run stopped, and prints
 * `ack <assignmentId> <revision> <status>` only after a call has returned, i.e. after commit.
 *
 *   TSX_TSCONFIG_PATH=tsconfig.tests.json node --import tsx tests/reliability/crash-child.ts <dataDir> <count> <submitEvery>
 */
import { writeSync } from 'node:fs';
import type { SheetState, SheetStatus } from '@common/contract';
import { sql } from '../../main/store/sql';
import { completeSheet, fixtureAssignments, openWorkbench } from '../support/store-fixtures';

// Synchronous writes to fd 1: an ack is in the pipe before the next call starts, so a kill can
// lose only work that was never acknowledged.
const print = (line: string) => writeSync(1, `${line}\n`);
const ack = (state: SheetState) => print(`ack ${state.assignmentId} ${String(state.revision)} ${state.status}`);

function main(dataDir: string, count: number, submitEvery: number): void {
  const bench = openWorkbench(dataDir);
  try {
    // Where the last run stopped, as the database says: a committed but unacknowledged save is not redone.
    const done = new Map(
      bench.store.reader
        .all<{ assignment_id: string; status: SheetStatus }>(sql`SELECT assignment_id, status FROM score_sheets WHERE examiner_id = ${bench.examinerId}`)
        .map((row) => [row.assignment_id, row.status]),
    );
    for (const [index, assignment] of fixtureAssignments(count).entries()) {
      let status = done.get(assignment.assignmentId);
      if (status === undefined) {
        const state = bench.sheets.save(completeSheet(assignment, index));
        ack(state);
        status = state.status;
      }
      if (index % submitEvery === 0 && status === 'draft') ack(bench.sheets.submit(assignment.assignmentId));
    }
  } finally {
    bench.close();
  }
  print('done');
}

const [dataDir, count, submitEvery] = process.argv.slice(2);
if (dataDir === undefined || !/^\d+$/.test(count ?? '') || !/^[1-9]\d*$/.test(submitEvery ?? '')) {
  process.stderr.write('usage: crash-child.ts <dataDir> <count> <submitEvery>\n');
  process.exit(2);
}
main(dataDir, Number(count), Number(submitEvery));
