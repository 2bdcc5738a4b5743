import { afterEach, describe, expect, it } from 'vitest';
import type { Exam, ReviewMark, ScoreSheet } from '@common/platform';
import { startPlatform, type RunningPlatform } from '../../platform/server';
import { startWorkstation, valuesFor, type TestWorkstation } from '../support/workstation';

/**
 * The review player's timestamped notes and violation marks live in the score sheet: saved with
 * every autosave, kept when a caller leaves them out, frozen into the submission and stored by
 * the platform with the sheet it accepts.
 */
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function signedIn(): Promise<{ platform: RunningPlatform; ws: TestWorkstation; assignmentId: string; values: Record<string, number> }> {
  const platform = await startPlatform();
  cleanups.push(() => platform.close());
  const ws = startWorkstation(platform.url);
  cleanups.push(() => ws.stop());
  await ws.call('session.login', { username: 'grader1', password: 'demo1234' });
  const { assignments } = await ws.call('assignments.list', {});
  const view = assignments.find((item) => item.assignment.kind === 'recorded');
  if (!view) throw new Error('the demo has no recorded assignment for grader1');
  const { exam } = await ws.call('exams.get', { examId: view.assignment.examId });
  const criteria = (exam as Exam).subjects.find((subject) => subject.id === view.assignment.subjectId)?.rubric.criteria ?? [];
  return { platform, ws, assignmentId: view.assignment.assignmentId, values: valuesFor(criteria, 0.8) };
}

const late: ReviewMark = { id: 'mk-b', kind: 'violation', atMs: 61_000, text: '画面中出现他人' };
const early: ReviewMark = { id: 'mk-a', kind: 'note', atMs: 12_400, text: '第二段音准偏低' };
const violation = { flagged: false, note: null };

describe('review marks in the score sheet', () => {
  it('are saved in time order, and kept when a save leaves them out', async () => {
    const { ws, assignmentId, values } = await signedIn();
    const saved = await ws.call('sheets.save', { assignmentId, values: {}, comment: '', violation, marks: [late, early] });
    expect(saved.marks).toEqual([early, late]);
    const withoutMarks = await ws.call('sheets.save', { assignmentId, values, comment: 'ok', violation });
    expect(withoutMarks.marks).toEqual([early, late]);
    expect((await ws.call('sheets.get', { assignmentId }))?.marks).toEqual([early, late]);
    const cleared = await ws.call('sheets.save', { assignmentId, values, comment: 'ok', violation, marks: [] });
    expect(cleared.marks).toEqual([]);
  });

  it('refuses two marks with one id', async () => {
    const { ws, assignmentId } = await signedIn();
    await expect(ws.call('sheets.save', { assignmentId, values: {}, comment: '', violation, marks: [early, { ...late, id: early.id }] })).rejects.toThrow(/invalid_input/);
  });

  it('reach the platform with the sheet it accepts; a sheet without marks is sent without the field', async () => {
    const { platform, ws, assignmentId, values } = await signedIn();
    await ws.call('sheets.save', { assignmentId, values, comment: '', violation, marks: [early, late] });
    const accepted = ws.waitFor('sheet.changed', (state) => state.assignmentId === assignmentId && state.status === 'accepted');
    await ws.call('sheets.submit', { assignmentId });
    await accepted;
    const held = await platformSheet(platform, assignmentId);
    expect(held?.marks).toEqual([early, late]);

    const { assignments } = await ws.call('assignments.list', {});
    const other = assignments.find((item) => item.assignment.kind === 'recorded' && item.assignment.assignmentId !== assignmentId);
    if (!other) throw new Error('grader1 has a single recorded assignment');
    const otherId = other.assignment.assignmentId;
    await ws.call('sheets.save', { assignmentId: otherId, values, comment: '', violation });
    const done = ws.waitFor('sheet.changed', (state) => state.assignmentId === otherId && state.status === 'accepted');
    await ws.call('sheets.submit', { assignmentId: otherId });
    await done;
    expect(await platformSheet(platform, otherId)).not.toHaveProperty('marks');
  });
});

async function platformSheet(platform: RunningPlatform, assignmentId: string): Promise<ScoreSheet | null> {
  const login = (await (
    await fetch(`${platform.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'grader1', password: 'demo1234' }),
    })
  ).json()) as { token: string };
  const response = await fetch(`${platform.url}/api/v1/assignments/${assignmentId}/score`, { headers: { authorization: `Bearer ${login.token}` } });
  return ((await response.json()) as { sheet: ScoreSheet | null }).sheet;
}
