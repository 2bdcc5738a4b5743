import type { Recusal, RecusalReason } from '@common/platform/fairness';
import type { Clock } from '../clock';
import type { PlatformDb } from '../db/database';
import { RoomLogStore } from '../room/log';
import type { Accounts } from './accounts';
import type { Catalog } from './catalog';
import { PanelScores, type ReReviewPush } from './panel-scores';
import type { AssignmentRow } from './scores';
import type { ScoreGate } from './score-gates';

interface RecusalRow {
  assignment_id: string;
  reason: RecusalReason;
  note: string | null;
  declared_at: string;
  declared_by: 'self' | 'chief';
}

const COLUMNS = 'assignment_id, reason, note, declared_at, declared_by';

export function recusalOf(row: RecusalRow): Recusal {
  return { assignmentId: row.assignment_id, reason: row.reason, note: row.note, declaredAt: row.declared_at, declaredBy: row.declared_by };
}

/** What a recusal changed, for the caller to tell once its transaction has committed. */
export interface Recused {
  readonly recusal: Recusal;
  readonly assignment: AssignmentRow;
  /** Re-reviews the panel's new combination asks of other members (see PanelScores.afterRecused). */
  readonly reReviews: readonly ReReviewPush[];
}

/** Why a recusal is refused: one is already declared, or (for the examiner) the sheet was accepted. */
export type RecusalConflict = { readonly kind: 'already_recused'; readonly recusal: Recusal } | { readonly kind: 'already_scored' };

/**
 * Recusals (利益关系者回避): an examiner stands aside from a candidate they know, before their
 * sheet is accepted; a chief records one for a member at any time. A recusal is final (the
 * table's triggers refuse changes): the sheet is void, out of the panel's combination and the
 * deviation check (the others' accepted sheets are judged again without it), its open re-reviews
 * are answered, and every later submission is refused 403
 * `recused` (the gate). For a live assignment the room log notes it (the reason category, never
 * the note, which stays with the chiefs).
 */
export class Recusals {
  readonly #of;
  readonly #forExaminer;
  readonly #insert;
  readonly #accepted;
  readonly #entry;
  readonly #panel: PanelScores;
  readonly #log: RoomLogStore;

  constructor(
    private readonly db: PlatformDb,
    private readonly clock: Clock,
    private readonly catalog: Catalog,
    accounts: Accounts,
  ) {
    this.#of = db.prepare(`SELECT ${COLUMNS} FROM recusals WHERE assignment_id = ?`);
    this.#forExaminer = db.prepare(
      `SELECT r.assignment_id, r.reason, r.note, r.declared_at, r.declared_by FROM recusals r JOIN assignments a ON a.id = r.assignment_id
       WHERE a.examiner_id = ?`,
    );
    this.#insert = db.prepare(`INSERT INTO recusals (${COLUMNS}, recorded_by) VALUES (?, ?, ?, ?, ?, ?)`);
    this.#accepted = db.prepare('SELECT 1 FROM scores WHERE assignment_id = ? AND accepted_at IS NOT NULL');
    this.#entry = db.prepare('SELECT q.id AS entry_id FROM assignments a JOIN queue_entries q ON q.id = a.entry_id WHERE a.id = ?');
    this.#panel = new PanelScores(db);
    this.#log = new RoomLogStore(db, clock, accounts);
  }

  of(assignmentId: string): Recusal | null {
    const row = this.#of.get(assignmentId) as RecusalRow | undefined;
    return row ? recusalOf(row) : null;
  }

  /** The examiner's recusals by assignment. */
  forExaminer(examinerId: string): Map<string, Recusal> {
    return new Map((this.#forExaminer.all(examinerId) as RecusalRow[]).map((row) => [row.assignment_id, recusalOf(row)]));
  }

  /**
   * Declares a recusal in one transaction: `self` only before the sheet is accepted, `chief`
   * also after. Returns the recusal, or why it is refused; `recordedBy` is whoever declared it.
   */
  declare(
    assignment: AssignmentRow,
    body: { reason: RecusalReason; note?: string | undefined },
    declaredBy: 'self' | 'chief',
    recordedBy: string,
    then: (recusal: Recusal) => void = () => undefined,
  ): Recused | RecusalConflict {
    return this.db.transaction((): Recused | RecusalConflict => {
      const existing = this.of(assignment.id);
      if (existing) return { kind: 'already_recused', recusal: existing };
      if (declaredBy === 'self' && this.#accepted.get(assignment.id) !== undefined) return { kind: 'already_scored' };
      const context = this.catalog.slot(assignment.slot_id);
      if (!context) throw new Error(`assignment ${assignment.id} names unknown slot ${assignment.slot_id}`);
      const note = body.note === undefined || body.note === '' ? null : body.note;
      const recusal: Recusal = { assignmentId: assignment.id, reason: body.reason, note, declaredAt: this.clock.now().toISOString(), declaredBy };
      this.#insert.run(recusal.assignmentId, recusal.reason, recusal.note, recusal.declaredAt, recusal.declaredBy, recordedBy);
      const reReviews = this.#panel.afterRecused(assignment, context, recusal.declaredAt);
      const live = context.slot.kind === 'live';
      const entry = live ? (this.#entry.get(assignment.id) as { entry_id: string } | undefined) : undefined;
      if (entry) this.#log.append(entry.entry_id, assignment.examiner_id, 'recusal', { reason: recusal.reason });
      then(recusal);
      return { recusal, assignment, reReviews };
    })();
  }

  /** Refuses every submission for a recused assignment, single or batch (a recorded answer still replays). */
  gate(): ScoreGate {
    return {
      refuse: (assignment) =>
        this.#of.get(assignment.id) === undefined
          ? null
          : { status: 403, code: 'recused', message: 'the examiner recused themselves from this candidate: the sheet is void' },
    };
  }
}
