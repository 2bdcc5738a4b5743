import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { AssignmentList } from '@common/platform/assignments';
import { ChiefActionList, ChiefReReviewList, Results, ScoreMatrix, SlotRoomLog, type MatrixRow } from '@common/platform/chief';
import { Recusal } from '@common/platform/fairness';
import { BatchResponse, ReReviewList, ScoreRefusal } from '@common/platform/scores';
import { DEMO_RECORDED_SLOT_IDS } from '../../platform/demo/exam';
import { deviatingTotals } from '../../platform/state/panel-scores';
import { chiefClient, dataFolder, vocalSheet } from '../support/platform-chief';
import { roomHarness, SLOT, type ExaminerClient } from '../support/room-clients';

const harness = roomHarness();
afterEach(harness.cleanUp);

const PANEL = ['ex-01', 'ex-02', 'ex-03', 'ch-01'] as const;
const USERS = { 'ex-01': 'examiner1', 'ex-02': 'examiner2', 'ex-03': 'examiner3', 'ch-01': 'chief' } as const;
type Member = (typeof PANEL)[number];

async function setUp() {
  const folder = dataFolder('platform-recusal-');
  onTestFinished(folder.remove);
  const t = await harness.setUp({ dataDir: folder.dir, demo: { liveCandidates: 4, recordedPerSlot: 2 } });
  const c = chiefClient(t.platform);
  const tokens = new Map<string, string>();
  for (const id of PANEL) tokens.set(id, await c.login(USERS[id]));
  const token = (id: Member): string => tokens.get(id) ?? '';
  const candidates = c.liveCandidates(SLOT);
  const score = async (member: Member, candidateId: string, pitch: number, base = 0) => {
    const answer = await c.submit(token(member), c.assignmentOf(member, candidateId), base, vocalSheet(pitch));
    expect(answer.status, answer.text).toBe(201);
  };
  const matrix = async (): Promise<ScoreMatrix> => {
    const answer = await c.send('GET', `/chief/slots/${SLOT}/matrix`, token('ch-01'));
    expect(answer.status, answer.text).toBe(200);
    return ScoreMatrix.parse(answer.body);
  };
  const rowOf = (m: ScoreMatrix, candidateId: string): MatrixRow => {
    const code = t.platform.ctx.codes.codeFor('ch-01', candidateId);
    const row = m.rows.find((candidate) => candidate.candidateCode === code);
    if (!row) throw new Error(`no row for ${candidateId}`);
    return row;
  };
  const reReviews = async (member: Member) => ReReviewList.parse((await c.send('GET', '/re-reviews', token(member))).body).requests;
  return { t, c, token, candidates, score, matrix, rowOf, reReviews };
}

/** Everything the socket received up to now: a reply to a message sent now comes after every push made before. */
async function fence(socket: ExaminerClient): Promise<void> {
  socket.send({ type: 'dance' });
  await socket.next('error');
}

describe('reference platform: recusal (回避)', () => {
  it('takes a recused sheet out of the combination and the deviation check; the chief records it after acceptance, logged; later submissions are refused', async () => {
    const { t, c, token, candidates, score, matrix, rowOf, reReviews } = await setUp();
    const chiefSocket = await t.examiner('chief');
    const cand = candidates[1] ?? '';
    const sheetOf = (member: Member) => c.assignmentOf(member, cand);

    // Totals: ex-01 52, ex-02 62, ex-03 80 (median 62: ex-03 is 18 off and asked to re-review).
    await score('ex-01', cand, 0);
    await score('ex-02', cand, 10);
    await score('ex-03', cand, 28);
    expect((await reReviews('ex-03')).map((request) => request.assignmentId)).toEqual([sheetOf('ex-03')]);
    expect(await reReviews('ex-01')).toEqual([]);

    // The examiner may not recuse from a sheet already accepted: only a chief may record it now.
    const late = await c.send('POST', `/assignments/${sheetOf('ex-03')}/recusal`, token('ex-03'), { reason: 'relative' });
    expect(late.status).toBe(409);
    expect(ScoreRefusal.parse(late.body).error.code).toBe('already_scored');

    await fence(chiefSocket);
    const before = chiefSocket.all('matrix').length;
    const recorded = await c.send('POST', '/chief/recusals', token('ch-01'), { assignmentId: sheetOf('ex-03'), reason: 'relative', note: '考生系其亲属（外甥）' });
    expect(recorded.status, recorded.text).toBe(201);
    const recusal = Recusal.parse(recorded.body);
    expect(recusal).toEqual({
      assignmentId: sheetOf('ex-03'),
      reason: 'relative',
      note: '考生系其亲属（外甥）',
      declaredAt: t.clock.now().toISOString(),
      declaredBy: 'chief',
    });
    // Recording it twice: 409 with the recusal as it stands.
    const again = await c.send('POST', '/chief/recusals', token('ch-01'), { assignmentId: sheetOf('ex-03'), reason: 'other', note: '再次' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: { code: 'already_recused' }, recusal });

    // The row went to the chief with the cell recused.
    await fence(chiefSocket);
    const pushed = chiefSocket.all('matrix').slice(before);
    expect(pushed).toHaveLength(1);
    expect(pushed[0]?.rows.map((row) => row.cells[2]?.state)).toEqual(['recused']);

    // ex-03's open re-review is answered by the recusal.
    expect(await reReviews('ex-03')).toEqual([]);
    const requests = ChiefReReviewList.parse((await c.send('GET', `/chief/slots/${SLOT}/re-reviews`, token('ch-01'))).body).requests;
    expect(requests.filter((request) => request.assignmentId === sheetOf('ex-03')).map((request) => request.state)).toEqual(['answered']);

    // The chief scores 64. With ex-03's 80 the panel would combine to 63 and ex-01's 52 would be 11 off:
    const rule = { kind: 'trimmed_mean', drop: 1 } as const;
    const withRecused = deviatingTotals(rule, 10, [52, 62, 80, 64].map((total, index) => ({ assignmentId: String(index), total })));
    expect(withRecused.map((entry) => entry.assignmentId)).toEqual(['0', '2']);
    await score('ch-01', cand, 12);
    // ...but the recused sheet does not count: the median of 52, 62, 64 is 62, and 52 is within 10.
    expect(await reReviews('ex-01')).toEqual([]);
    const row = rowOf(await matrix(), cand);
    expect(row).toMatchObject({ combined: 62, accepted: 3, counting: 3 });
    expect(row.cells.map((cell) => [cell.memberId, cell.state, cell.total, cell.flagged])).toEqual([
      ['ex-01', 'accepted', 52, false],
      ['ex-02', 'accepted', 62, false],
      ['ex-03', 'recused', null, false],
      ['ch-01', 'accepted', 64, false],
    ]);
    expect(row.cells[2]).toMatchObject({ recusal, deviation: null });

    // The chief's action log has it, with the note.
    const actions = ChiefActionList.parse((await c.send('GET', `/chief/slots/${SLOT}/actions`, token('ch-01'))).body).actions;
    expect(actions.map((action) => [action.action, action.assignmentId, action.memberName, action.reason])).toEqual([
      ['recusal', sheetOf('ex-03'), '张老师', '考生系其亲属（外甥）'],
    ]);

    // The room log of the candidate's entry names the member and the reason, never the note.
    const roomLog = await c.send('GET', `/chief/slots/${SLOT}/room-log`, token('ch-01'));
    const entry = SlotRoomLog.parse(roomLog.body).entries.find((candidate) => candidate.candidateCode === t.platform.ctx.codes.codeFor('ch-01', cand));
    expect(entry?.lines.filter((line) => line.action === 'recusal')).toEqual([
      { at: recusal.declaredAt, action: 'recusal', actor: '张老师', detail: { reason: 'relative' } },
    ]);
    expect(roomLog.text).not.toContain('外甥');

    // The results carry the recusal; the void sheet's values are not results.
    const results = Results.parse((await c.send('GET', `/chief/slots/${SLOT}/results`, token('ch-01'))).body);
    const sheets = results.candidates.find((candidate) => candidate.candidateCode === t.platform.ctx.codes.codeFor('ch-01', cand))?.sheets;
    expect(sheets?.[2]).toMatchObject({ state: 'recused', values: null, total: null, recusal });
    expect(sheets?.[0]).toMatchObject({ state: 'accepted', band: null, technicalIssues: [], recusal: null });

    // Any later submission is refused 403 recused, single and batch; nothing is stored.
    const single = await c.submit(token('ex-03'), sheetOf('ex-03'), 1, vocalSheet(10));
    expect(single.status).toBe(403);
    expect(ScoreRefusal.parse(single.body).error.code).toBe('recused');
    const batch = await c.send('POST', '/scores/batch', token('ex-03'), {
      items: [{ assignmentId: sheetOf('ex-03'), idempotencyKey: c.nextKey(), baseVersion: 1, sheet: vocalSheet(11) }],
    });
    expect(batch.status).toBe(200);
    expect(BatchResponse.parse(batch.body).results.map((result) => [result.status, ScoreRefusal.parse(result.body).error.code])).toEqual([[403, 'recused']]);
    expect((t.platform.ctx.db.prepare('SELECT version, total FROM scores WHERE assignment_id = ?').get(sheetOf('ex-03')) as { version: number }).version).toBe(1);
  });

  it('judges the others again after a recusal: a member the void sheet kept within the threshold is asked', async () => {
    const { t, c, token, candidates, score, matrix, rowOf, reReviews } = await setUp();
    const socket = await t.examiner('examiner1');
    const cand = candidates[2] ?? '';
    const sheetOf = (member: Member) => c.assignmentOf(member, cand);

    // Totals 52, 60, 64, 72: the trimmed mean is 62, and nobody is more than 10 off.
    await score('ex-01', cand, 0);
    await score('ex-02', cand, 8);
    await score('ex-03', cand, 12);
    await score('ch-01', cand, 20);
    for (const member of PANEL) expect(await reReviews(member), member).toEqual([]);

    // Without ex-02's 60 the panel combines 52, 64 and 72 to 64: ex-01's 52 is 12 off now.
    const withoutEx02 = deviatingTotals({ kind: 'trimmed_mean', drop: 1 }, 10, [52, 64, 72].map((total, index) => ({ assignmentId: String(index), total })));
    expect(withoutEx02).toEqual([{ assignmentId: '0', deviation: 12 }]);
    const recorded = await c.send('POST', '/chief/recusals', token('ch-01'), { assignmentId: sheetOf('ex-02'), reason: 'own_student', note: '其本校学生' });
    expect(recorded.status, recorded.text).toBe(201);
    const declaredAt = Recusal.parse(recorded.body).declaredAt;

    const asked = await reReviews('ex-01');
    expect(asked).toMatchObject([{ assignmentId: sheetOf('ex-01'), reason: 'deviation', deviation: 12, threshold: 10, requestedAt: declaredAt }]);
    // It reached ex-01's workstation as a push, blind: how far off, never the others' totals.
    const pushed = await socket.next('re_review');
    expect(pushed.request).toEqual(asked[0]);
    expect(JSON.stringify(pushed)).not.toMatch(/\b(60|64|72)\b/);
    for (const member of ['ex-02', 'ex-03', 'ch-01'] as const) expect(await reReviews(member), member).toEqual([]);
    const row = rowOf(await matrix(), cand);
    expect(row).toMatchObject({ combined: 64, accepted: 3 });
    expect(row.cells.map((cell) => [cell.memberId, cell.state, cell.flagged])).toEqual([
      ['ex-01', 'accepted', true],
      ['ex-02', 'recused', false],
      ['ex-03', 'accepted', false],
      ['ch-01', 'accepted', false],
    ]);
    await fence(socket);
    expect(socket.all('re_review')).toHaveLength(1);
  });

  it('lets an examiner declare a recusal before scoring: in their list, refused twice, and their sheet refused from then on', async () => {
    const { t, c, token, candidates, matrix, rowOf } = await setUp();
    const cand = candidates[0] ?? '';
    const sheet = c.assignmentOf('ex-02', cand);
    const key = c.nextKey();
    // An idempotent answer recorded before the recusal still replays after it.
    const first = await c.send('POST', '/scores/batch', token('ex-02'), { items: [{ assignmentId: c.assignmentOf('ex-02', candidates[2] ?? ''), idempotencyKey: key, baseVersion: 0, sheet: vocalSheet(20) }] });
    expect(BatchResponse.parse(first.body).results[0]?.status).toBe(201);

    // Bad bodies, another's assignment, the chief's route to an examiner.
    for (const body of [{ reason: 'other' }, { reason: 'other', note: '   ' }, { reason: 'enemy' }, { reason: 'relative', extra: 1 }, {}]) {
      const answer = await c.send('POST', `/assignments/${sheet}/recusal`, token('ex-02'), body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
    }
    expect((await c.send('POST', `/assignments/${sheet}/recusal`, token('ex-01'), { reason: 'relative' })).status).toBe(404);
    expect((await c.send('POST', `/assignments/${sheet}/recusal`, null, { reason: 'relative' })).status).toBe(401);
    const notChief = await c.send('POST', '/chief/recusals', token('ex-01'), { assignmentId: sheet, reason: 'relative', note: 'x' });
    expect(notChief.status).toBe(403);
    expect(ScoreRefusal.parse(notChief.body).error.code).toBe('forbidden');
    // The chief does not sit on the recorded panel: its sheets are as none.
    const recordedSheet = c.assignmentOf('ex-01', c.candidateOf(DEMO_RECORDED_SLOT_IDS[0]), 'instrumental');
    expect((await c.send('POST', '/chief/recusals', token('ch-01'), { assignmentId: recordedSheet, reason: 'relative', note: 'x' })).status).toBe(404);
    expect(t.platform.ctx.db.prepare('SELECT count(*) AS n FROM recusals').get()).toEqual({ n: 0 });

    const declared = await c.send('POST', `/assignments/${sheet}/recusal`, token('ex-02'), { reason: 'own_student' });
    expect(declared.status, declared.text).toBe(201);
    const recusal = Recusal.parse(declared.body);
    expect(recusal).toMatchObject({ assignmentId: sheet, reason: 'own_student', note: null, declaredBy: 'self' });
    const twice = await c.send('POST', `/assignments/${sheet}/recusal`, token('ex-02'), { reason: 'other', note: '改主意' });
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({ error: { code: 'already_recused' }, recusal });

    const list = AssignmentList.parse((await c.send('GET', '/assignments', token('ex-02'))).body).assignments;
    expect(list.find((assignment) => assignment.assignmentId === sheet)?.recusal).toEqual(recusal);
    expect(list.filter((assignment) => assignment.recusal !== null)).toHaveLength(1);
    // Another examiner's list says nothing of it.
    const others = AssignmentList.parse((await c.send('GET', '/assignments', token('ex-01'))).body).assignments;
    expect(others.every((assignment) => assignment.recusal === null)).toBe(true);

    const refused = await c.submit(token('ex-02'), sheet, 0, vocalSheet(20));
    expect(refused.status).toBe(403);
    expect(ScoreRefusal.parse(refused.body).error.code).toBe('recused');
    const replay = await c.send('POST', '/scores/batch', token('ex-02'), { items: [{ assignmentId: c.assignmentOf('ex-02', candidates[2] ?? ''), idempotencyKey: key, baseVersion: 0, sheet: vocalSheet(20) }] });
    expect(BatchResponse.parse(replay.body).results[0]?.status).toBe(201);

    const row = rowOf(await matrix(), cand);
    expect(row).toMatchObject({ accepted: 0, counting: 3 });
    expect(row.cells[1]).toMatchObject({ state: 'recused', recusal });
  });
});
