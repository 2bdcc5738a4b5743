import { createHash, randomBytes } from 'node:crypto';
import { formatAuditHead } from '@common/platform/audit';
import { canonicalJson } from '@common/util/canonical-json';
import type { ReadableDb, WritableDb } from './connection';
import { sql } from './sql';

export const GENESIS_HASH = '0'.repeat(64);

export type AuditAction =
  | 'sheet.saved'
  | 'sheet.submitted'
  | 'sheet.accepted'
  | 'sheet.conflict'
  | 'sheet.rejected'
  | 'sheet.resolved'
  | 'sheet.reopened'
  /** The examiner recused themselves from the candidate (回避), or the platform says so (common/platform/fairness.ts). */
  | 'sheet.recused';

export interface AuditEntry {
  readonly seq: number;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly assignmentId: string | null;
  readonly payload: unknown;
  readonly prevHash: string;
  readonly hash: string;
}

interface AuditRow {
  seq: number;
  at: string;
  actor: string;
  action: string;
  assignment_id: string | null;
  payload: string;
  prev_hash: string;
  hash: string;
}

/** The hash covers the entry's position, content and its predecessor: change any and it breaks. */
export function entryHash(entry: Omit<AuditEntry, 'hash'>): string {
  return createHash('sha256')
    .update(
      canonicalJson({
        seq: entry.seq,
        at: entry.at,
        actor: entry.actor,
        action: entry.action,
        assignmentId: entry.assignmentId,
        payload: entry.payload,
        prevHash: entry.prevHash,
      }),
    )
    .digest('hex');
}

/**
 * Appends one entry, in the caller's transaction, and moves the recorded chain head with it,
 * so a cut tail is detectable: the last entry must be the recorded head.
 */
export function appendAudit(
  db: WritableDb,
  entry: { actor: string; action: AuditAction; assignmentId: string | null; payload: unknown; at: string },
): { seq: number; hash: string } {
  const last = db.get<{ seq: number; hash: string }>(sql`SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`);
  const seq = (last?.seq ?? 0) + 1;
  const prevHash = last?.hash ?? GENESIS_HASH;
  const hash = entryHash({ seq, prevHash, ...entry });
  db.run(sql`INSERT INTO audit_log (seq, at, actor, action, assignment_id, payload, prev_hash, hash)
             VALUES (${seq}, ${entry.at}, ${entry.actor}, ${entry.action}, ${entry.assignmentId},
                     ${canonicalJson(entry.payload)}, ${prevHash}, ${hash})`);
  db.run(sql`INSERT INTO meta (key, value) VALUES ('audit_head', ${`${seq}:${hash}`})
             ON CONFLICT (key) DO UPDATE SET value = excluded.value`);
  return { seq, hash };
}

/** The chain's last entry, or null while it is empty. */
export function auditHead(db: ReadableDb): { seq: number; hash: string } | null {
  return db.get<{ seq: number; hash: string }>(sql`SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`) ?? null;
}

/**
 * The chain's name: the hash of its first entry. A restored backup keeps it; only rewriting the
 * chain from its start changes it, and the platform flags a chain new to an examiner.
 */
export function auditChainId(db: ReadableDb): string | null {
  return db.get<{ hash: string }>(sql`SELECT hash FROM audit_log WHERE seq = 1`)?.hash ?? null;
}

/**
 * Stamps each submission request with the chain's head (the Audit-Head header, see
 * common/platform/audit.ts), so the platform can witness it: the chain file alone cannot show it
 * was rolled back to a backup, or cut and re-headed. One per run of the workstation: the run id
 * and the request numbers let the platform order this run's requests as they were sent.
 */
export class AuditHeadStamp {
  readonly #run = randomBytes(16).toString('hex');
  #requests = 0;

  /** The header for the next request, read at send time; null while the chain is empty. */
  next(db: ReadableDb): string | null {
    const head = auditHead(db);
    const chain = auditChainId(db);
    if (!head || !chain) return null;
    return formatAuditHead({ seq: head.seq, hash: head.hash, chain, run: this.#run, request: ++this.#requests });
  }
}

/** The sha256 of a submission's body as the outbox holds it, which is exactly what is sent. */
export function bodySha256(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('hex');
}

export type AuditVerdict =
  | { readonly ok: true; readonly count: number; readonly head: string | null }
  | {
      readonly ok: false;
      /** The first entry that is not what the chain says it must be. */
      readonly seq: number;
      readonly reason: 'altered' | 'missing' | 'out_of_order' | 'tail_cut';
    }
  | {
      readonly ok: false;
      /**
       * body_altered: a submission waiting in the outbox is not what its audit entry (`seq`)
       * recorded (another body, assignment, base version or examiner); body_unrecorded: no
       * audit entry records it (`seq` null).
       */
      readonly reason: 'body_altered' | 'body_unrecorded';
      readonly seq: number | null;
      readonly idempotencyKey: string;
      readonly assignmentId: string;
    };

interface OutboxBodyRow {
  assignment_id: string;
  examiner_id: string;
  idempotency_key: string;
  base_version: number;
  payload: string;
}

/** What a submission entry (sheet.submitted, or sheet.resolved keeping mine) recorded of the request. */
interface RecordedSubmission {
  readonly seq: number;
  readonly actor: string;
  readonly assignmentId: string | null;
  readonly baseVersion: unknown;
  /** Absent in entries written before bodies were hashed. */
  readonly bodySha256: unknown;
}

/**
 * Walks the chain from the start and names the first broken entry; then checks every submission
 * waiting in the outbox against the entry that recorded it, so a body changed before it was sent
 * is caught (a sent one has left the outbox; the platform holds what it accepted).
 */
export function verifyAudit(db: ReadableDb): AuditVerdict {
  const rows = db.all<AuditRow>(sql`SELECT * FROM audit_log ORDER BY seq`);
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  const submissions = new Map<string, RecordedSubmission>();
  for (const row of rows) {
    if (row.seq !== expectedSeq) return { ok: false, seq: expectedSeq, reason: 'missing' };
    if (row.prev_hash !== prevHash) return { ok: false, seq: row.seq, reason: 'out_of_order' };
    let payload: unknown;
    try {
      payload = JSON.parse(row.payload);
    } catch {
      return { ok: false, seq: row.seq, reason: 'altered' };
    }
    const recomputed = entryHash({
      seq: row.seq,
      at: row.at,
      actor: row.actor,
      action: row.action,
      assignmentId: row.assignment_id,
      payload,
      prevHash: row.prev_hash,
    });
    if (recomputed !== row.hash) return { ok: false, seq: row.seq, reason: 'altered' };
    const submission = recordedSubmission(row, payload);
    if (submission) submissions.set(submission.key, submission.recorded);
    prevHash = row.hash;
    expectedSeq++;
  }
  const recorded = db.get<{ value: string }>(sql`SELECT value FROM meta WHERE key = 'audit_head'`)?.value ?? null;
  const head = rows.length > 0 ? `${rows.length}:${prevHash}` : null;
  if (recorded !== head) {
    const recordedCount = Number(recorded?.split(':')[0] ?? 0);
    if (rows.length < recordedCount) return { ok: false, seq: rows.length + 1, reason: 'tail_cut' };
    // As many entries as recorded, or more, yet another head: the chain was rewritten from its end.
    return { ok: false, seq: Math.max(1, Math.min(rows.length, recordedCount || rows.length)), reason: 'altered' };
  }
  const outbox = db.all<OutboxBodyRow>(sql`SELECT assignment_id, examiner_id, idempotency_key, base_version, payload FROM outbox ORDER BY id`);
  for (const row of outbox) {
    const recorded = submissions.get(row.idempotency_key);
    const named = { idempotencyKey: row.idempotency_key, assignmentId: row.assignment_id };
    if (!recorded) return { ok: false, reason: 'body_unrecorded', seq: null, ...named };
    const same =
      recorded.actor === row.examiner_id &&
      recorded.assignmentId === row.assignment_id &&
      recorded.baseVersion === row.base_version &&
      (recorded.bodySha256 === undefined || recorded.bodySha256 === bodySha256(row.payload));
    if (!same) return { ok: false, reason: 'body_altered', seq: recorded.seq, ...named };
  }
  return { ok: true, count: rows.length, head: rows.length > 0 ? prevHash : null };
}

function recordedSubmission(row: AuditRow, payload: unknown): { key: string; recorded: RecordedSubmission } | null {
  if (row.action !== 'sheet.submitted' && row.action !== 'sheet.resolved') return null;
  if (typeof payload !== 'object' || payload === null) return null;
  const fields = payload as Record<string, unknown>;
  // A conflict resolved by taking the platform's version sends nothing: no key.
  if (typeof fields.idempotencyKey !== 'string') return null;
  return {
    key: fields.idempotencyKey,
    recorded: { seq: row.seq, actor: row.actor, assignmentId: row.assignment_id, baseVersion: fields.baseVersion, bodySha256: fields.bodySha256 },
  };
}
