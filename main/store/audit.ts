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
  | 'sheet.reopened';

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

export type AuditVerdict =
  | { readonly ok: true; readonly count: number; readonly head: string | null }
  | {
      readonly ok: false;
      /** The first entry that is not what the chain says it must be. */
      readonly seq: number;
      readonly reason: 'altered' | 'missing' | 'out_of_order' | 'tail_cut';
    };

/** Walks the chain from the start and names the first broken entry. */
export function verifyAudit(db: ReadableDb): AuditVerdict {
  const rows = db.all<AuditRow>(sql`SELECT * FROM audit_log ORDER BY seq`);
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
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
  return { ok: true, count: rows.length, head: rows.length > 0 ? prevHash : null };
}
