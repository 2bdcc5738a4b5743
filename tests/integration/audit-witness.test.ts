import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { Exam } from '@common/platform';
import { AuditFlagList, type AuditFlag } from '@common/platform/audit';
import { LoginResponse } from '@common/platform/wire';
import { startPlatform, type RunningPlatform } from '../../platform/server';
import { auditChainId, verifyAudit } from '../../main/store/audit';
import { backupStore } from '../../main/store/backups';
import { DATABASE_FILE } from '../../main/store/database';
import { sql } from '../../main/store/sql';
import { testCleanups } from '../support/cleanups';
import { startWorkstation, valuesFor, type TestWorkstation } from '../support/workstation';

/**
 * A workstation's audit chain as the platform witnesses it, end to end: the real workstation
 * (its SQLite file, its sync worker) against the platform on loopback. The chain file alone
 * cannot show that it was cut and re-headed, or rolled back to a backup; the platform, which held
 * the head, flags it to the chief, and every score still arrives.
 */

const { cleanups, tempDir } = testCleanups();


async function platformIn(dataDir: string, port = 0): Promise<RunningPlatform> {
  const platform = await startPlatform({ dataDir, port, sfu: 'off' });
  cleanups.push(() => platform.close());
  return platform;
}

/**
 * A workstation on `dataDir` (kept when it stops, as a real one's is), signed in as examiner1;
 * `beforeSignIn` sees it first (to wait for what signing in sets off).
 */
async function examiner1On(platform: RunningPlatform, dataDir: string, beforeSignIn: (ws: TestWorkstation) => void = () => undefined) {
  const ws = startWorkstation(platform.url, { dataDir });
  beforeSignIn(ws);
  let stopped = false;
  const stop = () => {
    if (!stopped) ws.stop();
    stopped = true;
  };
  cleanups.push(stop);
  await ws.call('session.login', { username: 'examiner1', password: 'demo1234' });
  const { assignments } = await ws.call('assignments.list', {});
  const recorded = assignments.filter((item) => item.assignment.kind === 'recorded').map((item) => item.assignment);
  const first = recorded[0];
  if (!first) throw new Error('the demo has no recorded assignment for examiner1');
  const { exam } = await ws.call('exams.get', { examId: first.examId });
  const criteriaOf = (subjectId: string) => (exam as Exam).subjects.find((subject) => subject.id === subjectId)?.rubric.criteria ?? [];

  /** Saves a complete sheet for the recorded assignment `index` and submits it; resolves with the sheet's next state change. */
  const score = async (index: number, status: 'accepted' | 'submitted' = 'accepted') => {
    const assignment = recorded[index];
    if (!assignment) throw new Error(`examiner1 has no recorded assignment #${String(index)}`);
    const settled = ws.waitFor('sheet.changed', (sheet) => sheet.assignmentId === assignment.assignmentId && sheet.status === status);
    await ws.call('sheets.save', { assignmentId: assignment.assignmentId, values: valuesFor(criteriaOf(assignment.subjectId), 0.7), comment: '', violation: { flagged: false, note: null } });
    const submitted = await ws.call('sheets.submit', { assignmentId: assignment.assignmentId });
    return { assignmentId: assignment.assignmentId, state: status === 'submitted' ? submitted : await settled };
  };
  return { ws, stop, score, recorded };
}

async function api(platform: RunningPlatform, username: string) {
  const login = await fetch(`${platform.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'demo1234' }),
  });
  const { token } = LoginResponse.parse(await login.json());
  const get = async (path: string) => {
    const response = await fetch(`${platform.url}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    return (await response.json()) as unknown;
  };
  return {
    flags: async (): Promise<AuditFlag[]> => AuditFlagList.parse(await get('/audit-flags')).flags,
    version: async (assignmentId: string): Promise<number> => ((await get(`/assignments/${assignmentId}/score`)) as { version: number }).version,
  };
}

/** The workstation's entries, read from its file while it is stopped. */
function entriesIn(dataDir: string): { seq: number; hash: string }[] {
  const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
  try {
    return db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq').all() as { seq: number; hash: string }[];
  } finally {
    db.close();
  }
}

const heldHead = (platform: RunningPlatform, examinerId: string) =>
  platform.ctx.db.prepare('SELECT chain_id AS chain, seq, hash FROM audit_heads WHERE examiner_id = ?').all(examinerId);

describe('the audit chain, witnessed by the platform', () => {
  it('sends the head with every batch; the platform holds it under the chain named by its first entry', async () => {
    const platform = await platformIn(tempDir('platform-'));
    const { ws, score } = await examiner1On(platform, tempDir('examiner-ws-'));
    const { assignmentId } = await score(0);

    // save (1), submitted (2): the batch left with the head at 2; accepted (3) came after.
    const chain = auditChainId(ws.workstation.store.reader);
    const sent = ws.workstation.store.reader.get<{ hash: string }>(sql`SELECT hash FROM audit_log WHERE seq = 2`);
    expect(heldHead(platform, 'ex-01')).toEqual([{ chain, seq: 2, hash: sent?.hash }]);
    expect(platform.ctx.db.prepare('SELECT audit_head FROM scores WHERE assignment_id = ?').get(assignmentId)).toEqual({ audit_head: `2:${sent?.hash ?? ''}` });
    expect(await (await api(platform, 'chief')).flags()).toEqual([]);
  });

  it('catches a chain cut and re-headed in the file, which the file alone cannot show, and still takes the scores', async () => {
    const platform = await platformIn(tempDir('platform-'));
    const dataDir = tempDir('examiner-ws-');
    const first = await examiner1On(platform, dataDir);
    const a = await first.score(0);
    const b = await first.score(1);
    first.stop();
    const original = entriesIn(dataDir);
    expect(original.map((entry) => entry.seq)).toEqual([1, 2, 3, 4, 5, 6]);

    // Someone holding the file cuts the chain after A's acceptance and moves the recorded head
    // back with it, putting the append-only triggers back as they were.
    const file = new Database(join(dataDir, DATABASE_FILE));
    const triggers = file.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'").all() as { sql: string }[];
    file.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
    file.prepare('DELETE FROM audit_log WHERE seq > 3').run();
    file.prepare("UPDATE meta SET value = ? WHERE key = 'audit_head'").run(`3:${original[2]?.hash ?? ''}`);
    for (const trigger of triggers) file.exec(trigger.sql);
    file.close();

    const again = await examiner1On(platform, dataDir);
    expect(verifyAudit(again.ws.workstation.store.reader)).toEqual({ ok: true, count: 3, head: original[2]?.hash });
    // C: save (4), submitted (5): the platform held 5 with another hash.
    const c = await again.score(2);
    expect(c.state).toMatchObject({ status: 'accepted', acceptedVersion: 1 });

    const chief = await api(platform, 'chief');
    expect(await chief.flags()).toEqual([
      expect.objectContaining({
        examinerId: 'ex-01',
        chain: original[0]?.hash,
        reason: 'fork',
        witnessed: expect.objectContaining({ chain: original[0]?.hash, seq: 5, hash: original[4]?.hash }) as unknown,
        claimed: { seq: 5, hash: entriesIn(dataDir).find((entry) => entry.seq === 5)?.hash ?? 'no entry 5' },
        assignmentIds: [c.assignmentId],
      }),
    ]);
    const examiner = await api(platform, 'examiner1');
    for (const { assignmentId } of [a, b, c]) expect(await examiner.version(assignmentId)).toBe(1);
  });

  it('flags a workstation restored from a backup, whose chain went back, and delivers what the backup still had to send', async () => {
    const platformDir = tempDir('platform-');
    const platform = await platformIn(platformDir);
    const dataDir = tempDir('examiner-ws-');
    const first = await examiner1On(platform, dataDir);
    const a = await first.score(0);

    // B is submitted while the platform is down, and the backup is taken with B still waiting.
    await platform.close();
    await first.ws.call('platform.checkNow', {});
    const b = await first.score(1, 'submitted');
    backupStore(first.ws.workstation.store, dataDir);
    const up = await platformIn(platformDir, platform.port);
    const bAccepted = first.ws.waitFor('sheet.changed', (sheet) => sheet.assignmentId === b.assignmentId && sheet.status === 'accepted');
    await first.ws.call('sync.now', {});
    await bAccepted;
    const c = await first.score(2);
    first.stop();
    const before = entriesIn(dataDir);
    // A: 1-3; B: save 4, submitted 5 (the backup's head), accepted 6; C: save 7, submitted 8, accepted 9.
    expect(before.map((entry) => entry.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);

    // The disk fails: the workstation restores the backup when it starts.
    const file = join(dataDir, DATABASE_FILE);
    writeFileSync(file, Buffer.alloc(statSync(file).size, 0x5a));
    let resent: Promise<unknown> = Promise.resolve();
    const again = await examiner1On(up, dataDir, (ws) => {
      resent = ws.waitFor('sheet.changed', (sheet) => sheet.assignmentId === b.assignmentId && sheet.status === 'accepted');
    });
    expect(await again.ws.call('store.getRecovery', {})).toMatchObject({ unsynced: [{ assignmentId: b.assignmentId, status: 'submitted' }] });
    await resent;

    const chief = await api(up, 'chief');
    expect(await chief.flags()).toEqual([
      expect.objectContaining({
        examinerId: 'ex-01',
        chain: before[0]?.hash,
        reason: 'backwards',
        witnessed: expect.objectContaining({ seq: 8, hash: before[7]?.hash }) as unknown,
        claimed: { seq: 5, hash: before[4]?.hash },
        assignmentIds: [b.assignmentId],
      }),
    ]);
    // Nothing lost: the platform has all three, and the restored workstation has B as accepted.
    const examiner = await api(up, 'examiner1');
    for (const { assignmentId } of [a, b, c]) expect(await examiner.version(assignmentId)).toBe(1);
    expect(await again.ws.call('sheets.get', { assignmentId: b.assignmentId })).toMatchObject({ status: 'accepted', acceptedVersion: 1 });
  });
});
