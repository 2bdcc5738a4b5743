import type { Migration } from './index';

/**
 * Fair scoring (common/platform/fairness.ts) on score sheets: the band of a band-first rubric,
 * the technical-issue marks (a JSON array, like review_marks) and the examiner's recusal (回避, a
 * JSON object), and the status `recused`. SQLite cannot change a CHECK in place, so the table is
 * rebuilt: every column, the index and the outbox's foreign key kept as they were. The outbox's
 * rows (which reference the sheets) wait in a copy while the sheets' table is swapped, since a
 * migration runs in a transaction where foreign keys cannot be switched off.
 */
export const m0006FairScoring: Migration = {
  version: 6,
  name: 'fair-scoring',
  up(db) {
    db.exec(`
      CREATE TABLE outbox_v5_rows AS SELECT * FROM outbox;
      DELETE FROM outbox;

      CREATE TABLE score_sheets_v6 (
        assignment_id TEXT NOT NULL,
        examiner_id TEXT NOT NULL,
        rubric_id TEXT NOT NULL,
        rubric_version INTEGER NOT NULL,
        sheet_values TEXT NOT NULL,
        comment TEXT NOT NULL DEFAULT '',
        violation INTEGER NOT NULL DEFAULT 0 CHECK (violation IN (0, 1)),
        violation_note TEXT,
        total REAL,
        status TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'accepted', 'conflict', 'rejected', 'recused')),
        base_version INTEGER NOT NULL DEFAULT 0,
        accepted_version INTEGER,
        revision INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT NOT NULL,
        submitted_at TEXT,
        accepted_at TEXT,
        conflict TEXT,
        error TEXT,
        review_marks TEXT NOT NULL DEFAULT '[]'
          CHECK (json_valid(review_marks) AND json_type(review_marks) = 'array'),
        band TEXT,
        technical_issues TEXT NOT NULL DEFAULT '[]'
          CHECK (json_valid(technical_issues) AND json_type(technical_issues) = 'array'),
        recusal TEXT CHECK (recusal IS NULL OR (json_valid(recusal) AND json_type(recusal) = 'object')),
        PRIMARY KEY (assignment_id, examiner_id)
      ) STRICT;
      INSERT INTO score_sheets_v6 (assignment_id, examiner_id, rubric_id, rubric_version, sheet_values, comment, violation,
          violation_note, total, status, base_version, accepted_version, revision, updated_at, submitted_at, accepted_at,
          conflict, error, review_marks)
        SELECT assignment_id, examiner_id, rubric_id, rubric_version, sheet_values, comment, violation,
          violation_note, total, status, base_version, accepted_version, revision, updated_at, submitted_at, accepted_at,
          conflict, error, review_marks
        FROM score_sheets ORDER BY rowid;
      DROP TABLE score_sheets;
      ALTER TABLE score_sheets_v6 RENAME TO score_sheets;
      CREATE INDEX score_sheets_by_examiner_status ON score_sheets (examiner_id, status);

      INSERT INTO outbox SELECT * FROM outbox_v5_rows ORDER BY id;
      DROP TABLE outbox_v5_rows;
    `);
  },
};
