import type { Migration } from './index';

/**
 * Review alignment (issue 15): where an assignment's side angle sits on its main angle's clock,
 * per examiner (each examiner's own downloads and own nudges). `source` says who decided it:
 * `sound` (cross-correlation, with its confidence), `grader` (set by hand), `none` (the sound
 * could not tell: `reason`, offset 0). `detected_ms` keeps what the sound found, for a reset.
 */
export const m0007ReviewAlignment: Migration = {
  version: 7,
  name: 'review-alignment',
  up(db) {
    db.exec(`
      CREATE TABLE review_alignments (
        examiner_id TEXT NOT NULL,
        assignment_id TEXT NOT NULL,
        offset_ms INTEGER NOT NULL CHECK (offset_ms BETWEEN -600000 AND 600000),
        source TEXT NOT NULL CHECK (source IN ('sound', 'grader', 'none')),
        confidence REAL CHECK (confidence IS NULL OR (confidence >= 0 AND confidence <= 1)),
        detected_ms INTEGER CHECK (detected_ms IS NULL OR detected_ms BETWEEN -600000 AND 600000),
        reason TEXT CHECK (reason IS NULL OR reason IN ('no_audio', 'silent', 'low_confidence', 'no_side', 'failed')),
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (examiner_id, assignment_id)
      ) STRICT;
    `);
  },
};
