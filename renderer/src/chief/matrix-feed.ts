import type { MatrixRow, PushMatrix, ScoreMatrix, SignOff } from '@common/platform/chief';
import { flushSync } from 'react-dom';
import { FrameBatcher } from '../queue/frame-batcher';

/** The matrix without its rows: what changes only with a new snapshot. */
export type MatrixHeader = Omit<ScoreMatrix, 'rows' | 'signedOff'>;

export interface MatrixSnapshot {
  readonly header: MatrixHeader | null;
  /** In the slot's order. */
  readonly rows: readonly MatrixRow[];
  readonly signedOff: SignOff | null;
  /** How many pushes have been applied since the view opened: grows with each (tests and the benchmark wait on it). */
  readonly applied: number;
}

/** One row for the cells that show it (subscribe / get for useSyncExternalStore). */
export interface MatrixRowSource {
  subscribeRow(code: string, listener: () => void): () => void;
  getRow(code: string): MatrixRow | undefined;
}

type MatrixPush = Omit<PushMatrix, 'type'>;

const bySlotOrder = (a: MatrixRow, b: MatrixRow) =>
  a.order - b.order || (a.candidateCode < b.candidateCode ? -1 : a.candidateCode > b.candidateCode ? 1 : 0);

/**
 * One slot's score matrix as React sees it: the snapshot, then every `chief.matrix` push (whole
 * rows replacing rows by candidate code), flushed by the queue's FrameBatcher: at once while
 * half a frame's budget lasts, then once per frame. A push that arrives while the snapshot is on its way is held and replayed on top
 * of it. Unchanged rows keep their identity; each cell listens to its own row only, so a burst
 * re-renders the touched rows' cells and the table only when the order changes.
 */
export class MatrixFeed implements MatrixRowSource {
  readonly #rows = new Map<string, MatrixRow>();
  readonly #listeners = new Set<() => void>();
  readonly #rowListeners = new Map<string, Set<() => void>>();
  // As the live queue: applied at once while a frame's budget lasts (rendered inside the flush), batched per frame beyond it.
  readonly #batcher = new FrameBatcher(() => flushSync(() => this.#notify()), { budgetMs: 8 });
  #header: MatrixHeader | null = null;
  #signedOff: SignOff | null = null;
  #order: MatrixRow[] = [];
  #orderStale = false;
  #snapshotStale = false;
  #snapshot: MatrixSnapshot = { header: null, rows: [], signedOff: null, applied: 0 };
  #applied = 0;
  #loaded = false;
  #early: MatrixPush[] = [];
  /**
   * While a paged load is under way: the rows this load has set (by a page or a push since it began).
   * A later page never replaces one of them (a push is newer than any page); rows it has not set yet
   * are the ones shown before (a reload), replaced as their pages come and dropped if none brings them.
   */
  #fresh: Set<string> | null = null;
  /** Rows changed since the last notification; null: all of them. */
  #changed: Set<string> | null = new Set();

  constructor(readonly slotId: string) {}

  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  readonly getSnapshot = (): MatrixSnapshot => {
    if (!this.#snapshotStale) return this.#snapshot;
    if (this.#orderStale) {
      this.#order = [...this.#rows.values()].sort(bySlotOrder);
      this.#orderStale = false;
    } else {
      this.#order = this.#order.map((row) => this.#rows.get(row.candidateCode) ?? row);
    }
    this.#snapshot = { header: this.#header, rows: this.#order, signedOff: this.#signedOff, applied: this.#applied };
    this.#snapshotStale = false;
    return this.#snapshot;
  };

  readonly subscribeRow = (code: string, listener: () => void): (() => void) => {
    let listeners = this.#rowListeners.get(code);
    if (!listeners) this.#rowListeners.set(code, (listeners = new Set()));
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) this.#rowListeners.delete(code);
    };
  };

  readonly getRow = (code: string): MatrixRow | undefined => this.#rows.get(code);

  /** Pushes from now on are held until the snapshot asked for now arrives (a reload after a reconnection). */
  expect(): void {
    this.#loaded = false;
  }

  /** The snapshot asked for did not come: carry on from the one shown, with what was held. */
  resume(): void {
    if (this.#header === null) return;
    this.#loaded = true;
    const early = this.#early;
    this.#early = [];
    for (const push of early) this.#apply(push);
    this.#notify();
  }

  /**
   * The snapshot: the whole matrix, or the first page of a paged load (its other rows then come
   * with addPage, and finish ends the load).
   */
  load(matrix: ScoreMatrix): void {
    if (matrix.slotId !== this.slotId) return;
    const { rows, signedOff, page: _page, ...header } = matrix;
    this.#header = header;
    this.#signedOff = signedOff;
    if (matrix.page === undefined) {
      this.#fresh = null;
      this.#rows.clear();
    } else {
      this.#fresh = new Set(rows.map((row) => row.candidateCode));
    }
    for (const row of rows) this.#rows.set(row.candidateCode, row);
    this.#orderStale = true;
    this.#snapshotStale = true;
    this.#changed = null;
    this.#loaded = true;
    const early = this.#early;
    this.#early = [];
    for (const push of early) this.#apply(push);
    this.#notify();
  }

  /** A later page of a paged load: its rows join the matrix, except where a push of this load already set the row. */
  addPage(matrix: ScoreMatrix): void {
    const fresh = this.#fresh;
    if (matrix.slotId !== this.slotId || fresh === null) return;
    for (const row of matrix.rows) {
      if (fresh.has(row.candidateCode)) continue;
      fresh.add(row.candidateCode);
      this.#rows.set(row.candidateCode, row);
      this.#changed?.add(row.candidateCode);
    }
    this.#orderStale = true;
    this.#snapshotStale = true;
    this.#notify();
  }

  /** Every page of the load is in: rows shown before that no page brought again are gone from the slot. */
  finish(): void {
    const fresh = this.#fresh;
    if (fresh === null) return;
    this.#fresh = null;
    let dropped = false;
    for (const code of [...this.#rows.keys()]) {
      if (fresh.has(code)) continue;
      this.#rows.delete(code);
      this.#changed?.add(code);
      dropped = true;
    }
    if (!dropped) return;
    this.#orderStale = true;
    this.#snapshotStale = true;
    this.#notify();
  }

  /** How many rows this load has brought so far (pages and pushes); every row shown outside a paged load. */
  get loadedRows(): number {
    return this.#fresh?.size ?? this.#rows.size;
  }

  push(push: MatrixPush): void {
    if (push.slotId !== this.slotId) return;
    if (!this.#loaded) this.#early.push(push);
    else {
      this.#apply(push);
      this.#batcher.schedule();
    }
  }

  /** The chief's own sign-off, shown at once (its push follows). */
  signedOff(signOff: SignOff): void {
    this.#signedOff = signOff;
    this.#snapshotStale = true;
    this.#notify();
  }

  dispose(): void {
    this.#batcher.cancel();
  }

  #apply(push: MatrixPush): void {
    for (const row of push.rows) {
      const known = this.#rows.get(row.candidateCode);
      if (!known || known.order !== row.order) this.#orderStale = true;
      this.#rows.set(row.candidateCode, row);
      this.#fresh?.add(row.candidateCode);
      this.#changed?.add(row.candidateCode);
    }
    this.#signedOff = push.signedOff;
    this.#applied += 1;
    this.#snapshotStale = true;
  }

  #notify(): void {
    const changed = this.#changed;
    this.#changed = new Set();
    if (changed === null) {
      for (const listeners of this.#rowListeners.values()) for (const listener of listeners) listener();
    } else {
      for (const code of changed) for (const listener of this.#rowListeners.get(code) ?? []) listener();
    }
    for (const listener of this.#listeners) listener();
  }
}
