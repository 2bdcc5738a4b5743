import { randomUUID } from 'node:crypto';
import { ContractFailure, type RecuseInput, type ResolveConflictInput, type SheetInput, type SheetState } from '@common/contract';
import { AssignmentList, Exam, Recusal, type Assignment, type RecusalBody, type Rubric, type ScoreSheet } from '@common/platform';
import { findBand } from '@common/scoring/bands';
import { checkValues } from '@common/scoring/rubric';
import type { EventHub } from '../contract/event-hub';
import { PlatformRefusal, refusalDetail, type PlatformClient } from '../platform/client';
import { appendAudit, bodySha256 } from '../store/audit';
import type { Store, WritableDb } from '../store/connection';
import { sql } from '../store/sql';
import { systemClock, type Clock } from '../util/clock';
import type { PlatformCache } from './platform-cache';
import type { SessionService } from './session-service';
import type { SheetProgressSink } from './sheet-progress-reporter';
import { mustRead, readSheet, rowToState, sortedMarks, StoredConflict, type SheetRow } from './sheet-rows';

export interface SheetServiceDeps {
  readonly store: Store;
  readonly cache: PlatformCache;
  readonly session: SessionService;
  readonly events: EventHub;
  /** A sheet went into the outbox (the sync worker sends it). */
  readonly onSubmitted: () => void;
  readonly now?: Clock | undefined;
  /** Tells the platform a sheet is saved or submitted (never its values), for the chief's matrix. */
  readonly progress?: SheetProgressSink | null;
  /** The platform, for a recusal (which it must take before the sheet is void); none: refused unreachable. */
  readonly client?: PlatformClient | null;
}

/** A sheet's write may spend the disk space held back for it: a score is never lost to a full disk. */
const SHEET_WRITE = { mayUseReserve: true } as const;

/**
 * Score sheets: one per (assignment, examiner), autosaved as a draft on every change, checked
 * against the subject's rubric, submitted into the outbox with an idempotency key fixed for
 * every retry. Every change goes into the audit trail in the same transaction.
 */
export class SheetService {
  readonly #rubrics = new Map<string, Rubric>();
  readonly #now: Clock;

  constructor(private readonly deps: SheetServiceDeps) {
    this.#now = deps.now ?? systemClock;
  }

  get(assignmentId: string): SheetState | null {
    const examinerId = this.deps.session.requireExaminerId();
    const row = readSheet(this.deps.store.reader, assignmentId, examinerId);
    return row ? rowToState(row, this.#rubricFor(examinerId, assignmentId)) : null;
  }

  save(input: SheetInput): SheetState {
    const examinerId = this.deps.session.requireExaminerId();
    const rubric = this.#rubricFor(examinerId, input.assignmentId);
    const check = checkValues(rubric, input.values);
    const refused = check.problems.filter((problem) => problem.problem !== 'missing');
    if (refused.length > 0) {
      throw new ContractFailure('invalid_sheet', refused.map((problem) => `${problem.criterionId}: ${problem.problem}`).join('; '));
    }
    // A band must be one of the rubric's; values outside it are kept (a draft) and listed as problems.
    if (input.band !== undefined && input.band !== null && !findBand(rubric, input.band)) {
      throw new ContractFailure('invalid_sheet', rubric.bands ? `@band: no band ${input.band} in the rubric` : '@band: the rubric has no bands');
    }
    const issues = input.technicalIssues ?? null;
    if (issues && new Set(issues.map((issue) => issue.id)).size !== issues.length) {
      throw new ContractFailure('invalid_input', 'two technical issues share an id');
    }
    const at = this.#now().toISOString();
    const saved = this.deps.store.transaction((db) => {
      const existing = readSheet(db, input.assignmentId, examinerId);
      refuseRecused(existing?.status);
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
      // The band and the technical issues, like the marks, are kept as stored when left out.
      const keepBand = input.band === undefined ? 1 : 0;
      const band = input.band ?? null;
      const keepIssues = issues === null ? 1 : 0;
      const issuesJson = JSON.stringify(issues ?? []);
      db.run(sql`INSERT INTO score_sheets (assignment_id, examiner_id, rubric_id, rubric_version, sheet_values, comment,
                   violation, violation_note, review_marks, band, technical_issues, total, status, revision, updated_at)
                 VALUES (${input.assignmentId}, ${examinerId}, ${rubric.id}, ${rubric.version}, ${values}, ${input.comment},
                   ${input.violation.flagged ? 1 : 0}, ${note}, ${marksJson}, ${band}, ${issuesJson}, ${check.total}, ${status}, 1, ${at})
                 ON CONFLICT (assignment_id, examiner_id) DO UPDATE SET
                   sheet_values = excluded.sheet_values, comment = excluded.comment, violation = excluded.violation,
                   violation_note = excluded.violation_note,
                   review_marks = CASE WHEN ${keepMarks} = 1 THEN score_sheets.review_marks ELSE excluded.review_marks END,
                   band = CASE WHEN ${keepBand} = 1 THEN score_sheets.band ELSE excluded.band END,
                   technical_issues = CASE WHEN ${keepIssues} = 1 THEN score_sheets.technical_issues ELSE excluded.technical_issues END,
                   total = excluded.total, status = excluded.status,
                   revision = score_sheets.revision + 1, updated_at = excluded.updated_at, error = NULL`);
      appendAudit(db, {
        actor: examinerId,
        action: 'sheet.saved',
        assignmentId: input.assignmentId,
        payload: {
          values: input.values,
          comment: input.comment,
          violation: { flagged: input.violation.flagged, note },
          ...(marks && { marks }),
          ...(input.band !== undefined && { band }),
          ...(issues && { technicalIssues: issues }),
        },
        at,
      });
      return rowToState(mustRead(db, input.assignmentId, examinerId), rubric);
    }, SHEET_WRITE);
    this.deps.progress?.saved(saved.assignmentId, saved.baseVersion);
    return saved;
  }

  /**
   * Whether the sheet could be submitted as it stands (what submit refuses first), without
   * writing: the command checks this before asking the platform about calibration.
   */
  checkSubmit(assignmentId: string): void {
    const examinerId = this.deps.session.requireExaminerId();
    const rubric = this.#rubricFor(examinerId, assignmentId);
    this.#refuseAnchor(examinerId, assignmentId);
    const row = readSheet(this.deps.store.reader, assignmentId, examinerId);
    refuseSubmission(row);
    if (row) refuseIncomplete(rowToState(row, rubric));
  }

  submit(assignmentId: string): SheetState {
    const examinerId = this.deps.session.requireExaminerId();
    const rubric = this.#rubricFor(examinerId, assignmentId);
    this.#refuseAnchor(examinerId, assignmentId);
    const state = this.deps.store.transaction((db) => {
      const row = readSheet(db, assignmentId, examinerId);
      refuseSubmission(row);
      this.#enqueue(db, row, rubric, examinerId, row.base_version, 'sheet.submitted');
      return rowToState(mustRead(db, assignmentId, examinerId), rubric);
    }, SHEET_WRITE);
    this.deps.onSubmitted();
    this.deps.progress?.submitted(assignmentId);
    return state;
  }

  /**
   * "I know this candidate" (回避): the platform must take the recusal first (POST
   * /assignments/:id/recusal); then the sheet is stored `recused` with the recusal, created if the
   * examiner never touched it, and can no longer be saved, submitted or reopened. Refused
   * `recusal_after_submit` once the sheet is submitted or accepted (a chief records it then);
   * with the platform unreachable nothing is stored.
   */
  async recuse(input: RecuseInput): Promise<SheetState> {
    const examinerId = this.deps.session.requireExaminerId();
    const rubric = this.#rubricFor(examinerId, input.assignmentId);
    const existing = readSheet(this.deps.store.reader, input.assignmentId, examinerId);
    if (existing?.status === 'recused') return rowToState(existing, rubric);
    if (existing && (existing.status === 'submitted' || existing.status === 'accepted')) {
      throw new ContractFailure('recusal_after_submit', `the sheet is ${existing.status}: only the chief examiner can record the recusal now`);
    }
    if (!this.deps.client) throw new ContractFailure('platform_unreachable', 'a recusal needs the platform, and none is configured');
    const note = input.note?.trim() ?? '';
    const body: RecusalBody = { reason: input.reason, ...(note !== '' && { note }) };
    let recusal: Recusal;
    try {
      const { data } = await this.deps.client.request({
        method: 'POST',
        path: `/assignments/${encodeURIComponent(input.assignmentId)}/recusal`,
        schema: Recusal,
        token: this.deps.session.requireToken(),
        body,
      });
      recusal = data;
    } catch (error) {
      recusal = standingRecusal(error);
    }
    if (recusal.assignmentId !== input.assignmentId) throw new ContractFailure('platform_error', 'the platform answered with the recusal of another assignment');
    const state = this.#storeRecusal(examinerId, input.assignmentId, rubric, recusal);
    this.deps.progress?.recused?.(input.assignmentId);
    this.deps.events.emit('sheet.changed', state);
    return state;
  }

  /**
   * The assignments as the platform lists them: a recusal declared elsewhere (another
   * workstation, or recorded by a chief) makes the local sheet `recused` too, so it is read-only
   * here as well. A sheet on its way out is left to the platform, which refuses it `recused`.
   */
  takeRecusals(assignments: readonly Assignment[]): void {
    const examinerId = this.deps.session.session?.examiner.id;
    if (examinerId === undefined) return;
    const declared = assignments.filter((assignment) => assignment.recusal !== null);
    if (declared.length === 0) return;
    const statuses = new Map(
      this.deps.store.reader
        .all<{ assignment_id: string; status: string }>(sql`SELECT assignment_id, status FROM score_sheets WHERE examiner_id = ${examinerId} AND status IN ('recused', 'submitted')`)
        .map((row) => [row.assignment_id, row.status]),
    );
    for (const assignment of declared) {
      if (!assignment.recusal || statuses.has(assignment.assignmentId)) continue;
      let rubric: Rubric;
      try {
        rubric = this.#rubricFor(examinerId, assignment.assignmentId);
      } catch {
        continue; // Its rubric is not cached yet: the next listing takes it.
      }
      const state = this.#storeRecusal(examinerId, assignment.assignmentId, rubric, assignment.recusal);
      this.deps.progress?.recused?.(assignment.assignmentId);
      this.deps.events.emit('sheet.changed', state);
    }
  }

  /** The assignment and its subject, from the cache (null when either is not cached). */
  subjectOf(assignmentId: string): { assignment: Assignment; subject: Exam['subjects'][number] } | null {
    const examinerId = this.deps.session.requireExaminerId();
    const assignment = this.#assignment(examinerId, assignmentId);
    if (!assignment) return null;
    const subject = this.deps.cache.peek(examinerId, 'exam', assignment.examId, Exam)?.subjects.find((candidate) => candidate.id === assignment.subjectId);
    return subject ? { assignment, subject } : null;
  }

  #storeRecusal(examinerId: string, assignmentId: string, rubric: Rubric, recusal: Recusal): SheetState {
    const at = this.#now().toISOString();
    const json = JSON.stringify(recusal);
    return this.deps.store.transaction((db) => {
      const row = readSheet(db, assignmentId, examinerId);
      if (row?.status === 'recused') return rowToState(row, rubric);
      // A submission still waiting would only be refused `recused`: it goes no further.
      if (row?.status === 'submitted') db.run(sql`DELETE FROM outbox WHERE assignment_id = ${assignmentId} AND examiner_id = ${examinerId}`);
      db.run(sql`INSERT INTO score_sheets (assignment_id, examiner_id, rubric_id, rubric_version, sheet_values, total, status, recusal, revision, updated_at)
                 VALUES (${assignmentId}, ${examinerId}, ${rubric.id}, ${rubric.version}, '{}', NULL, 'recused', ${json}, 1, ${at})
                 ON CONFLICT (assignment_id, examiner_id) DO UPDATE SET
                   status = 'recused', recusal = excluded.recusal, conflict = NULL, error = NULL,
                   revision = score_sheets.revision + 1, updated_at = excluded.updated_at`);
      appendAudit(db, {
        actor: examinerId,
        action: 'sheet.recused',
        assignmentId,
        payload: { reason: recusal.reason, note: recusal.note, declaredAt: recusal.declaredAt, declaredBy: recusal.declaredBy, previous: row?.status ?? null },
        at,
      });
      return rowToState(mustRead(db, assignmentId, examinerId), rubric);
    }, SHEET_WRITE);
  }

  /**
   * Opens an accepted sheet again because the platform asked for a re-review: it becomes a
   * draft based on the accepted version, so its resubmission replaces that version.
   */
  reopen(assignmentId: string, requestId: string): SheetState {
    const examinerId = this.deps.session.requireExaminerId();
    const rubric = this.#rubricFor(examinerId, assignmentId);
    const at = this.#now().toISOString();
    const state = this.deps.store.transaction((db) => {
      const row = readSheet(db, assignmentId, examinerId);
      refuseRecused(row?.status);
      if (!row || row.status !== 'accepted' || row.accepted_version === null) {
        throw new ContractFailure('not_found', 'only an accepted sheet can be reopened for a re-review');
      }
      db.run(sql`UPDATE score_sheets SET status = 'draft', base_version = ${row.accepted_version}, revision = revision + 1, updated_at = ${at}
                 WHERE assignment_id = ${assignmentId} AND examiner_id = ${examinerId}`);
      appendAudit(db, { actor: examinerId, action: 'sheet.reopened', assignmentId, payload: { requestId, acceptedVersion: row.accepted_version }, at });
      return rowToState(mustRead(db, assignmentId, examinerId), rubric);
    }, SHEET_WRITE);
    this.deps.events.emit('sheet.changed', state);
    return state;
  }

  resolveConflict(input: ResolveConflictInput): SheetState {
    const examinerId = this.deps.session.requireExaminerId();
    const rubric = this.#rubricFor(examinerId, input.assignmentId);
    const at = this.#now().toISOString();
    const state = this.deps.store.transaction((db) => {
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
                     band = ${sheet?.band ?? null}, technical_issues = ${JSON.stringify(sheet?.technicalIssues ?? [])},
                     total = ${platform.total}, status = ${sheet ? 'accepted' : 'draft'}, base_version = ${platform.version},
                     accepted_version = ${sheet ? platform.version : null}, accepted_at = ${platform.acceptedAt},
                     conflict = NULL, revision = revision + 1, updated_at = ${at}
                   WHERE assignment_id = ${input.assignmentId} AND examiner_id = ${examinerId}`);
        appendAudit(db, { actor: examinerId, action: 'sheet.resolved', assignmentId: input.assignmentId, payload: { keep: 'platform', version: platform.version }, at });
      }
      return rowToState(mustRead(db, input.assignmentId, examinerId), rubric);
    }, SHEET_WRITE);
    if (input.keep === 'mine') {
      this.deps.onSubmitted();
      this.deps.progress?.submitted(input.assignmentId);
    }
    this.deps.events.emit('sheet.changed', state);
    return state;
  }

  /**
   * The chief locked or unlocked the sheet: a conflict kept from a 423 holds the platform's word
   * at that time, and must not go on refusing "keep mine" once the sheet is unlocked (nor offer
   * it once locked again).
   */
  lockChanged(assignmentId: string, locked: boolean): void {
    const examinerId = this.deps.session.session?.examiner.id;
    if (examinerId === undefined) return;
    const row = readSheet(this.deps.store.reader, assignmentId, examinerId);
    if (!row || row.status !== 'conflict' || row.conflict === null) return;
    const conflict = StoredConflict.parse(JSON.parse(row.conflict));
    if (conflict.platform.locked === locked) return;
    const updated = JSON.stringify({ ...conflict, platform: { ...conflict.platform, locked } });
    const state = this.deps.store.transaction((db) => {
      db.run(sql`UPDATE score_sheets SET conflict = ${updated}, revision = revision + 1
                 WHERE assignment_id = ${assignmentId} AND examiner_id = ${examinerId} AND status = 'conflict'`);
      return rowToState(mustRead(db, assignmentId, examinerId), this.#rubricFor(examinerId, assignmentId));
    }, SHEET_WRITE);
    this.deps.events.emit('sheet.changed', state);
  }

  /** Freezes the sheet into the outbox: this exact body and key are what every retry sends. */
  #enqueue(db: WritableDb, row: SheetRow, rubric: Rubric, examinerId: string, baseVersion: number, action: 'sheet.submitted' | 'sheet.resolved'): void {
    const state = rowToState(row, rubric);
    refuseIncomplete(state);
    const at = this.#now().toISOString();
    const key = randomUUID();
    const sheet: ScoreSheet = {
      values: state.values,
      comment: state.comment,
      violation: { flagged: state.violation.flagged, note: state.violation.flagged ? state.violation.note : null },
      // No auditHead: the chain's head travels in each request's Audit-Head header, read when it is sent.
      // Only when there are some: a sheet without marks is sent exactly as before they existed.
      ...(state.marks.length > 0 && { marks: state.marks }),
      // Likewise the band and the technical issues: only when set, so older bodies stay as they were.
      ...(state.band !== null && { band: state.band }),
      ...(state.technicalIssues.length > 0 && { technicalIssues: state.technicalIssues }),
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

  /** An anchor performance (样卷) is scored through calibration.submit, never submitted as a score. */
  #refuseAnchor(examinerId: string, assignmentId: string): void {
    if (this.#assignment(examinerId, assignmentId)?.purpose === 'calibration') {
      throw new ContractFailure('invalid_input', 'an anchor performance is scored for calibration (calibration.submit), not submitted as a score');
    }
  }

  #assignment(examinerId: string, assignmentId: string): Assignment | undefined {
    return this.deps.cache.peek(examinerId, 'assignments', 'all', AssignmentList)?.assignments.find((candidate) => candidate.assignmentId === assignmentId);
  }

  /** The rubric of the assignment's subject, from the cached assignments and exam. */
  #rubricFor(examinerId: string, assignmentId: string): Rubric {
    const memo = `${examinerId}\u0000${assignmentId}`;
    const known = this.#rubrics.get(memo);
    if (known) return known;
    const assignment = this.#assignment(examinerId, assignmentId);
    if (!assignment) throw new ContractFailure('not_found', `no assignment ${assignmentId} (list assignments while online first)`);
    const exam = this.deps.cache.peek(examinerId, 'exam', assignment.examId, Exam);
    const rubric = exam?.subjects.find((subject) => subject.id === assignment.subjectId)?.rubric;
    if (!rubric) throw new ContractFailure('not_found', `the rubric of ${assignment.subjectId} is not cached (open the exam while online first)`);
    this.#rubrics.set(memo, rubric);
    return rubric;
  }
}

/** A sheet that cannot be submitted whatever it holds: none yet, recused, on its way, accepted, in conflict. */
function refuseSubmission(row: SheetRow | undefined): asserts row is SheetRow {
  if (!row) throw new ContractFailure('incomplete_sheet', 'nothing has been scored yet');
  refuseRecused(row.status);
  if (row.status === 'submitted' || row.status === 'accepted') throw new ContractFailure('sheet_read_only', `the sheet is ${row.status}`);
  if (row.status === 'conflict') throw new ContractFailure('sheet_read_only', 'resolve the conflict first');
}

/** What stands between a sheet and submission: its problems (values and band), a violation without a note. */
function refuseIncomplete(state: SheetState): void {
  if (state.problems.length > 0 || state.total === null) {
    throw new ContractFailure('incomplete_sheet', state.problems.map((problem) => `${problem.criterionId}: ${problem.problem}`).join('; '));
  }
  if (state.violation.flagged && !state.violation.note?.trim()) {
    throw new ContractFailure('incomplete_sheet', 'a flagged violation needs a note');
  }
}

/** A recused sheet is void: nothing more is done with it. */
function refuseRecused(status: string | undefined): void {
  if (status === 'recused') throw new ContractFailure('recused', 'you recused yourself from this candidate: the sheet is void');
}

/**
 * The recusal the platform holds when it refused a declaration: 409 `already_recused` carries it
 * (declared before, elsewhere or by a chief). Any other refusal is the contract's code.
 */
function standingRecusal(error: unknown): Recusal {
  if (!(error instanceof PlatformRefusal)) throw error;
  const { status, platformCode, message } = error;
  if (status === 409 && platformCode === 'already_recused') {
    const standing = refusalDetail(error, 'recusal', Recusal);
    if (standing) return standing;
    throw new ContractFailure('platform_error', `${message} (without the recusal as it stands)`);
  }
  if (status === 409 && platformCode === 'already_scored') throw new ContractFailure('recusal_after_submit', message);
  if (status === 403) throw new ContractFailure('forbidden', message);
  if (status === 404) throw new ContractFailure('not_found', message);
  if (status === 400 || status === 422) throw new ContractFailure('invalid_input', message);
  throw error;
}
