import { z } from 'zod';
import { Id } from './exams';

/**
 * The workstation's audit trail, witnessed by the platform. The trail is a hash chain kept in the
 * workstation's own database, so the file alone cannot show that it was rolled back to a backup,
 * or cut and re-headed: only someone who saw the head before can. Every score submission (single
 * or batch) therefore carries the header
 *
 *   Audit-Head: <seq>:<hash>; chain=<chain id>; run=<run id>; request=<n>
 *
 * - `seq:hash`: the head of the chain when the request was sent (its last entry's number and hash);
 * - `chain`: names the chain: the hash of its first entry, so one per workstation database, kept
 *   by a restored backup, and changed only by rewriting the whole chain;
 * - `run`: names the workstation process that sent the request; `request` numbers that run's
 *   requests 1, 2, 3… so that a request overtaken on the way is not taken for a step back.
 *
 * The platform keeps, per examiner and chain, the latest head it has seen. A head whose sequence
 * goes backwards, or that has another hash at the sequence it saw, is a fork of the chain. A
 * backup restored after a damaged disk forks it as surely as tampering does, and the platform
 * cannot tell them apart, so it never refuses the scores for it: it accepts them as usual and
 * flags the fork to the chief examiner (`GET /audit-flags`). A chain it has not seen from an
 * examiner it holds another chain of is flagged too: a second or reinstalled workstation, or a
 * chain rewritten from its first entry. A submission without the header is witnessed by nobody
 * (platform tools and simulators have no chain); a malformed one is a 400 `bad_audit_head`.
 */

export const AUDIT_HEAD_HEADER = 'audit-head';

const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
const ChainId = Sha256Hex;
const Counter = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** What an `Audit-Head` header says. */
export interface AuditHeadClaim {
  readonly seq: number;
  readonly hash: string;
  readonly chain: string;
  readonly run: string;
  readonly request: number;
}

const HEADER_FORMAT = /^([1-9][0-9]{0,14}):([0-9a-f]{64}); chain=([0-9a-f]{64}); run=([0-9a-f]{32}); request=([1-9][0-9]{0,14})$/;

/** The `Audit-Head` header, parsed into what it claims. */
export const AuditHead = z
  .string()
  .regex(HEADER_FORMAT, 'expected "<seq>:<sha256 hex>; chain=<sha256 hex>; run=<32 hex>; request=<n>"')
  .transform((value, context): AuditHeadClaim => {
    const [, seq, hash, chain, run, request] = HEADER_FORMAT.exec(value) ?? [];
    if (seq === undefined || hash === undefined || chain === undefined || run === undefined || request === undefined) {
      context.addIssue({ code: 'custom', message: 'not an Audit-Head' });
      return z.NEVER;
    }
    return { seq: Number(seq), hash, chain, run, request: Number(request) };
  });

/** The header value for a claim; `AuditHead` parses it back. */
export function formatAuditHead(claim: AuditHeadClaim): string {
  return `${String(claim.seq)}:${claim.hash}; chain=${claim.chain}; run=${claim.run}; request=${String(claim.request)}`;
}

/**
 * backwards: the head's sequence is below the one the platform held for the chain; fork: the
 * held sequence with another hash; new_chain: a chain the platform had not seen, from an
 * examiner it holds another chain of.
 */
export const AuditFlagReason = z.enum(['backwards', 'fork', 'new_chain']);
export type AuditFlagReason = z.infer<typeof AuditFlagReason>;

/** A point of a chain as the platform saw it. */
export const WitnessedHead = z.object({
  seq: Counter,
  hash: Sha256Hex,
});

/**
 * A fork the platform saw in an examiner's audit chain, shown to the chief examiners of the
 * examiner's panels. The scores sent with it were accepted as usual; the flag is for the chief to
 * ask why (a restored backup, a replaced computer, or tampering).
 */
export const AuditFlag = z.object({
  flagId: Counter,
  examinerId: Id,
  chain: ChainId,
  reason: AuditFlagReason,
  /**
   * The head the platform held, and when it saw it: of this chain, or for `new_chain` of the
   * examiner's chain it saw last.
   */
  witnessed: WitnessedHead.extend({ chain: ChainId, at: z.iso.datetime() }),
  /** The head the flagged request claimed. */
  claimed: WitnessedHead,
  /** What the flagged request submitted (assignments of the examiner's, on any panel). */
  assignmentIds: z.array(Id),
  flaggedAt: z.iso.datetime(),
});
export type AuditFlag = z.infer<typeof AuditFlag>;

export const AuditFlagList = z.object({ flags: z.array(AuditFlag) });
export type AuditFlagList = z.infer<typeof AuditFlagList>;
