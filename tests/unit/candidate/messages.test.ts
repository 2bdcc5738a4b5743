import { describe, expect, it } from 'vitest';
import type { DeviceSnapshot } from '../../../platform/shared/candidate/device';
import type { PushToCandidate } from '@common/platform/realtime';
import { AT, rig } from './fakes';

describe('the shared candidate device: prompts, errors and quick messages', () => {
  it.each<{ name: string; pushes: PushToCandidate[]; expected: Partial<DeviceSnapshot> }>([
    {
      name: 'keeps the examiner’s prompts in order, with their time',
      pushes: [
        { type: 'prompt', text: '请把辅机位对准你的侧面', at: AT },
        { type: 'prompt', text: '请开始演唱', at: '2025-06-01T09:01:00.000Z' },
      ],
      expected: {
        prompts: [
          { text: '请把辅机位对准你的侧面', at: AT },
          { text: '请开始演唱', at: '2025-06-01T09:01:00.000Z' },
        ],
      },
    },
    {
      name: 'shows an error push as the problem',
      pushes: [{ type: 'error', code: 'bad_message', message: 'unknown type' }],
      expected: { problem: 'bad_message: unknown type' },
    },
  ])('$name', async ({ pushes, expected }) => {
    const r = rig({ device: 'side' });
    await r.online();
    for (const push of pushes) r.socket().push(push);
    expect(r.device.snapshot).toMatchObject(expected);
  });

  it.each(['not json', JSON.stringify({ type: 'queue', entry: null }), JSON.stringify({ type: 'prompt', text: 7 })])(
    'ignores a message that is not a candidate push: %s',
    async (raw) => {
      const r = rig({ device: 'side' });
      await r.online();
      const before = r.device.snapshot;
      r.socket().events.message(raw);
      expect(r.device.snapshot).toBe(before);
    },
  );

  it.each([
    { readyState: 1, sent: true },
    { readyState: 0, sent: false },
    { readyState: 2, sent: false },
  ])('sends a quick message only on an open socket (readyState $readyState: $sent)', async ({ readyState, sent }) => {
    const r = rig({ device: 'side' });
    await r.online();
    r.socket().readyState = readyState;
    expect(r.device.quickMessage('cannot_hear')).toBe(sent);
    expect(r.socket().sent).toEqual(sent ? [{ type: 'quick_message', messageId: 'cannot_hear' }] : []);
  });

  it('until() resolves with the first snapshot that satisfies it, and tells each listener of each change', async () => {
    const r = rig({ device: 'side' });
    await r.online();
    let changes = 0;
    r.device.subscribe(() => changes++);
    const prompted = r.device.until((snapshot) => snapshot.prompts.length === 2);
    r.socket().push({ type: 'prompt', text: 'one', at: AT });
    r.socket().push({ type: 'prompt', text: 'two', at: AT });
    r.socket().push({ type: 'prompt', text: 'three', at: AT });
    expect((await prompted).prompts.map((prompt) => prompt.text)).toEqual(['one', 'two']);
    expect(changes).toBe(3);
  });
});
