import type Database from 'better-sqlite3';
import { ContractFailure } from '@common/contract';
import type { SpaceReserve } from './space-reserve';
import type { SqlQuery, SqlValue } from './sql';

declare const readable: unique symbol;
declare const writable: unique symbol;

/**
 * Connections typed by what they may do (cf. Signal's ReadableDB / WritableDB): a function that
 * takes a ReadableDb cannot write, and only `transaction()` hands out a WritableDb, so every
 * write happens inside a transaction.
 */
export interface ReadableDb {
  readonly [readable]: true;
  get<T>(query: SqlQuery): T | undefined;
  all<T>(query: SqlQuery): T[];
}

export interface WritableDb extends ReadableDb {
  readonly [writable]: true;
  run(query: SqlQuery): { changes: number; lastInsertRowid: number | bigint };
}

export interface TransactionOptions {
  /**
   * The disk space held back for this write (a score sheet): if the disk is full, the reserve is
   * given back to the disk and the write tried once more.
   */
  readonly mayUseReserve?: boolean;
}

export class Store {
  readonly #statements = new Map<string, Database.Statement>();
  readonly #reserveSpent = new Set<() => void>();

  constructor(
    readonly raw: Database.Database,
    /** Space held back for score sheets (`space-reserve.ts`); none in a store opened without one. */
    readonly reserve: SpaceReserve | null = null,
  ) {}

  get reader(): ReadableDb {
    return this.#reader;
  }

  /**
   * Runs `work` in one transaction (a savepoint when nested); everything or nothing is written.
   * A full disk (SQLITE_FULL) is a ContractFailure('disk_full'); with `mayUseReserve`, the
   * reserve is released first and the work run again, and `onReserveSpent` listeners are told.
   */
  transaction<T>(work: (db: WritableDb) => T, options: TransactionOptions = {}): T {
    const run = () => this.raw.transaction(() => work(this.#writer))();
    // A savepoint leaves a full disk to the transaction around it, which alone can start again.
    if (this.raw.inTransaction) return run();
    try {
      return run();
    } catch (error) {
      if (!isDiskFull(error)) throw error;
      if (!options.mayUseReserve || !this.reserve?.release()) throw diskFull(error);
      for (const listener of this.#reserveSpent) listener();
      try {
        return run();
      } catch (again) {
        throw isDiskFull(again) ? diskFull(again) : again;
      }
    }
  }

  /** Calls `listener` each time a write was saved by releasing the reserve. */
  onReserveSpent(listener: () => void): () => void {
    this.#reserveSpent.add(listener);
    return () => this.#reserveSpent.delete(listener);
  }

  close(): void {
    this.#statements.clear();
    this.raw.close();
  }

  #prepare(text: string): Database.Statement {
    let statement = this.#statements.get(text);
    if (!statement) {
      statement = this.raw.prepare(text);
      this.#statements.set(text, statement);
    }
    return statement;
  }

  readonly #reader = {
    get: <T>(query: SqlQuery) => this.#prepare(query.text).get(...(query.params as SqlValue[])) as T | undefined,
    all: <T>(query: SqlQuery) => this.#prepare(query.text).all(...(query.params as SqlValue[])) as T[],
  } as ReadableDb;

  readonly #writer = {
    ...this.#reader,
    run: (query: SqlQuery) => {
      const result = this.#prepare(query.text).run(...(query.params as SqlValue[]));
      return { changes: result.changes, lastInsertRowid: result.lastInsertRowid };
    },
  } as WritableDb;
}

/** SQLite's answer when a write found no space (ENOSPC, EDQUOT): SQLITE_FULL. */
export function isDiskFull(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'SQLITE_FULL';
}

function diskFull(error: unknown): ContractFailure {
  return new ContractFailure('disk_full', `the disk is full: nothing was saved (${(error as Error).message})`, { cause: error });
}
