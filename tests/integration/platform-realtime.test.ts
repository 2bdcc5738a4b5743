import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import WebSocket from 'ws';
import { PushToCandidate, PushToExaminer, QUICK_MESSAGES } from '@common/platform/realtime';
import { ManualClock } from '../../platform/clock';
import { RealtimeHub } from '../../platform/realtime/hub';
import { roomHarness, SLOT, START } from '../support/room-clients';

const harness = roomHarness();
afterEach(harness.cleanUp);

describe('reference platform: realtime hub', () => {
  it('greets examiners and devices with hello and refuses an unknown token before the upgrade', async () => {
    const t = await harness.setUp();
    const c = t.candidate(0);
    const examiner = await t.open(await t.login('examiner1'), PushToExaminer, 'header');
    expect(await examiner.next('hello')).toEqual({ type: 'hello', role: 'examiner', device: null });
    const main = await t.open(c.main, PushToCandidate, 'query');
    expect(await main.next('hello')).toEqual({ type: 'hello', role: 'candidate', device: 'main', iceServers: [] });
    const side = await t.open(c.side, PushToCandidate, 'header');
    expect(await side.next('hello')).toEqual({ type: 'hello', role: 'candidate', device: 'side', iceServers: [] });
    expect((await side.next('state')).entry).toMatchObject({ entryId: c.entryId, state: 'scheduled', devices: { main: true, side: true } });

    for (const token of ['not-a-token', '']) {
      const status = await new Promise<number>((resolve, reject) => {
        const socket = new WebSocket(`ws://127.0.0.1:${t.platform.port}/api/v1/realtime?token=${token}`);
        socket.once('unexpected-response', (request, response) => {
          request.destroy();
          resolve(response.statusCode ?? 0);
        });
        socket.once('open', () => {
          socket.close();
          reject(new Error('the platform accepted a socket without a valid token'));
        });
      });
      expect(status).toBe(401);
    }
  });

  it('names the ICE servers it was given, and no others, to each device as it greets it and to each member in the room state', async () => {
    const iceServers = [{ urls: 'stun:stun.exam.example:3478' }, { urls: ['turns:turn.exam.example:5349'], username: 'u', credential: 'c' }];
    const t = await harness.setUp({ iceServers });
    const other = await t.open(t.candidate(1).side, PushToCandidate, 'query');
    expect(await other.next('hello')).toEqual({ type: 'hello', role: 'candidate', device: 'side', iceServers });
    const c = t.candidate(0);
    const ex1 = await t.examiner('examiner1');
    await t.inRoomByHand(c, await t.login('chief'));
    ex1.send({ type: 'room_join', entryId: c.entryId });
    expect((await ex1.next('room')).room.iceServers).toEqual(iceServers);
  });

  it('answers malformed messages with an error and keeps the socket open', async () => {
    const t = await harness.setUp();
    const c = t.candidate(0);
    const examiner = await t.examiner('examiner1');
    const main = await t.device(c.main);
    const bad: unknown[] = [
      'not json',
      Buffer.from([1, 2, 3]),
      { type: 'subscribe' },
      { type: 'subscribe', slotId: SLOT, also: 'this' },
      { type: 'dance' },
      ['subscribe', SLOT],
      { type: 'signal', entryId: c.entryId, device: 'front', peerId: 'p1', data: {} },
    ];
    for (const message of bad) {
      examiner.send(message);
      expect(await examiner.next('error'), JSON.stringify(message)).toMatchObject({ code: 'bad_request' });
    }
    for (const message of ['{', { type: 'quick_message', messageId: 'hello_world' }, { type: 'subscribe', slotId: SLOT }]) {
      main.send(message);
      expect(await main.next('error'), JSON.stringify(message)).toMatchObject({ code: 'bad_request' });
    }
    expect(examiner.socket.readyState).toBe(WebSocket.OPEN);
    expect(main.socket.readyState).toBe(WebSocket.OPEN);
    expect((await t.subscribe(examiner, c.entryId)).entry.state).toBe('scheduled');
  });

  it('subscribes examiners only to slots of their panels', async () => {
    const t = await harness.setUp();
    const grader = await t.examiner('grader1');
    grader.send({ type: 'subscribe', slotId: SLOT });
    expect(await grader.next('error')).toMatchObject({ code: 'not_found' });
    const chief = await t.examiner('chief');
    chief.send({ type: 'subscribe', slotId: 'slot-acting-rec' });
    expect(await chief.next('error')).toMatchObject({ code: 'not_found' });

    // A change in the slot reaches its panel but not the refused grader: by the time the grader's
    // next question is answered, anything pushed to it at the change would have come before.
    const c = t.candidate(0);
    const examiner = await t.examiner('examiner1');
    await t.subscribe(examiner, c.entryId);
    await t.ok(t.post('/candidate/check-in', c.main));
    await examiner.next('queue', (message) => message.entry.state === 'checked_in');
    grader.send('ping');
    await grader.next('error', (message) => message.code === 'bad_request');
    expect(grader.all('queue')).toEqual([]);
  });

  it('runs the live flow: check-in, face review, ready, call to both devices, join', async () => {
    const t = await harness.setUp();
    const c = t.candidate(1);
    const main = await t.device(c.main);
    const side = await t.device(c.side);
    const chiefToken = await t.login('chief');

    await t.ok(t.post('/candidate/check-in', c.main));
    expect((await side.next('state')).entry).toMatchObject({ state: 'checked_in' });
    for (let i = 0; i < 3; i++) await t.ok(t.post('/candidate/face', c.main, { matched: false }));
    expect((await main.next('state', (m) => m.entry.state === 'manual_review')).entry.faceAttempts).toBe(3);
    await t.ok(t.post(`/slots/${SLOT}/queue/${c.entryId}/review`, chiefToken, { approve: true }));
    await main.next('state', (m) => m.entry.state === 'face_verified');
    await t.ok(t.post('/candidate/ready', c.main));
    await main.next('state', (m) => m.entry.state === 'waiting');

    // The chief leads the live panel: they call.
    const examiner = await t.examiner('chief');
    const seen = await t.subscribe(examiner, c.entryId);
    const code = t.platform.ctx.codes.codeFor('ch-01', c.candidateId);
    expect(seen.entry).toMatchObject({ state: 'waiting', candidateCode: code, devices: { main: true, side: true }, faceAttempts: 3 });

    const called = await t.ok(t.post(`/slots/${SLOT}/queue/${c.entryId}/call`, chiefToken));
    const at = t.clock.now().toISOString();
    expect(await main.next('call')).toEqual({ type: 'call', entryId: c.entryId, at });
    expect(await side.next('call')).toEqual({ type: 'call', entryId: c.entryId, at });
    expect((await examiner.next('queue', (m) => m.entry.entryId === c.entryId)).entry).toEqual(called);

    await t.ok(t.post('/candidate/join', c.main));
    const inRoom = (await examiner.next('queue', (m) => m.entry.entryId === c.entryId)).entry;
    expect(inRoom).toMatchObject({ state: 'in_room', candidateCode: code, enteredAt: at, revision: seen.entry.revision + 2 });
    const own = (await side.next('state', (m) => m.entry.state === 'in_room')).entry;
    expect(own.candidateCode).toBe('002');
    expect(own.candidateCode).not.toBe(code);
  });

  it('relays a feed on the direct route between a present panel member and that candidate only', async () => {
    const t = await harness.setUp();
    const c = t.candidate(0);
    const waiting = t.candidate(1);
    const chiefToken = await t.login('chief');
    const ex1 = await t.examiner('examiner1');
    const ex2 = await t.examiner('examiner2');
    await t.subscribe(ex1, c.entryId);
    await t.subscribe(ex2, c.entryId);
    const { main, side } = await t.inRoomByHand(c, chiefToken);

    // A co-examiner, not the caller, joins the room and receives the main feed: the device
    // publishes on a peer id of the platform's choosing and offers; the examiner answers.
    ex1.send({ type: 'room_join', entryId: c.entryId });
    expect((await ex1.next('room')).room).toMatchObject({ entryId: c.entryId, route: 'direct', routeReason: 'sfu_not_installed', iceServers: [] });
    ex1.send({ type: 'feed_subscribe', entryId: c.entryId, device: 'main', peerId: 'feed-main-1' });
    const publish = await main.next('publish');
    expect(publish.peerId).not.toBe('feed-main-1');
    const offer = { type: 'offer', sdp: 'v=0 main' };
    main.send({ type: 'signal', peerId: publish.peerId, data: offer });
    expect(await ex1.next('signal')).toEqual({ type: 'signal', entryId: c.entryId, peerId: 'feed-main-1', data: offer });
    const answer = { type: 'answer', sdp: 'v=0 answer' };
    ex1.send({ type: 'signal', entryId: c.entryId, peerId: 'feed-main-1', data: answer });
    expect(await main.next('signal')).toEqual({ type: 'signal', peerId: publish.peerId, data: answer });
    ex1.send({ type: 'prompt', entryId: c.entryId, text: '请开始演唱第一首曲目' });
    const prompt = { type: 'prompt', text: '请开始演唱第一首曲目', at: t.clock.now().toISOString() };
    expect(await main.next('prompt')).toEqual(prompt);
    expect(await side.next('prompt')).toEqual(prompt);
    // The side device got the prompt sent after the signals, and none of them.
    expect(side.all('signal')).toEqual([]);
    expect(side.all('publish')).toEqual([]);

    // ex2 watches the slot: the quick message sent after the signals reaches them, the signals did not.
    main.send({ type: 'quick_message', messageId: 'cannot_hear' });
    await ex2.next('quick_message');
    expect(ex2.all('signal')).toEqual([]);

    // A member who has not joined the room is refused, and the devices hear nothing of it.
    ex2.send({ type: 'signal', entryId: c.entryId, peerId: 'feed-main-1', data: offer });
    expect(await ex2.next('error')).toMatchObject({ code: 'not_in_room', peerId: 'feed-main-1' });
    ex2.send({ type: 'prompt', entryId: c.entryId, text: 'hello' });
    expect(await ex2.next('error')).toMatchObject({ code: 'not_in_room' });
    ex1.send({ type: 'prompt', entryId: c.entryId, text: 'second' });
    await main.next('prompt', (m) => m.text === 'second');
    expect(main.all('signal')).toHaveLength(1);
    expect(main.all('prompt').map((m) => m.text)).toEqual(['请开始演唱第一首曲目', 'second']);

    // Nobody signals with a candidate before the call, nor with an entry of no one's call.
    await t.toWaiting(waiting);
    const waitingMain = await t.device(waiting.main);
    waitingMain.send({ type: 'signal', peerId: 'peer-early', data: offer });
    expect(await waitingMain.next('error')).toMatchObject({ code: 'forbidden' });
    // Nor into another candidate's peer.
    waitingMain.send({ type: 'signal', peerId: publish.peerId, data: offer });
    expect(await waitingMain.next('error')).toMatchObject({ code: 'not_your_peer', peerId: publish.peerId });
    ex1.send({ type: 'feed_subscribe', entryId: waiting.entryId, device: 'main', peerId: 'peer-early' });
    expect(await ex1.next('error')).toMatchObject({ code: 'room_closed', peerId: 'peer-early' });
    ex1.send({ type: 'signal', entryId: 'q-nowhere', peerId: 'peer-early', data: offer });
    expect(await ex1.next('error')).toMatchObject({ code: 'not_found' });
    expect(waitingMain.all('signal')).toEqual([]);
    expect(waitingMain.all('publish')).toEqual([]);
    expect(ex1.all('signal')).toHaveLength(1);
  });

  it('turns a dropped device into an interruption, ended by its return within 120 s', async () => {
    const t = await harness.setUp();
    const c = t.candidate(2);
    const token = await t.login('chief');
    const examiner = await t.examiner('examiner1');
    await t.subscribe(examiner, c.entryId);
    const { main, side } = await t.inRoomByHand(c, token);
    const start = t.clock.now().toISOString();

    await side.close();
    expect(await examiner.next('presence', (m) => !m.online)).toEqual({ type: 'presence', slotId: SLOT, entryId: c.entryId, device: 'side', online: false });
    const interrupted = (await examiner.next('queue', (m) => m.entry.state === 'interrupted')).entry;
    expect(interrupted).toMatchObject({ interruptions: 1, interruptedAt: start, devices: { main: true, side: false } });
    expect((await main.next('state', (m) => m.entry.state === 'interrupted')).entry.interruptions).toBe(1);

    t.clock.advance(60_000);
    const back = await t.device(c.side);
    expect(await examiner.next('presence', (m) => m.online)).toMatchObject({ device: 'side', online: true });
    const resumed = (await examiner.next('queue', (m) => m.entry.entryId === c.entryId)).entry;
    expect(resumed).toMatchObject({ state: 'in_room', interruptions: 1, interruptedAt: null, devices: { main: true, side: true } });
    expect(resumed.revision).toBe(interrupted.revision + 1);
    expect(back.all('state').at(-1)?.entry.state).toBe('in_room');
    await main.next('state', (m) => m.entry.state === 'in_room');

    // The cancelled timer does not fail the candidate later.
    t.clock.advance(120_000);
    expect(await t.stateOf(c)).toMatchObject({ state: 'in_room', interruptions: 1 });
  });

  it('fails an interruption that lasts 120 s', async () => {
    const t = await harness.setUp();
    const c = t.candidate(0);
    const token = await t.login('chief');
    const examiner = await t.examiner('examiner2');
    await t.subscribe(examiner, c.entryId);
    const { main, side } = await t.inRoomByHand(c, token);

    await main.close();
    await examiner.next('queue', (m) => m.entry.state === 'interrupted');
    t.clock.advance(119_999);
    expect(await t.stateOf(c)).toMatchObject({ state: 'interrupted' });
    t.clock.advance(1);
    const failed = (await examiner.next('queue', (m) => m.entry.entryId === c.entryId)).entry;
    expect(failed).toMatchObject({ state: 'failed', failureReason: 'interruption_timeout', interruptions: 1, finishedAt: t.clock.now().toISOString() });
    expect((await side.next('state', (m) => m.entry.state === 'failed')).entry.failureReason).toBe('interruption_timeout');

    // Coming back too late changes nothing.
    const late = await t.device(c.main);
    expect(late.all('state').at(-1)?.entry).toMatchObject({ state: 'failed', failureReason: 'interruption_timeout' });
  });

  it('fails the 4th interruption at once', async () => {
    const t = await harness.setUp();
    const c = t.candidate(3);
    const token = await t.login('chief');
    const examiner = await t.examiner('examiner3');
    await t.subscribe(examiner, c.entryId);
    let { side } = await t.inRoomByHand(c, token);

    for (let interruption = 1; interruption <= 3; interruption++) {
      await side.close();
      expect((await examiner.next('queue', (m) => m.entry.state === 'interrupted')).entry.interruptions).toBe(interruption);
      t.clock.advance(10_000);
      side = await t.device(c.side);
      await examiner.next('queue', (m) => m.entry.state === 'in_room');
    }
    await side.close();
    const failed = (await examiner.next('queue', (m) => m.entry.entryId === c.entryId)).entry;
    expect(failed).toMatchObject({ state: 'failed', failureReason: 'too_many_interruptions', interruptions: 4, interruptedAt: null });
  });

  it('lets a second connection of a device replace the first without an interruption', async () => {
    const t = await harness.setUp();
    const c = t.candidate(0);
    const token = await t.login('chief');
    const examiner = await t.examiner('examiner1');
    await t.subscribe(examiner, c.entryId);
    const { side } = await t.inRoomByHand(c, token);
    await examiner.next('queue', (m) => m.entry.state === 'in_room');
    expect(examiner.all('presence').map((m) => [m.device, m.online])).toEqual([
      ['main', true],
      ['side', true],
    ]);

    const replacement = await t.device(c.side);
    expect(await side.closed).toBe(4000);
    replacement.send({ type: 'quick_message', messageId: 'device_problem' });
    await examiner.next('quick_message');
    expect(examiner.all('presence')).toHaveLength(2);
    expect(await t.stateOf(c)).toMatchObject({ state: 'in_room', interruptions: 0, devices: { main: true, side: true } });

    // The replacement is the device now: its drop is the interruption.
    await replacement.close();
    expect(await examiner.next('presence', (m) => !m.online)).toMatchObject({ device: 'side', online: false });
    expect((await examiner.next('queue', (m) => m.entry.state === 'interrupted')).entry.interruptions).toBe(1);
  });

  it('brings quick messages to every examiner watching the slot, with their text', async () => {
    const t = await harness.setUp();
    const c = t.candidate(0);
    const early = t.candidate(1);
    const [ex1, ex2, ex3] = [await t.examiner('examiner1'), await t.examiner('examiner2'), await t.examiner('examiner3')];
    await t.subscribe(ex1, c.entryId);
    await t.subscribe(ex2, c.entryId);
    await t.toWaiting(c);
    const side = await t.device(c.side);

    side.send({ type: 'quick_message', messageId: 'network_poor' });
    const expected = {
      type: 'quick_message',
      slotId: SLOT,
      entryId: c.entryId,
      device: 'side',
      messageId: 'network_poor',
      text: QUICK_MESSAGES.network_poor,
      at: t.clock.now().toISOString(),
    };
    expect(await ex1.next('quick_message')).toEqual(expected);
    expect(await ex2.next('quick_message')).toEqual(expected);
    // ex3 is connected but not watching: what the hub sent it before this answer holds no quick message.
    ex3.send('ping');
    await ex3.next('error');
    expect(ex3.all('quick_message')).toEqual([]);

    const scheduled = await t.device(early.main);
    scheduled.send({ type: 'quick_message', messageId: 'ready' });
    expect(await scheduled.next('error')).toMatchObject({ code: 'forbidden' });
    side.send({ type: 'quick_message', messageId: 'ready' });
    expect((await ex1.next('quick_message')).messageId).toBe('ready');
    expect(ex1.all('quick_message').map((m) => m.entryId)).toEqual([c.entryId, c.entryId]);
  });

  it('closes every socket at shutdown, which interrupts no one', async () => {
    const t = await harness.setUp();
    const c = t.candidate(0);
    const token = await t.login('chief');
    const examiner = await t.examiner('examiner1');
    const { main, side } = await t.inRoomByHand(c, token);
    // What platform.close() does first, with the platform still up to be asked afterwards.
    const hub = t.platform.ctx.notifier;
    if (!(hub instanceof RealtimeHub)) throw new Error('the platform notifies through its realtime hub');
    hub.closeAll();
    expect(await Promise.all([examiner.closed, main.closed, side.closed])).toEqual([1001, 1001, 1001]);
    expect(await t.stateOf(c)).toMatchObject({ state: 'in_room', interruptions: 0, devices: { main: false, side: false } });
    t.clock.advance(600_000);
    expect(await t.stateOf(c)).toMatchObject({ state: 'in_room', interruptions: 0 });
  });

  it('fails interruptions that outlived a platform restart and times the others from where they were', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'platform-realtime-'));
    // After the harness has closed both platforms (onTestFinished runs after afterEach).
    onTestFinished(() => rmSync(dataDir, { recursive: true, force: true }));
    const t = await harness.setUp({ dataDir });
    const [expired, running, unaffected] = [t.candidate(0), t.candidate(1), t.candidate(2)];
    const token = await t.login('chief');
    const rooms = [await t.inRoomByHand(expired, token), await t.inRoomByHand(running, token), await t.inRoomByHand(unaffected, token)];
    await rooms[0]?.side.close();
    await rooms[0]?.main.next('state', (m) => m.entry.state === 'interrupted');
    t.clock.advance(90_000);
    await rooms[1]?.side.close();
    await rooms[1]?.main.next('state', (m) => m.entry.state === 'interrupted');
    await t.platform.close();

    // Down for 40 s: the first interruption is then 130 s old, the second 40 s; the shutdown
    // itself interrupted no one (the third candidate's devices were connected when it stopped).
    const clock = new ManualClock(new Date(Date.parse(START) + 130_000));
    const restarted = await harness.setUp({ dataDir, clock });
    expect(await restarted.stateOf(expired)).toMatchObject({ state: 'failed', failureReason: 'interruption_timeout' });
    expect(await restarted.stateOf(running)).toMatchObject({ state: 'interrupted', interruptions: 1 });
    expect(await restarted.stateOf(unaffected)).toMatchObject({ state: 'in_room', interruptions: 0 });
    clock.advance(79_999);
    expect(await restarted.stateOf(running)).toMatchObject({ state: 'interrupted' });
    clock.advance(1);
    expect(await restarted.stateOf(running)).toMatchObject({ state: 'failed', failureReason: 'interruption_timeout' });
  });
});
