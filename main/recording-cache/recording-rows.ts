import { ContractError, type DownloadState, type MediaJobKind } from '@common/contract';
import type { Device } from '@common/platform';
import type { ReadableDb } from '../store/connection';
import { sql } from '../store/sql';

/**
 * The media cache's rows (migration 0004) and the queries that read them. Only `RecordingCache`
 * (recording-cache.ts) writes these tables; anyone may read them through these functions.
 */

/** A row of media_recordings. */
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

/** A row of media_recording_assignments: an examiner's assignment needs the recording. */
export interface LinkRow {
  examiner_id: string;
  assignment_id: string;
  recording_id: string;
  angle: Device;
  due_at: number;
}

/** A row of media_artefacts: a finished artefact, with its file or its data. */
export interface ArtefactRow {
  media_id: string;
  recording_id: string;
  other_recording_id: string | null;
  kind: MediaJobKind;
  variant: string;
  path: string | null;
  content_type: string | null;
  bytes: number;
  data: string | null;
  created_at: number;
  last_used_at: number;
}

/** A file the player may be served, by media id (a ready recording or an artefact with a file). */
export interface ServableRow {
  readonly path: string | null;
  readonly content_type: string;
  readonly etag: string;
  readonly recording_id: string;
}

export function recordingRow(db: ReadableDb, recordingId: string): RecordingRow | undefined {
  return db.get<RecordingRow>(sql`SELECT * FROM media_recordings WHERE recording_id = ${recordingId}`);
}

/** The recording, if one of this examiner's assignments links it. */
export function recordingOfExaminer(db: ReadableDb, recordingId: string, examinerId: string): RecordingRow | undefined {
  return db.get<RecordingRow>(sql`SELECT r.* FROM media_recordings r WHERE r.recording_id = ${recordingId} AND EXISTS (
      SELECT 1 FROM media_recording_assignments l WHERE l.recording_id = r.recording_id AND l.examiner_id = ${examinerId})`);
}

export function readyRecordings(db: ReadableDb): RecordingRow[] {
  return db.all<RecordingRow>(sql`SELECT * FROM media_recordings WHERE state = 'ready' ORDER BY recording_id`);
}

/** Queued recordings one of this examiner's assignments needs, longest waiting first. */
export function queuedRecordings(db: ReadableDb, examinerId: string, limit: number): RecordingRow[] {
  return db.all<RecordingRow>(sql`SELECT r.* FROM media_recordings r WHERE r.state = 'queued' AND EXISTS (
      SELECT 1 FROM media_recording_assignments l WHERE l.recording_id = r.recording_id AND l.examiner_id = ${examinerId})
    ORDER BY r.updated_at, r.rowid LIMIT ${limit}`);
}

export function linksOfAssignment(db: ReadableDb, examinerId: string, assignmentId: string): LinkRow[] {
  return db.all<LinkRow>(sql`SELECT * FROM media_recording_assignments WHERE examiner_id = ${examinerId} AND assignment_id = ${assignmentId}`);
}

export function linksOfRecording(db: ReadableDb, recordingId: string): LinkRow[] {
  return db.all<LinkRow>(sql`SELECT * FROM media_recording_assignments WHERE recording_id = ${recordingId} ORDER BY examiner_id, assignment_id`);
}

export function findArtefact(db: ReadableDb, recordingId: string, kind: MediaJobKind, variant: string): ArtefactRow | undefined {
  return db.get<ArtefactRow>(sql`SELECT * FROM media_artefacts WHERE recording_id = ${recordingId} AND kind = ${kind} AND variant = ${variant}`);
}

/** The newest artefact of a recording of this kind whose variant starts with `variantPrefix`. */
export function newestArtefact(db: ReadableDb, recordingId: string, kind: MediaJobKind, variantPrefix: string): ArtefactRow | undefined {
  return db.get<ArtefactRow>(
    sql`SELECT * FROM media_artefacts WHERE recording_id = ${recordingId} AND kind = ${kind} AND variant LIKE ${`${variantPrefix}%`}
        ORDER BY created_at DESC LIMIT 1`,
  );
}

/** The stored paths of a recording's artefacts (and of those made of it with another, the side by sides). */
export function artefactPathsOf(db: ReadableDb, recordingId: string): (string | null)[] {
  return db
    .all<{ path: string | null }>(sql`SELECT path FROM media_artefacts WHERE recording_id = ${recordingId} OR other_recording_id = ${recordingId}`)
    .map((row) => row.path);
}

/**
 * A media id the examiner may play: a downloaded recording (once verified) or a finished
 * artefact with a file, of one of their assignments.
 */
export function servableRow(db: ReadableDb, mediaId: string, examinerId: string): ServableRow | undefined {
  // A downloaded recording's ETag is its sha256, as the platform's; an artefact's id names one immutable file.
  return (
    db.get<ServableRow>(sql`SELECT r.path, r.content_type, '"' || r.sha256 || '"' AS etag, r.recording_id
      FROM media_recordings r
      WHERE r.media_id = ${mediaId} AND r.state = 'ready' AND EXISTS (
        SELECT 1 FROM media_recording_assignments l WHERE l.recording_id = r.recording_id AND l.examiner_id = ${examinerId})`) ??
    db.get<ServableRow>(sql`SELECT a.path, COALESCE(a.content_type, 'application/octet-stream') AS content_type,
        '"' || a.media_id || '"' AS etag, a.recording_id
      FROM media_artefacts a
      WHERE a.media_id = ${mediaId} AND a.path IS NOT NULL AND EXISTS (
        SELECT 1 FROM media_recording_assignments l WHERE l.recording_id = a.recording_id AND l.examiner_id = ${examinerId})`)
  );
}

/** The error stored on a recording's row (a failed download's, or why a ready one cannot be read). */
export function errorOf(row: Pick<RecordingRow, 'error'>): ContractError | null {
  if (row.error === null) return null;
  try {
    const parsed = ContractError.safeParse(JSON.parse(row.error));
    return parsed.success ? parsed.data : { code: 'internal', message: 'unreadable stored error' };
  } catch {
    return { code: 'internal', message: 'unreadable stored error' };
  }
}
