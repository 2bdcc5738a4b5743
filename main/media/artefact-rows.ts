import type { MediaJobKind } from '@common/contract';
import type { ReadableDb, WritableDb } from '../store/connection';
import { sql } from '../store/sql';

/** A row of media_artefacts (migration 0004): a finished artefact, with its file or its data. */
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

export function findArtefact(db: ReadableDb, recordingId: string, kind: MediaJobKind, variant: string): ArtefactRow | undefined {
  return db.get<ArtefactRow>(sql`SELECT * FROM media_artefacts WHERE recording_id = ${recordingId} AND kind = ${kind} AND variant = ${variant}`);
}

export function artefactByMediaId(db: ReadableDb, mediaId: string): ArtefactRow | undefined {
  return db.get<ArtefactRow>(sql`SELECT * FROM media_artefacts WHERE media_id = ${mediaId}`);
}

/** Stores a finished artefact in place of an older one of the same variant; returns the old one's path, to delete. */
export function saveArtefact(db: WritableDb, row: ArtefactRow): string | null {
  const previous = findArtefact(db, row.recording_id, row.kind, row.variant);
  if (previous) db.run(sql`DELETE FROM media_artefacts WHERE media_id = ${previous.media_id}`);
  db.run(sql`INSERT INTO media_artefacts (media_id, recording_id, other_recording_id, kind, variant, path, content_type, bytes, data, created_at, last_used_at)
             VALUES (${row.media_id}, ${row.recording_id}, ${row.other_recording_id}, ${row.kind}, ${row.variant}, ${row.path},
                     ${row.content_type}, ${row.bytes}, ${row.data}, ${row.created_at}, ${row.last_used_at})`);
  return previous?.path ?? null;
}
