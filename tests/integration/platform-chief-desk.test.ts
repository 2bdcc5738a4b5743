import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import {
  ChiefActionList,
  ChiefReReview,
  ChiefReReviewList,
  MAX_MATRIX_PUSH_ROWS,
  Results,
  ScoreMatrix,
  SignOff,
  SlotRoomLog,
  type MatrixRow,
} from '@common/platform/chief';
import { BatchResponse, ReReviewList, ScoreRecord, ScoreRefusal } from '@common/platform/scores';
import { DEMO_EXAM_ID, DEMO_RECORDED_SLOT_IDS } from '../../platform/demo/exam';
import { DEMO_PASSWORD } from '../../platform/demo';
import { RoomLogStore } from '../../platform/room/log';
import { chiefClient, dataFolder, vocalSheet } from '../support/platform-chief';
import { roomHarness, SLOT, type ExaminerClient } from '../support/room-clients';

const harness = roomHarness();
afterEach(harness.cleanUp);

/** The vocal panel in panel order; the chief (刘主任) sits on it, the recorded panel has no chief. */
const PANEL = ['ex-01', 'ex-02', 'ex-03', 'ch-01'] as const;
const USERS = { 'ex-01': 'examiner1', 'ex-02': 'examiner2', 'ex-03': 'examiner3', 'ch-01': 'chief' } as const;
type Member = (typeof PANEL)[number];

/**
 * A platform on a SQLite file with the demo (6 live candidates unless `liveCandidates`), every
 * panel member signed in, the chief's and examiner1's sockets open, and a second chief (chief2)
 * who sits on no panel.
 */
async function desk(options: { liveCandidates?: number; chiefIdentities?: boolean } = {}) {
  const folder = dataFolder('platform-chief-');
  onTestFinished(folder.remove);
  const t = await harness.setUp({
    dataDir: folder.dir,
    demo: { liveCandidates: options.liveCandidates ?? 6, recordedPerSlot: 2 },
    ...(options.chiefIdentities !== undefined && { chiefIdentities: options.chiefIdentities }),
  });
  t.platform.ctx.accounts.seed([{ id: 'ch-02', username: 'chief2', password: DEMO_PASSWORD, displayName: '周主任', roles: ['chief', 'examiner'] }]);
  const c = chiefClient(t.platform);
  const tokens = new Map<string, string>();
  for (const id of PANEL) tokens.set(id, await c.login(USERS[id]));
  tokens.set('ch-02', await c.login('chief2'));
  const token = (id: string): string => tokens.get(id) ?? '';
  const chiefSocket = await t.examiner('chief');
  const ex1Socket = await t.examiner('examiner1');
  const otherChiefSocket = await t.examiner('chief2');
  const candidates = c.liveCandidates(SLOT);
  const matrix = async (as = 'ch-01', slotId = SLOT): Promise<ScoreMatrix> => {
    const answer = await c.send('GET', `/chief/slots/${slotId}/matrix`, token(as));
    expect(answer.status, answer.text).toBe(200);
    return ScoreMatrix.parse(answer.body);
  };
  const rowOf = (m: ScoreMatrix, candidateId: string): MatrixRow => {
    const code = t.platform.ctx.codes.codeFor('ch-01', candidateId);
    const row = m.rows.find((candidate) => candidate.candidateCode === code);
    if (!row) throw new Error(`no row for ${candidateId}`);
    return row;
  };
  const score = async (member: Member, candidateId: string, pitch: number, base = 0, comment?: string) => {
    const answer = await c.submit(token(member), c.assignmentOf(member, candidateId), base, vocalSheet(pitch, comment));
    expect(answer.status, answer.text).toBe(201);
  };
  return { t, c, token, chiefSocket, ex1Socket, otherChiefSocket, candidates, matrix, rowOf, score };
}

/** Everything the socket received up to now: a reply to a message sent now comes after every push made before. */
async function fence(socket: ExaminerClient): Promise<void> {
  socket.send({ type: 'dance' });
  await socket.next('error');
}

describe('reference platform: the chief examiner\'s desk', () => {
  it('refuses every chief route to a non-chief (403), another panel\'s slot or sheet (404), an unknown slot (404) and bad bodies (400)', async () => {
    const { c, token, candidates } = await desk();
    const sheet = c.assignmentOf('ex-02', candidates[0] ?? '');
    const recorded = DEMO_RECORDED_SLOT_IDS[0];
    const recordedSheet = c.assignmentOf('ex-01', c.candidateOf(recorded), 'instrumental');
    const slotRoutes = (slotId: string): [string, string, unknown?][] => [
      ['GET', `/chief/slots/${slotId}/matrix`],
      ['GET', `/chief/slots/${slotId}/re-reviews`],
      ['GET', `/chief/slots/${slotId}/actions`],
      ['GET', `/chief/slots/${slotId}/room-log`],
      ['GET', `/chief/slots/${slotId}/results`],
      ['POST', `/chief/slots/${slotId}/sign-off`],
    ];
    const sheetRoutes = (assignmentId: string): [string, string, unknown?][] => [
      ['POST', `/assignments/${assignmentId}/lock`],
      ['DELETE', `/assignments/${assignmentId}/lock`],
      ['POST', '/chief/re-reviews', { assignmentId, note: '请再看一下音准' }],
    ];
    const everyRoute = [...slotRoutes(SLOT), ...sheetRoutes(sheet), ['GET', `/chief/exams/${DEMO_EXAM_ID}/subjects/vocal/results`] as [string, string]];

    for (const [method, path, body] of everyRoute) {
      const anonymous = await c.send(method, path, null, body);
      expect(anonymous.status, `${method} ${path}`).toBe(401);
      for (const examiner of ['ex-01', 'ex-03'] as const) {
        const answer = await c.send(method, path, token(examiner), body);
        expect(answer.status, `${method} ${path}`).toBe(403);
        const refusal = ScoreRefusal.parse(answer.body);
        expect(refusal.error.code).toBe('forbidden');
        expect(refusal.error.message).toMatch(/chief examiner/);
      }
    }

    // A chief of no panel, and the chief on a panel he does not sit on: as if there were none.
    for (const [method, path, body] of [...slotRoutes(SLOT), ...sheetRoutes(sheet)]) {
      const answer = await c.send(method, path, token('ch-02'), body);
      expect(answer.status, `${method} ${path}`).toBe(404);
      expect(ScoreRefusal.parse(answer.body).error.code).toBe('not_found');
    }
    for (const [method, path, body] of [...slotRoutes(recorded), ...sheetRoutes(recordedSheet), ...slotRoutes('slot-nowhere'), ...sheetRoutes('as-nowhere')]) {
      const answer = await c.send(method, path, token('ch-01'), body);
      expect(answer.status, `${method} ${path}`).toBe(404);
    }
    for (const path of [`/chief/exams/${DEMO_EXAM_ID}/subjects/instrumental/results`, `/chief/exams/exam-nowhere/subjects/vocal/results`]) {
      expect((await c.send('GET', path, token('ch-01'))).status, path).toBe(404);
    }
    expect((await c.send('GET', `/chief/exams/${DEMO_EXAM_ID}/subjects/vocal/results`, token('ch-02'))).status).toBe(404);

    const bad: [string, string, string, unknown][] = [
      ['ch-01', 'POST', '/chief/re-reviews', { assignmentId: sheet, note: '   ' }],
      ['ch-01', 'POST', '/chief/re-reviews', { assignmentId: sheet }],
      ['ch-01', 'POST', '/chief/re-reviews', { assignmentId: sheet, note: 'x', score: 80 }],
      ['ch-01', 'POST', '/chief/re-reviews', { assignmentId: sheet, note: 'x'.repeat(501) }],
      ['ch-01', 'DELETE', `/assignments/${sheet}/lock`, { reason: '' }],
      ['ch-01', 'DELETE', `/assignments/${sheet}/lock`, { reason: 'ok', extra: true }],
      ['ex-02', 'PUT', `/assignments/${sheet}/progress`, { state: 'accepted' }],
      ['ex-02', 'PUT', `/assignments/${sheet}/progress`, { state: 'saved', values: { pitch: 20 } }],
      ['ex-02', 'PUT', `/assignments/${sheet}/progress`, {}],
    ];
    for (const [who, method, path, body] of bad) {
      const answer = await c.send(method, path, token(who), body);
      expect(answer.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
      expect(ScoreRefusal.parse(answer.body).error.code).toBe('bad_request');
    }
    // Progress is the examiner's own sheet only.
    expect((await c.send('PUT', `/assignments/${sheet}/progress`, token('ex-01'), { state: 'saved' })).status).toBe(404);
    expect((await c.send('PUT', `/assignments/${sheet}/progress`, null, { state: 'saved' })).status).toBe(401);
    // Nothing of the refusals was written.
    const { ctx } = c.platform;
    // (The demo's dance anchors are logged as the chief's `anchor` actions when it is seeded.)
    expect(ctx.db.prepare("SELECT count(*) AS n FROM chief_actions WHERE action <> 'anchor'").get()).toEqual({ n: 0 });
    expect(ctx.db.prepare('SELECT count(*) AS n FROM re_reviews').get()).toEqual({ n: 0 });
  });

  it('fills the matrix from progress reports and accepted sheets, flags a deviation as the automatic re-review does, and pushes changed rows to the panel\'s chiefs only', async () => {
    const { t, c, token, chiefSocket, ex1Socket, otherChiefSocket, candidates, matrix, rowOf, score } = await desk();
    const first = await matrix();
    expect(first).toMatchObject({
      examId: DEMO_EXAM_ID,
      slotId: SLOT,
      subjectId: 'vocal',
      combineRule: { kind: 'trimmed_mean', drop: 1 },
      deviationThreshold: 10,
      maxTotal: 100,
      signedOff: null,
    });
    expect(first.members).toEqual([
      { memberId: 'ex-01', displayName: '王老师', isYou: false },
      { memberId: 'ex-02', displayName: '李老师', isYou: false },
      { memberId: 'ex-03', displayName: '张老师', isYou: false },
      { memberId: 'ch-01', displayName: '刘主任', isYou: true },
    ]);
    // Appointment order, each row the chief's own blind code, every cell not scored.
    expect(first.rows.map((row) => row.candidateCode)).toEqual(candidates.map((id) => t.platform.ctx.codes.codeFor('ch-01', id)));
    expect(first.rows.map((row) => row.order)).toEqual(candidates.map((_id, index) => index + 1));
    for (const row of first.rows) {
      expect(row).toMatchObject({ combined: null, accepted: 0, counting: 4 });
      expect(row.cells.map((cell) => cell.memberId)).toEqual([...PANEL]);
      for (const cell of row.cells) {
        expect(cell).toMatchObject({ state: 'not_scored', total: null, version: 0, locked: false, acceptedAt: null, deviation: null, flagged: false, reReview: 'none' });
      }
    }

    const cand = candidates[2] ?? '';
    const progress = (member: Member, state: string) => c.send('PUT', `/assignments/${c.assignmentOf(member, cand)}/progress`, token(member), { state });
    const cellOf = async (member: Member) => rowOf(await matrix(), cand).cells[PANEL.indexOf(member)];
    const pushesBefore = chiefSocket.all('matrix').length;

    expect((await progress('ex-01', 'saved')).status).toBe(204);
    expect((await cellOf('ex-01'))?.state).toBe('saved');
    expect((await progress('ex-01', 'submitted')).status).toBe(204);
    expect((await cellOf('ex-01'))?.state).toBe('submitted');
    // A stale `saved` after the `submitted` of the same version does not move the sheet back, nor push.
    expect((await progress('ex-01', 'saved')).status).toBe(204);
    expect((await cellOf('ex-01'))?.state).toBe('submitted');
    await fence(chiefSocket);
    const progressPushes = chiefSocket.all('matrix').slice(pushesBefore);
    expect(progressPushes.map((push) => push.rows.map((row) => row.cells[0]?.state))).toEqual([['saved'], ['submitted']]);
    expect(progressPushes.every((push) => push.slotId === SLOT && push.rows.length === 1 && push.signedOff === null)).toBe(true);

    const t0 = t.clock.now().toISOString();
    await score('ex-01', cand, 28); // 80
    await score('ex-02', cand, 30); // 82
    let row = rowOf(await matrix(), cand);
    expect(row).toMatchObject({ combined: 81, accepted: 2, counting: 4 });
    // Two totals are no panel yet: a deviation is shown, never flagged.
    expect(row.cells.map((cell) => [cell.state, cell.total, cell.deviation, cell.flagged])).toEqual([
      ['accepted', 80, 1, false],
      ['accepted', 82, 1, false],
      ['not_scored', null, null, false],
      ['not_scored', null, null, false],
    ]);
    expect(row.cells[0]).toMatchObject({ version: 1, acceptedAt: t0, firstAcceptedAt: t0 });

    await score('ex-03', cand, 5); // 57: trimmed mean of 57, 80, 82 is 80; ex-03 is 23 away
    row = rowOf(await matrix(), cand);
    expect(row.combined).toBe(80);
    expect(row.cells.map((cell) => [cell.total, cell.deviation, cell.flagged, cell.reReview])).toEqual([
      [80, 0, false, 'none'],
      [82, 2, false, 'none'],
      [57, 23, true, 'open'],
      [null, null, false, 'none'],
    ]);
    // Accepting a sheet outranks any later report.
    expect((await progress('ex-01', 'saved')).status).toBe(204);
    expect((await cellOf('ex-01'))?.state).toBe('accepted');

    // The resubmission answers the request; the first acceptance time stays.
    t.clock.advance(60_000);
    await score('ex-03', cand, 27, 1); // 79
    row = rowOf(await matrix(), cand);
    expect(row.cells[2]).toMatchObject({ state: 'accepted', total: 79, version: 2, acceptedAt: t.clock.now().toISOString(), firstAcceptedAt: t0, flagged: false, reReview: 'answered' });
    expect(row.combined).toBe(80);

    // Every change pushed the whole row, as the matrix route has it now; nobody but the panel's chief got one.
    await fence(chiefSocket);
    const last = chiefSocket.all('matrix').at(-1);
    expect(last?.rows).toEqual([row]);
    expect(chiefSocket.all('matrix').length - pushesBefore).toBe(2 + 4 + 1);
    for (const socket of [ex1Socket, otherChiefSocket]) {
      await fence(socket);
      expect(socket.all('matrix')).toEqual([]);
    }
  });

  it('coalesces a batch into one push per hundred rows, and signs off only a slot whose every sheet is accepted, locking it', async () => {
    const { t, c, token, chiefSocket, ex1Socket, candidates, matrix } = await desk({ liveCandidates: 150 });
    const ctx = t.platform.ctx;
    const batch = async (member: Member, pitchOf: (index: number) => number) => {
      const answer = await c.submitFirstSheets(token(member), member, candidates, pitchOf);
      expect(answer.status, answer.text).toBe(200);
      expect(BatchResponse.parse(answer.body).results.every((result) => result.status === 201)).toBe(true);
    };
    const before = chiefSocket.all('matrix').length;
    await batch('ex-01', (index) => 20 + (index % 10));
    await fence(chiefSocket);
    const pushes = chiefSocket.all('matrix').slice(before);
    expect(pushes.map((push) => push.rows.length)).toEqual([MAX_MATRIX_PUSH_ROWS, 150 - MAX_MATRIX_PUSH_ROWS]);
    expect(pushes.flatMap((push) => push.rows.map((row) => row.order))).toEqual(candidates.map((_id, index) => index + 1));

    await batch('ex-02', (index) => 21 + (index % 9));
    await batch('ex-03', (index) => 22 + (index % 8));
    // One sheet short: the chief's own column misses the last candidate.
    expect((await c.submitFirstSheets(token('ch-01'), 'ch-01', candidates.slice(0, -1), () => 25)).status).toBe(200);

    const early = await c.send('POST', `/chief/slots/${SLOT}/sign-off`, token('ch-01'));
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ error: { code: 'not_all_accepted' }, notAccepted: 1 });
    expect(ctx.db.prepare('SELECT count(*) AS n FROM sign_offs').get()).toEqual({ n: 0 });
    expect(ctx.db.prepare('SELECT count(*) AS n FROM scores WHERE locked = 1').get()).toEqual({ n: 0 });

    const lastCandidate = candidates.at(-1) ?? '';
    await c.submit(token('ch-01'), c.assignmentOf('ch-01', lastCandidate), 0, vocalSheet(25));
    t.clock.advance(1000);
    const locksBefore = ex1Socket.all('sheet_lock').length;
    const signed = await c.send('POST', `/chief/slots/${SLOT}/sign-off`, token('ch-01'));
    expect(signed.status, signed.text).toBe(201);
    expect(SignOff.parse(signed.body)).toEqual({ slotId: SLOT, at: t.clock.now().toISOString(), by: '刘主任' });
    expect((await c.send('POST', `/chief/slots/${SLOT}/sign-off`, token('ch-01'))).body).toMatchObject({ error: { code: 'already_signed_off' } });

    const after = await matrix();
    expect(after.signedOff).toEqual(SignOff.parse(signed.body));
    expect(after.rows.every((row) => row.cells.every((cell) => cell.locked && cell.state === 'accepted'))).toBe(true);
    await fence(ex1Socket);
    const locks = ex1Socket.all('sheet_lock').slice(locksBefore);
    expect(locks).toHaveLength(150);
    expect(new Set(locks.map((lock) => lock.assignmentId))).toEqual(new Set(candidates.map((id) => c.assignmentOf('ex-01', id))));
    expect(locks.every((lock) => lock.locked && lock.signedOff)).toBe(true);
    await fence(chiefSocket);
    expect(chiefSocket.all('matrix').at(-1)?.signedOff).toEqual(SignOff.parse(signed.body));

    // After the sign-off a sheet changes only through an unlock with a reason, which is logged.
    const sheet = c.assignmentOf('ex-01', candidates[0] ?? '');
    const refused = await c.submit(token('ex-01'), sheet, 1, vocalSheet(29));
    expect(refused.status).toBe(423);
    expect(refused.body).toMatchObject({ error: { code: 'locked' }, current: { version: 1, locked: true } });
    const noReason = await c.send('DELETE', `/assignments/${sheet}/lock`, token('ch-01'));
    expect(noReason.status).toBe(400);
    expect(noReason.body).toMatchObject({ error: { code: 'reason_required' } });
    expect((await c.send('DELETE', `/assignments/${sheet}/lock`, token('ch-01'), { reason: '考生申诉，复核音准' })).status).toBe(204);
    expect((await c.submit(token('ex-01'), sheet, 1, vocalSheet(29))).status).toBe(201);
    expect((await c.send('POST', `/assignments/${sheet}/lock`, token('ch-01'))).status).toBe(204);

    const actions = ChiefActionList.parse((await c.send('GET', `/chief/slots/${SLOT}/actions`, token('ch-01'))).body).actions;
    expect(actions.map((action) => [action.action, action.actor, action.assignmentId, action.memberName, action.reason])).toEqual([
      ['sign_off', '刘主任', null, null, null],
      ['unlock', '刘主任', sheet, '王老师', '考生申诉，复核音准'],
      ['lock', '刘主任', sheet, '王老师', null],
    ]);
    expect(actions[1]?.candidateCode).toBe(ctx.codes.codeFor('ch-01', candidates[0] ?? ''));
    // Append-only, like the room log.
    expect(() => ctx.db.prepare('DELETE FROM chief_actions').run()).toThrow(/append-only/);
    expect(() => ctx.db.prepare("UPDATE chief_actions SET reason = 'x'").run()).toThrow(/append-only/);
    expect(() => ctx.db.prepare('DELETE FROM sign_offs').run()).toThrow(/final/);
  });

  it('locks and unlocks a sheet, telling its examiner, and a submission caught by the lock answers 423 with the current record', async () => {
    const { c, token, chiefSocket, ex1Socket, candidates, matrix, rowOf, score } = await desk();
    const cand = candidates[0] ?? '';
    const sheet = c.assignmentOf('ex-01', cand);
    await score('ex-01', cand, 20);
    expect((await c.send('POST', `/assignments/${sheet}/lock`, token('ch-01'))).status).toBe(204);
    expect(await ex1Socket.next('sheet_lock')).toEqual({ type: 'sheet_lock', assignmentId: sheet, locked: true, signedOff: false });
    expect(rowOf(await matrix(), cand).cells[0]).toMatchObject({ locked: true, state: 'accepted', total: 72 });
    expect((await chiefSocket.next('matrix', (push) => push.rows[0]?.cells[0]?.locked === true)).rows).toHaveLength(1);

    const refused = await c.submit(token('ex-01'), sheet, 1, vocalSheet(21));
    expect(refused.status).toBe(423);
    const current = ScoreRecord.parse((refused.body as { current: unknown }).current);
    expect(current).toMatchObject({ version: 1, total: 72, locked: true });
    // A re-review of a locked sheet could never be answered.
    expect((await c.send('POST', '/chief/re-reviews', token('ch-01'), { assignmentId: sheet, note: '请复核' })).status).toBe(423);

    // Unlocking before any sign-off needs no reason.
    expect((await c.send('DELETE', `/assignments/${sheet}/lock`, token('ch-01'))).status).toBe(204);
    expect(await ex1Socket.next('sheet_lock')).toEqual({ type: 'sheet_lock', assignmentId: sheet, locked: false, signedOff: false });
    expect((await c.submit(token('ex-01'), sheet, 1, vocalSheet(21))).status).toBe(201);
    const actions = ChiefActionList.parse((await c.send('GET', `/chief/slots/${SLOT}/actions`, token('ch-01'))).body).actions;
    expect(actions.map((action) => action.action)).toEqual(['lock', 'unlock']);
  });

  it('sends a chief\'s re-review to the examiner blind (the note only), lists it with the platform\'s own, and a resubmission answers it', async () => {
    const { t, c, token, ex1Socket, candidates, score } = await desk();
    const cand = candidates[1] ?? '';
    await score('ex-01', cand, 28); // 80
    await score('ex-02', cand, 8); // 60
    await score('ex-03', cand, 30); // 82: trimmed mean 80, ex-02 is 20 away
    const sheet = c.assignmentOf('ex-01', cand);
    t.clock.advance(30_000);
    const created = await c.send('POST', '/chief/re-reviews', token('ch-01'), { assignmentId: sheet, note: '  节奏部分请再听一遍  ' });
    expect(created.status, created.text).toBe(201);
    const request = ChiefReReview.parse(created.body);
    expect(request).toMatchObject({
      assignmentId: sheet,
      candidateCode: t.platform.ctx.codes.codeFor('ch-01', cand),
      memberId: 'ex-01',
      memberName: '王老师',
      reason: 'chief',
      note: '节奏部分请再听一遍',
      deviation: null,
      requestedBy: '刘主任',
      requestedAt: t.clock.now().toISOString(),
      state: 'open',
      answeredAt: null,
    });
    const pushed = await ex1Socket.next('re_review');
    expect(pushed.request).toEqual({ requestId: request.requestId, assignmentId: sheet, reason: 'chief', note: '节奏部分请再听一遍', requestedAt: request.requestedAt });
    const own = ReReviewList.parse((await c.send('GET', '/re-reviews', token('ex-01'))).body).requests;
    expect(own).toEqual([pushed.request]);

    const list = async () => ChiefReReviewList.parse((await c.send('GET', `/chief/slots/${SLOT}/re-reviews`, token('ch-01'))).body).requests;
    expect((await list()).map((entry) => [entry.memberId, entry.reason, entry.deviation, entry.requestedBy, entry.state])).toEqual([
      ['ex-02', 'deviation', 20, null, 'open'],
      ['ex-01', 'chief', null, '刘主任', 'open'],
    ]);

    t.clock.advance(60_000);
    await score('ex-01', cand, 27, 1);
    const answered = (await list()).find((entry) => entry.requestId === request.requestId);
    expect(answered).toMatchObject({ state: 'answered', answeredAt: t.clock.now().toISOString() });
    expect(ReReviewList.parse((await c.send('GET', '/re-reviews', token('ex-01'))).body).requests).toEqual([]);
    const actions = ChiefActionList.parse((await c.send('GET', `/chief/slots/${SLOT}/actions`, token('ch-01'))).body).actions;
    expect(actions).toEqual([
      { at: request.requestedAt, actor: '刘主任', action: 're_review', assignmentId: sheet, candidateCode: request.candidateCode, memberName: '王老师', reason: '节奏部分请再听一遍' },
    ]);
  });

  it('gives the slot\'s room log in appointment order, and the results with every sheet\'s values, codes only unless the platform grants names', async () => {
    for (const chiefIdentities of [false, true]) {
      const { t, c, token, candidates, score } = await desk({ chiefIdentities });
      const ctx = t.platform.ctx;
      const entries = ctx.db.prepare('SELECT id FROM queue_entries WHERE slot_id = ? ORDER BY appointment_at, id').all(SLOT) as { id: string }[];
      const log = new RoomLogStore(ctx.db, ctx.clock, ctx.accounts);
      log.append(entries[1]?.id ?? '', 'ch-01', 'call', {});
      log.append(entries[1]?.id ?? '', null, 'device_connect', { device: 'main' });

      const roomLog = SlotRoomLog.parse((await c.send('GET', `/chief/slots/${SLOT}/room-log`, token('ch-01'))).body);
      expect(roomLog.entries.map((entry) => entry.entryId)).toEqual(entries.map((entry) => entry.id));
      expect(roomLog.entries.map((entry) => entry.candidateCode)).toEqual(candidates.map((id) => ctx.codes.codeFor('ch-01', id)));
      expect(roomLog.entries[1]?.lines.map((line) => [line.action, line.actor, line.detail])).toEqual([
        ['call', '刘主任', {}],
        ['device_connect', null, { device: 'main' }],
      ]);

      const cand = candidates[0] ?? '';
      await score('ex-01', cand, 28);
      await score('ex-02', cand, 29.5);
      const results = Results.parse((await c.send('GET', `/chief/slots/${SLOT}/results`, token('ch-01'))).body);
      expect(results).toMatchObject({ examId: DEMO_EXAM_ID, subjectId: 'vocal', slotIds: [SLOT], signedOff: [], identities: chiefIdentities });
      expect(results.candidates).toHaveLength(candidates.length);
      const first = results.candidates[0];
      const name = (ctx.db.prepare('SELECT name FROM candidates WHERE id = ?').get(cand) as { name: string }).name;
      expect(first).toMatchObject({ candidateCode: ctx.codes.codeFor('ch-01', cand), candidateName: chiefIdentities ? name : null, combined: 80.75, accepted: 2, counting: 4 });
      expect(first?.sheets.map((sheet) => [sheet.memberName, sheet.state, sheet.values, sheet.total])).toEqual([
        ['王老师', 'accepted', vocalSheet(28).values, 80],
        ['李老师', 'accepted', vocalSheet(29.5).values, 81.5],
        ['张老师', 'not_scored', null, null],
        ['刘主任', 'not_scored', null, null],
      ]);
      expect(results.candidates.every((candidate) => (candidate.candidateName === null) === !chiefIdentities)).toBe(true);
      // The same log as the slot's (which by now may note the members' sheets, never their scores).
      expect(results.roomLog).toEqual(SlotRoomLog.parse((await c.send('GET', `/chief/slots/${SLOT}/room-log`, token('ch-01'))).body).entries);

      const subject = Results.parse((await c.send('GET', `/chief/exams/${DEMO_EXAM_ID}/subjects/vocal/results`, token('ch-01'))).body);
      expect({ ...subject, generatedAt: null }).toEqual({ ...results, generatedAt: null });
      await harness.cleanUp();
    }
  });
});
