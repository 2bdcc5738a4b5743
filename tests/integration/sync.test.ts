import { describe, expect, it } from 'vitest';
import type { Exam } from '@common/platform';
import { startPlatform, type RunningPlatform } from '../../platform/server';
import { testCleanups } from '../support/cleanups';
import { startWorkstation, valuesFor, type TestWorkstation } from '../support/workstation';

const { cleanups, tempDir } = testCleanups();

async function platformIn(dataDir: string, port = 0): Promise<RunningPlatform> {
  const platform = await startPlatform({ dataDir, port });
  cleanups.push(() => platform.close());
  return platform;
}

function workstationOn(platform: RunningPlatform): TestWorkstation {
  const ws = startWorkstation(platform.url);
  cleanups.push(() => ws.stop());
  return ws;
}

/** Signs in as examiner1 and returns a recorded assignment with its rubric criteria. */
async function prepare(ws: TestWorkstation) {
  await ws.call('session.login', { username: 'examiner1', password: 'demo1234' });
  const { assignments } = await ws.call('assignments.list', {});
  const view = assignments.find((item) => item.assignment.kind === 'recorded');
  if (!view) throw new Error('the demo has no recorded assignment for examiner1');
  const { exam } = await ws.call('exams.get', { examId: view.assignment.examId });
  const criteria = (exam as Exam).subjects.find((subject) => subject.id === view.assignment.subjectId)?.rubric.criteria ?? [];
  return { assignmentId: view.assignment.assignmentId, criteria };
}

/** What the platform holds for examiner1's assignment, read through its own API. */
async function platformScore(platform: RunningPlatform, assignmentId: string) {
  const login = (await (
    await fetch(`${platform.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'examiner1', password: 'demo1234' }),
    })
  ).json()) as { token: string };
  const response = await fetch(`${platform.url}/api/v1/assignments/${assignmentId}/score`, {
    headers: { authorization: `Bearer ${login.token}` },
  });
  return (await response.json()) as { version: number; total: number | null; sheet: { values: Record<string, number> } | null };
}


describe('score sheets reach the platform', () => {
  it('autosaves, submits, and the platform accepts the sheet once', async () => {
    const platform = await platformIn(tempDir('platform-'));
    const ws = workstationOn(platform);
    const { assignmentId, criteria } = await prepare(ws);

    const draft = await ws.call('sheets.save', {
      assignmentId,
      values: valuesFor(criteria, 0.8),
      comment: '音准稳定',
      violation: { flagged: false, note: null },
    });
    expect(draft.status).toBe('draft');
    expect(draft.total).not.toBeNull();

    const accepted = ws.waitFor('sheet.changed', (sheet) => sheet.assignmentId === assignmentId && sheet.status === 'accepted');
    expect((await ws.call('sheets.submit', { assignmentId })).status).toBe('submitted');
    const sheet = await accepted;
    expect(sheet.acceptedVersion).toBe(1);

    const held = await platformScore(platform, assignmentId);
    expect(held.version).toBe(1);
    expect(held.total).toBe(draft.total);
    expect(held.sheet?.values).toEqual(draft.values);
    const status = await ws.call('sync.getStatus', {});
    expect(status).toMatchObject({ pending: 0, conflicts: 0, rejected: 0 });
    expect(status.lastSuccessAt).not.toBeNull();
    expect(await ws.call('audit.verify', {})).toMatchObject({ ok: true });
  });

  it('keeps a submission pending while the platform is down and sends it when it returns', async () => {
    const dataDir = tempDir('platform-');
    const platform = await platformIn(dataDir);
    const ws = workstationOn(platform);
    const { assignmentId, criteria } = await prepare(ws);
    await platform.close();
    await ws.call('platform.checkNow', {});

    // Offline: the cached rubric still checks the sheet, and the submission waits in the outbox.
    await ws.call('sheets.save', { assignmentId, values: valuesFor(criteria, 0.6), comment: '', violation: { flagged: false, note: null } });
    await ws.call('sheets.submit', { assignmentId });
    expect(await ws.call('sync.getStatus', {})).toMatchObject({ state: 'offline', pending: 1 });
    const cachedList = await ws.call('assignments.list', {});
    expect(cachedList.freshness.fresh).toBe(false);
    expect(cachedList.assignments.find((item) => item.assignment.assignmentId === assignmentId)?.sheetStatus).toBe('submitted');

    const accepted = ws.waitFor('sheet.changed', (sheet) => sheet.assignmentId === assignmentId && sheet.status === 'accepted');
    const again = await platformIn(dataDir, platform.port);
    await accepted;
    expect((await platformScore(again, assignmentId)).version).toBe(1);
    expect(await ws.call('sync.getStatus', {})).toMatchObject({ pending: 0 });
  });

  it('turns the same sheet edited offline on two workstations into a visible conflict, overwriting nothing', async () => {
    const dataDir = tempDir('platform-');
    const platform = await platformIn(dataDir);
    const first = workstationOn(platform);
    const second = workstationOn(platform);
    const { assignmentId, criteria } = await prepare(first);
    await prepare(second);
    await platform.close();
    await Promise.all([first.call('platform.checkNow', {}), second.call('platform.checkNow', {})]);

    const mine = valuesFor(criteria, 0.9);
    const theirs = valuesFor(criteria, 0.5);
    await first.call('sheets.save', { assignmentId, values: theirs, comment: 'A', violation: { flagged: false, note: null } });
    await first.call('sheets.submit', { assignmentId });
    await second.call('sheets.save', { assignmentId, values: mine, comment: 'B', violation: { flagged: false, note: null } });
    await second.call('sheets.submit', { assignmentId });

    // The second workstation stays offline until the first has synced, to fix the order.
    second.workstation.health.stop();
    const firstAccepted = first.waitFor('sheet.changed', (sheet) => sheet.status === 'accepted');
    const again = await platformIn(dataDir, platform.port);
    await firstAccepted;

    const conflicted = second.waitFor('sheet.changed', (sheet) => sheet.status === 'conflict');
    await second.call('sync.now', {});
    const conflict = await conflicted;
    expect(conflict.conflict?.reason).toBe('version_conflict');
    expect(conflict.conflict?.platform.version).toBe(1);
    expect(conflict.conflict?.platform.sheet?.values).toEqual(theirs);
    expect(conflict.values).toEqual(mine);
    expect((await platformScore(again, assignmentId)).sheet?.values).toEqual(theirs);
    expect(await second.call('sync.getStatus', {})).toMatchObject({ pending: 0, conflicts: 1 });

    // Keeping ours resubmits it on top of the platform's version: nothing was lost on either side.
    const resolved = second.waitFor('sheet.changed', (sheet) => sheet.status === 'accepted');
    expect((await second.call('sheets.resolveConflict', { assignmentId, keep: 'mine' })).status).toBe('submitted');
    expect((await resolved).acceptedVersion).toBe(2);
    const held = await platformScore(again, assignmentId);
    expect(held).toMatchObject({ version: 2 });
    expect(held.sheet?.values).toEqual(mine);
  });
});
