import { describe, expect, it } from 'vitest';
import type { SheetState } from '@common/contract';
import type { Exam, ReviewMark } from '@common/platform';
import { sql } from '../../main/store/sql';
import { faultInjectorOf } from '../../platform/faults';
import { startPlatform, type PlatformOptions, type RunningPlatform } from '../../platform/server';
import { testCleanups } from '../support/cleanups';
import { startWorkstation, valuesFor, type TestWorkstation } from '../support/workstation';

/**
 * The workstation's batches of score sheets against the real platform on loopback: a batch the
 * platform refuses as a whole is split until the sheet at fault is alone; that one is refused
 * with the platform's reason and the others are delivered, each once.
 */

const { cleanups, tempDir } = testCleanups();


async function platformWith(options: PlatformOptions = {}): Promise<RunningPlatform> {
  const platform = await startPlatform({ dataDir: tempDir('platform-'), demo: { liveCandidates: 40, recordedPerSlot: 1 }, ...options });
  cleanups.push(() => platform.close());
  // Counts the batch requests (rate 0: none is faulted).
  faultInjectorOf(platform.ctx).set({ rate: 0, modes: ['delay'], paths: ['/scores/batch'], delayMs: 0, seed: 1 });
  return platform;
}

const batchRequests = (platform: RunningPlatform) => faultInjectorOf(platform.ctx).status().counters.considered;

function workstationOn(platform: RunningPlatform): TestWorkstation {
  const ws = startWorkstation(platform.url);
  cleanups.push(() => ws.stop());
  return ws;
}

/** examiner1's live assignments and their rubric. */
async function liveAssignments(ws: TestWorkstation) {
  await ws.call('session.login', { username: 'examiner1', password: 'demo1234' });
  const { assignments } = await ws.call('assignments.list', {});
  const live = assignments.filter((item) => item.assignment.kind === 'live').map((item) => item.assignment);
  const { exam } = await ws.call('exams.get', { examId: live[0]?.examId ?? '' });
  const criteria = (exam as Exam).subjects.find((subject) => subject.id === live[0]?.subjectId)?.rubric.criteria ?? [];
  return { ids: live.map((assignment) => assignment.assignmentId), criteria };
}

/** `count` review marks of `length` CJK characters each (three bytes apiece in UTF-8). */
function marks(count: number, length: number): ReviewMark[] {
  return Array.from({ length: count }, (_, index) => ({ id: `m${String(index)}`, kind: 'note', atMs: index * 1000, text: '音'.repeat(length) }));
}

async function login(platform: RunningPlatform, username = 'examiner1'): Promise<string> {
  const response = await fetch(`${platform.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'demo1234' }),
  });
  return ((await response.json()) as { token: string }).token;
}

/** What the platform holds for examiner1's assignment, through its own API. */
async function platformScore(platform: RunningPlatform, token: string, assignmentId: string) {
  const response = await fetch(`${platform.url}/api/v1/assignments/${assignmentId}/score`, { headers: { authorization: `Bearer ${token}` } });
  return (await response.json()) as { version: number; sheet: { values: Record<string, number>; marks?: ReviewMark[] } | null };
}

/** Every sheet in a final state, the outbox empty. */
async function drained(ws: TestWorkstation): Promise<void> {
  const done = ws.waitFor('sync.status', (status) => status.pending === 0 && status.state === 'idle');
  ws.workstation.sync.start();
  await done;
}

describe('batches filled to a byte budget', () => {
  /** Submits varied sheets (CJK comments, marks) with sync held back; the exact body of all of them, as the client writes it. */
  async function queue(ws: TestWorkstation, count: number): Promise<number> {
    const { ids, criteria } = await liveAssignments(ws);
    ws.workstation.sync.stop();
    for (const [index, assignmentId] of ids.slice(0, count).entries()) {
      await ws.call('sheets.save', {
        assignmentId,
        values: valuesFor(criteria, (index % 10) / 10),
        comment: '评语'.repeat(index * 7),
        violation: { flagged: false, note: null },
        marks: marks(index % 4, 13 * index),
      });
      await ws.call('sheets.submit', { assignmentId });
    }
    const rows = ws.workstation.store.reader.all<{ assignment_id: string; idempotency_key: string; base_version: number; payload: string }>(
      sql`SELECT assignment_id, idempotency_key, base_version, payload FROM outbox ORDER BY id`,
    );
    const items = rows.map((row) => ({ assignmentId: row.assignment_id, idempotencyKey: row.idempotency_key, baseVersion: row.base_version, sheet: JSON.parse(row.payload) as unknown }));
    return Buffer.byteLength(JSON.stringify({ items }));
  }

  it.each([
    // The budget is the body of all of them: one request. Counted one byte too many, it would be two.
    ['exactly their body', 0, 1],
    // One byte less: two requests, each within the platform's limit. Counted one byte too few, the first would be all of them, and refused.
    ['one byte short of their body', 1, 2],
  ])('counts the bytes of the real payloads to the byte: a budget of %s', async (_name, short, requests) => {
    // The platform's limit (a proxy's, say) and the workstation's budget are the same figure.
    const probe = await platformWith();
    const probing = workstationOn(probe);
    const body = await queue(probing, 12);
    const limit = body - short;
    const platform = await platformWith({ scoreBatchBodyLimit: limit });
    const ws = startWorkstation(platform.url, { sync: { batchBytes: limit } });
    cleanups.push(() => ws.stop());
    expect(await queue(ws, 12)).toBe(body);
    await drained(ws);
    expect(await ws.call('sync.getStatus', {})).toMatchObject({ pending: 0, rejected: 0, conflicts: 0 });
    expect(batchRequests(platform)).toBe(requests);
    expect(ws.workstation.sync.batchBytes).toBe(limit);
  });
});

describe('a batch refused as a whole', () => {
  it('is split when the platform refuses it as too large: every sheet delivered once, the one too large alone refused', async () => {
    // As a proxy in front of a platform may be: 256 KiB a request.
    const platform = await platformWith({ scoreBatchBodyLimit: 256 * 1024 });
    const ws = workstationOn(platform);
    const { ids, criteria } = await liveAssignments(ws);
    const sheets = ids.slice(0, 25);
    const tooLarge = sheets[7] ?? '';
    ws.workstation.sync.stop();
    for (const [index, assignmentId] of sheets.entries()) {
      // About 45 KB a sheet (30 marks of 500 characters), 1.1 MB together; one of 300 KB.
      const heavy = assignmentId === tooLarge ? marks(200, 500) : marks(30, 500);
      await ws.call('sheets.save', { assignmentId, values: valuesFor(criteria, (index % 10) / 10), comment: '', violation: { flagged: false, note: null }, marks: heavy });
      await ws.call('sheets.submit', { assignmentId });
    }
    const refused = ws.waitFor('sheet.changed', (sheet) => sheet.assignmentId === tooLarge && sheet.status === 'rejected');
    await drained(ws);

    const rejected = await refused;
    expect(rejected.error).toMatchObject({ code: 'payload_too_large' });
    expect(await ws.call('sync.getStatus', {})).toMatchObject({ pending: 0, rejected: 1, conflicts: 0 });
    const token = await login(platform);
    for (const assignmentId of sheets) {
      const held = await platformScore(platform, token, assignmentId);
      if (assignmentId === tooLarge) expect(held.version).toBe(0);
      else {
        expect(held.version, assignmentId).toBe(1);
        expect(held.sheet?.marks).toHaveLength(30);
      }
    }
    const states = await Promise.all(sheets.map((assignmentId) => ws.call('sheets.get', { assignmentId })));
    expect(states.filter((state) => state?.status === 'accepted')).toHaveLength(sheets.length - 1);
    expect(await ws.call('audit.verify', {})).toMatchObject({ ok: true });

    // The budget was learned: the next sheets go in batches under the limit, none refused.
    expect(ws.workstation.sync.batchBytes).toBeLessThan(256 * 1024);
    ws.workstation.sync.stop();
    const more = ids.slice(25, 35);
    for (const assignmentId of more) {
      await ws.call('sheets.save', { assignmentId, values: valuesFor(criteria, 0.5), comment: '', violation: { flagged: false, note: null }, marks: marks(30, 500) });
      await ws.call('sheets.submit', { assignmentId });
    }
    await drained(ws);
    for (const assignmentId of more) expect((await platformScore(platform, token, assignmentId)).version).toBe(1);
    expect(await ws.call('sync.getStatus', {})).toMatchObject({ pending: 0, rejected: 1 });
  });

  it('is split when one sheet is invalid: the others delivered, that one refused with the platform reason', async () => {
    const platform = await platformWith();
    const ws = workstationOn(platform);
    const { ids, criteria } = await liveAssignments(ws);
    const sheets = ids.slice(0, 20);
    const invalid = sheets[13] ?? '';
    ws.workstation.sync.stop();
    for (const [index, assignmentId] of sheets.entries()) {
      await ws.call('sheets.save', { assignmentId, values: valuesFor(criteria, (index % 10) / 10), comment: `第${String(index)}份`, violation: { flagged: false, note: null } });
      await ws.call('sheets.submit', { assignmentId });
    }
    // A sheet a workstation with looser limits queued: a comment one character over the platform's 2,000.
    const db = ws.workstation.store;
    const row = db.reader.get<{ payload: string }>(sql`SELECT payload FROM outbox WHERE assignment_id = ${invalid}`);
    const payload = { ...(JSON.parse(row?.payload ?? '{}') as object), comment: '长'.repeat(2001) };
    db.transaction((writable) => writable.run(sql`UPDATE outbox SET payload = ${JSON.stringify(payload)} WHERE assignment_id = ${invalid}`));

    const refused = ws.waitFor('sheet.changed', (sheet) => sheet.assignmentId === invalid && sheet.status === 'rejected');
    await drained(ws);

    const rejected: SheetState = await refused;
    expect(rejected.error?.code).toBe('bad_request');
    expect(rejected.error?.message).toMatch(/comment/);
    expect(await ws.call('sync.getStatus', {})).toMatchObject({ pending: 0, rejected: 1, conflicts: 0 });
    const token = await login(platform);
    for (const assignmentId of sheets) expect((await platformScore(platform, token, assignmentId)).version, assignmentId).toBe(assignmentId === invalid ? 0 : 1);
    // One whole batch, then halves down to the one sheet: at most two requests a level.
    expect(batchRequests(platform)).toBeLessThanOrEqual(1 + 2 * Math.ceil(Math.log2(sheets.length)));
    // Corrected and submitted again, it goes through like any other.
    await ws.call('sheets.save', { assignmentId: invalid, values: valuesFor(criteria, 0.3), comment: '改正', violation: { flagged: false, note: null } });
    const accepted = ws.waitFor('sheet.changed', (sheet) => sheet.assignmentId === invalid && sheet.status === 'accepted');
    await ws.call('sheets.submit', { assignmentId: invalid });
    expect((await accepted).acceptedVersion).toBe(1);
  });
});
