import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { QueueEntry } from '@common/platform/queue';
import { Exam } from '@common/platform/exams';
import { RoomLog, type RoomState } from '@common/platform/room';
import { MAX_SIGNAL_BYTES } from '@common/platform/realtime';
import { ManualClock } from '../../platform/clock';
import { roomHarness, SLOT, START, type ExaminerClient } from '../support/room-clients';

const harness = roomHarness();
afterEach(harness.cleanUp);

/** The vocal rubric's sheet (what a member submits); its values must never reach the room. */
const SHEET = {
  values: { pitch: 27.5, rhythm: 16, tone: 16, expression: 15, stage: 5 },
  comment: '音准稳定',
  violation: { flagged: false, note: null },
  auditHead: 'ab'.repeat(32),
};

type Harness = Awaited<ReturnType<typeof harness.setUp>>;

/** The room of an entry as a joined member sees it after the next push matching `match`. */
const roomOf = async (peer: ExaminerClient, match: (room: RoomState) => boolean = () => true): Promise<RoomState> =>
  (await peer.next('room', (message) => match(message.room))).room;

const memberNamed = (room: RoomState, displayName: string) => room.members.find((member) => member.displayName === displayName);

async function errorBody(response: Response, status: number, code: string): Promise<Record<string, unknown>> {
  const body = (await response.json()) as Record<string, unknown>;
  expect(response.status, JSON.stringify(body)).toBe(status);
  expect(body).toMatchObject({ error: { code } });
  return body;
}

describe('reference platform: the panel lead', () => {
  it('names the lead in the exam view: the chief where the panel has one, else the first member', async () => {
    const t = await harness.setUp();
    const [ex1, chief] = await Promise.all([t.login('examiner1'), t.login('chief')]);
    const exam = async (token: string) => Exam.parse(await (await t.get('/exams/exam-2026-art', token)).json());
    const vocal = (e: Exam) => e.panels.find((panel) => panel.id === 'panel-vocal');
    expect(vocal(await exam(ex1))?.lead).toEqual({ displayName: '刘主任', isYou: false });
    expect(vocal(await exam(chief))?.lead).toEqual({ displayName: '刘主任', isYou: true });
    // The recorded panel has no chief and names no lead: its first member leads.
    expect((await exam(ex1)).panels.find((panel) => panel.id === 'panel-recorded')?.lead).toEqual({ displayName: '王老师', isYou: true });
    // Data cached from an older platform (no `lead`) still parses.
    expect(Exam.shape.panels.element.parse({ id: 'p', name: { zh: '组', en: 'P' }, size: 1 }).lead).toBeNull();
  });

  it('refuses every live control to anyone but the lead with 403 not_lead, and logs the lead\'s with who and when', async () => {
    const t = await harness.setUp();
    const c = t.candidate(0);
    const [ex1, chief] = await Promise.all([t.login('examiner1'), t.login('chief')]);
    const control = (token: string, action: string, body?: unknown) => t.post(`/slots/${SLOT}/queue/${c.entryId}/${action}`, token, body);
    await t.toWaiting(c);
    const refusals: [string, Promise<Response>][] = [
      ['call', control(ex1, 'call')],
      ['call-next', t.post(`/slots/${SLOT}/queue/call-next`, ex1)],
      ['finish', control(ex1, 'finish')],
      ['absent', control(ex1, 'absent')],
      ['extend', control(ex1, 'extend', { minutes: 2 })],
      ['readmit', control(ex1, 'readmit', { reason: '网络故障，考务同意' })],
      ['move', control(ex1, 'move', { to: 'end' })],
    ];
    for (const [label, response] of refusals) {
      const body = await errorBody(await response, 403, 'not_lead');
      expect(body, label).toMatchObject({ error: { message: expect.stringContaining('刘主任') as unknown }, lead: { displayName: '刘主任' } });
    }
    expect(await t.stateOf(c)).toMatchObject({ state: 'waiting' });

    const { main } = await (async () => {
      const devices = { main: await t.device(c.main), side: await t.device(c.side) };
      await t.ok(control(chief, 'call'));
      await t.ok(t.post('/candidate/join', c.main));
      return devices;
    })();
    await main.next('state', (m) => m.entry.state === 'in_room');
    const calledAt = t.clock.now().toISOString();
    t.clock.advance(60_000);
    await t.ok(control(chief, 'extend', { minutes: 5 }));
    await errorBody(await control(chief, 'extend', { minutes: 3 }), 400, 'bad_request');
    t.clock.advance(60_000);
    await t.ok(control(chief, 'finish'));
    await errorBody(await control(chief, 'extend', { minutes: 1 }), 409, 'not_live');

    // The log, for the panel only: who and when, the platform's route decision among it.
    await errorBody(await t.get(`/slots/${SLOT}/queue/${c.entryId}/log`, await t.login('grader1')), 404, 'not_found');
    const log = RoomLog.parse(await (await t.get(`/slots/${SLOT}/queue/${c.entryId}/log`, ex1)).json());
    // (What the platform logs of the devices and the face check is platform-room-log.test.ts's.)
    const controls = log.lines.filter((line) => !['device_connect', 'face_check'].includes(line.action));
    expect(controls.map((line) => [line.action, line.actor, line.at])).toEqual([
      ['route', null, calledAt],
      ['call', '刘主任', calledAt],
      ['extend', '刘主任', new Date(Date.parse(calledAt) + 60_000).toISOString()],
      ['finish', '刘主任', new Date(Date.parse(calledAt) + 120_000).toISOString()],
    ]);
    expect(controls[0]?.detail).toMatchObject({ route: 'direct', reason: 'sfu_not_installed' });
    expect(controls[2]?.detail).toMatchObject({ minutes: 5, extraSeconds: 300, reason: null });
    // Append-only, whatever code would try.
    expect(() => t.platform.ctx.db.prepare('DELETE FROM room_log').run()).toThrow(/append-only/);
  });

  it('lets the lead readmit a candidate failed by the interruption rule, and nothing else', async () => {
    const t = await harness.setUp();
    const c = t.candidate(0);
    const chief = await t.login('chief');
    const { main } = await t.inRoomByHand(c, chief);
    await main.close();
    t.clock.advance(120_000);
    expect(await t.stateOf(c)).toMatchObject({ state: 'failed', failureReason: 'interruption_timeout' });
    await errorBody(await t.post(`/slots/${SLOT}/queue/${c.entryId}/readmit`, chief, { reason: 'x' }), 400, 'bad_request');
    const readmitted = await t.ok(t.post(`/slots/${SLOT}/queue/${c.entryId}/readmit`, chief, { reason: '考务：基站故障' }));
    expect(readmitted).toMatchObject({ state: 'waiting', interruptions: 0, failureReason: null, finishedAt: null, interruptedAt: null });
    const log = RoomLog.parse(await (await t.get(`/slots/${SLOT}/queue/${c.entryId}/log`, chief)).json());
    expect(log.lines.at(-1)).toMatchObject({ action: 'readmit', actor: '刘主任', detail: { reason: '考务：基站故障', failureReason: 'interruption_timeout' } });

    // A face refused by the chief is no interruption: it stays failed.
    const refused = t.candidate(1);
    await t.ok(t.post('/candidate/check-in', refused.main));
    for (let i = 0; i < 3; i++) await t.ok(t.post('/candidate/face', refused.main, { matched: false }));
    await t.ok(t.post(`/slots/${SLOT}/queue/${refused.entryId}/review`, chief, { approve: false }));
    const body = await errorBody(await t.post(`/slots/${SLOT}/queue/${refused.entryId}/readmit`, chief, { reason: '再给一次机会' }), 409, 'not_readmittable');
    expect(body).toMatchObject({ failureReason: 'face_verification' });
  });

  it('moves a waiting candidate later or to the end: the calling order follows, appointments stay', async () => {
    const t = await harness.setUp();
    const chief = await t.login('chief');
    const [a, b, c, d] = [t.candidate(0), t.candidate(1), t.candidate(2), t.candidate(3)];
    for (const candidate of [a, b, c, d]) await t.toWaiting(candidate);
    const order = async () => {
      const response = await t.get(`/slots/${SLOT}/queue`, chief);
      const entries = (await response.json() as { entries: QueueEntry[] }).entries.map((entry) => QueueEntry.parse(entry));
      return entries;
    };
    const before = await order();
    const moved = await t.ok(t.post(`/slots/${SLOT}/queue/${a.entryId}/move`, chief, { to: 'later', places: 2 }));
    expect(moved.appointmentAt).toBe(before[0]?.appointmentAt);
    const after = await order();
    expect(after.slice(0, 4).map((entry) => entry.entryId)).toEqual([b.entryId, c.entryId, a.entryId, d.entryId]);
    expect(after.map((entry) => entry.order)).toEqual(after.map((_entry, index) => index + 1));
    expect(after.map((entry) => entry.appointmentAt).sort()).toEqual(before.map((entry) => entry.appointmentAt).sort());
    await t.ok(t.post(`/slots/${SLOT}/queue/${b.entryId}/move`, chief, { to: 'end' }));
    expect((await order()).at(-1)?.entryId).toBe(b.entryId);
    // Call-next takes the new first: c.
    expect(await t.ok(t.post(`/slots/${SLOT}/queue/call-next`, chief))).toMatchObject({ entryId: c.entryId, state: 'called' });
    await errorBody(await t.post(`/slots/${SLOT}/queue/${c.entryId}/move`, chief, { to: 'end' }), 409, 'not_movable');
    await errorBody(await t.post(`/slots/${SLOT}/queue/${d.entryId}/move`, chief, { to: 'later', places: 0 }), 400, 'bad_request');
    const log = RoomLog.parse(await (await t.get(`/slots/${SLOT}/queue/${a.entryId}/log`, chief)).json());
    expect(log.lines.filter((line) => line.action === 'move')).toMatchObject([{ action: 'move', actor: '刘主任', detail: { to: 'later', places: 2, from: 1, at: 3 } }]);
  });
});

describe('reference platform: the panel room', () => {
  /** The candidate in the room, the lead having called. */
  const live = async (t: Harness, index = 0) => {
    const c = t.candidate(index);
    const chiefToken = await t.login('chief');
    const devices = await t.inRoomByHand(c, chiefToken);
    return { c, chiefToken, ...devices };
  };

  it('admits every panel member, late joiners included, and goes on when one leaves', async () => {
    const t = await harness.setUp();
    const { c, main } = await live(t);
    const grader = await t.examiner('grader1');
    grader.send({ type: 'room_join', entryId: c.entryId });
    expect(await grader.next('error')).toMatchObject({ code: 'not_found' });
    const waiting = t.candidate(1);
    const ex3 = await t.examiner('examiner3');
    ex3.send({ type: 'room_join', entryId: waiting.entryId });
    expect(await ex3.next('error')).toMatchObject({ code: 'room_closed' });

    const chief = await t.examiner('chief');
    chief.send({ type: 'room_join', entryId: c.entryId });
    const first = await roomOf(chief);
    expect(first).toMatchObject({ entryId: c.entryId, slotId: SLOT, route: 'direct', directCapacity: 3, epoch: 0, extraSeconds: 0 });
    expect(first.members.map((member) => [member.displayName, member.role, member.chief, member.present])).toEqual([
      ['王老师', 'member', false, false],
      ['李老师', 'member', false, false],
      ['张老师', 'member', false, false],
      ['刘主任', 'lead', true, true],
    ]);
    expect(first.you).toBe(first.lead);
    // Member ids are opaque: no account id in them, nor anywhere else in what the room sent.
    expect(chief.raw.join('\n')).not.toMatch(/ex-0|ch-0/);

    // A late joiner gets the room in progress; everyone present sees them arrive.
    t.clock.advance(90_000);
    const ex1 = await t.examiner('examiner1');
    ex1.send({ type: 'room_join', entryId: c.entryId });
    const late = await roomOf(ex1);
    expect(memberNamed(late, '王老师')).toMatchObject({ present: true, role: 'member' });
    expect(late.you).toBe(memberNamed(late, '王老师')?.memberId);
    expect(memberNamed(await roomOf(chief, (room) => memberNamed(room, '王老师')?.present === true), '王老师')).toBeDefined();

    ex1.send({ type: 'talking', entryId: c.entryId, talking: true });
    expect(memberNamed(await roomOf(chief, (room) => memberNamed(room, '王老师')?.talking === true), '王老师')?.talking).toBe(true);

    // The lead extends: every present member sees the time.
    await t.ok(t.post(`/slots/${SLOT}/queue/${c.entryId}/extend`, await t.login('chief'), { minutes: 2 }));
    expect((await roomOf(ex1, (room) => room.extraSeconds === 120)).extraSeconds).toBe(120);

    // ex1 leaves (their socket closes): the interview goes on.
    await ex1.close();
    const after = await roomOf(chief, (room) => memberNamed(room, '王老师')?.present === false);
    expect(memberNamed(after, '王老师')).toMatchObject({ present: false, talking: false });
    expect(await t.stateOf(c)).toMatchObject({ state: 'in_room' });
    expect(main.all('peer_closed')).toEqual([]);
    const log = RoomLog.parse(await (await t.get(`/slots/${SLOT}/queue/${c.entryId}/log`, await t.login('examiner2'))).json());
    expect(log.lines.filter((line) => line.action === 'join' || line.action === 'leave').map((line) => [line.action, line.actor])).toEqual([
      ['join', '刘主任'],
      ['join', '王老师'],
      ['leave', '王老师'],
    ]);
  });

  it('shows who submitted a sheet, never the score', async () => {
    const t = await harness.setUp();
    const { c } = await live(t);
    const chief = await t.examiner('chief');
    chief.send({ type: 'room_join', entryId: c.entryId });
    expect(memberNamed(await roomOf(chief), '李老师')?.submitted).toBe(false);
    const { id } = t.platform.ctx.db
      .prepare("SELECT id FROM assignments WHERE examiner_id = 'ex-02' AND candidate_id = ? AND slot_id = ?")
      .get(c.candidateId, SLOT) as { id: string };
    const response = await t.api(`/assignments/${id}/score`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await t.login('examiner2')}`,
        'content-type': 'application/json',
        'idempotency-key': 'room-sheet-0001',
        'if-match': '"0"',
      },
      body: JSON.stringify(SHEET),
    });
    expect(response.status, await response.text()).toBe(201);
    await chief.next('room', (message) => memberNamed(message.room, '李老师')?.submitted === true);
    // Every push as sent, up to and including that one: the schema would drop a field it does not know.
    const sent = chief.raw.join('\n');
    expect(sent).not.toContain('27.5');
    expect(sent).not.toContain('音准稳定');
  });

  it('refuses bad media messages with a typed error, the room and the socket carrying on', async () => {
    const t = await harness.setUp();
    const { c, main } = await live(t);
    const other = t.candidate(1);
    await t.toWaiting(other);
    const otherMain = await t.device(other.main);
    const ex1 = await t.examiner('examiner1');
    ex1.send({ type: 'feed_subscribe', entryId: c.entryId, device: 'main', peerId: 'early' });
    expect(await ex1.next('error')).toMatchObject({ code: 'not_in_room', peerId: 'early' });
    ex1.send({ type: 'room_join', entryId: c.entryId });
    await roomOf(ex1);

    ex1.send({ type: 'feed_subscribe', entryId: c.entryId, device: 'back', peerId: 'feed-back' });
    expect(await ex1.next('error')).toMatchObject({ code: 'unknown_feed', peerId: 'feed-back' });
    ex1.send({ type: 'signal', entryId: c.entryId, peerId: 'never-opened', data: { type: 'answer', sdp: 'v=0' } });
    expect(await ex1.next('error')).toMatchObject({ code: 'unknown_peer', peerId: 'never-opened' });
    ex1.send({ type: 'signal', entryId: c.entryId, peerId: 'bad id!', data: {} });
    expect(await ex1.next('error')).toMatchObject({ code: 'bad_request' });
    const huge = 'a'.repeat(MAX_SIGNAL_BYTES);
    ex1.send({ type: 'signal', entryId: c.entryId, peerId: 'feed-huge', data: { type: 'offer', sdp: huge } });
    expect(await ex1.next('error')).toMatchObject({ code: 'too_large', peerId: 'feed-huge' });

    ex1.send({ type: 'feed_subscribe', entryId: c.entryId, device: 'main', peerId: 'feed-main' });
    const publish = await main.next('publish');
    ex1.send({ type: 'feed_subscribe', entryId: c.entryId, device: 'side', peerId: 'feed-main' });
    expect(await ex1.next('error')).toMatchObject({ code: 'duplicate_peer', peerId: 'feed-main' });
    // Another candidate's device cannot signal into this room's peer.
    otherMain.send({ type: 'signal', peerId: publish.peerId, data: { type: 'offer', sdp: 'v=0' } });
    expect(await otherMain.next('error')).toMatchObject({ code: 'not_your_peer', peerId: publish.peerId });
    main.send({ type: 'signal', peerId: publish.peerId, data: { type: 'offer', sdp: 'v=0 real' } });
    expect(await ex1.next('signal')).toMatchObject({ peerId: 'feed-main', data: { sdp: 'v=0 real' } });
    main.send({ type: 'signal', peerId: 'p-unknown', data: { type: 'offer', sdp: 'v=0' } });
    expect(await main.next('error')).toMatchObject({ code: 'unknown_peer', peerId: 'p-unknown' });
    expect(ex1.socket.readyState).toBe(WebSocket.OPEN);
    expect(main.socket.readyState).toBe(WebSocket.OPEN);

    // The room closes with its entry: peers end with room_closed.
    await t.ok(t.post(`/slots/${SLOT}/queue/${c.entryId}/finish`, await t.login('chief')));
    expect(await ex1.next('peer_closed')).toEqual({ type: 'peer_closed', entryId: c.entryId, peerId: 'feed-main', reason: 'room_closed' });
    expect(await main.next('peer_closed')).toEqual({ type: 'peer_closed', peerId: publish.peerId });
  });

  it('closes the peers of a device that drops and asks it to publish again on its return', async () => {
    const t = await harness.setUp();
    const { c, side } = await live(t);
    const ex2 = await t.examiner('examiner2');
    ex2.send({ type: 'room_join', entryId: c.entryId });
    await roomOf(ex2);
    ex2.send({ type: 'feed_subscribe', entryId: c.entryId, device: 'side', peerId: 'feed-side-1' });
    await side.next('publish');
    await side.close();
    expect(await ex2.next('peer_closed')).toMatchObject({ peerId: 'feed-side-1', reason: 'device_left' });
    // Subscribing again while the device is away waits for it.
    ex2.send({ type: 'feed_subscribe', entryId: c.entryId, device: 'side', peerId: 'feed-side-2' });
    const back = await t.device(c.side);
    const publish = await back.next('publish');
    back.send({ type: 'signal', peerId: publish.peerId, data: { type: 'offer', sdp: 'v=0 again' } });
    expect(await ex2.next('signal')).toMatchObject({ peerId: 'feed-side-2' });
  });
});

describe('reference platform: heartbeat', () => {
  it('beats every socket and drops one that went silent, which interrupts its candidate', async () => {
    const heartbeat = new ManualClock(START);
    const t = await harness.setUp({ heartbeatClock: heartbeat });
    const c = t.candidate(0);
    const chiefToken = await t.login('chief');
    const examiner = await t.examiner('examiner1');
    await t.subscribe(examiner, c.entryId);
    const { main, side } = await t.inRoomByHand(c, chiefToken);
    side.silent = true;
    // Step through the heartbeats, each answered by every client but the silent one.
    const answered = async () => {
      heartbeat.advance(1000);
      await examiner.next('heartbeat');
      await main.next('heartbeat');
      // The answers reach the platform before the next beat: a later request on each socket proves it.
      examiner.send({ type: 'subscribe', slotId: SLOT });
      await examiner.next('queue', (m) => m.entry.entryId === c.entryId);
    };
    await answered();
    await answered();
    await answered();
    expect(await side.closed).toBe(1006);
    expect((await examiner.next('queue', (m) => m.entry.state === 'interrupted')).entry).toMatchObject({ interruptions: 1, devices: { main: true, side: false } });
    expect(examiner.socket.readyState).toBe(WebSocket.OPEN);
    expect(main.socket.readyState).toBe(WebSocket.OPEN);
  });
});
