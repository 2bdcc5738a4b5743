import { randomBytes } from 'node:crypto';
import type { Assignment } from '@common/platform/assignments';
import type { Rubric, Subject } from '@common/platform/exams';
import type {
  Anchor,
  CalibrationBody,
  CalibrationResult,
  CalibrationStatus,
  ChiefCalibration,
  CreateAnchorBody,
  ReferenceScores,
} from '@common/platform/fairness';
import { checkScores, type BandProblem } from '@common/scoring/bands';
import type { ValueProblem } from '@common/scoring/rubric';
import type { Clock } from '../clock';
import type { PlatformDb } from '../db/database';
import { HttpError } from '../http';
import type { Accounts } from './accounts';
import type { Catalog, ExamDefinition } from './catalog';
import { recordingOnWire, type RecordingRow } from './recordings';
import type { ScoreGate } from './score-gates';

/** Why values (with their band) do not make a sheet of the rubric. */
export interface ReferenceProblem {
  readonly criterionId: string;
  readonly problem: ValueProblem | BandProblem;
}

interface AnchorRow {
  readonly id: string;
  readonly exam_id: string;
  readonly subject_id: string;
  readonly candidate_id: string;
  readonly slot_id: string;
  readonly label: string;
  readonly reference: string;
  readonly reference_total: number;
  readonly set_by: string;
  readonly created_at: string;
}

interface ScoreRow {
  readonly anchor_id: string;
  readonly examiner_id: string;
  readonly sheet: string;
  readonly total: number;
  readonly scored_at: string;
}

const WEEK_MS = 7 * 24 * 3600_000;

/**
 * Checks values and a band against a rubric as a complete sheet: every required criterion, none
 * unknown, each on its step within 0..max, and the band-first rule (common/scoring/bands.ts).
 * Returns the problems (empty when it fits) and the total (null unless it fits).
 */
export function checkReference(rubric: Rubric, scores: ReferenceScores): { problems: ReferenceProblem[]; total: number | null } {
  const { problems, total } = checkScores(rubric, scores.values, scores.band);
  return { problems, total };
}

/**
 * Calibration (试评) on anchors (样卷), common/platform/fairness.ts: a chief marks one of their
 * recorded candidates as an anchor with reference scores; every other member of a panel of the
 * subject is offered it, scores it once, and sees how far each criterion is from the reference.
 * Where the subject requires it, real sheets are refused (gate()) until every offered anchor is scored.
 */
export class Calibration {
  readonly #anchor;
  readonly #anchorsOf;
  readonly #anchorOfCandidate;
  readonly #insertAnchor;
  readonly #logAction;
  readonly #ownAssignment;
  readonly #score;
  readonly #scoresOf;
  readonly #insertScore;
  readonly #recordings;
  readonly #latestDue;

  constructor(
    private readonly db: PlatformDb,
    private readonly catalog: Catalog,
    private readonly accounts: Accounts,
    private readonly clock: Clock,
  ) {
    this.#anchor = db.prepare('SELECT * FROM anchors WHERE id = ?');
    this.#anchorsOf = db.prepare('SELECT * FROM anchors WHERE exam_id = ? AND subject_id = ? ORDER BY created_at, label, id');
    this.#anchorOfCandidate = db.prepare('SELECT id FROM anchors WHERE exam_id = ? AND subject_id = ? AND candidate_id = ?');
    this.#insertAnchor = db.prepare(
      `INSERT INTO anchors (id, exam_id, subject_id, candidate_id, slot_id, label, reference, reference_total, set_by, created_at)
       VALUES (@id, @exam_id, @subject_id, @candidate_id, @slot_id, @label, @reference, @reference_total, @set_by, @created_at)`,
    );
    this.#logAction = db.prepare("INSERT INTO chief_actions (slot_id, at, actor_id, action, assignment_id, reason) VALUES (?, ?, ?, 'anchor', ?, ?)");
    this.#ownAssignment = db.prepare('SELECT id, candidate_id, exam_id, subject_id, slot_id FROM assignments WHERE id = ? AND examiner_id = ?');
    this.#score = db.prepare('SELECT * FROM calibration_scores WHERE anchor_id = ? AND examiner_id = ?');
    this.#scoresOf = db.prepare('SELECT * FROM calibration_scores WHERE examiner_id = ?');
    this.#insertScore = db.prepare('INSERT INTO calibration_scores (anchor_id, examiner_id, sheet, total, scored_at) VALUES (?, ?, ?, ?, ?)');
    this.#recordings = db.prepare('SELECT * FROM recordings WHERE candidate_id = ? AND slot_id = ? ORDER BY angle, id');
    this.#latestDue = db.prepare('SELECT MAX(due_at) AS due_at FROM assignments WHERE examiner_id = ? AND exam_id = ? AND subject_id = ?');
  }

  /** Refuses a real sheet while the subject requires calibration and offered anchors are left to score. */
  gate(): ScoreGate {
    return {
      refuse: (assignment, subject) => {
        if (!subject.calibrationRequired) return null;
        const examId = this.catalog.slot(assignment.slot_id)?.exam.id;
        if (examId === undefined) return null;
        const left = this.#left(assignment.examiner_id, examId, subject.id);
        if (left === 0) return null;
        return {
          status: 403,
          code: 'calibration_required',
          message: `calibration (试评) comes first in this subject: ${String(left)} anchor(s) left to score`,
        };
      },
    };
  }

  /** One calibration assignment per anchor offered to the examiner, scored or not. */
  calibrationAssignments(examinerId: string): Assignment[] {
    const assignments: Assignment[] = [];
    for (const { exam, subject } of this.#subjectsOf(examinerId)) {
      const anchors = this.#offered(examinerId, exam.id, subject.id);
      if (anchors.length === 0) continue;
      const latest = (this.#latestDue.get(examinerId, exam.id, subject.id) as { due_at: string | null }).due_at;
      const dueAt = latest ?? new Date(this.clock.now().getTime() + WEEK_MS).toISOString();
      for (const anchor of anchors) {
        assignments.push({
          assignmentId: anchor.id,
          examId: anchor.exam_id,
          subjectId: anchor.subject_id,
          slotId: anchor.slot_id,
          kind: 'recorded',
          candidateCode: anchor.label,
          entryId: null,
          recordings: (this.#recordings.all(anchor.candidate_id, anchor.slot_id) as RecordingRow[]).map(recordingOnWire),
          dueAt,
          purpose: 'calibration',
          anchorId: anchor.id,
          position: null,
          order: 'appointment',
          recusal: null,
        });
      }
    }
    return assignments;
  }

  /** Whether the recording is of an anchor offered to the examiner (so they may fetch it). */
  offersRecording(examinerId: string, recording: Pick<RecordingRow, 'candidate_id' | 'slot_id'>): boolean {
    const anchors = this.db
      .prepare('SELECT exam_id, subject_id FROM anchors WHERE candidate_id = ? AND slot_id = ? AND set_by != ?')
      .all(recording.candidate_id, recording.slot_id, examinerId) as { exam_id: string; subject_id: string }[];
    if (anchors.length === 0) return false;
    const subjects = this.#subjectsOf(examinerId);
    return anchors.some((anchor) => subjects.some(({ exam, subject }) => exam.id === anchor.exam_id && subject.id === anchor.subject_id));
  }

  /** POST /chief/anchors, for a chief (the route checks the role). */
  createAnchor(chiefId: string, body: CreateAnchorBody): Anchor {
    const assignment = this.#ownAssignment.get(body.assignmentId, chiefId) as
      | { id: string; candidate_id: string; exam_id: string; subject_id: string; slot_id: string }
      | undefined;
    const context = assignment ? this.catalog.slot(assignment.slot_id) : null;
    if (!assignment || !context?.panel.examinerIds.includes(chiefId) || context.slot.kind !== 'recorded') {
      throw new HttpError(404, 'not_found', 'no such recorded assignment of yours');
    }
    const reference: ReferenceScores = { values: body.reference.values, ...(body.reference.band === undefined ? {} : { band: body.reference.band }) };
    const { problems, total } = checkReference(context.subject.rubric, reference);
    if (problems.length > 0 || total === null) {
      throw new HttpError(400, 'invalid_reference', 'the reference scores are not a complete, valid sheet of the rubric', { problems });
    }
    const row: AnchorRow = {
      id: `anchor-${randomBytes(8).toString('hex')}`,
      exam_id: context.exam.id,
      subject_id: context.subject.id,
      candidate_id: assignment.candidate_id,
      slot_id: assignment.slot_id,
      label: body.label,
      reference: JSON.stringify(reference),
      reference_total: total,
      set_by: chiefId,
      created_at: this.clock.now().toISOString(),
    };
    this.db.transaction(() => {
      if (this.#anchorOfCandidate.get(row.exam_id, row.subject_id, row.candidate_id) !== undefined) {
        throw new HttpError(409, 'anchor_exists', 'this performance is already an anchor of the subject');
      }
      this.#insertAnchor.run(row);
      this.#logAction.run(row.slot_id, row.created_at, chiefId, assignment.id, row.label);
    })();
    return this.#anchorOnWire(row);
  }

  /** GET /calibration/subjects/:subjectId: null when the examiner sits on no panel of the subject. */
  status(examinerId: string, subjectId: string): CalibrationStatus | null {
    const subjects = this.#subjectsOf(examinerId).filter(({ subject }) => subject.id === subjectId);
    if (subjects.length === 0) return null;
    const anchors = subjects.flatMap(({ exam }) => this.#offered(examinerId, exam.id, subjectId));
    const results = this.#results(examinerId, anchors);
    return {
      subjectId,
      required: subjects.some(({ subject }) => subject.calibrationRequired),
      anchorIds: anchors.map((anchor) => anchor.id),
      results,
      complete: results.length === anchors.length,
    };
  }

  /** POST /calibration/anchors/:anchorId. */
  submit(examinerId: string, anchorId: string, body: CalibrationBody): CalibrationResult {
    const anchor = this.#anchor.get(anchorId) as AnchorRow | undefined;
    if (anchor?.set_by === examinerId) throw new HttpError(403, 'own_anchor', 'you set this anchor: its reference scores are yours');
    if (!anchor || !this.#offered(examinerId, anchor.exam_id, anchor.subject_id).some((offered) => offered.id === anchor.id)) {
      throw new HttpError(404, 'not_found', 'no such anchor offered to you');
    }
    const subject = this.#subject(anchor.exam_id, anchor.subject_id);
    if (!subject) throw new HttpError(404, 'not_found', 'no such anchor offered to you');
    return this.db.transaction(() => {
      const stored = this.#score.get(anchor.id, examinerId) as ScoreRow | undefined;
      if (stored) {
        throw new HttpError(409, 'already_calibrated', 'you already scored this anchor; the result stands', { result: this.#result(anchor, stored, subject.rubric) });
      }
      const scores: ReferenceScores = { values: body.values, ...(body.band === undefined ? {} : { band: body.band }) };
      const { problems, total } = checkReference(subject.rubric, scores);
      if (problems.length > 0 || total === null) throw new HttpError(400, 'invalid_score', 'the scores do not fit the rubric', { problems });
      const row: ScoreRow = { anchor_id: anchor.id, examiner_id: examinerId, sheet: JSON.stringify(scores), total, scored_at: this.clock.now().toISOString() };
      this.#insertScore.run(row.anchor_id, row.examiner_id, row.sheet, row.total, row.scored_at);
      return this.#result(anchor, row, subject.rubric);
    })();
  }

  /** GET /chief/exams/:examId/subjects/:subjectId/calibration: null unless the chief sits on a panel of the subject. */
  chiefView(chiefId: string, examId: string, subjectId: string): ChiefCalibration | null {
    const exam = this.catalog.all().find((candidate) => candidate.id === examId);
    const subject = exam?.subjects.find((candidate) => candidate.id === subjectId);
    if (!exam || !subject) return null;
    const members = this.#membersOf(exam, subjectId);
    if (!members.includes(chiefId)) return null;
    const anchors = this.#anchorsOf.all(examId, subjectId) as AnchorRow[];
    return {
      examId,
      subjectId,
      required: subject.calibrationRequired,
      anchors: anchors.map((anchor) => this.#anchorOnWire(anchor)),
      // A member who set every anchor has none to calibrate on, and is no examinee here.
      examiners: members.flatMap((memberId) => {
        const offered = anchors.filter((anchor) => anchor.set_by !== memberId);
        if (offered.length === 0) return [];
        const results = this.#results(memberId, offered);
        return [{ memberId, displayName: this.accounts.profile(memberId)?.displayName ?? memberId, results, complete: results.length === offered.length }];
      }),
    };
  }

  /** Offered anchors of the subject the examiner has not scored yet. */
  #left(examinerId: string, examId: string, subjectId: string): number {
    const offered = this.#offered(examinerId, examId, subjectId);
    if (offered.length === 0) return 0;
    const scored = new Set((this.#scoresOf.all(examinerId) as ScoreRow[]).map((row) => row.anchor_id));
    return offered.filter((anchor) => !scored.has(anchor.id)).length;
  }

  /** The anchors of a subject offered to an examiner: those of a subject they sit on a panel of, set by someone else. */
  #offered(examinerId: string, examId: string, subjectId: string): AnchorRow[] {
    const exam = this.catalog.all().find((candidate) => candidate.id === examId);
    if (!exam || !this.#membersOf(exam, subjectId).includes(examinerId)) return [];
    return (this.#anchorsOf.all(examId, subjectId) as AnchorRow[]).filter((anchor) => anchor.set_by !== examinerId);
  }

  /** Every member of the panels of the subject's slots, in panel order, once each. */
  #membersOf(exam: ExamDefinition, subjectId: string): string[] {
    const panelIds = new Set(exam.slots.filter((slot) => slot.subjectId === subjectId).map((slot) => slot.panelId));
    const members: string[] = [];
    for (const panel of exam.panels) {
      if (!panelIds.has(panel.id)) continue;
      for (const id of panel.examinerIds) if (!members.includes(id)) members.push(id);
    }
    return members;
  }

  /** The subjects, with their exam, of which the examiner sits on a panel of a slot. */
  #subjectsOf(examinerId: string): { exam: ExamDefinition; subject: Subject }[] {
    return this.catalog.all().flatMap((exam) =>
      exam.subjects.filter((subject) => this.#membersOf(exam, subject.id).includes(examinerId)).map((subject) => ({ exam, subject })),
    );
  }

  #subject(examId: string, subjectId: string): Subject | null {
    return this.catalog.all().find((exam) => exam.id === examId)?.subjects.find((subject) => subject.id === subjectId) ?? null;
  }

  #results(examinerId: string, anchors: readonly AnchorRow[]): CalibrationResult[] {
    const scores = new Map((this.#scoresOf.all(examinerId) as ScoreRow[]).map((row) => [row.anchor_id, row]));
    const results: CalibrationResult[] = [];
    for (const anchor of anchors) {
      const row = scores.get(anchor.id);
      const subject = this.#subject(anchor.exam_id, anchor.subject_id);
      if (row && subject) results.push(this.#result(anchor, row, subject.rubric));
    }
    return results;
  }

  #result(anchor: AnchorRow, row: ScoreRow, rubric: Rubric): CalibrationResult {
    const reference = JSON.parse(anchor.reference) as ReferenceScores;
    const yours = JSON.parse(row.sheet) as ReferenceScores;
    const places = Math.max(0, ...rubric.criteria.map((criterion) => decimalsOf(criterion.step)));
    const round = (value: number) => Number(value.toFixed(places));
    return {
      anchorId: anchor.id,
      label: anchor.label,
      scoredAt: row.scored_at,
      criteria: rubric.criteria.map((criterion) => {
        const mine = yours.values[criterion.id] ?? 0;
        const theirs = reference.values[criterion.id] ?? 0;
        return { criterionId: criterion.id, yours: mine, reference: theirs, difference: round(mine - theirs) };
      }),
      total: row.total,
      referenceTotal: anchor.reference_total,
      totalDifference: round(row.total - anchor.reference_total),
      band: rubric.bands && yours.band !== undefined && reference.band !== undefined ? { yours: yours.band, reference: reference.band } : null,
    };
  }

  #anchorOnWire(row: AnchorRow): Anchor {
    return {
      anchorId: row.id,
      examId: row.exam_id,
      subjectId: row.subject_id,
      label: row.label,
      reference: JSON.parse(row.reference) as ReferenceScores,
      referenceTotal: row.reference_total,
      setBy: this.accounts.profile(row.set_by)?.displayName ?? row.set_by,
      createdAt: row.created_at,
    };
  }
}

function decimalsOf(step: number): number {
  const text = String(step);
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}
