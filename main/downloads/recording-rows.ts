import { ContractError, type DownloadState, type RecordingDownload } from '@common/contract';
import type { Device, Recording } from '@common/platform';
import type { ReadableDb, WritableDb } from '../store/connection';
import { sql } from '../store/sql';

/** A row of media_recordings (migration 0004). */
export interface RecordingRow {
  recording_id: string;
  content_type: string;
  expected_bytes: number;
  sha256: string;
  duration_ms: number;
  state: Exclude<DownloadState, 'none'>;
  bytes_done: number;
  path: string | null;
  media_id: string | null;
  error: string | null;
  last_used_at: number;
  updated_at: number;
}

export interface LinkRow {
  examiner_id: string;
  assignment_id: string;
  recording_id: string;
  angle: Device;
  due_at: number;
}

export function recordingRow(db: ReadableDb, recordingId: string): RecordingRow | undefined {
  return db.get<RecordingRow>(sql`SELECT * FROM media_recordings WHERE recording_id = ${recordingId}`);
}

/** The recording, if one of this examiner's assignments links it. */
export function recordingOfExaminer(db: ReadableDb, recordingId: string, examinerId: string): RecordingRow | undefined {
  return db.get<RecordingRow>(sql`SELECT r.* FROM media_recordings r WHERE r.recording_id = ${recordingId} AND EXISTS (
      SELECT 1 FROM media_recording_assignments l WHERE l.recording_id = r.recording_id AND l.examiner_id = ${examinerId})`);
}

export function linksOfAssignment(db: ReadableDb, examinerId: string, assignmentId: string): LinkRow[] {
  return db.all<LinkRow>(sql`SELECT * FROM media_recording_assignments WHERE examiner_id = ${examinerId} AND assignment_id = ${assignmentId}`);
}

export function linksOfRecording(db: ReadableDb, recordingId: string): LinkRow[] {
  return db.all<LinkRow>(sql`SELECT * FROM media_recording_assignments WHERE recording_id = ${recordingId} ORDER BY examiner_id, assignment_id`);
}

/**
 * Records that the assignment needs the recording, and what the platform says the file is.
 * A recording whose sha256 changed on the platform starts over: what we hold is another file.
 */
export function upsertRecording(db: WritableDb, examinerId: string, assignmentId: string, dueAtMs: number, recording: Recording, at: number): RecordingRow {
  const existing = recordingRow(db, recording.recordingId);
  if (!existing) {
    db.run(sql`INSERT INTO media_recordings (recording_id, content_type, expected_bytes, sha256, duration_ms, state, last_used_at, updated_at)
               VALUES (${recording.recordingId}, ${recording.contentType}, ${recording.bytes}, ${recording.sha256}, ${recording.durationMs},
                       'queued', ${at}, ${at})`);
  } else if (existing.sha256 !== recording.sha256 || existing.expected_bytes !== recording.bytes) {
    db.run(sql`DELETE FROM media_artefacts WHERE recording_id = ${recording.recordingId} OR other_recording_id = ${recording.recordingId}`);
    db.run(sql`UPDATE media_recordings SET content_type = ${recording.contentType}, expected_bytes = ${recording.bytes}, sha256 = ${recording.sha256},
                 duration_ms = ${recording.durationMs}, state = 'queued', bytes_done = 0, path = NULL, media_id = NULL, error = NULL, updated_at = ${at}
               WHERE recording_id = ${recording.recordingId}`);
  }
  db.run(sql`INSERT INTO media_recording_assignments (examiner_id, assignment_id, recording_id, angle, due_at)
             VALUES (${examinerId}, ${assignmentId}, ${recording.recordingId}, ${recording.angle}, ${dueAtMs})
             ON CONFLICT (examiner_id, assignment_id, recording_id) DO UPDATE SET angle = excluded.angle, due_at = excluded.due_at`);
  const row = recordingRow(db, recording.recordingId);
  if (!row) throw new Error(`recording ${recording.recordingId} vanished inside its own transaction`);
  return row;
}

export function setState(
  db: WritableDb,
  recordingId: string,
  state: RecordingRow['state'],
  at: number,
  extra: { bytesDone?: number; error?: ContractError | null } = {},
): void {
  const error = extra.error === undefined ? undefined : extra.error === null ? null : JSON.stringify(extra.error);
  db.run(sql`UPDATE media_recordings SET state = ${state}, updated_at = ${at},
               bytes_done = COALESCE(${extra.bytesDone ?? null}, bytes_done),
               error = CASE WHEN ${error === undefined ? 0 : 1} = 1 THEN ${error ?? null} ELSE error END
             WHERE recording_id = ${recordingId} AND state != 'ready'`);
}

export function markReady(db: WritableDb, recordingId: string, path: string, mediaId: string, bytes: number, at: number): void {
  db.run(sql`UPDATE media_recordings SET state = 'ready', path = ${path}, media_id = ${mediaId}, bytes_done = ${bytes}, error = NULL,
               updated_at = ${at}, last_used_at = ${at}
             WHERE recording_id = ${recordingId}`);
}

export function touchRecording(db: WritableDb, recordingId: string, at: number): void {
  db.run(sql`UPDATE media_recordings SET last_used_at = ${at} WHERE recording_id = ${recordingId}`);
}

export function errorOf(row: Pick<RecordingRow, 'error'>): ContractError | null {
  if (row.error === null) return null;
  try {
    const parsed = ContractError.safeParse(JSON.parse(row.error));
    return parsed.success ? parsed.data : { code: 'internal', message: 'unreadable stored error' };
  } catch {
    return { code: 'internal', message: 'unreadable stored error' };
  }
}

/** A recording an assignment needs, as far as its download goes. */
export interface WantedRecording {
  readonly recordingId: string;
  readonly angle: Device;
  readonly bytes: number;
}

export function downloadOf(recording: WantedRecording, row: RecordingRow | undefined, liveBytes: number | undefined): RecordingDownload {
  if (!row) {
    return { recordingId: recording.recordingId, angle: recording.angle, state: 'none', bytesDone: 0, bytes: recording.bytes, mediaId: null, error: null };
  }
  const ready = row.state === 'ready';
  return {
    recordingId: recording.recordingId,
    angle: recording.angle,
    state: row.state,
    bytesDone: ready ? row.expected_bytes : Math.min(row.expected_bytes, liveBytes ?? row.bytes_done),
    bytes: row.expected_bytes,
    mediaId: ready ? row.media_id : null,
    // A failed download's reason, or why a ready one cannot be read (DownloadService.markUnreadable).
    error: row.state === 'failed' || ready ? errorOf(row) : null,
  };
}

/** An assignment's state is its least advanced recording's: failed first, ready only when all are. */
export function aggregateState(states: readonly DownloadState[]): DownloadState {
  if (states.length === 0) return 'none';
  if (states.every((state) => state === 'ready')) return 'ready';
  for (const state of ['failed', 'downloading', 'verifying', 'queued', 'paused'] as const) {
    if (states.includes(state)) return state;
  }
  return 'none';
}
