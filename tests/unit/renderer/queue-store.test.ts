import { describe, expect, it } from 'vitest';
import type { QueueEntry } from '@common/platform';
import { filterQueue, NO_FILTER } from '../../../renderer/src/queue/filter-queue';
import { QUICK_MESSAGES_KEPT } from '../../../renderer/src/live/quick-messages';
import { QueueStore } from '../../../renderer/src/queue/queue-store';
import { queueEntry } from '../../support/queue-entries';

const entry = (entryId: string, minute: number, revision = 1, extra: Partial<QueueEntry> = {}): QueueEntry =>
  queueEntry(entryId, 'slot-a', `CODE-${entryId}`, minute, 'scheduled', { revision, ...extra });

describe('the queue store', () => {
  it('orders by appointment and keeps the highest revision of each entry', () => {
    const store = new QueueStore();
    store.load('slot-a', 'vocal', [entry('b', 10), entry('a', 0), entry('c', 20)]);
    expect(store.snapshot().rows.map((row) => row.entry.entryId)).toEqual(['a', 'b', 'c']);

    expect(store.applyEntry(entry('b', 10, 3, { state: 'waiting' }))).toBe(true);
    expect(store.applyEntry(entry('b', 10, 2, { state: 'checked_in' }))).toBe(false);
    expect(store.applyEntry(entry('b', 10, 3, { state: 'called' }))).toBe(false);
    expect(store.snapshot().rows[1]?.entry.state).toBe('waiting');
    expect(store.snapshot().applied).toBe(1);
  });

  it('ignores slots it does not show, and keeps untouched rows as they were', () => {
    const store = new QueueStore();
    store.load('slot-a', 'vocal', [entry('a', 0), entry('b', 10)]);
    const before = store.snapshot().rows;
    expect(store.applyEntry({ ...entry('x', 5), slotId: 'slot-other' })).toBe(false);
    store.applyEntry(entry('b', 10, 2, { state: 'checked_in' }));
    const after = store.snapshot().rows;
    expect(after).not.toBe(before);
    expect(after[0]).toBe(before[0]);
    expect(after[1]).not.toBe(before[1]);
    // Nothing changed: the same snapshot, so React renders nothing.
    expect(store.snapshot()).toBe(store.snapshot());
  });

  it('tracks presence and unread quick messages per candidate', () => {
    const store = new QueueStore();
    store.load('slot-a', 'vocal', [entry('a', 0)]);
    expect(store.applyPresence({ slotId: 'slot-a', entryId: 'a', device: 'side', online: true })).toBe(true);
    expect(store.applyPresence({ slotId: 'slot-a', entryId: 'a', device: 'side', online: true })).toBe(false);
    const message = { slotId: 'slot-a', entryId: 'a', device: 'main' as const, messageId: 'ready' as const, text: { zh: '我已准备好', en: 'I am ready' }, at: '2026-05-01T01:00:00.000Z' };
    store.addQuickMessage(message);
    store.addQuickMessage(message);
    expect(store.snapshot().rows[0]).toMatchObject({ unread: 2, entry: { devices: { main: false, side: true } } });
    expect(store.markRead('a')).toBe(true);
    expect(store.snapshot().rows[0]?.unread).toBe(0);
    expect(store.snapshot().rows[0]?.messages).toHaveLength(2);
    // A reload of the slot keeps the messages.
    store.load('slot-a', 'vocal', [entry('a', 0, 5)]);
    expect(store.snapshot().rows[0]?.messages).toHaveLength(2);
  });

  it('keeps the newest quick messages of a candidate who floods, and counts every one unread', () => {
    const store = new QueueStore();
    store.load('slot-a', 'vocal', [entry('a', 0), entry('b', 10)]);
    const quiet = store.snapshot().rows[1];
    const flood = 4 * QUICK_MESSAGES_KEPT;
    for (let n = 0; n < flood; n++) {
      store.addQuickMessage({ slotId: 'slot-a', entryId: 'a', device: 'main', messageId: 'cannot_hear', text: { zh: '听不到考官声音', en: 'I cannot hear the examiner' }, at: new Date(Date.UTC(2026, 4, 1, 1, 0, 0, n)).toISOString() });
    }
    const row = store.snapshot().rows[0];
    expect(row?.messages).toHaveLength(QUICK_MESSAGES_KEPT);
    expect(row?.messages.at(-1)?.at).toBe(new Date(Date.UTC(2026, 4, 1, 1, 0, 0, flood - 1)).toISOString());
    expect(row?.unread).toBe(flood);
    // The other candidate's row is untouched.
    expect(store.snapshot().rows[1]).toBe(quiet);
  });

  it('returns the same list when no filter is set', () => {
    const store = new QueueStore();
    store.load('slot-a', 'vocal', [entry('a', 0)]);
    const rows = store.snapshot().rows;
    expect(filterQueue(rows, NO_FILTER)).toBe(rows);
    expect(filterQueue(rows, { ...NO_FILTER, code: '   ' })).toBe(rows);
  });
});
