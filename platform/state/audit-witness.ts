import { AuditFlag, type AuditFlagReason, type AuditHeadClaim } from '@common/platform/audit';
import type { Clock } from '../clock';
import type { PlatformDb } from '../db/database';

/** The head the platform holds for one examiner's chain: the latest request's claim. */
export interface HeldHead {
  readonly seq: number;
  readonly hash: string;
  readonly run: string;
  readonly request: number;
}

/**
 * first: nothing held yet; forward/same: the claim is at or past the held head; late: a request
 * of the same run sent before the held one, overtaken on the way, and consistent with it;
 * backwards/fork: the chain went back or split, to be flagged.
 */
export type HeadVerdict = 'first' | 'forward' | 'same' | 'late' | AuditFlagReason;

/**
 * How a claimed head stands to the held one. Within one run of the workstation, requests are
 * ordered by their number, not by their arrival: the later request's head must be at or past the
 * earlier one's, with the same hash at the same sequence. Across runs (a restart, or another
 * process on a copy of the database) the order of arrival is all the platform has.
 *
 * What it cannot see: a chain rolled back and then grown past the held head before its next
 * submission looks like one that moved forward, since the platform holds a hash, not the
 * entries that would show whether the new head descends from it. A restored workstation sends
 * what its backup still had in the outbox as soon as it is back online, which is caught.
 */
export function judgeHead(held: HeldHead | null, claim: AuditHeadClaim): { verdict: HeadVerdict; adopt: boolean } {
  if (held === null) return { verdict: 'first', adopt: true };
  const claimIsEarlier = held.run === claim.run && claim.request < held.request;
  const [earlier, later] = claimIsEarlier ? [claim, held] : [held, claim];
  let verdict: HeadVerdict;
  if (later.seq < earlier.seq) verdict = 'backwards';
  else if (later.seq === earlier.seq && later.hash !== earlier.hash) verdict = 'fork';
  else if (claimIsEarlier) verdict = 'late';
  else verdict = later.seq === earlier.seq ? 'same' : 'forward';
  // A flagged claim is adopted too: the chain goes on from there, and is flagged once per fork.
  return { verdict, adopt: !claimIsEarlier };
}

interface HeadRow {
  chain_id: string;
  seq: number;
  hash: string;
  run_id: string;
  request_no: number;
  seen_at: string;
}

interface FlagRow {
  id: number;
  examiner_id: string;
  chain_id: string;
  reason: AuditFlagReason;
  witnessed_chain: string;
  witnessed_seq: number;
  witnessed_hash: string;
  witnessed_at: string;
  claimed_seq: number;
  claimed_hash: string;
  assignment_ids: string;
  flagged_at: string;
}

/**
 * The platform as witness of the workstations' audit chains: per examiner and chain, the head of
 * the latest request, and every fork and new chain seen, flagged to the chief. A flag never stops a score:
 * restoring a backup forks the chain as surely as tampering does, and an examiner whose disk
 * failed must still deliver their scores.
 */
export class AuditWitness {
  readonly #held;
  readonly #lastOtherChain;
  readonly #hold;
  readonly #flag;
  readonly #flagsOf;

  constructor(
    private readonly db: PlatformDb,
    private readonly clock: Clock,
  ) {
    this.#held = db.prepare('SELECT chain_id, seq, hash, run_id, request_no, seen_at FROM audit_heads WHERE examiner_id = ? AND chain_id = ?');
    this.#lastOtherChain = db.prepare(
      'SELECT chain_id, seq, hash, run_id, request_no, seen_at FROM audit_heads WHERE examiner_id = ? AND chain_id <> ? ORDER BY seen_at DESC, rowid DESC LIMIT 1',
    );
    this.#hold = db.prepare(
      `INSERT INTO audit_heads (examiner_id, chain_id, seq, hash, run_id, request_no, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (examiner_id, chain_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, run_id = excluded.run_id,
         request_no = excluded.request_no, seen_at = excluded.seen_at`,
    );
    this.#flag = db.prepare(
      `INSERT INTO audit_flags (examiner_id, chain_id, reason, witnessed_chain, witnessed_seq, witnessed_hash, witnessed_at, claimed_seq,
         claimed_hash, assignment_ids, flagged_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#flagsOf = db.prepare('SELECT * FROM audit_flags WHERE examiner_id IN (SELECT value FROM json_each(?)) ORDER BY id');
  }

  /**
   * Judges the head a submission request claims, in a transaction of its own (what was claimed
   * stands whatever becomes of the scores), and flags a fork, or a chain new to an examiner who
   * has another: a second or reinstalled workstation, or a chain rewritten from its first entry
   * (its name is its first entry's hash). `assignmentIds`: what the request submits.
   */
  witness(examinerId: string, claim: AuditHeadClaim, assignmentIds: readonly string[]): { verdict: HeadVerdict; flagId: number | null } {
    return this.db.transaction(() => {
      const row = this.#held.get(examinerId, claim.chain) as HeadRow | undefined;
      const held = row ? { seq: row.seq, hash: row.hash, run: row.run_id, request: row.request_no } : null;
      const { verdict, adopt } = judgeHead(held, claim);
      const now = this.clock.now().toISOString();
      const flagged = this.#flagFor(examinerId, claim.chain, row ?? null, verdict);
      let flagId: number | null = null;
      if (flagged) {
        const { reason, witnessed } = flagged;
        const ids = JSON.stringify([...new Set(assignmentIds)]);
        const result = this.#flag.run(
          examinerId,
          claim.chain,
          reason,
          witnessed.chain_id,
          witnessed.seq,
          witnessed.hash,
          witnessed.seen_at,
          claim.seq,
          claim.hash,
          ids,
          now,
        );
        flagId = Number(result.lastInsertRowid);
      }
      if (adopt) this.#hold.run(examinerId, claim.chain, claim.seq, claim.hash, claim.run, claim.request, now);
      return { verdict, flagId };
    })();
  }

  /** What to flag, with the head it is measured against; null: nothing. */
  #flagFor(examinerId: string, chain: string, held: HeadRow | null, verdict: HeadVerdict): { reason: AuditFlagReason; witnessed: HeadRow } | null {
    if (held) return verdict === 'backwards' || verdict === 'fork' ? { reason: verdict, witnessed: held } : null;
    const other = this.#lastOtherChain.get(examinerId, chain) as HeadRow | undefined;
    return other ? { reason: 'new_chain', witnessed: other } : null;
  }

  /** The flags raised on these examiners' chains, oldest first. */
  flagsOf(examinerIds: readonly string[]): AuditFlag[] {
    return (this.#flagsOf.all(JSON.stringify(examinerIds)) as FlagRow[]).map((row) =>
      AuditFlag.parse({
        flagId: row.id,
        examinerId: row.examiner_id,
        chain: row.chain_id,
        reason: row.reason,
        witnessed: { chain: row.witnessed_chain, seq: row.witnessed_seq, hash: row.witnessed_hash, at: row.witnessed_at },
        claimed: { seq: row.claimed_seq, hash: row.claimed_hash },
        assignmentIds: JSON.parse(row.assignment_ids) as unknown,
        flaggedAt: row.flagged_at,
      }),
    );
  }
}
