import { flushSync } from 'react-dom';
import type { LivePresence, LiveQuickMessage } from '@common/contract';
import type { QueueEntry, Slot } from '@common/platform';
import { FrameBatcher } from './frame-batcher';
import { QueueStore, type QueueRow, type QueueSnapshotView } from './queue-store';

/** One row of the queue for the cell that shows it (subscribe / get for useSyncExternalStore). */
export interface QueueRowSource {
  subscribeRow(entryId: string, listener: () => void): () => void;
  getRow(entryId: string): QueueRow | undefined;
}

/**
 * The queue store as React sees it (subscribe / getSnapshot for useSyncExternalStore), fed by
 * the platform's pushes: each shown at once while rendering them is cheap, a flood of them
 * once per frame (FrameBatcher). Pushes for a slot whose snapshot is
 * still on its way are held and replayed on top of it, so none is lost to the race.
 */
export class QueueFeed implements QueueRowSource {
  readonly #store = new QueueStore();
  readonly #listeners = new Set<() => void>();
  readonly #rowListeners = new Map<string, Set<() => void>>();
  // Half a frame of rendering at once, the rest once per frame. Rendered within the flush, so
  // that the budget counts React's work too.
  readonly #batcher = new FrameBatcher(() => flushSync(() => this.#notify()), { budgetMs: 8 });
  readonly #awaiting = new Set<string>();
  #early: QueueEntry[] = [];

  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  readonly getSnapshot = (): QueueSnapshotView => this.#store.snapshot();

  /**
   * A cell listens to its own row only: a burst of changes re-renders the cells of the rows it
   * touched, while the table itself re-renders only when the order or the filter's result changes.
   */
  readonly subscribeRow = (entryId: string, listener: () => void): (() => void) => {
    let listeners = this.#rowListeners.get(entryId);
    if (!listeners) this.#rowListeners.set(entryId, (listeners = new Set()));
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) this.#rowListeners.delete(entryId);
    };
  };

  readonly getRow = (entryId: string): QueueRow | undefined => this.#store.row(entryId);

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
    const changed = this.#store.takeChanged();
    if (changed === null) {
      for (const listeners of this.#rowListeners.values()) for (const listener of listeners) listener();
    } else {
      for (const entryId of changed) for (const listener of this.#rowListeners.get(entryId) ?? []) listener();
    }
    for (const listener of this.#listeners) listener();
  }
}
