import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { Exam, MatrixRow, Results } from '@common/platform';
import { formatAuditHead } from '@common/platform/audit';
import { HOST_COOKIE, startBrowserHost } from '../../main/host/browser-host';
import { silentLogger } from '../../main/log';
import { DEMO_LIVE_SLOT_ID } from '../../platform/demo/exam';
import { faultInjectorOf } from '../../platform/faults';
import { startPlatform, type PlatformOptions, type RunningPlatform } from '../../platform/server';
import { testCleanups } from '../support/cleanups';
import { startWorkstation, valuesFor, type TestWorkstation } from '../support/workstation';

const { cleanups, tempDir } = testCleanups();
const PASSWORD = 'demo1234';

async function platformWith(options: PlatformOptions = {}): Promise<RunningPlatform> {
  const platform = await startPlatform({ dataDir: tempDir('platform-'), sfu: 'off', ...options });
  cleanups.push(() => platform.close());
  return platform;
}

async function signedIn(platform: RunningPlatform, username: string, dataDir?: string): Promise<TestWorkstation> {
  const ws = startWorkstation(platform.url, dataDir === undefined ? {} : { dataDir });
  cleanups.push(() => ws.stop());
  await ws.call('session.login', { username, password: PASSWORD });
  return ws;
}

/** The contract error code of a command that must fail. */
async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return /failed: ([a-z_]+):/.exec((error as Error).message)?.[1] ?? (error as Error).message;
  }
  throw new Error('the command succeeded');
}

/** The examiner's live assignments in the demo's vocal slot, with the rubric's criteria. */
async function liveSheets(ws: TestWorkstation) {
  const { assignments } = await ws.call('assignments.list', {});
  const live = assignments.filter((view) => view.assignment.slotId === DEMO_LIVE_SLOT_ID).map((view) => view.assignment);
  const first = live[0];
  if (!first) throw new Error('no live assignment in the demo vocal slot');
  const { exam } = await ws.call('exams.get', { examId: first.examId });
  const criteria = (exam as Exam).subjects.find((subject) => subject.id === first.subjectId)?.rubric.criteria ?? [];
  return { assignments: live, criteria };
}

async function score(ws: TestWorkstation, assignmentId: string, values: Record<string, number>) {
  await ws.call('sheets.save', { assignmentId, values, comment: '', violation: { flagged: false, note: null } });
  const accepted = ws.waitFor('sheet.changed', (sheet) => sheet.assignmentId === assignmentId && sheet.status === 'accepted');
  await ws.call('sheets.submit', { assignmentId });
  return accepted;
}

const cellOf = (rows: readonly MatrixRow[], assignmentId: string) => rows.flatMap((row) => row.cells).find((cell) => cell.assignmentId === assignmentId);

/** The platform's own Results answer, read with the chief's token. */
async function platformResults(platform: RunningPlatform, slotId: string): Promise<Results> {
  const login = (await (
    await fetch(`${platform.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'chief', password: PASSWORD }),
    })
  ).json()) as { token: string };
  const response = await fetch(`${platform.url}/api/v1/chief/slots/${slotId}/results`, { headers: { authorization: `Bearer ${login.token}` } });
  return (await response.json()) as Results;
}

describe("the chief's desk through the workstation", () => {
  it('refuses every chief command to an examiner who is not a chief, with forbidden', async () => {
    const platform = await platformWith();
    const examiner = await signedIn(platform, 'examiner1');
    const { assignments } = await liveSheets(examiner);
    const assignmentId = assignments[0]?.assignmentId ?? '';
    const slot = { slotId: DEMO_LIVE_SLOT_ID };
    const calls: [string, () => Promise<unknown>][] = [
      ['chief.getMatrix', () => examiner.call('chief.getMatrix', slot)],
      ['chief.lock', () => examiner.call('chief.lock', { ...slot, assignmentId })],
      ['chief.unlock', () => examiner.call('chief.unlock', { ...slot, assignmentId })],
      ['chief.requestReReview', () => examiner.call('chief.requestReReview', { ...slot, assignmentId, note: '请复核' })],
      ['chief.getReReviews', () => examiner.call('chief.getReReviews', slot)],
      ['chief.signOff', () => examiner.call('chief.signOff', slot)],
      ['chief.getActions', () => examiner.call('chief.getActions', slot)],
      ['chief.getRoomLog', () => examiner.call('chief.getRoomLog', slot)],
      ['chief.export', () => examiner.call('chief.export', { scope: { kind: 'slot', ...slot }, format: 'xlsx' })],
      ['chief.getAuditFlags', () => examiner.call('chief.getAuditFlags', {})],
    ];
    for (const [name, call] of calls) expect([name, await refusal(call())]).toEqual([name, 'forbidden']);
    expect(readdirSync(examiner.dataDir)).not.toContain('exports');
  });

  it("relays the platform's audit flags: a member's chain that went back", async () => {
    const platform = await platformWith();
    const chief = await signedIn(platform, 'chief');
    expect((await chief.call('chief.getAuditFlags', {})).flags).toEqual([]);

    // examiner1's workstation as the platform sees it: entry 5 of a chain, then entry 3 of the same one.
    const { token } = (await (
      await fetch(`${platform.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'examiner1', password: PASSWORD }),
      })
    ).json()) as { token: string };
    const ids = platform.ctx.db
      .prepare("SELECT id FROM assignments WHERE examiner_id = 'ex-01' AND slot_id = ? ORDER BY id LIMIT 2")
      .all(DEMO_LIVE_SLOT_ID) as { id: string }[];
    const claim = { hash: 'a'.repeat(64), chain: 'c'.repeat(64), run: 'd'.repeat(32) };
    for (const [index, { id }] of ids.entries()) {
      const response = await fetch(`${platform.url}/api/v1/assignments/${id}/score`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'idempotency-key': `audit-flag-${String(index)}`,
          'if-match': '"0"',
          'audit-head': formatAuditHead({ ...claim, seq: index === 0 ? 5 : 3, request: index + 1 }),
        },
        body: JSON.stringify({ values: { pitch: 20, rhythm: 15, tone: 15, expression: 15, stage: 8 }, comment: '', violation: { flagged: false, note: null } }),
      });
      expect(response.status).toBe(201);
    }

    const { flags } = await chief.call('chief.getAuditFlags', {});
    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatchObject({ examinerId: 'ex-01', reason: 'backwards', claimed: { seq: 3 }, witnessed: { seq: 5 }, assignmentIds: [ids[1]?.id] });
  });

  it('shows the matrix, fills it live from the examiners’ progress and acceptances, and keeps the last one offline', async () => {
    const platform = await platformWith();
    const chief = await signedIn(platform, 'chief');
    const examiner = await signedIn(platform, 'examiner1');
    const { assignments, criteria } = await liveSheets(examiner);
    const assignmentId = assignments[0]?.assignmentId ?? '';

    // Scores reach chiefs only: nothing of the matrix ever reaches the examiner's workstation.
    const examinerHeard: string[] = [];
    examiner.workstation.events.subscribe((name) => {
      if (name.startsWith('chief.')) examinerHeard.push(name);
    });
    const first = await chief.call('chief.getMatrix', { slotId: DEMO_LIVE_SLOT_ID });
    expect(first.freshness.fresh).toBe(true);
    expect(first.matrix.members.map((member) => member.memberId)).toEqual(expect.arrayContaining(['ex-01', 'ex-02', 'ex-03', 'ch-01']));
    expect(cellOf(first.matrix.rows, assignmentId)).toMatchObject({ memberId: 'ex-01', state: 'not_scored', total: null });

    // The first save of a draft reaches the chief's matrix as `saved`, pushed: no values.
    const saved = chief.waitFor('chief.matrix', (push) => cellOf(push.rows, assignmentId)?.state === 'saved');
    await examiner.call('sheets.save', { assignmentId, values: valuesFor(criteria, 0.5), comment: '', violation: { flagged: false, note: null } });
    expect(cellOf((await saved).rows, assignmentId)).toMatchObject({ state: 'saved', total: null });

    const accepted = chief.waitFor('chief.matrix', (push) => cellOf(push.rows, assignmentId)?.state === 'accepted');
    const values = valuesFor(criteria, 0.8);
    await examiner.call('sheets.save', { assignmentId, values, comment: '', violation: { flagged: false, note: null } });
    const sheet = await score(examiner, assignmentId, values);
    const pushed = cellOf((await accepted).rows, assignmentId);
    expect(pushed).toMatchObject({ state: 'accepted', total: sheet.total, version: 1 });

    const again = await chief.call('chief.getMatrix', { slotId: DEMO_LIVE_SLOT_ID });
    expect(cellOf(again.matrix.rows, assignmentId)).toMatchObject({ state: 'accepted', total: sheet.total });

    expect(examinerHeard).toEqual([]);
    expect(await refusal(examiner.call('chief.getMatrix', { slotId: DEMO_LIVE_SLOT_ID }))).toBe('forbidden');

    await platform.close();
    const offline = await chief.call('chief.getMatrix', { slotId: DEMO_LIVE_SLOT_ID });
    expect(offline.freshness.fresh).toBe(false);
    expect(cellOf(offline.matrix.rows, assignmentId)).toMatchObject({ state: 'accepted', total: sheet.total });
  });

  it('gives the matrix in pages through main, each cached under its own key, so an offline desk shows every page it had', async () => {
    const platform = await platformWith();
    const chief = await signedIn(platform, 'chief');
    const whole = await chief.call('chief.getMatrix', { slotId: DEMO_LIVE_SLOT_ID });
    const total = whole.matrix.rows.length;
    expect(total).toBeGreaterThan(2);
    const first = await chief.call('chief.getMatrix', { slotId: DEMO_LIVE_SLOT_ID, offset: 0, limit: 2 });
    const rest = await chief.call('chief.getMatrix', { slotId: DEMO_LIVE_SLOT_ID, offset: 2, limit: 1000 });
    expect(first.matrix.page).toEqual({ offset: 0, limit: 2, totalRows: total });
    expect(rest.matrix.page).toEqual({ offset: 2, limit: 1000, totalRows: total });
    expect([...first.matrix.rows, ...rest.matrix.rows]).toEqual(whole.matrix.rows);
    expect(await refusal(chief.call('chief.getMatrix', { slotId: DEMO_LIVE_SLOT_ID, offset: 0, limit: 0 }))).toBe('invalid_input');

    await platform.close();
    const offlineFirst = await chief.call('chief.getMatrix', { slotId: DEMO_LIVE_SLOT_ID, offset: 0, limit: 2 });
    const offlineRest = await chief.call('chief.getMatrix', { slotId: DEMO_LIVE_SLOT_ID, offset: 2, limit: 1000 });
    expect([offlineFirst.freshness.fresh, offlineRest.freshness.fresh]).toEqual([false, false]);
    expect([...offlineFirst.matrix.rows, ...offlineRest.matrix.rows]).toEqual(whole.matrix.rows);
  });

  it('locks a sheet: the examiner’s form knows before submitting, a submission in flight is a locked conflict with both versions, and unlocking brings it back', async () => {
    const platform = await platformWith();
    const chief = await signedIn(platform, 'chief');
    const examiner = await signedIn(platform, 'examiner1');
    const { assignments, criteria } = await liveSheets(examiner);
    const [held, plain] = assignments;
    if (!held || !plain) throw new Error('the demo gives examiner1 fewer than two live candidates');
    const slot = { slotId: DEMO_LIVE_SLOT_ID };

    // A lock before any submission: pushed to the examiner, and read back by the form.
    expect((await examiner.call('sheets.getLock', { assignmentId: plain.assignmentId })).locked).toBe(false);
    const lockPush = examiner.waitFor('sheet.lock', (lock) => lock.assignmentId === plain.assignmentId && lock.locked);
    await chief.call('chief.lock', { ...slot, assignmentId: plain.assignmentId });
    expect(await lockPush).toEqual({ assignmentId: plain.assignmentId, locked: true, signedOff: false });
    expect(await examiner.call('sheets.getLock', { assignmentId: plain.assignmentId })).toEqual({ assignmentId: plain.assignmentId, locked: true, signedOff: false });
    const unlockPush = examiner.waitFor('sheet.lock', (lock) => lock.assignmentId === plain.assignmentId && !lock.locked);
    await chief.call('chief.unlock', { ...slot, assignmentId: plain.assignmentId });
    await unlockPush;
    expect((await examiner.call('sheets.getLock', { assignmentId: plain.assignmentId })).locked).toBe(false);

    // A submission held by the platform before it is handled (a delay fault on the batch route): locked meanwhile.
    const injector = faultInjectorOf(platform.ctx);
    injector.set({ rate: 1, modes: ['delay'], paths: ['/scores/batch'], delayMs: 3_000, seed: 1 });
    const inFlight = new Promise<void>((resolve) => {
      const off = injector.onInjected(() => {
        off();
        resolve();
      });
    });
    const values = valuesFor(criteria, 0.7);
    await examiner.call('sheets.save', { assignmentId: held.assignmentId, values, comment: '我的评语', violation: { flagged: false, note: null } });
    const conflict = examiner.waitFor('sheet.changed', (sheet) => sheet.assignmentId === held.assignmentId && sheet.status === 'conflict');
    expect((await examiner.call('sheets.submit', { assignmentId: held.assignmentId })).status).toBe('submitted');
    await inFlight;
    await chief.call('chief.lock', { ...slot, assignmentId: held.assignmentId });
    injector.set(null);

    const sheet = await conflict;
    expect(sheet.conflict?.reason).toBe('locked');
    expect(sheet.conflict?.platform).toMatchObject({ locked: true, version: 0, sheet: null });
    // Nothing lost: the examiner's version is still the sheet's.
    expect(sheet.values).toEqual(values);
    expect(sheet.comment).toBe('我的评语');
    expect((await examiner.call('sheets.get', { assignmentId: held.assignmentId }))?.values).toEqual(values);
    expect((await examiner.call('sheets.getLock', { assignmentId: held.assignmentId })).locked).toBe(true);
    expect(await examiner.call('sync.getStatus', {})).toMatchObject({ pending: 0, conflicts: 1 });

    // Unlocked, the examiner's version goes through.
    await chief.call('chief.unlock', { ...slot, assignmentId: held.assignmentId });
    const accepted = examiner.waitFor('sheet.changed', (next) => next.assignmentId === held.assignmentId && next.status === 'accepted');
    await examiner.call('sheets.resolveConflict', { assignmentId: held.assignmentId, keep: 'mine' });
    expect((await accepted).values).toEqual(values);
  });

  it('refuses to export a slot with nothing accepted (no file), then writes the workbook the platform’s results say, and a CSV', async () => {
    const platform = await platformWith();
    const chief = await signedIn(platform, 'chief');
    const scope = { kind: 'slot' as const, slotId: DEMO_LIVE_SLOT_ID };
    expect(await refusal(chief.call('chief.export', { scope, format: 'xlsx' }))).toBe('export_empty');
    expect(await refusal(chief.call('chief.export', { scope, format: 'csv' }))).toBe('export_empty');
    expect(readdirSync(chief.dataDir).includes('exports') ? readdirSync(join(chief.dataDir, 'exports')) : []).toEqual([]);
    // Nothing accepted: no sign-off either.
    expect(await refusal(chief.call('chief.signOff', { slotId: DEMO_LIVE_SLOT_ID }))).toBe('not_all_accepted');

    const one = await signedIn(platform, 'examiner1');
    const two = await signedIn(platform, 'examiner2');
    const mine = await liveSheets(one);
    const theirs = await liveSheets(two);
    const [a1, a2] = mine.assignments;
    if (!a1 || !a2) throw new Error('the demo gives examiner1 fewer than two live candidates');
    await score(one, a1.assignmentId, valuesFor(mine.criteria, 0.8));
    await score(one, a2.assignmentId, valuesFor(mine.criteria, 0.6));
    const b1 = theirs.assignments.find((assignment) => assignment.candidateCode === a1.candidateCode) ?? theirs.assignments[0];
    if (!b1) throw new Error('examiner2 has no live candidate');
    await score(two, b1.assignmentId, valuesFor(theirs.criteria, 0.5));

    const file = await chief.call('chief.export', { scope, format: 'xlsx' });
    expect(file.fileName).toMatch(/^成绩_.+_\d{8}\.xlsx$/);
    const served = chief.workstation.media.lookup(file.mediaId);
    expect(served).toMatchObject({ contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', size: file.bytes, download: { fileName: file.fileName } });
    // The examiner's workstation does not serve the chief's file.
    expect(one.workstation.media.lookup(file.mediaId)).toBeNull();

    // Saved as the renderer saves it: from the browser host's /media/<id>, as an attachment.
    const host = await startBrowserHost({ workstation: chief.workstation, rendererDir: tempDir('renderer-'), log: silentLogger });
    cleanups.push(() => host.close());
    const download = await fetch(`${host.origin}/media/${file.mediaId}`, { headers: { cookie: `${HOST_COOKIE}=${host.openSession()}` } });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(download.headers.get('content-disposition')).toBe(`attachment; filename="${file.fileName.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`);
    const body = Buffer.from(await download.arrayBuffer());
    expect(body.equals(readFileSync(served?.file ?? ''))).toBe(true);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(body as unknown as ArrayBuffer);
    const expected = await platformResults(platform, DEMO_LIVE_SLOT_ID);
    expect(file.candidates).toBe(expected.candidates.length);

    const combined = workbook.getWorksheet('综合成绩');
    const header = (combined?.getRow(1).values as unknown[]).slice(1);
    expect(header.slice(0, 4)).toEqual(['考号', '场次', '综合成绩', '已接收/应评']);
    const byCode = new Map<string, unknown[]>();
    combined?.eachRow((row, index) => {
      if (index > 1) byCode.set(String(row.getCell(1).value), (row.values as unknown[]).slice(1));
    });
    expect(byCode.size).toBe(expected.candidates.length);
    let compared = 0;
    for (const candidate of expected.candidates) {
      const row = byCode.get(candidate.candidateCode);
      expect(row?.[2] ?? null).toBe(candidate.combined);
      expect(row?.[3]).toBe(`${String(candidate.accepted)}/${String(candidate.counting)}`);
      for (const sheet of candidate.sheets) {
        const column = header.indexOf(`${sheet.memberName}（总分）`);
        expect(column).toBeGreaterThan(3);
        expect(row?.[column] ?? null).toBe(sheet.state === 'accepted' ? sheet.total : null);
        if (sheet.state === 'accepted') compared += 1;
      }
    }
    expect(compared).toBe(3);

    // Every member's criterion scores, as the platform holds them.
    const criteria = workbook.getWorksheet('评委分项成绩');
    const criteriaHeader = (criteria?.getRow(1).values as unknown[]).slice(1);
    const lines: unknown[][] = [];
    criteria?.eachRow((row, index) => {
      if (index > 1) lines.push((row.values as unknown[]).slice(1));
    });
    for (const candidate of expected.candidates) {
      for (const sheet of candidate.sheets.filter((item) => item.state === 'accepted')) {
        const line = lines.find((item) => item[0] === candidate.candidateCode && item[1] === sheet.memberName);
        expect(line?.[2]).toBe('已接收');
        for (const criterion of expected.rubric.criteria) {
          expect(line?.[criteriaHeader.indexOf(criterion.label.zh)]).toBe(sheet.values?.[criterion.id]);
        }
        expect(line?.[criteriaHeader.indexOf('总分')]).toBe(sheet.total);
        expect(line?.[criteriaHeader.indexOf('版本')]).toBe(sheet.version);
      }
    }
    expect(workbook.getWorksheet('考场记录')?.getRow(1).getCell(3).value).toBe('动作');

    // The subject's results: every slot of it the chief sits on (the demo has one).
    const subject = await chief.call('chief.export', { scope: { kind: 'subject', examId: expected.examId, subjectId: expected.subjectId }, format: 'xlsx' });
    expect(subject.candidates).toBe(expected.candidates.length);
    expect(subject.fileName).not.toBe(file.fileName);

    const csv = await chief.call('chief.export', { scope, format: 'csv' });
    const csvServed = chief.workstation.media.lookup(csv.mediaId);
    expect(csvServed?.contentType).toBe('text/csv; charset=utf-8');
    const bytes = readFileSync(csvServed?.file ?? '');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8').trimEnd().split('\r\n')).toHaveLength(expected.candidates.length + 1);
  });

  it('signs off a slot whose sheets are all accepted: the examiners see 本场已签署, and a sheet opens again only with a reason, which is logged', async () => {
    const platform = await platformWith({ demo: { liveCandidates: 1 } });
    const members = await Promise.all(['examiner1', 'examiner2', 'examiner3', 'chief'].map((username) => signedIn(platform, username)));
    const [one, , , chief] = members;
    if (!one || !chief) throw new Error('unreachable');
    let oneAssignment = '';
    for (const [index, member] of members.entries()) {
      const { assignments, criteria } = await liveSheets(member);
      const assignmentId = assignments[0]?.assignmentId ?? '';
      if (index === 0) oneAssignment = assignmentId;
      await score(member, assignmentId, valuesFor(criteria, 0.6 + index / 20));
    }
    const slot = { slotId: DEMO_LIVE_SLOT_ID };

    const locked = one.waitFor('sheet.lock', (lock) => lock.assignmentId === oneAssignment && lock.locked);
    const signOff = await chief.call('chief.signOff', slot);
    expect(signOff).toMatchObject({ slotId: DEMO_LIVE_SLOT_ID, by: '刘主任' });
    expect(await locked).toEqual({ assignmentId: oneAssignment, locked: true, signedOff: true });
    // The platform's record says locked; that it is the sign-off, the push said, and it is kept.
    expect(await one.call('sheets.getLock', { assignmentId: oneAssignment })).toEqual({ assignmentId: oneAssignment, locked: true, signedOff: true });
    expect(await refusal(chief.call('chief.signOff', slot))).toBe('signed_off');

    // After the sign-off an unlock needs a reason.
    expect(await refusal(chief.call('chief.unlock', { ...slot, assignmentId: oneAssignment }))).toBe('signed_off');
    const unlocked = one.waitFor('sheet.lock', (lock) => lock.assignmentId === oneAssignment && !lock.locked);
    await chief.call('chief.unlock', { ...slot, assignmentId: oneAssignment, reason: '考生申诉，复核评分' });
    expect(await unlocked).toEqual({ assignmentId: oneAssignment, locked: false, signedOff: false });

    // A re-review reaches the examiner blind: the chief's note, nobody's score.
    const requested = one.waitFor('reReview.requested', (request) => request.assignmentId === oneAssignment);
    const made = await chief.call('chief.requestReReview', { ...slot, assignmentId: oneAssignment, note: '请再看一次表现力' });
    expect(made).toMatchObject({ assignmentId: oneAssignment, reason: 'chief', note: '请再看一次表现力', state: 'open', requestedBy: '刘主任' });
    const reached = await requested;
    expect(reached).toMatchObject({ reason: 'chief', note: '请再看一次表现力' });
    expect('deviation' in reached).toBe(false);
    expect(JSON.stringify(reached)).not.toMatch(/total|combined|values/);
    expect((await chief.call('chief.getReReviews', slot)).requests.map((request) => request.requestId)).toContain(made.requestId);

    const { actions } = await chief.call('chief.getActions', slot);
    expect(actions.map((action) => [action.action, action.reason])).toEqual(
      expect.arrayContaining([
        ['sign_off', null],
        ['unlock', '考生申诉，复核评分'],
        ['re_review', '请再看一次表现力'],
      ]),
    );
    const roomLog = await chief.call('chief.getRoomLog', slot);
    expect(roomLog.slotId).toBe(DEMO_LIVE_SLOT_ID);
    expect(roomLog.entries).toHaveLength(1);
  });
});
