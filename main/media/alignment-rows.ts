import type { Alignment, AlignmentReason } from '@common/contract';
import type { ReadableDb, WritableDb } from '../store/connection';
import { sql } from '../store/sql';

/** A row of review_alignments (migration 0007). */
export interface AlignmentRow {
  examiner_id: string;
  assignment_id: string;
  offset_ms: number;
  source: Alignment['source'];
  confidence: number | null;
  detected_ms: number | null;
  reason: Exclude<AlignmentReason, 'pending'> | null;
  updated_at: number;
}

export function findAlignment(db: ReadableDb, examinerId: string, assignmentId: string): AlignmentRow | undefined {
  return db.get<AlignmentRow>(sql`SELECT * FROM review_alignments WHERE examiner_id = ${examinerId} AND assignment_id = ${assignmentId}`);
}

export function saveAlignment(db: WritableDb, row: AlignmentRow): void {
  db.run(sql`INSERT INTO review_alignments (examiner_id, assignment_id, offset_ms, source, confidence, detected_ms, reason, updated_at)
             VALUES (${row.examiner_id}, ${row.assignment_id}, ${row.offset_ms}, ${row.source}, ${row.confidence}, ${row.detected_ms}, ${row.reason}, ${row.updated_at})
             ON CONFLICT (examiner_id, assignment_id) DO UPDATE SET offset_ms = excluded.offset_ms, source = excluded.source,
               confidence = excluded.confidence, detected_ms = excluded.detected_ms, reason = excluded.reason, updated_at = excluded.updated_at`);
}

export function deleteAlignment(db: WritableDb, examinerId: string, assignmentId: string): void {
  db.run(sql`DELETE FROM review_alignments WHERE examiner_id = ${examinerId} AND assignment_id = ${assignmentId}`);
}

export function alignmentOf(row: AlignmentRow): Alignment {
  return {
    assignmentId: row.assignment_id,
    offsetMs: row.offset_ms,
    source: row.source,
    confidence: row.confidence,
    detectedMs: row.detected_ms,
    reason: row.reason,
  };
}
