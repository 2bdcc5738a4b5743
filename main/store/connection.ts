import type Database from 'better-sqlite3';
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

export class Store {
  readonly #statements = new Map<string, Database.Statement>();

  constructor(readonly raw: Database.Database) {}

  get reader(): ReadableDb {
    return this.#reader;
  }

  /** Runs `work` in one transaction (a savepoint when nested); everything or nothing is written. */
  transaction<T>(work: (db: WritableDb) => T): T {
    return this.raw.transaction(() => work(this.#writer))();
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
