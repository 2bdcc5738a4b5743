import type { Migration } from './index';

/**
 * The media cache: downloaded recordings (resumable, verified, evictable) and the review
 * artefacts ffmpeg derives from them. Paths are relative to the cache folder and only ever come
 * from these rows; the renderer addresses files by media id.
 */
export const m0004MediaCache: Migration = {
  version: 4,
  name: 'media-cache',
  up(db) {
    db.exec(`
      -- One row per recording, whichever examiners' assignments it came with. A file is "ready"
      -- only after its sha256 matched and it was renamed into place: path and media_id say so.
      CREATE TABLE media_recordings (
        recording_id TEXT PRIMARY KEY,
        content_type TEXT NOT NULL,
        expected_bytes INTEGER NOT NULL CHECK (expected_bytes >= 0),
        sha256 TEXT NOT NULL,
        duration_ms INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('queued', 'downloading', 'paused', 'verifying', 'ready', 'failed')),
        bytes_done INTEGER NOT NULL DEFAULT 0,
        path TEXT,
        media_id TEXT UNIQUE,
        error TEXT,
        last_used_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        CHECK ((state = 'ready') = (path IS NOT NULL AND media_id IS NOT NULL))
      ) STRICT;

      -- Which examiners' assignments need a recording: eviction spares a recording while any of
      -- them is unscored, and purge waits for all of them to be accepted and past due.
      CREATE TABLE media_recording_assignments (
        examiner_id TEXT NOT NULL,
        assignment_id TEXT NOT NULL,
        recording_id TEXT NOT NULL REFERENCES media_recordings (recording_id) ON DELETE CASCADE,
        angle TEXT NOT NULL CHECK (angle IN ('main', 'side')),
        due_at INTEGER NOT NULL,
        PRIMARY KEY (examiner_id, assignment_id, recording_id)
      ) STRICT;
      CREATE INDEX media_recording_assignments_by_recording ON media_recording_assignments (recording_id);

      -- What ffmpeg made of a recording: data (probe, tile times, peaks) and files (strip, proxy,
      -- exports). A row exists only for a finished artefact.
      CREATE TABLE media_artefacts (
        media_id TEXT PRIMARY KEY,
        recording_id TEXT NOT NULL REFERENCES media_recordings (recording_id) ON DELETE CASCADE,
        other_recording_id TEXT REFERENCES media_recordings (recording_id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('probe', 'strip', 'waveform', 'proxy', 'side_by_side', 'clip')),
        variant TEXT NOT NULL,
        path TEXT,
        content_type TEXT,
        bytes INTEGER NOT NULL DEFAULT 0,
        data TEXT,
        created_at INTEGER NOT NULL,
        last_used_at INTEGER NOT NULL,
        UNIQUE (recording_id, kind, variant)
      ) STRICT;
      CREATE INDEX media_artefacts_by_other ON media_artefacts (other_recording_id);
    `);
  },
};
