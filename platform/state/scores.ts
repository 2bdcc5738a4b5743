import { createHash } from 'node:crypto';
import { canonicalJson } from '@common/util/canonical-json';
import { z } from 'zod';
import type { Rubric } from '@common/platform/exams';
import {
  ScoreReceipt,
  ScoreRefusal,
  ScoreSheet,
  type BatchItem,
  type BatchResult,
  type ReReviewRequest,
  type ScoreRecord,
} from '@common/platform/scores';
import { checkScores, type BandProblem } from '@common/scoring/bands';
import type { ValueProblem } from '@common/scoring/rubric';
import type { Clock } from '../clock';
import type { PlatformDb } from '../db/database';
import type { Catalog } from './catalog';
import { PanelScores, type ReReviewPush } from './panel-scores';
import type { ScoreGate } from './score-gates';

/** A reservation unanswered for longer than this belongs to a request that crashed; a retry may take it over. */
export const ABANDONED_AFTER_MS = 30_000;

/** What one submission asks for, whichever endpoint brought it. */
export interface Submission {
  readonly assignmentId: string;
  readonly idempotencyKey: string;
  readonly baseVersion: number;
  readonly sheet: ScoreSheet;
  /** `seq:hash` of the request's Audit-Head header, stored with an accepted version; null without one. */
  readonly auditHead: string | null;
}

/**
 * A value out of the rubric, a band problem (`criterionId` a criterion, '@band' or '@total'), the
 * violation's missing note, or a technical-issue id used twice in the sheet.
 */
export type SheetProblem =
  | { criterionId: string; problem: ValueProblem | BandProblem }
  | { field: 'violation.note'; problem: 'missing' }
  | { field: 'technicalIssues'; problem: 'duplicate_id'; id: string };

type RefusalExtra = { current?: ScoreRecord; problems?: SheetProblem[] };
type ResponseBody = ScoreReceipt | (ScoreRefusal & Record<string, unknown>);

/** An HTTP answer to a submission; `replayed` when it is the recorded answer to an earlier request with the key. */
export interface Answer {
  readonly status: number;
  readonly body: ResponseBody;
  readonly replayed: boolean;
}

export interface Processed {
  readonly answer: Answer;
  /** Re-review requests to push once the transaction has committed. */
  readonly pushes: readonly ReReviewPush[];
}

export type Claim = { readonly kind: 'answered'; readonly answer: Answer } | { readonly kind: 'reserved'; readonly reservedAt: string };

/** What a key is known for: a recorded or refusing answer, nothing, a dead request's reservation, or (replay off) an answer to forget. */
type Known =
  | { readonly kind: 'answered'; readonly answer: Answer }
  | { readonly kind: 'new' }
  | { readonly kind: 'abandoned'; readonly reservedAt: string }
  | { readonly kind: 'forgotten' };

export interface AssignmentRow {
  readonly id: string;
  readonly examiner_id: string;
  readonly candidate_id: string;
  readonly subject_id: string;
  readonly slot_id: string;
}

interface ScoreRow {
  version: number;
  sheet: string | null;
  total: number | null;
  accepted_at: string | null;
  locked: number;
}

interface KeyRow {
  request_hash: string;
  status: number | null;
  response: string | null;
  created_at: string;
}

// Loose: a recorded refusal is replayed with every field it had (`problems` among them).
const StoredBody = z.union([ScoreReceipt, ScoreRefusal.loose()]);

/** What an idempotency key is bound to: the assignment, the base version and the sheet. */
export function requestHash(submission: Pick<Submission, 'assignmentId' | 'baseVersion' | 'sheet'>): string {
  const { assignmentId, baseVersion, sheet } = submission;
  return createHash('sha256').update(canonicalJson({ assignmentId, baseVersion, sheet })).digest('hex');
}

/**
 * Everything that keeps a sheet from being accepted against its rubric: its values, its band
 * (common/scoring/bands.ts: a band-first rubric's sheet names a band and fits it, any other names
 * none), the violation's note, and its technical issues' ids (unique within the sheet). The
 * technical issues never change the total.
 */
export function sheetProblems(rubric: Rubric, sheet: ScoreSheet): { problems: SheetProblem[]; total: number | null } {
  const check = checkScores(rubric, sheet.values, sheet.band);
  const problems: SheetProblem[] = [...check.problems];
  if (sheet.violation.flagged && (sheet.violation.note ?? '').trim() === '') problems.push({ field: 'violation.note', problem: 'missing' });
  const seen = new Set<string>();
  for (const issue of sheet.technicalIssues ?? []) {
    if (seen.has(issue.id)) problems.push({ field: 'technicalIssues', problem: 'duplicate_id', id: issue.id });
    seen.add(issue.id);
  }
  return { problems, total: problems.length === 0 ? check.valuesTotal : null };
}

const refusal = (status: number, code: string, message: string, extra: RefusalExtra = {}): Answer => ({
  status,
  body: { error: { code, message }, ...extra },
  replayed: false,
});

export const notFound = (): Answer => refusal(404, 'not_found', 'no such assignment');

/**
 * Score intake: each examiner's sheet per assignment, versioned; submissions exactly once per
 * idempotency key (the answer to a key is recorded and replayed); the chief examiner's lock.
 * Every method that writes runs inside the caller's transaction or its own.
 */
export class ScoreIntake {
  readonly #panel: PanelScores;
  readonly #assignment;
  readonly #score;
  readonly #writeScore;
  readonly #lock;
  readonly #key;
  readonly #reserve;
  readonly #takeOver;
  readonly #answer;
  readonly #release;
  readonly #forget;

  constructor(
    private readonly db: PlatformDb,
    private readonly clock: Clock,
    private readonly catalog: Catalog,
    /** Rules of fair scoring asked after the lock and the version (recusal, calibration); none for the chief's desk. */
    private readonly gates: readonly ScoreGate[],
  ) {
    this.#panel = new PanelScores(db);
    this.#assignment = db.prepare('SELECT id, examiner_id, candidate_id, subject_id, slot_id FROM assignments WHERE id = ?');
    this.#score = db.prepare('SELECT version, sheet, total, accepted_at, locked FROM scores WHERE assignment_id = ?');
    this.#writeScore = db.prepare(
      `INSERT INTO scores (assignment_id, version, sheet, total, accepted_at, first_accepted_at, audit_head) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (assignment_id) DO UPDATE SET version = excluded.version, sheet = excluded.sheet, total = excluded.total,
         accepted_at = excluded.accepted_at, first_accepted_at = COALESCE(scores.first_accepted_at, excluded.accepted_at),
         audit_head = excluded.audit_head`,
    );
    this.#lock = db.prepare(
      'INSERT INTO scores (assignment_id, version, locked) VALUES (?, 0, ?) ON CONFLICT (assignment_id) DO UPDATE SET locked = excluded.locked',
    );
    this.#key = db.prepare('SELECT request_hash, status, response, created_at FROM idempotency WHERE examiner_id = ? AND key = ?');
    this.#reserve = db.prepare('INSERT INTO idempotency (examiner_id, key, request_hash, created_at) VALUES (?, ?, ?, ?)');
    this.#takeOver = db.prepare(
      'UPDATE idempotency SET request_hash = ?, created_at = ? WHERE examiner_id = ? AND key = ? AND status IS NULL AND created_at = ?',
    );
    this.#answer = db.prepare(
      `INSERT INTO idempotency (examiner_id, key, request_hash, status, response, created_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (examiner_id, key) DO UPDATE SET request_hash = excluded.request_hash, status = excluded.status, response = excluded.response`,
    );
    this.#release = db.prepare('DELETE FROM idempotency WHERE examiner_id = ? AND key = ? AND status IS NULL AND created_at = ?');
    this.#forget = db.prepare('UPDATE idempotency SET status = NULL, response = NULL, created_at = ? WHERE examiner_id = ? AND key = ?');
  }

  /** The examiner's own assignment (ids are per examiner), or null. */
  assignmentOf(examinerId: string, assignmentId: string): AssignmentRow | null {
    const row = this.assignment(assignmentId);
    return row?.examiner_id === examinerId ? row : null;
  }

  /** Any examiner's assignment: for the chief examiner, who locks scores of their panel. */
  assignment(assignmentId: string): AssignmentRow | null {
    return (this.#assignment.get(assignmentId) as AssignmentRow | undefined) ?? null;
  }

  record(assignmentId: string): ScoreRecord {
    const row = this.#score.get(assignmentId) as ScoreRow | undefined;
    return {
      assignmentId,
      version: row?.version ?? 0,
      sheet: row?.sheet == null ? null : ScoreSheet.parse(JSON.parse(row.sheet)),
      total: row?.total ?? null,
      acceptedAt: row?.accepted_at ?? null,
      locked: row?.locked === 1,
    };
  }

  setLocked(assignmentId: string, locked: boolean): void {
    this.#lock.run(assignmentId, locked ? 1 : 0);
  }

  /**
   * First step of a single submission, in its own transaction: the key's recorded answer, a
   * refusal (different request, or still in flight), or a reservation the caller now holds.
   * `replay` false is the `no_replay` fault (platform/faults.ts): a recorded answer is dropped
   * and the key reserved again, as if the request were new.
   */
  reserve(examinerId: string, submission: Submission, hash: string, replay = true): Claim {
    return this.db.transaction((): Claim => {
      const known = this.#knownAnswer(examinerId, submission.idempotencyKey, hash, replay);
      if (known.kind === 'answered') return known;
      const reservedAt = this.clock.now().toISOString();
      if (known.kind === 'abandoned') {
        this.#takeOver.run(hash, reservedAt, examinerId, submission.idempotencyKey, known.reservedAt);
      } else if (known.kind === 'forgotten') {
        this.#forget.run(reservedAt, examinerId, submission.idempotencyKey);
      } else {
        this.#reserve.run(examinerId, submission.idempotencyKey, hash, reservedAt);
      }
      return { kind: 'reserved', reservedAt };
    })();
  }

  /**
   * Second step, in its own transaction: decides the submission and records the answer under
   * the key, unless the reservation was taken over meanwhile (this request was presumed dead).
   */
  complete(assignment: AssignmentRow, submission: Submission, hash: string, reservedAt: string): Processed {
    return this.db.transaction((): Processed => {
      const key = this.#key.get(assignment.examiner_id, submission.idempotencyKey) as KeyRow | undefined;
      if (key?.status !== null || key.created_at !== reservedAt) {
        const known = this.#knownAnswer(assignment.examiner_id, submission.idempotencyKey, hash);
        return { answer: known.kind === 'answered' ? known.answer : inFlight(), pushes: [] };
      }
      return this.#decideAndRecord(assignment, submission, hash, reservedAt);
    })();
  }

  /** Gives a reservation back after processing failed, so a retry can succeed. */
  release(examinerId: string, idempotencyKey: string, reservedAt: string): void {
    this.#release.run(examinerId, idempotencyKey, reservedAt);
  }

  /**
   * A batch in one transaction, each item in a savepoint of its own, decided at once in order:
   * items sharing a key behave as requests made one after the other. `replay` false: see reserve.
   */
  submitBatch(
    examinerId: string,
    items: readonly BatchItem[],
    auditHead: string | null,
    replay = true,
  ): { results: BatchResult[]; pushes: ReReviewPush[] } {
    const results: BatchResult[] = [];
    const pushes: ReReviewPush[] = [];
    const item = this.db.transaction((submission: Submission): Processed => this.#submitNow(examinerId, submission, replay));
    this.db.transaction(() => {
      for (const batchItem of items) {
        const submission: Submission = { ...batchItem, auditHead };
        let processed: Processed;
        try {
          processed = item(submission);
        } catch {
          // The savepoint is rolled back: this item left nothing behind, the others stand.
          processed = { answer: refusal(500, 'internal', 'the platform failed to process this item'), pushes: [] };
        }
        results.push({ idempotencyKey: submission.idempotencyKey, status: processed.answer.status, body: processed.answer.body });
        pushes.push(...processed.pushes);
      }
    })();
    return { results, pushes };
  }

  openReReviews(examinerId: string): ReReviewRequest[] {
    return this.#panel.openFor(examinerId);
  }

  #submitNow(examinerId: string, submission: Submission, replay: boolean): Processed {
    const assignment = this.assignmentOf(examinerId, submission.assignmentId);
    if (!assignment) return { answer: notFound(), pushes: [] };
    const hash = requestHash(submission);
    // A forgotten answer needs no reset: #decideAndRecord writes the key's answer over it.
    const known = this.#knownAnswer(examinerId, submission.idempotencyKey, hash, replay);
    if (known.kind === 'answered') return { answer: known.answer, pushes: [] };
    return this.#decideAndRecord(assignment, submission, hash, this.clock.now().toISOString());
  }

  #knownAnswer(examinerId: string, idempotencyKey: string, hash: string, replay = true): Known {
    const row = this.#key.get(examinerId, idempotencyKey) as KeyRow | undefined;
    if (!row) return { kind: 'new' };
    if (row.request_hash !== hash) {
      return {
        kind: 'answered',
        answer: refusal(422, 'idempotency_mismatch', 'this idempotency key was used for a different request'),
      };
    }
    if (row.status !== null && row.response !== null) {
      if (!replay) return { kind: 'forgotten' };
      return { kind: 'answered', answer: { status: row.status, body: StoredBody.parse(JSON.parse(row.response)), replayed: true } };
    }
    if (this.clock.now().getTime() - Date.parse(row.created_at) > ABANDONED_AFTER_MS) return { kind: 'abandoned', reservedAt: row.created_at };
    return { kind: 'answered', answer: inFlight() };
  }

  #decideAndRecord(assignment: AssignmentRow, submission: Submission, hash: string, createdAt: string): Processed {
    const processed = this.#decide(assignment, submission);
    this.#answer.run(
      assignment.examiner_id,
      submission.idempotencyKey,
      hash,
      processed.answer.status,
      JSON.stringify(processed.answer.body),
      createdAt,
    );
    return processed;
  }

  /**
   * Lock, then version (a precondition), then the gates (recusal, calibration), then the sheet
   * itself; an accepted sheet is stored.
   */
  #decide(assignment: AssignmentRow, submission: Submission): Processed {
    const current = this.record(assignment.id);
    if (current.locked) {
      return { answer: refusal(423, 'locked', 'the chief examiner has locked this score', { current }), pushes: [] };
    }
    if (submission.baseVersion !== current.version) {
      const message = `the platform holds version ${String(current.version)}, not ${String(submission.baseVersion)}`;
      return { answer: refusal(412, 'version_conflict', message, { current }), pushes: [] };
    }
    const context = this.catalog.slot(assignment.slot_id);
    if (!context) throw new Error(`assignment ${assignment.id} names unknown slot ${assignment.slot_id}`);
    for (const gate of this.gates) {
      const refused = gate.refuse(assignment, context.subject);
      if (refused) return { answer: refusal(refused.status, refused.code, refused.message), pushes: [] };
    }
    const { problems, total } = sheetProblems(context.subject.rubric, submission.sheet);
    if (problems.length > 0 || total === null) {
      return { answer: refusal(400, 'invalid_score', 'the sheet does not fit the rubric', { problems }), pushes: [] };
    }
    const version = current.version + 1;
    const acceptedAt = this.clock.now().toISOString();
    const { sheet } = submission;
    // The head the request claimed; a sheet from an older workstation may carry its own instead.
    const auditHead = submission.auditHead ?? sheet.auditHead ?? null;
    this.#writeScore.run(assignment.id, version, JSON.stringify(sheet), total, acceptedAt, acceptedAt, auditHead);
    const receipt: ScoreReceipt = { assignmentId: assignment.id, version, total, acceptedAt, idempotencyKey: submission.idempotencyKey };
    return { answer: { status: 201, body: receipt, replayed: false }, pushes: this.#panel.afterAccepted(assignment, context, acceptedAt) };
  }
}

function inFlight(): Answer {
  return refusal(409, 'in_flight', 'a request with this idempotency key is still being processed');
}
