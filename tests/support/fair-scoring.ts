import type { AssignmentView, SheetInput } from '@common/contract';
import type { Assignment } from '@common/platform';
import { sql } from '../../main/store/sql';
import { DEMO_DANCE_SUBJECT_ID } from '../../platform/demo/exam';
import { startPlatform, type RunningPlatform } from '../../platform/server';
import { testCleanups } from './cleanups';
import { startWorkstation, type TestWorkstation } from './workstation';

/**
 * What the fair-scoring tests share (tests/integration/sheets-fairness.test.ts,
 * calibration-service.test.ts): the real platform on loopback and signed-in workstations, undone
 * after each test. Call `fairScoring()` once at the top of a test file.
 */
export function fairScoring() {
  const { cleanups, tempDir } = testCleanups();

  async function platformIn(dataDir = tempDir('fair-platform-'), port = 0): Promise<RunningPlatform> {
    const platform = await startPlatform({ dataDir, port, sfu: 'off' });
    cleanups.push(() => platform.close());
    return platform;
  }

  async function signedIn(platform: RunningPlatform, username: string): Promise<TestWorkstation> {
    const ws = startWorkstation(platform.url);
    cleanups.push(() => ws.stop());
    await ws.call('session.login', { username, password: DEMO_PASSWORD });
    return ws;
  }

  return { cleanups, tempDir, platformIn, signedIn };
}

const DEMO_PASSWORD = 'demo1234';

/** The contract error code of a command that must fail, and its message. */
export async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    const match = /failed: ([a-z_]+): ([\s\S]*)$/.exec((error as Error).message);
    return { code: match?.[1] ?? (error as Error).message, message: match?.[2] ?? '' };
  }
  throw new Error('the command succeeded');
}

export async function listed(ws: TestWorkstation): Promise<AssignmentView[]> {
  return (await ws.call('assignments.list', {})).assignments;
}

/** The `index`th listed assignment that matches. */
export function pick(views: readonly AssignmentView[], match: (assignment: Assignment) => boolean, index = 0): Assignment {
  const found = views.map((view) => view.assignment).filter(match)[index];
  if (!found) throw new Error('no such assignment in the listing');
  return found;
}

export const danceScore = (assignment: Assignment) => assignment.subjectId === DEMO_DANCE_SUBJECT_ID && assignment.purpose === 'score';
export const danceAnchor = (assignment: Assignment) => assignment.subjectId === DEMO_DANCE_SUBJECT_ID && assignment.purpose === 'calibration';
export const instrumental = (assignment: Assignment) => assignment.subjectId === 'instrumental' && assignment.purpose === 'score';

/** A dance sheet in the upper band (total 80–100, technique 32–40): 35 + 25 + 15 + 8 = 83. */
export const UPPER = { technique: 35, expression: 25, rhythm: 15, appearance: 8 };

export const sheet = (assignmentId: string, values: Record<string, number>, extra: Partial<SheetInput> = {}): SheetInput => ({
  assignmentId,
  values,
  comment: '',
  violation: { flagged: false, note: null },
  ...extra,
});

/** The workstation's audit entries of an assignment, in order. */
export function auditOf(ws: TestWorkstation, assignmentId: string): { action: string; payload: Record<string, unknown> }[] {
  return ws.workstation.store.reader
    .all<{ action: string; payload: string }>(sql`SELECT action, payload FROM audit_log WHERE assignment_id = ${assignmentId} ORDER BY seq`)
    .map((row) => ({ action: row.action, payload: JSON.parse(row.payload) as Record<string, unknown> }));
}

/** Submits and waits for the platform's answer (the sheet no longer `submitted`). */
export async function submitted(ws: TestWorkstation, assignmentId: string) {
  const done = ws.waitFor('sheet.changed', (state) => state.assignmentId === assignmentId && state.status !== 'submitted');
  await ws.call('sheets.submit', { assignmentId });
  return done;
}

/** Scores every dance anchor offered to the examiner (upper band), so real dance sheets are taken. */
export async function calibrate(ws: TestWorkstation, views: readonly AssignmentView[]): Promise<void> {
  for (const view of views.filter((candidate) => danceAnchor(candidate.assignment))) {
    await ws.call('calibration.submit', { anchorId: view.assignment.anchorId ?? '', values: UPPER, band: 'upper' });
  }
}
