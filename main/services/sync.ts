import { ContractFailure, type SyncStatus } from '@common/contract';
import { AUDIT_HEAD_HEADER, BatchResponse, ScoreReceipt, ScoreRefusal, type BatchItem, type BatchResult } from '@common/platform';
import type { EventHub } from '../contract/event-hub';
import type { Logger } from '../log';
import type { PlatformClient } from '../platform/client';
import { appendAudit, AuditHeadStamp } from '../store/audit';
import type { Store, WritableDb } from '../store/connection';
import { sql } from '../store/sql';
import { fullJitterDelay } from './backoff';
import type { PlatformHealthMonitor } from './health';
import type { SessionService } from './session';
import type { SheetService } from './sheets';

export interface SyncOptions {
  /** Sheets per request (the platform takes up to 500). */
  readonly batchSize?: number;
  /** Batches in flight at once (default 2). */
  readonly concurrency?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly requestTimeoutMs?: number;
  readonly random?: () => number;
  readonly now?: () => Date;
}

interface OutboxRow {
  id: number;
  assignment_id: string;
  examiner_id: string;
  idempotency_key: string;
  base_version: number;
  payload: string;
  attempts: number;
}

type ItemOutcome = 'accepted' | 'conflict' | 'rejected' | 'retry';

/**
 * Sends the outbox to the platform in batches until it is empty. Network errors, timeouts and
 * 5xx are retried with exponential back-off and full jitter, always with the same idempotency
 * key and body; the worker pauses while the platform is unreachable and resumes when it
 * answers. A 412 or 423 becomes a conflict holding both versions; a 400/422 is a refusal
 * surfaced to the user, never retried forever. Nothing is resolved silently.
 */
export class SyncWorker {
  #running: Promise<void> | null = null;
  #again = false;
  #timer: NodeJS.Timeout | null = null;
  #stopped = true;
  #state: SyncStatus['state'] = 'idle';
  #lastSuccessAt: string | null = null;
  #lastError: string | null = null;
  #nextAttemptAt: number | null = null;
  readonly #unsubscribe: (() => void)[] = [];
  readonly #auditHead = new AuditHeadStamp();

  constructor(
    private readonly store: Store,
    private readonly client: PlatformClient,
    private readonly session: SessionService,
    private readonly health: PlatformHealthMonitor,
    private readonly sheets: () => SheetService,
    private readonly events: EventHub,
    private readonly log: Logger,
    private readonly options: SyncOptions = {},
  ) {}

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#unsubscribe.push(
      this.health.onChange((health) => {
        if (health.state === 'online') this.kick();
        else this.#publish();
      }),
      this.session.onChange(() => this.kick()),
    );
    this.kick();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
  }

  /** Runs now (or right after the run in progress), skipping any back-off wait if `force`. */
  kick(force = false): void {
    if (this.#stopped) return;
    if (force) {
      const examinerId = this.session.session?.examiner.id;
      if (examinerId) this.store.transaction((db) => db.run(sql`UPDATE outbox SET next_attempt_at = 0 WHERE examiner_id = ${examinerId}`));
    }
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#run().finally(() => {
      this.#running = null;
      if (this.#again) {
        this.#again = false;
        this.kick();
      }
    });
  }

  /** Resolves when the worker has nothing more it can do now (tests, benchmarks, shutdown). */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  status(): SyncStatus {
    const examinerId = this.session.session?.examiner.id ?? null;
    const counts = examinerId
      ? this.store.reader.get<{ pending: number; conflicts: number; rejected: number }>(sql`
          SELECT (SELECT COUNT(*) FROM outbox WHERE examiner_id = ${examinerId}) AS pending,
                 (SELECT COUNT(*) FROM score_sheets WHERE examiner_id = ${examinerId} AND status = 'conflict') AS conflicts,
                 (SELECT COUNT(*) FROM score_sheets WHERE examiner_id = ${examinerId} AND status = 'rejected') AS rejected`)
      : undefined;
    const state: SyncStatus['state'] =
      examinerId === null ? 'signed_out' : this.health.current.state === 'offline' && this.#state !== 'syncing' ? 'offline' : this.#state;
    return {
      state,
      pending: counts?.pending ?? 0,
      conflicts: counts?.conflicts ?? 0,
      rejected: counts?.rejected ?? 0,
      lastSuccessAt: this.#lastSuccessAt,
      lastError: this.#lastError,
      nextAttemptAt: this.#nextAttemptAt === null ? null : new Date(this.#nextAttemptAt).toISOString(),
    };
  }

  /**
   * Keeps up to `concurrency` batches in flight, so the platform works on one batch while this
   * workstation records the answer to the previous one. Batches never share a sheet: a sheet in
   * flight is skipped until its batch has been answered.
   */
  async #run(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const claimed = new Set<number>();
    const running = new Set<Promise<void>>();
    let halted: (() => void) | null = null;
    const batchSize = this.options.batchSize ?? 500;
    for (;;) {
      while (halted === null && running.size < (this.options.concurrency ?? 2)) {
        const examinerId = this.session.session?.examiner.id;
        if (this.#stopped) halted = () => undefined;
        else if (!examinerId) halted = () => this.#settle('signed_out');
        else if (this.health.current.state === 'offline') halted = () => this.#settle('offline');
        if (halted !== null || !examinerId) break;
        const due = this.store.reader
          .all<OutboxRow>(sql`
            SELECT id, assignment_id, examiner_id, idempotency_key, base_version, payload, attempts FROM outbox
            WHERE examiner_id = ${examinerId} AND next_attempt_at <= ${this.#now()} ORDER BY id LIMIT ${batchSize + claimed.size}`)
          .filter((row) => !claimed.has(row.id))
          .slice(0, batchSize);
        if (due.length === 0) {
          if (running.size === 0) halted = () => this.#scheduleNext(examinerId);
          break;
        }
        for (const row of due) claimed.add(row.id);
        if (this.#state !== 'syncing') {
          this.#state = 'syncing';
          this.#publish();
        }
        const batch: Promise<void> = this.#sendBatch(due).then((outcome) => {
          if (outcome === 'signed_out') halted ??= () => undefined;
          for (const row of due) claimed.delete(row.id);
          running.delete(batch);
        });
        running.add(batch);
      }
      if (running.size === 0) return (halted ?? (() => undefined))();
      await Promise.race(running);
    }
  }

  /** Sends one batch and records its answers; a failed request puts its sheets back to wait. */
  async #sendBatch(rows: readonly OutboxRow[]): Promise<'sent' | 'failed' | 'signed_out'> {
    let results: BatchResult[];
    try {
      results = await this.#send(rows);
    } catch (error) {
      if (error instanceof ContractFailure && error.code === 'session_expired') {
        this.session.expire();
        this.#settle('signed_out', error.message);
        return 'signed_out';
      }
      this.#lastError = error instanceof Error ? error.message : String(error);
      this.#backOff(rows, this.#lastError);
      if (error instanceof ContractFailure && error.code === 'platform_unreachable') void this.health.check();
      return 'failed';
    }
    this.#apply(rows, results);
    this.#lastSuccessAt = new Date(this.#now()).toISOString();
    this.#lastError = null;
    return 'sent';
  }

  async #send(rows: readonly OutboxRow[]): Promise<BatchResult[]> {
    const items: BatchItem[] = rows.map((row) => ({
      assignmentId: row.assignment_id,
      idempotencyKey: row.idempotency_key,
      baseVersion: row.base_version,
      sheet: JSON.parse(row.payload) as BatchItem['sheet'],
    }));
    // The chain's head as the request leaves, for the platform to witness (common/platform/audit.ts).
    const head = this.#auditHead.next(this.store.reader);
    const { data } = await this.client.request({
      method: 'POST',
      path: '/scores/batch',
      body: { items },
      ...(head !== null && { headers: { [AUDIT_HEAD_HEADER]: head } }),
      schema: BatchResponse,
      token: this.session.requireToken(),
      timeoutMs: this.options.requestTimeoutMs ?? 30_000,
    });
    if (data.results.length !== rows.length) throw new Error(`batch answered ${data.results.length} results for ${rows.length} items`);
    return data.results;
  }

  /** Applies one batch's results in one transaction; each sheet ends accepted, in conflict, refused, or waiting to retry. */
  #apply(rows: readonly OutboxRow[], results: readonly BatchResult[]): void {
    const changed: string[] = [];
    const at = new Date(this.#now()).toISOString();
    this.store.transaction((db) => {
      rows.forEach((row, index) => {
        const result = results[index];
        const outcome = result && result.idempotencyKey === row.idempotency_key ? this.#applyOne(db, row, result, at) : 'retry';
        if (outcome === 'retry') this.#retryLater(db, row, `status ${result?.status ?? 'missing'}`);
        else changed.push(row.assignment_id);
      });
    });
    const sheets = this.sheets();
    for (const assignmentId of changed) {
      try {
        const state = sheets.get(assignmentId);
        if (state) this.events.emit('sheet.changed', state);
      } catch (error) {
        this.log.warn('could not report a synced sheet', { assignmentId, error });
      }
    }
  }

  #applyOne(db: WritableDb, row: OutboxRow, result: BatchResult, at: string): ItemOutcome {
    const where = sql`WHERE assignment_id = ${row.assignment_id} AND examiner_id = ${row.examiner_id}`;
    const receipt = ScoreReceipt.safeParse(result.body);
    if ((result.status === 200 || result.status === 201) && receipt.success) {
      db.run({
        text: `UPDATE score_sheets SET status = 'accepted', accepted_version = ?, base_version = ?, accepted_at = ?, conflict = NULL, error = NULL ${where.text}`,
        params: [receipt.data.version, receipt.data.version, receipt.data.acceptedAt, ...where.params],
      });
      this.#finish(db, row, 'sheet.accepted', { version: receipt.data.version, total: receipt.data.total, idempotencyKey: row.idempotency_key }, at);
      return 'accepted';
    }
    const refusal = ScoreRefusal.safeParse(result.body);
    if ((result.status === 412 || result.status === 423) && refusal.success && refusal.data.current) {
      const current = refusal.data.current;
      const conflict = JSON.stringify({
        reason: result.status === 423 ? 'locked' : 'version_conflict',
        platform: { version: current.version, sheet: current.sheet, total: current.total, acceptedAt: current.acceptedAt, locked: current.locked },
      });
      db.run({ text: `UPDATE score_sheets SET status = 'conflict', conflict = ? ${where.text}`, params: [conflict, ...where.params] });
      this.#finish(db, row, 'sheet.conflict', { status: result.status, platformVersion: current.version }, at);
      return 'conflict';
    }
    if (result.status >= 400 && result.status < 500 && result.status !== 409 && result.status !== 429) {
      const error = refusal.success ? refusal.data.error : { code: `http_${result.status}`, message: 'refused by the platform' };
      db.run({ text: `UPDATE score_sheets SET status = 'rejected', error = ? ${where.text}`, params: [JSON.stringify(error), ...where.params] });
      this.#finish(db, row, 'sheet.rejected', { status: result.status, error }, at);
      this.log.error('the platform refused a score sheet', { assignmentId: row.assignment_id, status: result.status, error });
      return 'rejected';
    }
    return 'retry';
  }

  #finish(db: WritableDb, row: OutboxRow, action: 'sheet.accepted' | 'sheet.conflict' | 'sheet.rejected', payload: unknown, at: string): void {
    db.run(sql`DELETE FROM outbox WHERE id = ${row.id}`);
    appendAudit(db, { actor: row.examiner_id, action, assignmentId: row.assignment_id, payload, at });
  }

  #backOff(rows: readonly OutboxRow[], reason: string): void {
    this.store.transaction((db) => {
      for (const row of rows) this.#retryLater(db, row, reason);
    });
  }

  #retryLater(db: WritableDb, row: OutboxRow, reason: string): void {
    const attempts = row.attempts + 1;
    const delay = fullJitterDelay(attempts, this.options.baseDelayMs ?? 1_000, this.options.maxDelayMs ?? 60_000, this.options.random);
    db.run(sql`UPDATE outbox SET attempts = ${attempts}, next_attempt_at = ${this.#now() + delay}, last_error = ${reason} WHERE id = ${row.id}`);
  }

  #scheduleNext(examinerId: string): void {
    const next = this.store.reader.get<{ at: number | null }>(sql`SELECT MIN(next_attempt_at) AS at FROM outbox WHERE examiner_id = ${examinerId}`)?.at ?? null;
    this.#nextAttemptAt = next;
    if (next === null) return this.#settle('idle');
    this.#timer = setTimeout(() => this.kick(), Math.max(0, next - this.#now()));
    this.#timer.unref();
    return this.#settle('backing_off');
  }

  #settle(state: SyncStatus['state'], error?: string): void {
    this.#state = state;
    if (state !== 'backing_off') this.#nextAttemptAt = null;
    if (error !== undefined) this.#lastError = error;
    this.#publish();
  }

  #publish(): void {
    this.events.emit('sync.status', this.status());
  }

  #now(): number {
    return (this.options.now?.() ?? new Date()).getTime();
  }
}
