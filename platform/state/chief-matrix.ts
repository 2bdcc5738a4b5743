import type { MatrixCell, MatrixMember, MatrixRow, ReReviewState, ResultCandidate, SheetState } from '@common/platform/chief';
import type { SheetProgress } from '@common/platform/chief';
import type { Recusal, RecusalReason } from '@common/platform/fairness';
import { ScoreSheet } from '@common/platform/scores';
import { combineTotals, deviationFrom } from '@common/scoring/rubric';
import type { PlatformDb } from '../db/database';
import type { Accounts } from './accounts';
import type { SlotContext } from './catalog';
import type { BlindCodes } from './codes';
import { deviatingTotals } from './panel-scores';

/** Up to this many rows, a push numbers them by the queue's index instead of ordering the whole slot. */
const FEW_ROWS = 20;

interface CellRecord {
  id: string;
  examiner_id: string;
  candidate_id: string;
  version: number;
  total: number | null;
  accepted_at: string | null;
  first_accepted_at: string | null;
  locked: number;
  progress: SheetProgress | null;
  /** Of the sheet's re-review requests: null with none, 0 while one is open, 1 when all are answered. */
  answered: 0 | 1 | null;
  /** 1 when the member recused themselves from the candidate (or a chief recorded it); the recusal's columns then. */
  recused: number;
  recusal_reason: RecusalReason | null;
  recusal_note: string | null;
  recusal_at: string | null;
  recusal_by: 'self' | 'chief' | null;
  /** How many technical-issue marks the accepted sheet carries. */
  issues: number;
  sheet?: string | null;
}

const CELL_COLUMNS = `a.id, a.examiner_id, a.candidate_id, COALESCE(s.version, 0) AS version, s.total, s.accepted_at, s.first_accepted_at,
  COALESCE(s.locked, 0) AS locked, p.state AS progress, rc.assignment_id IS NOT NULL AS recused, rc.reason AS recusal_reason,
  rc.note AS recusal_note, rc.declared_at AS recusal_at, rc.declared_by AS recusal_by, rr.answered,
  CASE WHEN s.accepted_at IS NULL THEN 0 ELSE COALESCE(json_array_length(s.sheet, '$.technicalIssues'), 0) END AS issues`;
// Re-reviews are few: grouped once for the slot rather than looked up per cell.
const CELL_FROM = `FROM assignments a LEFT JOIN scores s ON s.assignment_id = a.id LEFT JOIN sheet_progress p ON p.assignment_id = a.id
  LEFT JOIN recusals rc ON rc.assignment_id = a.id
  LEFT JOIN (SELECT r.assignment_id, MIN(r.resolved_at IS NOT NULL) AS answered FROM re_reviews r
             JOIN assignments ra ON ra.id = r.assignment_id WHERE ra.slot_id = @slot GROUP BY r.assignment_id) rr ON rr.assignment_id = a.id
  WHERE a.slot_id = @slot AND a.subject_id = @subject`;

/** A cell's state: a recusal stands aside, an accepted sheet outranks any report, else the latest report. */
export function sheetStateOf(cell: Pick<CellRecord, 'recused' | 'total' | 'accepted_at' | 'progress'>): SheetState {
  if (cell.recused === 1) return 'recused';
  if (cell.total !== null && cell.accepted_at !== null) return 'accepted';
  return cell.progress ?? 'not_scored';
}

const reReviewOf = (answered: 0 | 1 | null): ReReviewState => (answered === null ? 'none' : answered === 1 ? 'answered' : 'open');

function recusalOf(record: CellRecord): Recusal | null {
  if (record.recused !== 1 || record.recusal_reason === null || record.recusal_at === null || record.recusal_by === null) return null;
  return {
    assignmentId: record.id,
    reason: record.recusal_reason,
    note: record.recusal_note,
    declaredAt: record.recusal_at,
    declaredBy: record.recusal_by,
  };
}

/** One candidate's cells, judged as the platform's automatic re-review judges them. */
interface JudgedRow {
  readonly candidateId: string;
  readonly combined: number | null;
  readonly accepted: number;
  readonly counting: number;
  readonly cells: readonly { record: CellRecord; cell: MatrixCell }[];
}

/**
 * The chief's view of a slot's scores, computed with a few set-based queries whatever the size
 * (one for the cells, one for the order): one row per candidate of the slot, one cell per panel
 * member who has the candidate, the combined score by the exam's rule over the accepted totals,
 * and each deviation flagged exactly as the automatic re-review would (deviatingTotals). A
 * recused member's cell is `recused` (with the recusal): it neither counts nor combines.
 */
export class ChiefMatrix {
  readonly #cells;
  readonly #someCells;
  readonly #sheets;
  readonly #appointments;
  readonly #candidateIds;
  readonly #panelCandidateIds;
  readonly #place;
  readonly #codes = new Map<string, string>();

  constructor(
    db: PlatformDb,
    private readonly accounts: Accounts,
    private readonly codes: BlindCodes,
  ) {
    this.#cells = db.prepare(`SELECT ${CELL_COLUMNS} ${CELL_FROM}`);
    this.#someCells = db.prepare(`SELECT ${CELL_COLUMNS} ${CELL_FROM} AND a.candidate_id IN (SELECT value FROM json_each(@ids))`);
    this.#sheets = db.prepare(`SELECT ${CELL_COLUMNS}, s.sheet ${CELL_FROM}`);
    this.#appointments = db.prepare('SELECT candidate_id FROM queue_entries WHERE slot_id = ? ORDER BY appointment_at, id');
    this.#place = db.prepare(
      `SELECT q.candidate_id, (SELECT COUNT(*) FROM queue_entries o WHERE o.slot_id = q.slot_id
         AND (o.appointment_at < q.appointment_at OR (o.appointment_at = q.appointment_at AND o.id <= q.id))) AS place
       FROM queue_entries q WHERE q.slot_id = ? AND q.candidate_id IN (SELECT value FROM json_each(?))`,
    );
    this.#candidateIds = db.prepare('SELECT DISTINCT candidate_id FROM assignments WHERE slot_id = ? AND subject_id = ?');
    // The candidates that have a row: a cell of a panel member (as #judge keeps them).
    this.#panelCandidateIds = db.prepare(
      'SELECT DISTINCT candidate_id FROM assignments WHERE slot_id = ? AND subject_id = ? AND examiner_id IN (SELECT value FROM json_each(?))',
    );
  }

  /** The chief's blind code of a candidate (memoized: codes never change). */
  codeOf(chiefId: string, candidateId: string): string {
    const key = `${chiefId}\u0000${candidateId}`;
    let code = this.#codes.get(key);
    if (code === undefined) {
      code = this.codes.codeFor(chiefId, candidateId);
      this.#codes.set(key, code);
    }
    return code;
  }

  members(context: SlotContext, chiefId: string): MatrixMember[] {
    return context.panel.examinerIds.map((id) => ({
      memberId: id,
      displayName: this.accounts.profile(id)?.displayName ?? id,
      isYou: id === chiefId,
    }));
  }

  /** Every row of the slot, in order; or only the rows of `candidateIds` (for a push), still numbered in the slot's order. */
  rows(context: SlotContext, chiefId: string, candidateIds: readonly string[] | null = null): MatrixRow[] {
    const records = (
      candidateIds === null
        ? this.#cells.all({ slot: context.slot.id, subject: context.subject.id })
        : this.#someCells.all({ slot: context.slot.id, subject: context.subject.id, ids: JSON.stringify(candidateIds) })
    ) as CellRecord[];
    const judged = this.#judge(context, records);
    const order =
      candidateIds !== null && context.slot.kind === 'live' && candidateIds.length <= FEW_ROWS
        ? this.#places(context, chiefId, candidateIds)
        : this.#order(context, chiefId, candidateIds === null ? judged.map((row) => row.candidateId) : null);
    return this.#rowsOf(chiefId, judged, order);
  }

  /**
   * The rows [offset, offset + limit) of the slot in its order, and how many rows the slot has:
   * the slot's order is chosen once (its queue and its candidates' codes, without their cells),
   * then only the page's candidates' cells are read and judged. Pages concatenated are the whole.
   */
  page(context: SlotContext, chiefId: string, offset: number, limit: number): { rows: MatrixRow[]; totalRows: number } {
    const candidates = (
      this.#panelCandidateIds.all(context.slot.id, context.subject.id, JSON.stringify(context.panel.examinerIds)) as { candidate_id: string }[]
    ).map((row) => row.candidate_id);
    const order = this.#order(context, chiefId, candidates);
    const inSlot = new Set(candidates);
    const ordered = [...order.keys()].filter((id) => inSlot.has(id));
    const ids = ordered.slice(offset, offset + limit);
    if (ids.length === 0) return { rows: [], totalRows: ordered.length };
    const records = this.#someCells.all({ slot: context.slot.id, subject: context.subject.id, ids: JSON.stringify(ids) }) as CellRecord[];
    return { rows: this.#rowsOf(chiefId, this.#judge(context, records), order), totalRows: ordered.length };
  }

  #rowsOf(chiefId: string, judged: readonly JudgedRow[], order: ReadonlyMap<string, number>): MatrixRow[] {
    return judged
      .map(
        (row): MatrixRow => ({
          candidateCode: this.codeOf(chiefId, row.candidateId),
          order: order.get(row.candidateId) ?? order.size + 1,
          combined: row.combined,
          accepted: row.accepted,
          counting: row.counting,
          cells: row.cells.map(({ cell }) => cell),
        }),
      )
      .sort((a, b) => a.order - b.order || a.candidateCode.localeCompare(b.candidateCode));
  }

  /** The results of a slot: every sheet's criterion values as accepted, with the rows' judgement. */
  results(context: SlotContext, chiefId: string, nameOf: ((candidateId: string) => string | null) | null): ResultCandidate[] {
    const records = this.#sheets.all({ slot: context.slot.id, subject: context.subject.id }) as CellRecord[];
    const judged = this.#judge(context, records);
    const order = this.#order(context, chiefId, judged.map((row) => row.candidateId));
    const names = new Map(context.panel.examinerIds.map((id) => [id, this.accounts.profile(id)?.displayName ?? id]));
    return judged
      .sort((a, b) => (order.get(a.candidateId) ?? 0) - (order.get(b.candidateId) ?? 0))
      .map((row) => ({
        candidateCode: this.codeOf(chiefId, row.candidateId),
        candidateName: nameOf === null ? null : nameOf(row.candidateId),
        slotId: context.slot.id,
        combined: row.combined,
        accepted: row.accepted,
        counting: row.counting,
        sheets: row.cells.map(({ record, cell }) => {
          // A recused member's sheet is void: neither its values nor its marks are results.
          const sheet = cell.state === 'accepted' && record.sheet ? ScoreSheet.parse(JSON.parse(record.sheet)) : null;
          return {
            memberId: record.examiner_id,
            memberName: names.get(record.examiner_id) ?? record.examiner_id,
            state: cell.state,
            values: sheet?.values ?? null,
            total: cell.total,
            version: cell.version,
            acceptedAt: cell.acceptedAt,
            band: sheet?.band ?? null,
            technicalIssues: sheet?.technicalIssues ?? [],
            recusal: cell.recusal,
          };
        }),
      }));
  }

  /** Groups the cells by candidate (members in panel order) and judges each row. */
  #judge(context: SlotContext, records: readonly CellRecord[]): JudgedRow[] {
    const place = new Map(context.panel.examinerIds.map((id, index) => [id, index]));
    const byCandidate = new Map<string, CellRecord[]>();
    for (const record of records) {
      if (!place.has(record.examiner_id)) continue;
      let list = byCandidate.get(record.candidate_id);
      if (!list) byCandidate.set(record.candidate_id, (list = []));
      list.push(record);
    }
    const { combineRule, deviationThreshold } = context.exam;
    const rows: JudgedRow[] = [];
    for (const [candidateId, list] of byCandidate) {
      list.sort((a, b) => (place.get(a.examiner_id) ?? 0) - (place.get(b.examiner_id) ?? 0));
      const states = list.map((record) => sheetStateOf(record));
      const totals = list.flatMap((record, index) =>
        states[index] === 'accepted' && record.total !== null ? [{ assignmentId: record.id, total: record.total }] : [],
      );
      const combined = combineTotals(combineRule, totals.map((entry) => entry.total));
      const flagged = new Set(deviatingTotals(combineRule, deviationThreshold, totals).map((entry) => entry.assignmentId));
      const cells = list.map((record, index) => {
        const state = states[index] ?? 'not_scored';
        const accepted = state === 'accepted';
        const cell: MatrixCell = {
          assignmentId: record.id,
          memberId: record.examiner_id,
          state,
          total: accepted ? record.total : null,
          version: record.version,
          locked: record.locked === 1,
          acceptedAt: record.accepted_at,
          firstAcceptedAt: record.first_accepted_at ?? record.accepted_at,
          deviation: accepted && combined !== null && record.total !== null ? deviationFrom(record.total, combined) : null,
          flagged: flagged.has(record.id),
          reReview: reReviewOf(record.answered),
          recusal: recusalOf(record),
          technicalIssues: record.issues,
        };
        return { record, cell };
      });
      rows.push({
        candidateId,
        combined,
        accepted: totals.length,
        counting: states.filter((state) => state !== 'recused').length,
        cells,
      });
    }
    return rows;
  }

  /**
   * Each candidate's place in the slot, from 1: by appointment for a live slot (its queue), else
   * by the chief's candidate code. `known`: the slot's candidates when the caller has them all.
   */
  #order(context: SlotContext, chiefId: string, known: readonly string[] | null): Map<string, number> {
    const order = new Map<string, number>();
    if (context.slot.kind === 'live') {
      for (const { candidate_id } of this.#appointments.all(context.slot.id) as { candidate_id: string }[]) {
        if (!order.has(candidate_id)) order.set(candidate_id, order.size + 1);
      }
    }
    // Recorded slots, and any candidate of a live slot without an appointment: by code, after the queue.
    const rest = (known ?? this.#candidates(context)).filter((id) => !order.has(id));
    rest
      .map((id) => ({ id, code: this.codeOf(chiefId, id) }))
      .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
      .forEach(({ id }) => order.set(id, order.size + 1));
    return order;
  }

  /** The places of a few candidates of a live slot in its appointment order (each by the queue's index). */
  #places(context: SlotContext, chiefId: string, candidateIds: readonly string[]): Map<string, number> {
    const rows = this.#place.all(context.slot.id, JSON.stringify(candidateIds)) as { candidate_id: string; place: number }[];
    const places = new Map(rows.map((row) => [row.candidate_id, row.place]));
    // A candidate without an appointment comes after the queue, as in the whole matrix.
    return places.size === candidateIds.length ? places : this.#order(context, chiefId, null);
  }

  #candidates(context: SlotContext): string[] {
    return (this.#candidateIds.all(context.slot.id, context.subject.id) as { candidate_id: string }[]).map((row) => row.candidate_id);
  }
}
