import type { QueueRow } from './queue-store';

/** What the queue's table holds of a row: its id only; the cells read the row itself (LiveCell). */
export interface QueueRowRef {
  readonly entryId: string;
}

/**
 * The table's data, kept the same array while the rows shown and their order stay the same, so
 * that a burst of state changes does not make the table re-render: only the changed rows' cells do.
 */
export class QueueRowRefs {
  readonly #refs = new Map<string, QueueRowRef>();
  #last: readonly QueueRowRef[] = [];

  of(rows: readonly QueueRow[]): readonly QueueRowRef[] {
    const last = this.#last;
    let same = last.length === rows.length;
    const next = rows.map((row, index) => {
      const entryId = row.entry.entryId;
      let ref = this.#refs.get(entryId);
      if (!ref) {
        ref = { entryId };
        this.#refs.set(entryId, ref);
      }
      if (same && last[index] !== ref) same = false;
      return ref;
    });
    if (same) return last;
    this.#last = next;
    return next;
  }
}
