import { ContractFailure, type Freshness } from '@common/contract';
import type { z } from 'zod';
import { requestCached, type PlatformClient } from '../platform/client';
import type { Store } from '../store/connection';
import { sql } from '../store/sql';
import { systemClock, type Clock } from '../util/clock';
import type { SessionService } from './session-service';

interface CacheRow {
  body: string;
  etag: string | null;
  fetched_at: string;
}

export type CacheKind = 'exams' | 'exam' | 'assignments' | 'queue' | 'reReviews' | 'chiefMatrix' | 'sheetLock' | 'calibration';

/**
 * What the platform said last, per examiner, with its ETag and when it was fetched. Reads go to
 * the platform when it answers (304 keeps what we have) and fall back to the cache when it does
 * not, saying how old the answer is: the workstation opens and works offline.
 */
export class PlatformCache {
  constructor(
    private readonly store: Store,
    private readonly client: PlatformClient,
    private readonly session: SessionService,
    private readonly now: Clock = systemClock,
  ) {}

  async fetch<S extends z.ZodType>(kind: CacheKind, key: string, path: string, schema: S): Promise<{ data: z.output<S>; freshness: Freshness }> {
    const examinerId = this.session.requireExaminerId();
    const cached = this.#row(examinerId, kind, key);
    let response;
    try {
      response = await requestCached(this.client, {
        method: 'GET',
        path,
        schema,
        token: this.session.requireToken(),
        etag: cached?.etag ?? null,
      });
    } catch (error) {
      const offline = error instanceof ContractFailure && (error.code === 'platform_unreachable' || error.code === 'platform_error');
      if (offline && cached) {
        const data = schema.safeParse(JSON.parse(cached.body));
        if (data.success) return { data: data.data, freshness: { fetchedAt: cached.fetched_at, fresh: false } };
      }
      throw error;
    }
    const fetchedAt = this.now().toISOString();
    if (response.notModified && cached) {
      this.store.transaction((db) =>
        db.run(sql`UPDATE cache_entries SET fetched_at = ${fetchedAt} WHERE examiner_id = ${examinerId} AND kind = ${kind} AND key = ${key}`),
      );
      const data = schema.safeParse(JSON.parse(cached.body));
      if (data.success) return { data: data.data, freshness: { fetchedAt, fresh: true } };
    }
    if (response.data === undefined) {
      // A 304 for something we no longer hold: ask again without the ETag.
      this.forget(examinerId, kind, key);
      return this.fetch(kind, key, path, schema);
    }
    const body = JSON.stringify(response.data);
    this.store.transaction((db) =>
      db.run(sql`INSERT INTO cache_entries (examiner_id, kind, key, body, etag, fetched_at)
                 VALUES (${examinerId}, ${kind}, ${key}, ${body}, ${response.etag}, ${fetchedAt})
                 ON CONFLICT (examiner_id, kind, key) DO UPDATE SET body = excluded.body, etag = excluded.etag, fetched_at = excluded.fetched_at`),
    );
    return { data: response.data, freshness: { fetchedAt, fresh: true } };
  }

  /**
   * What is cached, without asking the platform; null when nothing valid is. Parsed bodies are
   * remembered until the row changes: a grader's assignment list can be megabytes, and grading
   * looks things up in it on every first touch of a sheet.
   */
  peek<S extends z.ZodType>(examinerId: string, kind: CacheKind, key: string, schema: S): z.output<S> | null {
    const memoKey = `${examinerId}\u0000${kind}\u0000${key}`;
    const stamp = this.store.reader.get<{ fetched_at: string; etag: string | null }>(
      sql`SELECT fetched_at, etag FROM cache_entries WHERE examiner_id = ${examinerId} AND kind = ${kind} AND key = ${key}`,
    );
    if (!stamp) return null;
    const version = `${stamp.fetched_at}\u0000${stamp.etag ?? ''}`;
    const memo = this.#parsed.get(memoKey);
    if (memo && memo.version === version && memo.schema === schema) return memo.data as z.output<S>;
    const row = this.#row(examinerId, kind, key);
    if (!row) return null;
    const parsed = schema.safeParse(JSON.parse(row.body));
    if (!parsed.success) return null;
    this.#parsed.set(memoKey, { version, schema, data: parsed.data });
    return parsed.data;
  }

  readonly #parsed = new Map<string, { version: string; schema: z.ZodType; data: unknown }>();

  /** Keeps what the platform said by other means than an answer to a GET (a push). */
  remember(examinerId: string, kind: CacheKind, key: string, data: unknown): void {
    const body = JSON.stringify(data);
    const fetchedAt = this.now().toISOString();
    this.store.transaction((db) =>
      db.run(sql`INSERT INTO cache_entries (examiner_id, kind, key, body, etag, fetched_at)
                 VALUES (${examinerId}, ${kind}, ${key}, ${body}, NULL, ${fetchedAt})
                 ON CONFLICT (examiner_id, kind, key) DO UPDATE SET body = excluded.body, etag = NULL, fetched_at = excluded.fetched_at`),
    );
  }

  /** The keys held of a kind for an examiner. */
  keys(examinerId: string, kind: CacheKind): string[] {
    return this.store.reader
      .all<{ key: string }>(sql`SELECT key FROM cache_entries WHERE examiner_id = ${examinerId} AND kind = ${kind} ORDER BY key`)
      .map((row) => row.key);
  }

  forget(examinerId: string, kind: CacheKind, key: string): void {
    this.store.transaction((db) => db.run(sql`DELETE FROM cache_entries WHERE examiner_id = ${examinerId} AND kind = ${kind} AND key = ${key}`));
  }

  #row(examinerId: string, kind: CacheKind, key: string): CacheRow | undefined {
    return this.store.reader.get<CacheRow>(
      sql`SELECT body, etag, fetched_at FROM cache_entries WHERE examiner_id = ${examinerId} AND kind = ${kind} AND key = ${key}`,
    );
  }
}
