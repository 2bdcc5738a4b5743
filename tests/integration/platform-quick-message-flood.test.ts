import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { QUICK_MESSAGE_RATE } from '../../platform/realtime/quick-message-limit';
import { roomHarness, settled, type DeviceClient } from '../support/room-clients';

const harness = roomHarness();
afterEach(harness.cleanUp);


const refusals = (device: DeviceClient) => device.all('error').filter((message) => message.code === 'rate_limited');

describe('reference platform: a candidate device flooding quick messages', () => {
  it('lets a burst through to the panel, refuses the rest with rate_limited, and the room carries on', async () => {
    const t = await harness.setUp();
    const c = t.candidate(0);
    const { main, side } = await t.inRoomByHand(c, await t.login('chief'));
    const [lead, member] = await t.panel(c.entryId, ['chief', 'examiner1']);
    if (!lead || !member) throw new Error('the panel did not form');
    await t.subscribe(lead, c.entryId);
    await t.subscribe(member, c.entryId);

    // The clock stands still: no token comes back during the flood.
    const FLOOD = 40;
    for (let i = 0; i < FLOOD; i++) main.send({ type: 'quick_message', messageId: 'cannot_hear' });
    await settled(main);
    expect(refusals(main)).toHaveLength(FLOOD - QUICK_MESSAGE_RATE.burst);
    for (const examiner of [lead, member]) {
      await settled(examiner);
      expect(examiner.all('quick_message')).toHaveLength(QUICK_MESSAGE_RATE.burst);
    }

    // The device and the room carry on: the socket is open, the panel still speaks to the
    // candidate, and the side phone has a budget of its own.
    expect(main.socket.readyState).toBe(WebSocket.OPEN);
    lead.send({ type: 'prompt', entryId: c.entryId, text: '请开始演唱' });
    expect(await main.next('prompt')).toMatchObject({ text: '请开始演唱' });
    side.send({ type: 'quick_message', messageId: 'network_poor' });
    expect(await member.next('quick_message', (message) => message.device === 'side')).toMatchObject({ messageId: 'network_poor' });
    expect(await t.stateOf(c)).toMatchObject({ state: 'in_room', interruptions: 0 });

    // One refill later the main phone may send one more, and only one.
    t.clock.advance(QUICK_MESSAGE_RATE.refillMs);
    main.send({ type: 'quick_message', messageId: 'ready' });
    main.send({ type: 'quick_message', messageId: 'ready' });
    await settled(main);
    expect(refusals(main)).toHaveLength(FLOOD - QUICK_MESSAGE_RATE.burst + 1);
    await settled(member);
    expect(member.all('quick_message').filter((message) => message.device === 'main').map((message) => message.messageId)).toEqual([
      ...Array<string>(QUICK_MESSAGE_RATE.burst).fill('cannot_hear'),
      'ready',
    ]);
  });

  it('does not refill a bucket when the device reconnects', async () => {
    const t = await harness.setUp();
    const c = t.candidate(0);
    await t.toWaiting(c);
    const examiner = await t.examiner('examiner1');
    await t.subscribe(examiner, c.entryId);
    const first = await t.device(c.main);
    for (let i = 0; i < QUICK_MESSAGE_RATE.burst; i++) first.send({ type: 'quick_message', messageId: 'ready' });
    await settled(examiner);
    expect(examiner.all('quick_message')).toHaveLength(QUICK_MESSAGE_RATE.burst);

    const again = await t.device(c.main);
    expect(await first.closed).toBe(4000);
    again.send({ type: 'quick_message', messageId: 'ready' });
    await settled(again);
    expect(refusals(again)).toHaveLength(1);
    await settled(examiner);
    expect(examiner.all('quick_message')).toHaveLength(QUICK_MESSAGE_RATE.burst);
  });
});
