import type { Migration } from './index';

/**
 * The review player's timestamped notes and violation marks, stored with the score sheet they
 * belong to (a JSON array, like sheet_values). Sheets saved before this migration have none.
 */
export const m0005ReviewMarks: Migration = {
  version: 5,
  name: 'review-marks',
  up(db) {
    db.exec(`
      ALTER TABLE score_sheets ADD COLUMN review_marks TEXT NOT NULL DEFAULT '[]'
        CHECK (json_valid(review_marks) AND json_type(review_marks) = 'array');
    `);
  },
};
