import { isAbsolute, join } from 'node:path';
import type { Recording } from '@common/platform/assignments';
import type { Device } from '@common/platform/queue';
import type { PlatformDb } from '../db/database';

/** A row of `recordings`. `path` is relative to the platform's media folder (or absolute). */
export interface RecordingRow {
  readonly id: string;
  readonly candidate_id: string;
  readonly slot_id: string;
  readonly angle: Device;
  readonly path: string;
  readonly content_type: string;
  readonly bytes: number;
  readonly sha256: string;
  readonly duration_ms: number;
}

export function recordingOnWire(row: RecordingRow): Recording {
  return {
    recordingId: row.id,
    angle: row.angle,
    contentType: row.content_type,
    bytes: row.bytes,
    sha256: row.sha256,
    durationMs: row.duration_ms,
  };
}

/** Every recording an examiner's assignments cover, by assignment id, main before side. */
export function recordingsByAssignment(db: PlatformDb, examinerId: string): Map<string, Recording[]> {
  const rows = db
    .prepare(
      `SELECT a.id AS assignment_id, r.* FROM assignments a
       JOIN recordings r ON r.candidate_id = a.candidate_id AND r.slot_id = a.slot_id
       WHERE a.examiner_id = ? ORDER BY a.id, r.angle, r.id`,
    )
    .all(examinerId) as (RecordingRow & { assignment_id: string })[];
  const byAssignment = new Map<string, Recording[]>();
  for (const row of rows) {
    const list = byAssignment.get(row.assignment_id) ?? [];
    list.push(recordingOnWire(row));
    byAssignment.set(row.assignment_id, list);
  }
  return byAssignment;
}

/**
 * The recording, if one of the examiner's assignments covers its candidate and slot; otherwise
 * null, whether or not it exists, so that probing ids tells an examiner nothing.
 */
export function recordingForExaminer(db: PlatformDb, examinerId: string, recordingId: string): RecordingRow | null {
  const row = db
    .prepare(
      `SELECT r.* FROM recordings r WHERE r.id = ? AND EXISTS (
         SELECT 1 FROM assignments a WHERE a.examiner_id = ? AND a.candidate_id = r.candidate_id AND a.slot_id = r.slot_id)`,
    )
    .get(recordingId, examinerId) as RecordingRow | undefined;
  return row ?? null;
}

export function recordingOf(db: PlatformDb, candidateId: string, slotId: string, angle: Device): RecordingRow | null {
  const row = db
    .prepare('SELECT * FROM recordings WHERE candidate_id = ? AND slot_id = ? AND angle = ? ORDER BY id LIMIT 1')
    .get(candidateId, slotId, angle) as RecordingRow | undefined;
  return row ?? null;
}

/**
 * Records a candidate's recording of one angle in a slot, replacing the one there was: that one's
 * id is kept (clients hold it in their assignments), `recording.id` is used for a new one.
 */
export function saveRecording(db: PlatformDb, recording: RecordingRow): RecordingRow {
  return db.transaction(() => {
    const existing = recordingOf(db, recording.candidate_id, recording.slot_id, recording.angle);
    const row: RecordingRow = { ...recording, id: existing?.id ?? recording.id };
    db.prepare('DELETE FROM recordings WHERE candidate_id = ? AND slot_id = ? AND angle = ?').run(row.candidate_id, row.slot_id, row.angle);
    db.prepare(
      `INSERT INTO recordings (id, candidate_id, slot_id, angle, path, content_type, bytes, sha256, duration_ms)
       VALUES (@id, @candidate_id, @slot_id, @angle, @path, @content_type, @bytes, @sha256, @duration_ms)`,
    ).run(row);
    return row;
  })();
}

/** Where a recording's bytes are: only ever from its row, never from a request. */
export function recordingFile(mediaDir: string | null, row: RecordingRow): string | null {
  if (isAbsolute(row.path)) return row.path;
  return mediaDir === null ? null : join(mediaDir, row.path);
}
