import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { ScoreMatrix } from '@common/platform/chief';
import type { ScoreSheet } from '@common/platform/scores';
import { DEMO_EXAM_ID } from '../../platform/demo/exam';
import { chiefClient, dataFolder } from '../support/platform-chief';
import { roomHarness, SLOT } from '../support/room-clients';

const harness = roomHarness();
afterEach(harness.cleanUp);

/** A sheet with these values (pitch 30, rhythm 20, tone 20, expression 20, stage 10; steps of 0.5). */
const sheet = (values: ScoreSheet['values'], comment: string): ScoreSheet => ({
  values,
  comment,
  violation: { flagged: false, note: null },
  auditHead: 'cd'.repeat(32),
});

// examiner1's own sheet: 75.5, the middle of the three, so the combined score is its own total.
const OWN = sheet({ pitch: 23.5, rhythm: 17, tone: 14, expression: 12, stage: 9 }, '王老师：气息稳定');
// The others' sheets: every value, total and deviation a number examiner1's own sheet does not have.
const SECOND = sheet({ pitch: 27.5, rhythm: 18.5, tone: 13.5, expression: 11.5, stage: 8.5 }, 'ANCHOR-B 高音漂亮'); // 79.5
const THIRD = sheet({ pitch: 6.5, rhythm: 19.5, tone: 12.5, expression: 18.5, stage: 2.5 }, 'ANCHOR-C 音准偏低'); // 59.5: 16 from 75.5
const FOREIGN_NUMBERS = ['79.5', '59.5', '27.5', '18.5', '13.5', '11.5', '8.5', '6.5', '19.5', '12.5', '2.5'];
const FOREIGN_TEXT = ['ANCHOR-B', 'ANCHOR-C', '高音漂亮', '音准偏低'];

/** Whether a JSON text carries `number` as a number (not as part of a longer one). */
const carriesNumber = (text: string, number: string): boolean => new RegExp(`(?<![0-9.])${number.replace('.', '\\.')}(?![0-9])`).test(text);

describe('reference platform: no anchoring', () => {
  it('never lets an examiner receive another member\'s total or values, over HTTP or the socket, while the chief\'s matrix has them all', async () => {
    const folder = dataFolder('platform-anchoring-');
    onTestFinished(folder.remove);
    const t = await harness.setUp({ dataDir: folder.dir });
    const c = chiefClient(t.platform);
    const tokens = {
      ex1: await c.login('examiner1'),
      ex2: await c.login('examiner2'),
      ex3: await c.login('examiner3'),
      chief: await c.login('chief'),
    };
    const candidate = t.candidate(0);
    const own = c.assignmentOf('ex-01', candidate.candidateId);
    const second = c.assignmentOf('ex-02', candidate.candidateId);
    const third = c.assignmentOf('ex-03', candidate.candidateId);

    // examiner1 watches the slot and sits in the room of the interview, from before anyone scores.
    const ex1 = await t.examiner('examiner1');
    await t.inRoomByHand(candidate, tokens.chief);
    await t.subscribe(ex1, candidate.entryId);
    ex1.send({ type: 'room_join', entryId: candidate.entryId });
    await ex1.next('room');
    const ex2 = await t.examiner('examiner2');
    ex2.send({ type: 'room_join', entryId: candidate.entryId });
    await ex2.next('room');

    const received: { what: string; text: string }[] = [];
    const ask = async (what: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
      const answer = await c.send(method, path, tokens.ex1, body, headers);
      received.push({ what: `${method} ${path} → ${String(answer.status)}`, text: answer.text });
      return answer;
    };

    // Each scores; the third is 16 from the combined 75.5 and is asked to re-review (the platform's request).
    const mine = await ask('submit', 'POST', `/assignments/${own}/score`, OWN, { 'idempotency-key': 'anchor-own-1', 'if-match': '"0"' });
    expect(mine.status).toBe(201);
    expect((await c.submit(tokens.ex2, second, 0, SECOND)).status).toBe(201);
    expect((await c.submit(tokens.ex3, third, 0, THIRD)).status).toBe(201);
    // The progress examiner1's workstation reports, and the chief asks examiner1 to look again.
    await ask('progress', 'PUT', `/assignments/${own}/progress`, { state: 'saved' });
    expect((await c.send('POST', '/chief/re-reviews', tokens.chief, { assignmentId: own, note: '请再听一遍副歌部分' })).status).toBe(201);
    expect((await ex1.next('re_review')).request).toMatchObject({ reason: 'chief', note: '请再听一遍副歌部分' });
    // The chief locks and unlocks examiner2's sheet: nothing of it reaches examiner1.
    expect((await c.send('POST', `/assignments/${second}/lock`, tokens.chief)).status).toBe(204);
    expect((await c.send('DELETE', `/assignments/${second}/lock`, tokens.chief)).status).toBe(204);

    // Everything examiner1 can ask for.
    await ask('re-reviews', 'GET', '/re-reviews');
    expect((await ask('resubmit', 'POST', `/assignments/${own}/score`, OWN, { 'idempotency-key': 'anchor-own-2', 'if-match': '"1"' })).status).toBe(201);
    for (const path of ['/exams', `/exams/${DEMO_EXAM_ID}`, '/assignments', `/assignments/${own}/score`, '/re-reviews', `/slots/${SLOT}/queue`, `/slots/${SLOT}/queue/${candidate.entryId}/log`, '/me']) {
      expect((await ask(path, 'GET', path)).status, path).toBe(200);
    }
    for (const other of [second, third]) expect((await ask('another sheet', 'GET', `/assignments/${other}/score`)).status).toBe(404);
    for (const path of [`/chief/slots/${SLOT}/matrix`, `/chief/slots/${SLOT}/results`, `/chief/slots/${SLOT}/re-reviews`, `/chief/slots/${SLOT}/actions`, `/chief/slots/${SLOT}/room-log`]) {
      expect((await ask(path, 'GET', path)).status, path).toBe(403);
    }
    // Everything pushed on examiner1's socket, up to a reply to a message sent now.
    ex1.send({ type: 'dance' });
    await ex1.next('error');
    received.push({ what: 'socket', text: ex1.raw.join('\n') });
    expect(ex1.all('room').length).toBeGreaterThan(1);
    expect(ex1.all('matrix')).toEqual([]);

    for (const { what, text } of received) {
      for (const number of FOREIGN_NUMBERS) expect(carriesNumber(text, number), `${what} carries ${number}`).toBe(false);
      for (const words of FOREIGN_TEXT) expect(text.includes(words), `${what} carries ${words}`).toBe(false);
    }
    // The search would find them: examiner1's own sheet is there, and the chief's matrix has the others'.
    expect(received.some(({ text }) => carriesNumber(text, '75.5') && text.includes('王老师：气息稳定'))).toBe(true);
    const matrix = await c.send('GET', `/chief/slots/${SLOT}/matrix`, tokens.chief);
    for (const number of ['75.5', '79.5', '59.5']) expect(carriesNumber(matrix.text, number), number).toBe(true);
    const row = ScoreMatrix.parse(matrix.body).rows[0];
    expect(row?.cells.map((cell) => [cell.total, cell.flagged, cell.reReview])).toEqual([
      [75.5, false, 'answered'],
      [79.5, false, 'none'],
      [59.5, true, 'open'],
      [null, false, 'none'],
    ]);
    const results = await c.send('GET', `/chief/slots/${SLOT}/results`, tokens.chief);
    for (const number of FOREIGN_NUMBERS) expect(carriesNumber(results.text, number), number).toBe(true);
  });
});
