import { describe, expect, it, vi } from 'vitest';
import { commandNames, type CommandName } from '@common/contract';
import { MAX_SIGNAL_BYTES } from '@common/platform';
import { createDispatcher, type Handlers } from '../../../main/contract/dispatcher';
import type { Logger } from '../../../main/log';

/** Every handler records its input and answers null: what reaches it passed the dispatcher's validation. */
function setup() {
  const reached: { name: string; input: unknown }[] = [];
  const log: Logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
  const handlers = Object.fromEntries(
    commandNames.map((name) => [
      name,
      (input: unknown) => {
        reached.push({ name, input });
        return null;
      },
    ]),
  ) as unknown as Handlers;
  return { dispatch: createDispatcher(handlers, log), reached };
}

const ctx = { transport: 'test' } as const;
const peerId = 'feed-main-0f8c6a1e';
const entry = { slotId: 'slot-vocal', entryId: 'e1' };

describe('the panel room commands: every input strictly validated', () => {
  it.each<[string, CommandName, unknown]>([
    ['join a room', 'live.roomJoin', { entryId: 'e1' }],
    ['leave a room', 'live.roomLeave', { entryId: 'e1' }],
    ['subscribe to the side camera', 'live.feedSubscribe', { entryId: 'e1', device: 'side', peerId }],
    ['publish the voice', 'live.voicePublish', { entryId: 'e1', peerId: 'voice-1' }],
    ['start talking', 'live.talking', { entryId: 'e1', talking: true }],
    ['close a peer', 'live.peerClose', { entryId: 'e1', peerId }],
    ['an answer', 'live.signal', { entryId: 'e1', peerId, data: { type: 'answer', sdp: 'v=0' } }],
    ['extend by 5 minutes', 'live.extend', { ...entry, minutes: 5 }],
    ['readmit with a reason', 'live.readmit', { ...entry, reason: '考生网络故障，考务同意重新进入' }],
    ['move 3 places later', 'live.move', { ...entry, move: { to: 'later', places: 3 } }],
    ['move to the end', 'live.move', { ...entry, move: { to: 'end' } }],
    ['read the room log', 'live.roomLog', entry],
  ])('accepts: %s', async (_label, name, input) => {
    const { dispatch, reached } = setup();
    await dispatch(name, input, ctx);
    // It reached its handler with the input as given (its null answer may then break the command's output schema).
    expect(reached).toEqual([{ name, input }]);
  });

  it.each<[string, CommandName, unknown]>([
    ['a signal with the old device field', 'live.signal', { entryId: 'e1', device: 'main', peerId, data: { type: 'answer' } }],
    ['a signal over the size the platform relays', 'live.signal', { entryId: 'e1', peerId, data: { sdp: 'a'.repeat(MAX_SIGNAL_BYTES) } }],
    ['a peer id with a slash', 'live.feedSubscribe', { entryId: 'e1', device: 'main', peerId: 'a/b' }],
    ['a peer id too long', 'live.voicePublish', { entryId: 'e1', peerId: 'p'.repeat(65) }],
    ['a third device', 'live.feedSubscribe', { entryId: 'e1', device: 'top', peerId }],
    ['talking as a string', 'live.talking', { entryId: 'e1', talking: 'yes' }],
    ['an unknown key on join', 'live.roomJoin', { entryId: 'e1', as: 'lead' }],
    ['a __proto__ key', 'live.peerClose', JSON.parse('{"entryId":"e1","peerId":"p1","__proto__":{"x":1}}')],
    ['3 minutes (only 1, 2, 5)', 'live.extend', { ...entry, minutes: 3 }],
    ['NaN minutes', 'live.extend', { ...entry, minutes: Number.NaN }],
    ['a reason of blanks', 'live.readmit', { ...entry, reason: '   ' }],
    ['a reason too long', 'live.readmit', { ...entry, reason: '因'.repeat(501) }],
    ['no reason', 'live.readmit', entry],
    ['zero places', 'live.move', { ...entry, move: { to: 'later', places: 0 } }],
    ['places on the end', 'live.move', { ...entry, move: { to: 'end', places: 2 } }],
    ['a move to the front', 'live.move', { ...entry, move: { to: 'front' } }],
    ['a log without its slot', 'live.roomLog', { entryId: 'e1' }],
  ])('refuses: %s', async (_label, name, input) => {
    const { dispatch, reached } = setup();
    const result = await dispatch(name, input, ctx);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(reached).toEqual([]);
  });
});
