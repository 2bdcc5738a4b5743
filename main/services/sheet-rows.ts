import { PlatformVersion, type SheetState, type SheetStatus } from '@common/contract';
import { Recusal, ReviewMark, TechnicalIssue, type Rubric } from '@common/platform';
import { checkScores } from '@common/scoring/bands';
import { z } from 'zod';
import type { ReadableDb } from '../store/connection';
import { sql } from '../store/sql';

export interface SheetRow {
  assignment_id: string;
  examiner_id: string;
  rubric_id: string;
  rubric_version: number;
  sheet_values: string;
  comment: string;
  violation: number;
  violation_note: string | null;
  /** A JSON array of ReviewMark (migration 5). */
  review_marks: string;
  /** The chosen band of a band-first rubric (migration 6). */
  band: string | null;
  /** A JSON array of TechnicalIssue (migration 6). */
  technical_issues: string;
  /** A JSON Recusal once the examiner recused themselves (migration 6). */
  recusal: string | null;
  total: number | null;
  status: SheetStatus;
  base_version: number;
  accepted_version: number | null;
  revision: number;
  updated_at: string;
  submitted_at: string | null;
  accepted_at: string | null;
  conflict: string | null;
  error: string | null;
}

const Values = z.record(z.string(), z.number());
const Marks = z.array(ReviewMark);
const Issues = z.array(TechnicalIssue);
export const StoredConflict = z.strictObject({ reason: z.enum(['version_conflict', 'locked']), platform: PlatformVersion });
export const StoredError = z.strictObject({ code: z.string(), message: z.string() });

/** A stored sheet as the renderer sees it, with what still stands between it and submission. */
export function rowToState(row: SheetRow, rubric: Rubric): SheetState {
  const values = Values.parse(JSON.parse(row.sheet_values));
  // The band is checked against the values present; the total once the values make one.
  const check = checkScores(rubric, values, row.band);
  return {
    assignmentId: row.assignment_id,
    values,
    comment: row.comment,
    violation: { flagged: row.violation === 1, note: row.violation_note },
    marks: Marks.parse(JSON.parse(row.review_marks)),
    band: row.band,
    technicalIssues: Issues.parse(JSON.parse(row.technical_issues)),
    recusal: row.recusal === null ? null : Recusal.parse(JSON.parse(row.recusal)),
    total: check.valuesTotal,
    problems: check.problems.map((issue) => ({ criterionId: issue.criterionId, problem: issue.problem })),
    status: row.status,
    baseVersion: row.base_version,
    acceptedVersion: row.accepted_version,
    revision: row.revision,
    updatedAt: row.updated_at,
    submittedAt: row.submitted_at,
    acceptedAt: row.accepted_at,
    conflict: row.conflict === null ? null : StoredConflict.parse(JSON.parse(row.conflict)),
    error: row.error === null ? null : StoredError.parse(JSON.parse(row.error)),
  };
}

/** Marks in the order of the review clock (then by id, so equal times keep one order). */
export function sortedMarks(marks: readonly ReviewMark[]): ReviewMark[] {
  return [...marks].sort((a, b) => a.atMs - b.atMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The status of each of the examiner's sheets, by assignment. */
export function sheetStatuses(db: ReadableDb, examinerId: string): Map<string, SheetStatus> {
  const rows = db.all<{ assignment_id: string; status: SheetStatus }>(sql`SELECT assignment_id, status FROM score_sheets WHERE examiner_id = ${examinerId}`);
  return new Map(rows.map((row) => [row.assignment_id, row.status]));
}

/** Every examiner's sheets the platform has not accepted yet, oldest change first; a recused sheet is void, so none of it waits. */
export function unsyncedSheets(db: ReadableDb): { assignment_id: string; status: SheetStatus; updated_at: string }[] {
  return db.all(sql`SELECT assignment_id, status, updated_at FROM score_sheets WHERE status NOT IN ('accepted', 'recused') ORDER BY updated_at`);
}

/** The examiner's sheet of the assignment, as stored. */
export function readSheet(db: ReadableDb, assignmentId: string, examinerId: string): SheetRow | undefined {
  return db.get<SheetRow>(sql`SELECT * FROM score_sheets WHERE assignment_id = ${assignmentId} AND examiner_id = ${examinerId}`);
}

/** The sheet just written in this transaction (it must be there). */
export function mustRead(db: ReadableDb, assignmentId: string, examinerId: string): SheetRow {
  const row = readSheet(db, assignmentId, examinerId);
  if (!row) throw new Error(`sheet ${assignmentId} vanished inside its own transaction`);
  return row;
}
