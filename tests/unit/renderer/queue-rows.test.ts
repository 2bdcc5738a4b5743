import { afterEach, describe, expect, it, vi } from 'vitest';
import type { QueueEntry, Slot } from '@common/platform';
import { filterQueue } from '../../../renderer/src/queue/filter-queue';
import { QueueFeed } from '../../../renderer/src/queue/queue-feed';
import type { QueueRow } from '../../../renderer/src/queue/queue-store';
import { KeyedRefs } from '../../../renderer/src/layout/keyed-refs';
import { queueEntry } from '../../support/queue-entries';

const entry = (entryId: string, minute: number, revision = 1, extra: Partial<QueueEntry> = {}): QueueEntry =>
  queueEntry(entryId, 'slot-a', `CODE-${entryId}`, minute, 'scheduled', { revision, ...extra });
const slot = { id: 'slot-a', subjectId: 'vocal' } as Slot;

afterEach(() => vi.useRealTimers());

const rowKey = (row: QueueRow) => row.entry.entryId;
describe("the queue table's rows", () => {
  it('stay the same array while the rows shown and their order do, and change when either does', () => {
    const feed = new QueueFeed();
    const refs = new KeyedRefs();
    feed.load(slot, [entry('a', 0), entry('b', 10), entry('c', 20)]);
    const first = refs.of(feed.getSnapshot().rows, rowKey);
    expect(first.map((ref) => ref.key)).toEqual(['a', 'b', 'c']);

    vi.useFakeTimers();
    feed.entry(entry('b', 10, 2, { state: 'waiting' }));
    vi.runAllTimers();
    const afterChange = feed.getSnapshot().rows;
    expect(afterChange[1]?.entry.state).toBe('waiting');
    // A change of state alone: the table gets the same array, so it need not render again.
    expect(refs.of(afterChange, rowKey)).toBe(first);

    // The filter's result changes: a new array, with the same reference for each row kept.
    const waiting = refs.of(filterQueue(afterChange, { states: ['waiting'], subjectIds: [], code: '' }), rowKey);
    expect(waiting).not.toBe(first);
    expect(waiting).toEqual([first[1]]);
    expect(waiting[0]).toBe(first[1]);
    // A moved appointment reorders the rows: a new array.
    feed.entry(entry('a', 30, 2));
    vi.runAllTimers();
    expect(refs.of(feed.getSnapshot().rows, rowKey).map((ref) => ref.key)).toEqual(['b', 'c', 'a']);
  });

  it("tell each cell of its own row's changes only, and every cell when a snapshot loads", async () => {
    // The feed flushes in a microtask (FrameBatcher): the changes of one task go together.
    const flushed = () => Promise.resolve();
    const feed = new QueueFeed();
    feed.load(slot, [entry('a', 0), entry('b', 10)]);
    const heard = { a: 0, b: 0 };
    const offA = feed.subscribeRow('a', () => (heard.a += 1));
    feed.subscribeRow('b', () => (heard.b += 1));

    feed.entry(entry('b', 10, 2, { state: 'checked_in' }));
    feed.presence({ entryId: 'b', slotId: 'slot-a', device: 'main', online: true });
    expect(heard).toEqual({ a: 0, b: 0 });
    await flushed();
    expect(heard).toEqual({ a: 0, b: 1 });
    expect(feed.getRow('b')?.entry).toMatchObject({ state: 'checked_in', devices: { main: true, side: false } });

    feed.quickMessage({ entryId: 'a', slotId: 'slot-a', device: 'main', messageId: 'cannot_hear', text: { zh: '听不到考官声音', en: 'I cannot hear the examiner' }, at: new Date().toISOString() });
    await flushed();
    expect(heard).toEqual({ a: 1, b: 1 });
    feed.markRead('a');
    expect(heard).toEqual({ a: 2, b: 1 });
    expect(feed.getRow('a')?.unread).toBe(0);

    feed.load(slot, [entry('a', 0, 5), entry('b', 10, 5)]);
    expect(heard).toEqual({ a: 3, b: 2 });
    offA();
    feed.entry(entry('a', 0, 6, { state: 'absent' }));
    await flushed();
    expect(heard).toEqual({ a: 3, b: 2 });
    feed.dispose();
  });
});
