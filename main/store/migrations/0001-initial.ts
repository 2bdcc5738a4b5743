import type { Migration } from './index';

/** The first schema: session cache, score sheets, outbox, audit trail, stored credentials. */
export const m0001Initial: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;

      -- What the platform said last, per examiner, so the workstation opens and works offline.
      CREATE TABLE cache_entries (
        examiner_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        body TEXT NOT NULL,
        etag TEXT,
        fetched_at TEXT NOT NULL,
        PRIMARY KEY (examiner_id, kind, key)
      ) STRICT;

      -- One score sheet per (assignment, examiner). Every change is autosaved here.
      CREATE TABLE score_sheets (
        assignment_id TEXT NOT NULL,
        examiner_id TEXT NOT NULL,
        rubric_id TEXT NOT NULL,
        rubric_version INTEGER NOT NULL,
        sheet_values TEXT NOT NULL,
        comment TEXT NOT NULL DEFAULT '',
        violation INTEGER NOT NULL DEFAULT 0 CHECK (violation IN (0, 1)),
        violation_note TEXT,
        total REAL,
        status TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'accepted', 'conflict', 'rejected')),
        base_version INTEGER NOT NULL DEFAULT 0,
        accepted_version INTEGER,
        revision INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT NOT NULL,
        submitted_at TEXT,
        accepted_at TEXT,
        conflict TEXT,
        error TEXT,
        PRIMARY KEY (assignment_id, examiner_id)
      ) STRICT;

      -- What must reach the platform. The key and the body are fixed at submit time, so every
      -- retry is the same request; at most one pending submission per sheet.
      CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        assignment_id TEXT NOT NULL,
        examiner_id TEXT NOT NULL,
        idempotency_key TEXT NOT NULL UNIQUE,
        base_version INTEGER NOT NULL,
        payload TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        created_at TEXT NOT NULL,
        UNIQUE (assignment_id, examiner_id),
        FOREIGN KEY (assignment_id, examiner_id) REFERENCES score_sheets (assignment_id, examiner_id)
      ) STRICT;
      CREATE INDEX outbox_due ON outbox (next_attempt_at);

      -- Append-only, hash-chained record of every sheet change and submission.
      CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        assignment_id TEXT,
        payload TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      ) STRICT;
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

      -- The signed-in examiner, with the platform token sealed by the OS keychain (never plain).
      CREATE TABLE credentials (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        platform_origin TEXT NOT NULL,
        examiner TEXT NOT NULL,
        sealed_token BLOB NOT NULL,
        signed_in_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
      ) STRICT;
    `);
  },
};
