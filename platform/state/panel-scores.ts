import { randomUUID } from 'node:crypto';
import type { CombineRule } from '@common/platform/exams';
import type { ReReviewRequest } from '@common/platform/scores';
import { combineTotals, deviationFrom } from '@common/scoring/rubric';
import type { PlatformDb } from '../db/database';
import type { SlotContext } from './catalog';

/** Below this many accepted totals a panel's combined score says too little to judge anyone by. */
export const MIN_PANEL_TOTALS = 3;

export interface PanelTotal {
  readonly assignmentId: string;
  readonly total: number;
}

/**
 * The panel members whose total is further than `threshold` from the combined score, or none
 * while fewer than MIN_PANEL_TOTALS have scored.
 */
export function deviatingTotals(
  rule: CombineRule,
  threshold: number,
  totals: readonly PanelTotal[],
): { assignmentId: string; deviation: number }[] {
  if (totals.length < MIN_PANEL_TOTALS) return [];
  const combined = combineTotals(rule, totals.map((entry) => entry.total));
  if (combined === null) return [];
  return totals
    .map((entry) => ({ assignmentId: entry.assignmentId, deviation: deviationFrom(entry.total, combined) }))
    .filter((entry) => entry.deviation > threshold);
}

/** A re-review to push to one examiner once the transaction that requested it has committed. */
export interface ReReviewPush {
  readonly examinerId: string;
  readonly request: ReReviewRequest;
}

export interface ScoredAssignment {
  readonly id: string;
  readonly candidate_id: string;
  readonly subject_id: string;
}

interface PanelRow {
  id: string;
  examiner_id: string;
  total: number;
  accepted_at: string;
}

interface ReReviewRow {
  id: string;
  assignment_id: string;
  reason: 'deviation' | 'chief';
  deviation: number | null;
  threshold: number | null;
  note: string | null;
  requested_at: string;
}

/** A stored request as its examiner receives it: the platform's deviation, or the chief's note; nobody's score. */
function blindRequest(row: ReReviewRow): ReReviewRequest {
  const base = { requestId: row.id, assignmentId: row.assignment_id, requestedAt: row.requested_at };
  if (row.reason === 'chief') return { ...base, reason: 'chief', note: row.note ?? '' };
  return { ...base, reason: 'deviation', deviation: row.deviation ?? 0, threshold: row.threshold ?? 0 };
}

/**
 * Consistency across a panel: a candidate's accepted totals in one subject are combined by the
 * exam's rule, and an examiner whose total deviates too far is asked to re-review their sheet.
 * Only ever reveals to an examiner their own assignment and how far it is off.
 */
export class PanelScores {
  readonly #panelTotals;
  readonly #resolve;
  readonly #alreadyAsked;
  readonly #insert;
  readonly #openFor;

  constructor(db: PlatformDb) {
    this.#panelTotals = db.prepare(
      `SELECT a.id, a.examiner_id, s.total, s.accepted_at FROM assignments a JOIN scores s ON s.assignment_id = a.id
       WHERE a.candidate_id = ? AND a.subject_id = ? AND s.total IS NOT NULL AND s.accepted_at IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM recusals r WHERE r.assignment_id = a.id)`,
    );
    this.#resolve = db.prepare('UPDATE re_reviews SET resolved_at = ? WHERE assignment_id = ? AND resolved_at IS NULL');
    // A request concerns the sheet accepted at `accepted_at` when it is open, was made after it,
    // or was resolved by it: each accepted sheet is questioned at most once by the platform (a
    // chief's request is the chief's own, and does not stand in for the platform's).
    this.#alreadyAsked = db.prepare(
      `SELECT 1 FROM re_reviews WHERE assignment_id = ? AND reason = 'deviation'
         AND (resolved_at IS NULL OR requested_at >= ? OR resolved_at >= ?) LIMIT 1`,
    );
    this.#insert = db.prepare(
      "INSERT INTO re_reviews (id, assignment_id, reason, deviation, threshold, requested_at) VALUES (?, ?, 'deviation', ?, ?, ?)",
    );
    this.#openFor = db.prepare(
      `SELECT r.id, r.assignment_id, r.reason, r.deviation, r.threshold, r.note, r.requested_at FROM re_reviews r
       JOIN assignments a ON a.id = r.assignment_id
       WHERE a.examiner_id = ? AND r.resolved_at IS NULL ORDER BY r.requested_at, r.id`,
    );
  }

  /**
   * After a sheet is accepted (inside its transaction): the resubmission answers the submitter's
   * open re-review, then every panel member now too far from the combined score and not yet
   * asked about their current sheet gets a request. Recused members' sheets are void: they are
   * neither combined nor judged. Returns the requests to push after commit.
   */
  afterAccepted(assignment: ScoredAssignment, context: SlotContext, acceptedAt: string): ReReviewPush[] {
    this.#resolve.run(acceptedAt, assignment.id);
    return this.#askDeviating(assignment, context, acceptedAt);
  }

  /**
   * After a recusal (inside its transaction): the void sheet's open re-reviews are answered, and
   * the panel's remaining accepted sheets are judged again against their combination without it,
   * as after any acceptance: a member the recused sheet kept within the threshold is asked now.
   */
  afterRecused(assignment: ScoredAssignment, context: SlotContext, at: string): ReReviewPush[] {
    this.#resolve.run(at, assignment.id);
    return this.#askDeviating(assignment, context, at);
  }

  /** Asks every member whose accepted sheet for the candidate is now too far off, once per sheet. */
  #askDeviating(assignment: ScoredAssignment, context: SlotContext, at: string): ReReviewPush[] {
    const members = new Set(context.panel.examinerIds);
    const rows = (this.#panelTotals.all(assignment.candidate_id, assignment.subject_id) as PanelRow[]).filter((row) =>
      members.has(row.examiner_id),
    );
    const byAssignment = new Map(rows.map((row) => [row.id, row]));
    const pushes: ReReviewPush[] = [];
    const totals = rows.map((row) => ({ assignmentId: row.id, total: row.total }));
    for (const { assignmentId, deviation } of deviatingTotals(context.exam.combineRule, context.exam.deviationThreshold, totals)) {
      const row = byAssignment.get(assignmentId);
      if (!row || this.#alreadyAsked.get(assignmentId, row.accepted_at, row.accepted_at) !== undefined) continue;
      const request: ReReviewRequest = {
        requestId: `rr-${randomUUID()}`,
        assignmentId,
        reason: 'deviation',
        deviation,
        threshold: context.exam.deviationThreshold,
        requestedAt: at,
      };
      this.#insert.run(request.requestId, assignmentId, deviation, request.threshold, request.requestedAt);
      pushes.push({ examinerId: row.examiner_id, request });
    }
    return pushes;
  }

  /** This examiner's unanswered re-review requests (the platform's and the chiefs'), oldest first. */
  openFor(examinerId: string): ReReviewRequest[] {
    return (this.#openFor.all(examinerId) as ReReviewRow[]).map(blindRequest);
  }
}
