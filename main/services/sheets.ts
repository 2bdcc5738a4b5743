import { randomUUID } from 'node:crypto';
import { ContractFailure, type ResolveConflictInput, type SheetInput, type SheetState } from '@common/contract';
import { AssignmentList, Exam, type Rubric, type ScoreSheet } from '@common/platform';
import { checkValues } from '@common/scoring/rubric';
import type { EventHub } from '../contract/event-hub';
import { appendAudit, bodySha256 } from '../store/audit';
import type { ReadableDb, Store, WritableDb } from '../store/connection';
import { sql } from '../store/sql';
import type { PlatformCache } from './cache';
import type { SessionService } from './session';
import type { SheetProgressSink } from './sheet-progress';
import { rowToState, sortedMarks, StoredConflict, type SheetRow } from './sheet-row';

/** A sheet's write may spend the disk space held back for it: a score is never lost to a full disk. */
const SHEET_WRITE = { mayUseReserve: true } as const;

/**
 * Score sheets: one per (assignment, examiner), autosaved as a draft on every change, checked
 * against the subject's rubric, submitted into the outbox with an idempotency key fixed for
 * every retry. Every change goes into the audit trail in the same transaction.
 */
export class SheetService {
  readonly #rubrics = new Map<string, Rubric>();

  constructor(
    private readonly store: Store,
    private readonly cache: PlatformCache,
    private readonly session: SessionService,
    private readonly events: EventHub,
    private readonly onSubmitted: () => void,
    private readonly now: () => Date = () => new Date(),
    /** Tells the platform a sheet is saved or submitted (never its values), for the chief's matrix. */
    private readonly progress: SheetProgressSink | null = null,
  ) {}

  get(assignmentId: string): SheetState | null {
    const examinerId = this.session.requireExaminerId();
    const row = readSheet(this.store.reader, assignmentId, examinerId);
    return row ? rowToState(row, this.#rubricFor(examinerId, assignmentId)) : null;
  }

  save(input: SheetInput): SheetState {
    const examinerId = this.session.requireExaminerId();
    const rubric = this.#rubricFor(examinerId, input.assignmentId);
    const check = checkValues(rubric, input.values);
    const refused = check.problems.filter((problem) => problem.problem !== 'missing');
    if (refused.length > 0) {
      throw new ContractFailure('invalid_sheet', refused.map((problem) => `${problem.criterionId}: ${problem.problem}`).join('; '));
    }
    const at = this.now().toISOString();
    const saved = this.store.transaction((db) => {
      const existing = readSheet(db, input.assignmentId, examinerId);
      if (existing && (existing.status === 'submitted' || existing.status === 'accepted')) {
        throw new ContractFailure('sheet_read_only', `the sheet is ${existing.status}`);
      }
      // A refused sheet that is edited becomes a draft again; a conflict stays one until resolved.
      const status = existing?.status === 'conflict' ? 'conflict' : 'draft';
      const values = JSON.stringify(input.values);
      const note = input.violation.flagged ? input.violation.note : null;
      // Marks left out of the input are kept as stored (a caller that knows nothing of them).
      const marks = input.marks === undefined ? null : sortedMarks(input.marks);
      if (marks && new Set(marks.map((mark) => mark.id)).size !== marks.length) {
        throw new ContractFailure('invalid_input', 'two review marks share an id');
      }
      const marksJson = JSON.stringify(marks ?? []);
      const keepMarks = marks === null ? 1 : 0;
      db.run(sql`INSERT INTO score_sheets (assignment_id, examiner_id, rubric_id, rubric_version, sheet_values, comment,
                   violation, violation_note, review_marks, total, status, revision, updated_at)
                 VALUES (${input.assignmentId}, ${examinerId}, ${rubric.id}, ${rubric.version}, ${values}, ${input.comment},
                   ${input.violation.flagged ? 1 : 0}, ${note}, ${marksJson}, ${check.total}, ${status}, 1, ${at})
                 ON CONFLICT (assignment_id, examiner_id) DO UPDATE SET
                   sheet_values = excluded.sheet_values, comment = excluded.comment, violation = excluded.violation,
                   violation_note = excluded.violation_note,
                   review_marks = CASE WHEN ${keepMarks} = 1 THEN score_sheets.review_marks ELSE excluded.review_marks END,
                   total = excluded.total, status = excluded.status,
                   revision = score_sheets.revision + 1, updated_at = excluded.updated_at, error = NULL`);
      appendAudit(db, {
        actor: examinerId,
        action: 'sheet.saved',
        assignmentId: input.assignmentId,
        payload: { values: input.values, comment: input.comment, violation: { flagged: input.violation.flagged, note }, ...(marks && { marks }) },
        at,
      });
      return rowToState(mustRead(db, input.assignmentId, examinerId), rubric);
    }, SHEET_WRITE);
    this.progress?.saved(saved.assignmentId, saved.baseVersion);
    return saved;
  }

  submit(assignmentId: string): SheetState {
    const examinerId = this.session.requireExaminerId();
    const rubric = this.#rubricFor(examinerId, assignmentId);
    const state = this.store.transaction((db) => {
      const row = readSheet(db, assignmentId, examinerId);
      if (!row) throw new ContractFailure('incomplete_sheet', 'nothing has been scored yet');
      if (row.status === 'submitted' || row.status === 'accepted') throw new ContractFailure('sheet_read_only', `the sheet is ${row.status}`);
      if (row.status === 'conflict') throw new ContractFailure('sheet_read_only', 'resolve the conflict first');
      this.#enqueue(db, row, rubric, examinerId, row.base_version, 'sheet.submitted');
      return rowToState(mustRead(db, assignmentId, examinerId), rubric);
    }, SHEET_WRITE);
    this.onSubmitted();
    this.progress?.submitted(assignmentId);
    return state;
  }

  /**
   * Opens an accepted sheet again because the platform asked for a re-review: it becomes a
   * draft based on the accepted version, so its resubmission replaces that version.
   */
  reopen(assignmentId: string, requestId: string): SheetState {
    const examinerId = this.session.requireExaminerId();
    const rubric = this.#rubricFor(examinerId, assignmentId);
    const at = this.now().toISOString();
    const state = this.store.transaction((db) => {
      const row = readSheet(db, assignmentId, examinerId);
      if (!row || row.status !== 'accepted' || row.accepted_version === null) {
        throw new ContractFailure('not_found', 'only an accepted sheet can be reopened for a re-review');
      }
      db.run(sql`UPDATE score_sheets SET status = 'draft', base_version = ${row.accepted_version}, revision = revision + 1, updated_at = ${at}
                 WHERE assignment_id = ${assignmentId} AND examiner_id = ${examinerId}`);
      appendAudit(db, { actor: examinerId, action: 'sheet.reopened', assignmentId, payload: { requestId, acceptedVersion: row.accepted_version }, at });
      return rowToState(mustRead(db, assignmentId, examinerId), rubric);
    }, SHEET_WRITE);
    this.events.emit('sheet.changed', state);
    return state;
  }

  resolveConflict(input: ResolveConflictInput): SheetState {
    const examinerId = this.session.requireExaminerId();
    const rubric = this.#rubricFor(examinerId, input.assignmentId);
    const at = this.now().toISOString();
    const state = this.store.transaction((db) => {
      const row = readSheet(db, input.assignmentId, examinerId);
      if (!row || row.status !== 'conflict' || row.conflict === null) throw new ContractFailure('not_found', 'no conflict on this sheet');
      const conflict = rowToState(row, rubric).conflict;
      if (!conflict) throw new ContractFailure('not_found', 'no conflict on this sheet');
      const platform = conflict.platform;
      if (input.keep === 'mine') {
        if (platform.locked) throw new ContractFailure('sheet_read_only', 'the chief examiner has locked this sheet');
        // Our version again, now based on the platform's: a new request, so a new key.
        this.#enqueue(db, row, rubric, examinerId, platform.version, 'sheet.resolved');
      } else {
        const sheet = platform.sheet;
        db.run(sql`UPDATE score_sheets SET
                     sheet_values = ${JSON.stringify(sheet?.values ?? {})}, comment = ${sheet?.comment ?? ''},
                     violation = ${sheet?.violation.flagged ? 1 : 0}, violation_note = ${sheet?.violation.note ?? null},
                     review_marks = ${JSON.stringify(sortedMarks(sheet?.marks ?? []))},
                     total = ${platform.total}, status = ${sheet ? 'accepted' : 'draft'}, base_version = ${platform.version},
                     accepted_version = ${sheet ? platform.version : null}, accepted_at = ${platform.acceptedAt},
                     conflict = NULL, revision = revision + 1, updated_at = ${at}
                   WHERE assignment_id = ${input.assignmentId} AND examiner_id = ${examinerId}`);
        appendAudit(db, { actor: examinerId, action: 'sheet.resolved', assignmentId: input.assignmentId, payload: { keep: 'platform', version: platform.version }, at });
      }
      return rowToState(mustRead(db, input.assignmentId, examinerId), rubric);
    }, SHEET_WRITE);
    if (input.keep === 'mine') {
      this.onSubmitted();
      this.progress?.submitted(input.assignmentId);
    }
    this.events.emit('sheet.changed', state);
    return state;
  }

  /**
   * The chief locked or unlocked the sheet: a conflict kept from a 423 holds the platform's word
   * at that time, and must not go on refusing "keep mine" once the sheet is unlocked (nor offer
   * it once locked again).
   */
  lockChanged(assignmentId: string, locked: boolean): void {
    const examinerId = this.session.session?.examiner.id;
    if (examinerId === undefined) return;
    const row = readSheet(this.store.reader, assignmentId, examinerId);
    if (!row || row.status !== 'conflict' || row.conflict === null) return;
    const conflict = StoredConflict.parse(JSON.parse(row.conflict));
    if (conflict.platform.locked === locked) return;
    const updated = JSON.stringify({ ...conflict, platform: { ...conflict.platform, locked } });
    const state = this.store.transaction((db) => {
      db.run(sql`UPDATE score_sheets SET conflict = ${updated}, revision = revision + 1
                 WHERE assignment_id = ${assignmentId} AND examiner_id = ${examinerId} AND status = 'conflict'`);
      return rowToState(mustRead(db, assignmentId, examinerId), this.#rubricFor(examinerId, assignmentId));
    }, SHEET_WRITE);
    this.events.emit('sheet.changed', state);
  }

  /** Freezes the sheet into the outbox: this exact body and key are what every retry sends. */
  #enqueue(db: WritableDb, row: SheetRow, rubric: Rubric, examinerId: string, baseVersion: number, action: 'sheet.submitted' | 'sheet.resolved'): void {
    const state = rowToState(row, rubric);
    if (state.problems.length > 0 || state.total === null) {
      throw new ContractFailure('incomplete_sheet', state.problems.map((problem) => `${problem.criterionId}: ${problem.problem}`).join('; '));
    }
    if (state.violation.flagged && !state.violation.note?.trim()) {
      throw new ContractFailure('incomplete_sheet', 'a flagged violation needs a note');
    }
    const at = this.now().toISOString();
    const key = randomUUID();
    const sheet: ScoreSheet = {
      values: state.values,
      comment: state.comment,
      violation: { flagged: state.violation.flagged, note: state.violation.flagged ? state.violation.note : null },
      // No auditHead: the chain's head travels in each request's Audit-Head header, read when it is sent.
      // Only when there are some: a sheet without marks is sent exactly as before they existed.
      ...(state.marks.length > 0 && { marks: state.marks }),
    };
    const body = JSON.stringify(sheet);
    // The entry records the exact body, so verifyAudit can tell a body changed while it waits.
    appendAudit(db, {
      actor: examinerId,
      action,
      assignmentId: row.assignment_id,
      payload: { idempotencyKey: key, baseVersion, total: state.total, revision: row.revision, bodySha256: bodySha256(body) },
      at,
    });
    db.run(sql`INSERT INTO outbox (assignment_id, examiner_id, idempotency_key, base_version, payload, created_at)
               VALUES (${row.assignment_id}, ${examinerId}, ${key}, ${baseVersion}, ${body}, ${at})`);
    db.run(sql`UPDATE score_sheets SET status = 'submitted', submitted_at = ${at}, base_version = ${baseVersion},
                 conflict = NULL, error = NULL
               WHERE assignment_id = ${row.assignment_id} AND examiner_id = ${examinerId}`);
  }

  /** The rubric of the assignment's subject, from the cached assignments and exam. */
  #rubricFor(examinerId: string, assignmentId: string): Rubric {
    const memo = `${examinerId}\u0000${assignmentId}`;
    const known = this.#rubrics.get(memo);
    if (known) return known;
    const assignment = this.cache
      .peek(examinerId, 'assignments', 'all', AssignmentList)
      ?.assignments.find((candidate) => candidate.assignmentId === assignmentId);
    if (!assignment) throw new ContractFailure('not_found', `no assignment ${assignmentId} (list assignments while online first)`);
    const exam = this.cache.peek(examinerId, 'exam', assignment.examId, Exam);
    const rubric = exam?.subjects.find((subject) => subject.id === assignment.subjectId)?.rubric;
    if (!rubric) throw new ContractFailure('not_found', `the rubric of ${assignment.subjectId} is not cached (open the exam while online first)`);
    this.#rubrics.set(memo, rubric);
    return rubric;
  }
}

export function readSheet(db: ReadableDb, assignmentId: string, examinerId: string): SheetRow | undefined {
  return db.get<SheetRow>(sql`SELECT * FROM score_sheets WHERE assignment_id = ${assignmentId} AND examiner_id = ${examinerId}`);
}

function mustRead(db: ReadableDb, assignmentId: string, examinerId: string): SheetRow {
  const row = readSheet(db, assignmentId, examinerId);
  if (!row) throw new Error(`sheet ${assignmentId} vanished inside its own transaction`);
  return row;
}
