import { statSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Exam, ScoreSheet } from '@common/platform';
import { backupStore } from '../../main/store/backups';
import { DATABASE_FILE } from '../../main/store/database';
import { startPlatform, type RunningPlatform } from '../../platform/server';
import { testCleanups } from '../support/cleanups';
import { startWorkstation, valuesFor, type TestWorkstation } from '../support/workstation';

/**
 * A workstation whose database is restored from a backup syncs against a platform that has moved
 * on since the backup: what the backup still had to send never overwrites a later version. A
 * submission the platform already took is answered as it was then; a sheet submitted again from
 * an older base becomes a conflict the examiner sees, with both versions.
 */

const { cleanups, tempDir } = testCleanups();


/** A workstation on `dataDir`, stopped at the end unless the test stopped it. */
function workstation(platform: RunningPlatform, dataDir: string): TestWorkstation & { stopped: boolean } {
  const ws = startWorkstation(platform.url, { dataDir });
  const handle = {
    ...ws,
    stopped: false,
    stop: () => {
      if (handle.stopped) return;
      handle.stopped = true;
      ws.stop();
    },
  };
  cleanups.push(() => handle.stop());
  return handle;
}

async function login(platform: RunningPlatform): Promise<string> {
  const response = await fetch(`${platform.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'examiner1', password: 'demo1234' }),
  });
  return ((await response.json()) as { token: string }).token;
}

/** The examiner on another device, straight to the platform. */
async function submitElsewhere(platform: RunningPlatform, token: string, assignmentId: string, baseVersion: number, sheet: ScoreSheet): Promise<number> {
  const response = await fetch(`${platform.url}/api/v1/assignments/${assignmentId}/score`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': randomUUID(), 'if-match': `"${String(baseVersion)}"` },
    body: JSON.stringify(sheet),
  });
  return response.status;
}

async function held(platform: RunningPlatform, token: string, assignmentId: string) {
  const response = await fetch(`${platform.url}/api/v1/assignments/${assignmentId}/score`, { headers: { authorization: `Bearer ${token}` } });
  return (await response.json()) as { version: number; sheet: ScoreSheet | null };
}

describe('restored from a backup, then synced against a platform that moved on', () => {
  it('shows a conflict for a sheet submitted from the old base and overwrites none of the later versions', async () => {
    const platform = await startPlatform({ dataDir: tempDir('platform-'), demo: { liveCandidates: 4, recordedPerSlot: 1 } });
    cleanups.push(() => platform.close());
    const dataDir = tempDir('examiner-restore-');
    const first = workstation(platform, dataDir);
    await first.call('session.login', { username: 'examiner1', password: 'demo1234' });
    const { assignments } = await first.call('assignments.list', {});
    const live = assignments.filter((item) => item.assignment.kind === 'live').map((item) => item.assignment);
    const { exam } = await first.call('exams.get', { examId: live[0]?.examId ?? '' });
    const criteria = (exam as Exam).subjects.find((subject) => subject.id === live[0]?.subjectId)?.rubric.criteria ?? [];
    const [pendingAtBackup, draftAtBackup] = live.map((assignment) => assignment.assignmentId);
    if (!pendingAtBackup || !draftAtBackup) throw new Error('the demo has too few live assignments');
    const sheet = (fraction: number, comment: string): ScoreSheet => ({ values: valuesFor(criteria, fraction), comment, violation: { flagged: false, note: null } });

    // At the backup: one submission still waiting in the outbox, one sheet a draft.
    first.workstation.sync.stop();
    await first.call('sheets.save', { assignmentId: pendingAtBackup, ...sheet(0.6, '备份时待发') });
    await first.call('sheets.submit', { assignmentId: pendingAtBackup });
    await first.call('sheets.save', { assignmentId: draftAtBackup, ...sheet(0.7, '备份时草稿') });
    backupStore(first.workstation.store, dataDir);

    // After it: the waiting one delivered (version 1), and the examiner, on another device,
    // moves both sheets on: version 2 of the first, version 1 of the draft.
    const delivered = first.waitFor('sheet.changed', (state) => state.assignmentId === pendingAtBackup && state.status === 'accepted');
    first.workstation.sync.start();
    expect((await delivered).acceptedVersion).toBe(1);
    const token = await login(platform);
    const later = { [pendingAtBackup]: sheet(0.9, '另一台设备 v2'), [draftAtBackup]: sheet(0.2, '另一台设备 v1') };
    expect(await submitElsewhere(platform, token, pendingAtBackup, 1, later[pendingAtBackup] ?? sheet(0, ''))).toBe(201);
    expect(await submitElsewhere(platform, token, draftAtBackup, 0, later[draftAtBackup] ?? sheet(0, ''))).toBe(201);

    // The database is damaged; the next start restores the backup.
    first.stop();
    const file = join(dataDir, DATABASE_FILE);
    writeFileSync(file, Buffer.alloc(statSync(file).size, 0x5a));
    const restored = workstation(platform, dataDir);
    const recovery = await restored.call('store.getRecovery', {});
    expect(recovery?.unsynced.map((item) => [item.assignmentId, item.status])).toEqual(
      expect.arrayContaining([
        [pendingAtBackup, 'submitted'],
        [draftAtBackup, 'draft'],
      ]),
    );

    // The submission the backup still held goes again, under its key: the platform answers it as
    // it did the first time (version 1) and keeps version 2.
    const replayed = restored.waitFor('sheet.changed', (state) => state.assignmentId === pendingAtBackup && state.status === 'accepted');
    await restored.call('session.login', { username: 'examiner1', password: 'demo1234' });
    expect((await replayed).acceptedVersion).toBe(1);

    // The draft, submitted from base 0 while the platform holds version 1: a conflict, both versions shown.
    const conflicted = restored.waitFor('sheet.changed', (state) => state.assignmentId === draftAtBackup && state.status === 'conflict');
    await restored.call('sheets.submit', { assignmentId: draftAtBackup });
    const conflict = await conflicted;
    expect(conflict.conflict?.reason).toBe('version_conflict');
    expect(conflict.conflict?.platform.version).toBe(1);
    expect(conflict.conflict?.platform.sheet?.values).toEqual(later[draftAtBackup]?.values);
    expect(conflict.values).toEqual(sheet(0.7, '').values);
    expect(await restored.call('sync.getStatus', {})).toMatchObject({ pending: 0, conflicts: 1, rejected: 0 });

    // Nothing was overwritten.
    for (const [assignmentId, version] of [[pendingAtBackup, 2], [draftAtBackup, 1]] as const) {
      const record = await held(platform, token, assignmentId);
      expect({ version: record.version, sheet: record.sheet }).toEqual({ version, sheet: later[assignmentId] });
    }
    expect(await restored.call('audit.verify', {})).toMatchObject({ ok: true });
  });
});
