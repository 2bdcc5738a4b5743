import { ContractFailure, type SyncStatus } from '@common/contract';
import {
  AUDIT_HEAD_HEADER,
  BatchResponse,
  MAX_BATCH,
  MAX_BATCH_BODY_BYTES,
  type BatchItem,
  type BatchResult,
  type ScoreSheet,
} from '@common/platform';
import type { EventHub } from '../contract/event-hub';
import type { Logger } from '../log';
import { PlatformRefusal, type PlatformClient } from '../platform/client';
import { appendAudit, AuditHeadStamp } from '../store/audit';
import type { Store, WritableDb } from '../store/connection';
import { sql } from '../store/sql';
import type { Clock } from '../util/clock';
import { Disposables } from '../util/disposables';
import { fullJitterDelay } from './backoff';
import type { PlatformHealthMonitor } from './platform-health-monitor';
import type { SessionService } from './session-service';
import { submissionOutcome } from './submission-outcome';
import { batchBytes, budgetAfterTooLarge, fillBatch, halves, refusesTheItems } from './sync-batches';

export interface SyncOptions {
  /** Sheets per request (the platform takes up to MAX_BATCH, 500). */
  readonly batchSize?: number;
  /**
   * Bytes per request body. Default: the longest valid batch (MAX_BATCH_BODY_BYTES), the
   * platform's own body limit; lowered for the rest of the run when the platform (or a proxy
   * before it) refuses a batch as too large.
   */
  readonly batchBytes?: number;
  /** Batches in flight at once (default 2). */
  readonly concurrency?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly requestTimeoutMs?: number;
  readonly random?: () => number;
  readonly now?: Clock;
}

export interface SyncWorkerDeps {
  readonly store: Store;
  readonly client: PlatformClient;
  readonly session: SessionService;
  readonly health: PlatformHealthMonitor;
  readonly events: EventHub;
  readonly log: Logger;
}

/** Told the assignments whose sheets a batch's answers changed (accepted, in conflict, refused). */
export type SyncedListener = (assignmentIds: readonly string[]) => void;

/** An outbox row waiting to be sent, with its payload's size but not the payload. */
interface DueRow {
  id: number;
  assignment_id: string;
  examiner_id: string;
  idempotency_key: string;
  base_version: number;
  attempts: number;
  /** The payload's length in UTF-8, as it goes into the request. */
  payload_bytes: number;
}

interface OutboxRow extends DueRow {
  /** The sheet exactly as submitted: its JSON (sheets.ts), sent unchanged on every retry. */
  payload: string;
}

/** An outbox row in a batch, with the bytes its item takes in the request body. */
interface Submission {
  readonly row: OutboxRow;
  readonly bytes: number;
}

type ItemOutcome = 'accepted' | 'conflict' | 'rejected' | 'retry';
type Delivery = 'sent' | 'failed' | 'signed_out';

/** The item for an outbox row: everything that goes with one submission in a batch. */
function itemOf(row: DueRow, sheet: ScoreSheet): BatchItem {
  return { assignmentId: row.assignment_id, idempotencyKey: row.idempotency_key, baseVersion: row.base_version, sheet };
}

const EMPTY_SHEET: ScoreSheet = { values: {}, comment: '', violation: { flagged: false, note: null } };
const EMPTY_SHEET_BYTES = Buffer.byteLength(JSON.stringify(EMPTY_SHEET));

/**
 * The bytes an outbox row's item takes in the body, from the real payload: the item's JSON
 * around a stand-in sheet, with the stand-in's bytes swapped for the payload's. Exact, because
 * the payload is JSON.stringify's output, which JSON.parse and JSON.stringify give back unchanged.
 */
function itemBytes(row: DueRow): number {
  return Buffer.byteLength(JSON.stringify(itemOf(row, EMPTY_SHEET))) - EMPTY_SHEET_BYTES + row.payload_bytes;
}

/**
 * Sends the outbox to the platform in batches until it is empty, each filled up to a count and a
 * byte budget from the real payloads (sync-batches.ts). Network errors, timeouts and 5xx are
 * retried with exponential back-off and full jitter, always with the same idempotency key and
 * body; the worker pauses while the platform is unreachable and resumes when it answers. A 412
 * or 423 becomes a conflict holding both versions; a 400/422 is a refusal surfaced to the user,
 * never retried forever. A batch refused as a whole (413, 400) is split until the sheet at fault
 * is alone and refused, and the others are delivered. Nothing is resolved silently.
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
  readonly #subscriptions = new Disposables();
  readonly #synced = new Set<SyncedListener>();
  readonly #auditHead = new AuditHeadStamp();
  #byteBudget: number;

  constructor(
    private readonly deps: SyncWorkerDeps,
    private readonly options: SyncOptions = {},
  ) {
    this.#byteBudget = options.batchBytes ?? MAX_BATCH_BODY_BYTES;
  }

  /**
   * Calls `listener` with the assignments whose sheets each batch's answers changed, once they are
   * stored (the sheet service reports them to the renderer); returns the unsubscribe.
   */
  onSynced(listener: SyncedListener): () => void {
    this.#synced.add(listener);
    return () => this.#synced.delete(listener);
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#subscriptions.add(
      this.deps.health.onChange((health) => {
        if (health.state === 'online') this.kick();
        else this.#publish();
      }),
      this.deps.session.onChange(() => this.kick()),
    );
    this.kick();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#subscriptions.dispose();
  }

  /** Runs now (or right after the run in progress), skipping any back-off wait if `force`. */
  kick(force = false): void {
    if (this.#stopped) return;
    if (force) {
      const examinerId = this.deps.session.session?.examiner.id;
      if (examinerId) this.deps.store.transaction((db) => db.run(sql`UPDATE outbox SET next_attempt_at = 0 WHERE examiner_id = ${examinerId}`));
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

  /** Bytes a batch may take now: the configured budget, or less once the platform refused a batch as too large. */
  get batchBytes(): number {
    return this.#byteBudget;
  }

  /** Resolves when the worker has nothing more it can do now (tests, benchmarks, shutdown). */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  status(): SyncStatus {
    const examinerId = this.deps.session.session?.examiner.id ?? null;
    const counts = examinerId
      ? this.deps.store.reader.get<{ pending: number; conflicts: number; rejected: number }>(sql`
          SELECT (SELECT COUNT(*) FROM outbox WHERE examiner_id = ${examinerId}) AS pending,
                 (SELECT COUNT(*) FROM score_sheets WHERE examiner_id = ${examinerId} AND status = 'conflict') AS conflicts,
                 (SELECT COUNT(*) FROM score_sheets WHERE examiner_id = ${examinerId} AND status = 'rejected') AS rejected`)
      : undefined;
    const state: SyncStatus['state'] =
      examinerId === null ? 'signed_out' : this.deps.health.current.state === 'offline' && this.#state !== 'syncing' ? 'offline' : this.#state;
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
    const maxItems = Math.min(this.options.batchSize ?? MAX_BATCH, MAX_BATCH);
    for (;;) {
      while (halted === null && running.size < (this.options.concurrency ?? 2)) {
        const examinerId = this.deps.session.session?.examiner.id;
        if (this.#stopped) halted = () => undefined;
        else if (!examinerId) halted = () => this.#settle('signed_out');
        else if (this.deps.health.current.state === 'offline') halted = () => this.#settle('offline');
        if (halted !== null || !examinerId) break;
        const batch = this.#nextBatch(examinerId, claimed, maxItems);
        if (batch.length === 0) {
          if (running.size === 0) halted = () => this.#scheduleNext(examinerId);
          break;
        }
        for (const { row } of batch) claimed.add(row.id);
        if (this.#state !== 'syncing') {
          this.#state = 'syncing';
          this.#publish();
        }
        const delivery: Promise<void> = this.#deliver(batch).then((outcome) => {
          if (outcome === 'signed_out') halted ??= () => undefined;
          for (const { row } of batch) claimed.delete(row.id);
          running.delete(delivery);
        });
        running.add(delivery);
      }
      if (running.size === 0) return (halted ?? (() => undefined))();
      await Promise.race(running);
    }
  }

  /**
   * The next batch: the oldest due sheets not in flight, as many as fit the count and the byte
   * budget. Sizes come from SQLite; only the payloads of the sheets taken are read.
   */
  #nextBatch(examinerId: string, claimed: ReadonlySet<number>, maxItems: number): Submission[] {
    const due = this.deps.store.reader
      .all<DueRow>(sql`
        SELECT id, assignment_id, examiner_id, idempotency_key, base_version, attempts, length(CAST(payload AS BLOB)) AS payload_bytes
        FROM outbox WHERE examiner_id = ${examinerId} AND next_attempt_at <= ${this.#now()} ORDER BY id LIMIT ${maxItems + claimed.size}`)
      .filter((row) => !claimed.has(row.id));
    const taken = fillBatch(
      due.map((row) => ({ row, bytes: itemBytes(row) })),
      { maxItems, maxBytes: this.#byteBudget },
    );
    if (taken.length === 0) return [];
    const ids = JSON.stringify(taken.map(({ row }) => row.id));
    const payloads = new Map(
      this.deps.store.reader
        .all<{ id: number; payload: string }>(sql`SELECT id, payload FROM outbox WHERE id IN (SELECT value FROM json_each(${ids}))`)
        .map((row) => [row.id, row.payload]),
    );
    return taken.flatMap(({ row, bytes }) => {
      const payload = payloads.get(row.id);
      return payload === undefined ? [] : [{ row: { ...row, payload }, bytes }];
    });
  }

  /** Sends one batch and records its answers; a failed request puts its sheets back to wait. */
  async #deliver(batch: readonly Submission[]): Promise<Delivery> {
    const rows = batch.map(({ row }) => row);
    let results: BatchResult[];
    try {
      results = await this.#send(rows);
    } catch (error) {
      if (error instanceof ContractFailure && error.code === 'session_expired') {
        this.deps.session.expire();
        this.#settle('signed_out', error.message);
        return 'signed_out';
      }
      if (error instanceof PlatformRefusal && refusesTheItems(error.status, error.platformCode)) return this.#split(batch, error);
      this.#lastError = error instanceof Error ? error.message : String(error);
      this.#backOff(rows, this.#lastError);
      if (error instanceof ContractFailure && error.code === 'platform_unreachable') void this.deps.health.check();
      return 'failed';
    }
    this.#apply(rows, results);
    this.#lastSuccessAt = new Date(this.#now()).toISOString();
    this.#lastError = null;
    return 'sent';
  }

  /**
   * A batch the platform refused as a whole: each half goes on its own, and so on, until the
   * sheet at fault is alone; that one is refused with the platform's reason, as a refusal of a
   * single item is. The sheets around it are delivered. After a network failure the halves not
   * yet sent wait with the failed one instead of being tried against a platform that is away.
   */
  async #split(batch: readonly Submission[], refusal: PlatformRefusal): Promise<Delivery> {
    const [only] = batch;
    if (batch.length === 1 && only) {
      const error = { code: refusal.platformCode ?? `http_${String(refusal.status)}`, message: refusal.message };
      this.#apply([only.row], [{ idempotencyKey: only.row.idempotency_key, status: refusal.status, body: { error } }]);
      return 'sent';
    }
    if (refusal.status === 413) {
      const bytes = batchBytes(batch);
      this.#byteBudget = budgetAfterTooLarge(this.#byteBudget, bytes);
      this.deps.log.warn('the platform refused a batch as too large: smaller batches from now on', { bytes, items: batch.length, budget: this.#byteBudget });
    }
    const [first, second] = halves(batch);
    const delivered = await this.#deliver(first);
    if (delivered === 'sent') return this.#deliver(second);
    if (delivered === 'failed') this.#backOff(second.map(({ row }) => row), this.#lastError ?? 'an earlier part of the batch failed');
    return delivered;
  }

  async #send(rows: readonly OutboxRow[]): Promise<BatchResult[]> {
    const items = rows.map((row) => itemOf(row, JSON.parse(row.payload) as ScoreSheet));
    // The chain's head as the request leaves, for the platform to witness (common/platform/audit.ts).
    const head = this.#auditHead.next(this.deps.store.reader);
    const { data } = await this.deps.client.request({
      method: 'POST',
      path: '/scores/batch',
      body: { items },
      ...(head !== null && { headers: { [AUDIT_HEAD_HEADER]: head } }),
      schema: BatchResponse,
      token: this.deps.session.requireToken(),
      timeoutMs: this.options.requestTimeoutMs ?? 30_000,
    });
    if (data.results.length !== rows.length) throw new Error(`batch answered ${data.results.length} results for ${rows.length} items`);
    return data.results;
  }

  /** Applies one batch's results in one transaction; each sheet ends accepted, in conflict, refused, or waiting to retry. */
  #apply(rows: readonly OutboxRow[], results: readonly BatchResult[]): void {
    const changed: string[] = [];
    const at = new Date(this.#now()).toISOString();
    this.deps.store.transaction((db) => {
      rows.forEach((row, index) => {
        const result = results[index];
        const outcome = result && result.idempotencyKey === row.idempotency_key ? this.#applyOne(db, row, result, at) : 'retry';
        if (outcome === 'retry') this.#retryLater(db, row, `status ${result?.status ?? 'missing'}`);
        else changed.push(row.assignment_id);
      });
    });
    if (changed.length === 0) return;
    for (const listener of this.#synced) {
      try {
        listener(changed);
      } catch (error) {
        this.deps.log.warn('could not report synced sheets', { assignmentIds: changed, error });
      }
    }
  }

  #applyOne(db: WritableDb, row: OutboxRow, result: BatchResult, at: string): ItemOutcome {
    const where = sql`WHERE assignment_id = ${row.assignment_id} AND examiner_id = ${row.examiner_id}`;
    const outcome = submissionOutcome(result.status, result.body);
    switch (outcome.kind) {
      case 'accepted': {
        const { version, acceptedAt, total } = outcome.receipt;
        db.run(sql`UPDATE score_sheets SET status = 'accepted', accepted_version = ${version}, base_version = ${version}, accepted_at = ${acceptedAt}, conflict = NULL, error = NULL ${where}`);
        this.#finish(db, row, 'sheet.accepted', { version, total, idempotencyKey: row.idempotency_key }, at);
        return 'accepted';
      }
      case 'conflict': {
        const { current, reason } = outcome;
        const conflict = JSON.stringify({
          reason,
          platform: { version: current.version, sheet: current.sheet, total: current.total, acceptedAt: current.acceptedAt, locked: current.locked },
        });
        db.run(sql`UPDATE score_sheets SET status = 'conflict', conflict = ${conflict} ${where} AND status != 'recused'`);
        this.#finish(db, row, 'sheet.conflict', { status: result.status, platformVersion: current.version }, at);
        return 'conflict';
      }
      case 'rejected': {
        // Final, never retried: the fair-scoring gates among them (403 `recused`, 403
        // `calibration_required`), kept with their code for the examiner to read. A sheet recused
        // while its submission was in flight stays recused.
        const { error } = outcome;
        db.run(sql`UPDATE score_sheets SET status = 'rejected', error = ${JSON.stringify(error)} ${where} AND status != 'recused'`);
        this.#finish(db, row, 'sheet.rejected', { status: result.status, error }, at);
        this.deps.log.error('the platform refused a score sheet', { assignmentId: row.assignment_id, status: result.status, error });
        return 'rejected';
      }
      case 'retry':
        return 'retry';
    }
  }

  #finish(db: WritableDb, row: OutboxRow, action: 'sheet.accepted' | 'sheet.conflict' | 'sheet.rejected', payload: unknown, at: string): void {
    db.run(sql`DELETE FROM outbox WHERE id = ${row.id}`);
    appendAudit(db, { actor: row.examiner_id, action, assignmentId: row.assignment_id, payload, at });
  }

  #backOff(rows: readonly OutboxRow[], reason: string): void {
    this.deps.store.transaction((db) => {
      for (const row of rows) this.#retryLater(db, row, reason);
    });
  }

  #retryLater(db: WritableDb, row: OutboxRow, reason: string): void {
    const attempts = row.attempts + 1;
    const delay = fullJitterDelay(attempts, this.options.baseDelayMs ?? 1_000, this.options.maxDelayMs ?? 60_000, this.options.random);
    db.run(sql`UPDATE outbox SET attempts = ${attempts}, next_attempt_at = ${this.#now() + delay}, last_error = ${reason} WHERE id = ${row.id}`);
  }

  #scheduleNext(examinerId: string): void {
    const next = this.deps.store.reader.get<{ at: number | null }>(sql`SELECT MIN(next_attempt_at) AS at FROM outbox WHERE examiner_id = ${examinerId}`)?.at ?? null;
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
    this.deps.events.emit('sync.status', this.status());
  }

  #now(): number {
    return (this.options.now?.() ?? new Date()).getTime();
  }
}
