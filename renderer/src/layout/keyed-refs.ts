/** What a virtual table holds of a row: its key only; the cells read the row itself. */
export interface KeyRef {
  readonly key: string;
}

/**
 * The table's data, kept the same array while the rows shown and their order stay the same, so a
 * burst of changes to rows does not re-render the table, only the changed rows' cells.
 * The live queue's and the chief's matrix's virtual tables both hold these.
 */
export class KeyedRefs {
  readonly #refs = new Map<string, KeyRef>();
  #last: readonly KeyRef[] = [];

  of<T>(rows: readonly T[], keyOf: (row: T) => string): readonly KeyRef[] {
    const last = this.#last;
    let same = last.length === rows.length;
    const next = rows.map((row, index) => {
      const key = keyOf(row);
      let ref = this.#refs.get(key);
      if (!ref) {
        ref = { key };
        this.#refs.set(key, ref);
      }
      if (same && last[index] !== ref) same = false;
      return ref;
    });
    if (same) return last;
    this.#last = next;
    return next;
  }
}
