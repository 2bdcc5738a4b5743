import { describe, expect, it } from 'vitest';
import type { LiveQuickMessage } from '@common/contract';
import { appendQuickMessage, prependQuickMessage, QUICK_MESSAGES_KEPT } from '../../../renderer/src/live/quick-messages';

const message = (n: number): LiveQuickMessage => ({
  slotId: 'slot-a',
  entryId: 'a',
  device: 'main',
  messageId: 'cannot_hear',
  text: { zh: '听不到考官声音', en: 'I cannot hear the examiner' },
  at: new Date(Date.UTC(2026, 5, 1, 1, 0, n)).toISOString(),
});
const seconds = (list: readonly LiveQuickMessage[]) => list.map((m) => new Date(m.at).getUTCSeconds() + 60 * new Date(m.at).getUTCMinutes());

describe('the quick messages kept per candidate', () => {
  it.each([
    ['an empty list', 0, [0]],
    ['a list below the cap', 2, [0, 1, 2]],
    ['a full list, which drops its oldest', 3, [1, 2, 3]],
  ])('appends to %s, oldest first', (_label, count, expected) => {
    let list: readonly LiveQuickMessage[] = [];
    for (let n = 0; n < count; n++) list = appendQuickMessage(list, message(n), 3);
    const before = list;
    const after = appendQuickMessage(list, message(count), 3);
    expect(seconds(after)).toEqual(expected);
    // A new list each time; the one it came from is left as it was.
    expect(after).not.toBe(before);
    expect(before).toHaveLength(count);
  });

  it.each([
    ['an empty list', 0, [0]],
    ['a list below the cap', 2, [2, 1, 0]],
    ['a full list, which drops its oldest', 3, [3, 2, 1]],
  ])('prepends to %s, newest first', (_label, count, expected) => {
    let list: readonly LiveQuickMessage[] = [];
    for (let n = 0; n < count; n++) list = prependQuickMessage(list, message(n), 3);
    expect(seconds(prependQuickMessage(list, message(count), 3))).toEqual(expected);
  });

  it('keeps the newest QUICK_MESSAGES_KEPT of a flood', () => {
    let oldestFirst: readonly LiveQuickMessage[] = [];
    let newestFirst: readonly LiveQuickMessage[] = [];
    for (let n = 0; n < 10 * QUICK_MESSAGES_KEPT; n++) {
      oldestFirst = appendQuickMessage(oldestFirst, message(n));
      newestFirst = prependQuickMessage(newestFirst, message(n));
    }
    expect(oldestFirst).toHaveLength(QUICK_MESSAGES_KEPT);
    expect(newestFirst).toEqual([...oldestFirst].reverse());
    expect(oldestFirst.at(-1)).toEqual(message(10 * QUICK_MESSAGES_KEPT - 1));
  });
});
