import type { ReadableDb } from '../store/connection';
import { sql } from '../store/sql';

/**
 * What the cache holds and what may go. A recording is "scored" for an assignment once that
 * examiner's sheet is submitted, accepted or recused (void); one linked to any unscored assignment is never
 * evicted, whatever the quota says. Purge is stricter: every sheet accepted (or recused) and the grading
 * window (dueAt plus the configured extra days) over.
 */

/**
 * Bytes the cache holds or has promised: every recording not failed (reserved at its full size),
 * every artefact, and every evidence recording of a live interview (as finished, or as far as it
 * had grown when it ended), which is never evicted but takes the same disk.
 */
export function cacheUsage(db: ReadableDb, exceptRecordingId: string | null = null): number {
  const recordings =
    db.get<{ total: number | null }>(
      sql`SELECT SUM(expected_bytes) AS total FROM media_recordings WHERE state != 'failed' AND recording_id IS NOT ${exceptRecordingId}`,
    )?.total ?? 0;
  const artefacts = db.get<{ total: number | null }>(sql`SELECT SUM(bytes) AS total FROM media_artefacts`)?.total ?? 0;
  const evidence = db.get<{ total: number | null }>(sql`SELECT SUM(bytes) AS total FROM evidence_recordings`)?.total ?? 0;
  return recordings + artefacts + evidence;
}

export interface EvictionCandidate {
  readonly recording_id: string;
  readonly bytes: number;
}

/**
 * Ready recordings every one of whose assignments is scored, those fully accepted first, then
 * the least recently used; with the bytes their removal frees (artefacts included).
 */
export function evictionCandidates(db: ReadableDb, spare: readonly string[]): EvictionCandidate[] {
  const rows = db.all<EvictionCandidate & { all_accepted: number }>(sql`
    SELECT r.recording_id,
           r.expected_bytes + COALESCE((SELECT SUM(a.bytes) FROM media_artefacts a
                                        WHERE a.recording_id = r.recording_id OR a.other_recording_id = r.recording_id), 0) AS bytes,
           NOT EXISTS (SELECT 1 FROM media_recording_assignments l
                       LEFT JOIN score_sheets s ON s.assignment_id = l.assignment_id AND s.examiner_id = l.examiner_id
                       WHERE l.recording_id = r.recording_id AND (s.status IS NULL OR s.status NOT IN ('accepted', 'recused'))) AS all_accepted
    FROM media_recordings r
    WHERE r.state = 'ready'
      AND NOT EXISTS (SELECT 1 FROM media_recording_assignments l
                      LEFT JOIN score_sheets s ON s.assignment_id = l.assignment_id AND s.examiner_id = l.examiner_id
                      WHERE l.recording_id = r.recording_id AND (s.status IS NULL OR s.status NOT IN ('submitted', 'accepted', 'recused')))
    ORDER BY all_accepted DESC, r.last_used_at ASC, r.recording_id ASC`);
  const spared = new Set(spare);
  return rows.filter((row) => !spared.has(row.recording_id)).map(({ recording_id, bytes }) => ({ recording_id, bytes }));
}

/** Recordings whose every assignment is accepted and whose grading window closed before `cutoffMs`. */
export function purgeCandidates(db: ReadableDb, cutoffMs: number): string[] {
  return db
    .all<{ recording_id: string }>(sql`
      SELECT r.recording_id FROM media_recordings r
      WHERE EXISTS (SELECT 1 FROM media_recording_assignments l WHERE l.recording_id = r.recording_id)
        AND NOT EXISTS (SELECT 1 FROM media_recording_assignments l
                        LEFT JOIN score_sheets s ON s.assignment_id = l.assignment_id AND s.examiner_id = l.examiner_id
                        WHERE l.recording_id = r.recording_id
                          AND (s.status IS NULL OR s.status NOT IN ('accepted', 'recused') OR l.due_at > ${cutoffMs}))
      ORDER BY r.recording_id`)
    .map((row) => row.recording_id);
}

/** An evidence recording the purge may take: ended, and its examiner's sheet for the assignment accepted. */
export interface EvidencePurgeCandidate {
  readonly id: string;
  readonly examiner_id: string;
  readonly assignment_id: string;
}

/**
 * Evidence recordings whose assignment is over, by the recordings' rule: the examiner's sheet
 * accepted and the grading window (the assignment's dueAt, from `dueAtOf`) closed before
 * `cutoffMs`. One whose due date is not known is kept.
 */
export function evidencePurgeCandidates(db: ReadableDb, cutoffMs: number, dueAtOf: (examinerId: string, assignmentId: string) => number | null): EvidencePurgeCandidate[] {
  return db
    .all<EvidencePurgeCandidate>(sql`
      SELECT e.id, e.examiner_id, e.assignment_id FROM evidence_recordings e
      JOIN score_sheets s ON s.assignment_id = e.assignment_id AND s.examiner_id = e.examiner_id
      WHERE e.state IN ('finished', 'failed') AND s.status = 'accepted'
      ORDER BY e.id`)
    .filter((row) => {
      const dueAt = dueAtOf(row.examiner_id, row.assignment_id);
      return dueAt !== null && dueAt <= cutoffMs;
    });
}
