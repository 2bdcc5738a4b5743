import type { Migration } from './index';

/**
 * Evidence recordings of live interviews: one row per camera recording, linked to the
 * examiner's assignment. The files live in the data folder's evidence/ directory; a row still
 * `recording` or `finishing` at start was cut short by a crash and is finished from its file.
 */
export const m0003Evidence: Migration = {
  version: 3,
  name: 'evidence',
  up(db) {
    db.exec(`
      CREATE TABLE evidence_recordings (
        id TEXT PRIMARY KEY,
        assignment_id TEXT NOT NULL,
        examiner_id TEXT NOT NULL,
        device TEXT NOT NULL CHECK (device IN ('main', 'side')),
        mime_type TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('recording', 'finishing', 'finished', 'failed')),
        -- File names inside evidence/: the growing stream, and the remuxed file once finished.
        partial_file TEXT NOT NULL,
        final_file TEXT,
        -- How the review player asks for the finished file (/media/<id>, app://workstation/media/<id>).
        media_id TEXT NOT NULL UNIQUE,
        bytes INTEGER NOT NULL DEFAULT 0,
        chunks INTEGER NOT NULL DEFAULT 0,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        duration_ms INTEGER,
        video_codec TEXT,
        video_width INTEGER,
        video_height INTEGER,
        audio_codec TEXT,
        recovered INTEGER NOT NULL DEFAULT 0 CHECK (recovered IN (0, 1)),
        error TEXT
      ) STRICT;
      CREATE INDEX evidence_by_assignment ON evidence_recordings (examiner_id, assignment_id, started_at);
      CREATE INDEX evidence_unfinished ON evidence_recordings (state) WHERE state IN ('recording', 'finishing');
    `);
  },
};
