import type { LivePresence, LiveQuickMessage } from '@common/contract';
import type { QueueEntry, Slot } from '@common/platform';
import { FrameBatcher } from './frame-batcher';
import { QueueStore, type QueueSnapshotView } from './queue-store';

/**
 * The queue store as React sees it (subscribe / getSnapshot for useSyncExternalStore), fed by
 * the platform's pushes and flushed at most once per frame. Pushes for a slot whose snapshot is
 * still on its way are held and replayed on top of it, so none is lost to the race.
 */
export class QueueFeed {
  readonly #store = new QueueStore();
  readonly #listeners = new Set<() => void>();
  readonly #batcher = new FrameBatcher(() => this.#notify());
  readonly #awaiting = new Set<string>();
  #early: QueueEntry[] = [];

  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  readonly getSnapshot = (): QueueSnapshotView => this.#store.snapshot();

  expect(slotIds: readonly string[]): void {
    for (const slotId of slotIds) this.#awaiting.add(slotId);
  }

  load(slot: Slot, entries: readonly QueueEntry[]): void {
    this.#store.load(slot.id, slot.subjectId, entries);
    this.#awaiting.delete(slot.id);
    const early = this.#early.filter((entry) => entry.slotId === slot.id);
    this.#early = this.#early.filter((entry) => entry.slotId !== slot.id);
    for (const entry of early) this.#store.applyEntry(entry);
    this.#notify();
  }

  entry(entry: QueueEntry): void {
    if (this.#awaiting.has(entry.slotId)) this.#early.push(entry);
    else if (this.#store.applyEntry(entry)) this.#batcher.schedule();
  }

  presence(presence: LivePresence): void {
    if (this.#store.applyPresence(presence)) this.#batcher.schedule();
  }

  quickMessage(message: LiveQuickMessage): void {
    if (this.#store.addQuickMessage(message)) this.#batcher.schedule();
  }

  markRead(entryId: string): void {
    if (this.#store.markRead(entryId)) this.#notify();
  }

  dispose(): void {
    this.#batcher.cancel();
  }

  #notify(): void {
    for (const listener of this.#listeners) listener();
  }
}
