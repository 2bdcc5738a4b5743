import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export type PlatformDb = Database.Database;

/**
 * The platform's state. One SQLite file in its data folder (or in memory for a throwaway
 * platform), WAL with synchronous=FULL so an accepted score survives a crash of the platform.
 * The platform's schema is its own business: a new data folder gets the first schema and then
 * every migration in order, an older one the migrations it lacks; a data folder from a newer
 * platform is refused.
 */
export const PLATFORM_SCHEMA_VERSION = 5;

const SCHEMA = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
CREATE TABLE accounts (
  id TEXT PRIMARY KEY, username TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL,
  roles TEXT NOT NULL, salt BLOB NOT NULL, hash BLOB NOT NULL) STRICT;
CREATE TABLE tokens (token_hash TEXT PRIMARY KEY, account_id TEXT NOT NULL REFERENCES accounts(id), expires_at INTEGER NOT NULL) STRICT;
CREATE TABLE exams (id TEXT PRIMARY KEY, definition TEXT NOT NULL) STRICT;
CREATE TABLE candidates (
  id TEXT PRIMARY KEY, exam_id TEXT NOT NULL REFERENCES exams(id), name TEXT NOT NULL, id_number TEXT NOT NULL) STRICT;
CREATE TABLE device_tokens (
  token TEXT PRIMARY KEY, candidate_id TEXT NOT NULL REFERENCES candidates(id),
  device TEXT NOT NULL CHECK (device IN ('main', 'side')), UNIQUE (candidate_id, device)) STRICT;
CREATE TABLE queue_entries (
  id TEXT PRIMARY KEY, slot_id TEXT NOT NULL, candidate_id TEXT NOT NULL REFERENCES candidates(id),
  appointment_at TEXT NOT NULL, state TEXT NOT NULL, face_attempts INTEGER NOT NULL DEFAULT 0,
  interruptions INTEGER NOT NULL DEFAULT 0, interrupted_at TEXT, checked_in_at TEXT, called_at TEXT,
  called_by TEXT, entered_at TEXT, finished_at TEXT, failure_reason TEXT, revision INTEGER NOT NULL DEFAULT 0,
  UNIQUE (slot_id, candidate_id)) STRICT;
CREATE INDEX queue_by_slot ON queue_entries (slot_id, appointment_at);
CREATE TABLE assignments (
  id TEXT PRIMARY KEY, examiner_id TEXT NOT NULL REFERENCES accounts(id), candidate_id TEXT NOT NULL REFERENCES candidates(id),
  exam_id TEXT NOT NULL, subject_id TEXT NOT NULL, slot_id TEXT NOT NULL, entry_id TEXT, due_at TEXT NOT NULL,
  UNIQUE (examiner_id, candidate_id, subject_id)) STRICT;
CREATE INDEX assignments_by_examiner ON assignments (examiner_id);
CREATE INDEX assignments_by_candidate ON assignments (candidate_id, subject_id);
CREATE TABLE recordings (
  id TEXT PRIMARY KEY, candidate_id TEXT NOT NULL REFERENCES candidates(id), slot_id TEXT NOT NULL,
  angle TEXT NOT NULL CHECK (angle IN ('main', 'side')), path TEXT NOT NULL, content_type TEXT NOT NULL,
  bytes INTEGER NOT NULL, sha256 TEXT NOT NULL, duration_ms INTEGER NOT NULL) STRICT;
CREATE TABLE scores (
  assignment_id TEXT PRIMARY KEY REFERENCES assignments(id), version INTEGER NOT NULL, sheet TEXT,
  total REAL, accepted_at TEXT, audit_head TEXT, locked INTEGER NOT NULL DEFAULT 0) STRICT;
CREATE TABLE idempotency (
  examiner_id TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL,
  status INTEGER, response TEXT, created_at TEXT NOT NULL, PRIMARY KEY (examiner_id, key)) STRICT;
CREATE TABLE re_reviews (
  id TEXT PRIMARY KEY, assignment_id TEXT NOT NULL REFERENCES assignments(id), deviation REAL NOT NULL,
  threshold REAL NOT NULL, requested_at TEXT NOT NULL, resolved_at TEXT) STRICT;
CREATE INDEX re_reviews_by_assignment ON re_reviews (assignment_id);
`;

/**
 * Migration n turns schema n into n + 1. (2) The panel room: the calling order a lead may change
 * without touching appointments (`order_key`, null: by appointment), the answering time the lead
 * added, and the exam-room log, which is append-only: its triggers refuse any rewrite. (3) The
 * witness of the workstations' audit chains (common/platform/audit.ts): the latest head seen per
 * examiner and chain, and the forks and new chains flagged to the chief, append-only like the
 * room log. (4) The chief examiner's desk: the first acceptance time of a sheet (kept across
 * resubmissions), what a workstation reports of a sheet it has not yet had accepted
 * (`sheet_progress`: saved or submitted, never values), re-reviews that are either the platform's
 * (deviation) or a chief's (a note, who asked) — the table is rebuilt since a chief's request has
 * no deviation — the slots signed off, and the chief's actions (lock, unlock, re-review, sign-off),
 * append-only like the room log. (5) Fair scoring (common/platform/fairness.ts): recusals, one per
 * assignment and final (a recusal is never withdrawn); anchors (样卷) of a subject with their
 * reference scores, and each examiner's calibration scores on them, once per anchor; the chief's
 * action log takes `recusal` and `anchor` — rebuilt, since its CHECK names the actions.
 */
const MIGRATIONS: readonly string[] = [
  `
ALTER TABLE queue_entries ADD COLUMN order_key REAL;
ALTER TABLE queue_entries ADD COLUMN extra_seconds INTEGER NOT NULL DEFAULT 0;
CREATE TABLE room_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT, entry_id TEXT NOT NULL REFERENCES queue_entries(id), at TEXT NOT NULL,
  actor_id TEXT, action TEXT NOT NULL, detail TEXT NOT NULL) STRICT;
CREATE INDEX room_log_by_entry ON room_log (entry_id, id);
CREATE TRIGGER room_log_no_update BEFORE UPDATE ON room_log BEGIN SELECT RAISE(ABORT, 'the room log is append-only'); END;
CREATE TRIGGER room_log_no_delete BEFORE DELETE ON room_log BEGIN SELECT RAISE(ABORT, 'the room log is append-only'); END;
`,
  `
CREATE TABLE audit_heads (
  examiner_id TEXT NOT NULL REFERENCES accounts(id), chain_id TEXT NOT NULL, seq INTEGER NOT NULL, hash TEXT NOT NULL,
  run_id TEXT NOT NULL, request_no INTEGER NOT NULL, seen_at TEXT NOT NULL, PRIMARY KEY (examiner_id, chain_id)) STRICT;
CREATE TABLE audit_flags (
  id INTEGER PRIMARY KEY AUTOINCREMENT, examiner_id TEXT NOT NULL REFERENCES accounts(id), chain_id TEXT NOT NULL,
  reason TEXT NOT NULL CHECK (reason IN ('backwards', 'fork', 'new_chain')),
  witnessed_chain TEXT NOT NULL, witnessed_seq INTEGER NOT NULL, witnessed_hash TEXT NOT NULL, witnessed_at TEXT NOT NULL,
  claimed_seq INTEGER NOT NULL, claimed_hash TEXT NOT NULL, assignment_ids TEXT NOT NULL, flagged_at TEXT NOT NULL) STRICT;
CREATE INDEX audit_flags_by_examiner ON audit_flags (examiner_id, id);
CREATE TRIGGER audit_flags_no_update BEFORE UPDATE ON audit_flags BEGIN SELECT RAISE(ABORT, 'audit flags are append-only'); END;
CREATE TRIGGER audit_flags_no_delete BEFORE DELETE ON audit_flags BEGIN SELECT RAISE(ABORT, 'audit flags are append-only'); END;
`,
  `
ALTER TABLE scores ADD COLUMN first_accepted_at TEXT;
UPDATE scores SET first_accepted_at = accepted_at WHERE accepted_at IS NOT NULL;
CREATE INDEX assignments_by_slot ON assignments (slot_id, subject_id);
CREATE TABLE sheet_progress (
  assignment_id TEXT PRIMARY KEY REFERENCES assignments(id), state TEXT NOT NULL CHECK (state IN ('saved', 'submitted')),
  version INTEGER NOT NULL, at TEXT NOT NULL) STRICT;
CREATE TABLE re_reviews_v4 (
  id TEXT PRIMARY KEY, assignment_id TEXT NOT NULL REFERENCES assignments(id),
  reason TEXT NOT NULL CHECK (reason IN ('deviation', 'chief')), deviation REAL, threshold REAL, note TEXT,
  requested_by TEXT REFERENCES accounts(id), requested_at TEXT NOT NULL, resolved_at TEXT,
  CHECK ((reason = 'deviation' AND deviation IS NOT NULL AND threshold IS NOT NULL) OR (reason = 'chief' AND note IS NOT NULL AND requested_by IS NOT NULL))) STRICT;
INSERT INTO re_reviews_v4 (id, assignment_id, reason, deviation, threshold, requested_at, resolved_at)
  SELECT id, assignment_id, 'deviation', deviation, threshold, requested_at, resolved_at FROM re_reviews;
DROP TABLE re_reviews;
ALTER TABLE re_reviews_v4 RENAME TO re_reviews;
CREATE INDEX re_reviews_by_assignment ON re_reviews (assignment_id);
CREATE TABLE sign_offs (slot_id TEXT PRIMARY KEY, at TEXT NOT NULL, by_id TEXT NOT NULL REFERENCES accounts(id)) STRICT;
CREATE TRIGGER sign_offs_no_update BEFORE UPDATE ON sign_offs BEGIN SELECT RAISE(ABORT, 'a sign-off is final'); END;
CREATE TRIGGER sign_offs_no_delete BEFORE DELETE ON sign_offs BEGIN SELECT RAISE(ABORT, 'a sign-off is final'); END;
CREATE TABLE chief_actions (
  id INTEGER PRIMARY KEY AUTOINCREMENT, slot_id TEXT NOT NULL, at TEXT NOT NULL, actor_id TEXT NOT NULL REFERENCES accounts(id),
  action TEXT NOT NULL CHECK (action IN ('lock', 'unlock', 're_review', 'sign_off')),
  assignment_id TEXT REFERENCES assignments(id), reason TEXT) STRICT;
CREATE INDEX chief_actions_by_slot ON chief_actions (slot_id, id);
CREATE TRIGGER chief_actions_no_update BEFORE UPDATE ON chief_actions BEGIN SELECT RAISE(ABORT, 'the chief action log is append-only'); END;
CREATE TRIGGER chief_actions_no_delete BEFORE DELETE ON chief_actions BEGIN SELECT RAISE(ABORT, 'the chief action log is append-only'); END;
`,
  `
CREATE TABLE recusals (
  assignment_id TEXT PRIMARY KEY REFERENCES assignments(id),
  reason TEXT NOT NULL CHECK (reason IN ('relative', 'own_student', 'other')), note TEXT,
  declared_at TEXT NOT NULL, declared_by TEXT NOT NULL CHECK (declared_by IN ('self', 'chief')),
  recorded_by TEXT NOT NULL REFERENCES accounts(id)) STRICT;
CREATE TRIGGER recusals_no_update BEFORE UPDATE ON recusals BEGIN SELECT RAISE(ABORT, 'a recusal is final'); END;
CREATE TRIGGER recusals_no_delete BEFORE DELETE ON recusals BEGIN SELECT RAISE(ABORT, 'a recusal is final'); END;
CREATE TABLE anchors (
  id TEXT PRIMARY KEY, exam_id TEXT NOT NULL, subject_id TEXT NOT NULL, candidate_id TEXT NOT NULL REFERENCES candidates(id),
  slot_id TEXT NOT NULL, label TEXT NOT NULL, reference TEXT NOT NULL, reference_total REAL NOT NULL,
  set_by TEXT NOT NULL REFERENCES accounts(id), created_at TEXT NOT NULL, UNIQUE (exam_id, subject_id, candidate_id)) STRICT;
CREATE INDEX anchors_by_subject ON anchors (exam_id, subject_id);
CREATE TABLE calibration_scores (
  anchor_id TEXT NOT NULL REFERENCES anchors(id), examiner_id TEXT NOT NULL REFERENCES accounts(id),
  sheet TEXT NOT NULL, total REAL NOT NULL, scored_at TEXT NOT NULL, PRIMARY KEY (anchor_id, examiner_id)) STRICT;
CREATE TRIGGER calibration_scores_no_update BEFORE UPDATE ON calibration_scores BEGIN SELECT RAISE(ABORT, 'a calibration score is final'); END;
CREATE TABLE chief_actions_v5 (
  id INTEGER PRIMARY KEY AUTOINCREMENT, slot_id TEXT NOT NULL, at TEXT NOT NULL, actor_id TEXT NOT NULL REFERENCES accounts(id),
  action TEXT NOT NULL CHECK (action IN ('lock', 'unlock', 're_review', 'sign_off', 'recusal', 'anchor')),
  assignment_id TEXT REFERENCES assignments(id), reason TEXT) STRICT;
INSERT INTO chief_actions_v5 (id, slot_id, at, actor_id, action, assignment_id, reason)
  SELECT id, slot_id, at, actor_id, action, assignment_id, reason FROM chief_actions;
DROP TRIGGER chief_actions_no_update;
DROP TRIGGER chief_actions_no_delete;
DROP TABLE chief_actions;
ALTER TABLE chief_actions_v5 RENAME TO chief_actions;
CREATE INDEX chief_actions_by_slot ON chief_actions (slot_id, id);
CREATE TRIGGER chief_actions_no_update BEFORE UPDATE ON chief_actions BEGIN SELECT RAISE(ABORT, 'the chief action log is append-only'); END;
CREATE TRIGGER chief_actions_no_delete BEFORE DELETE ON chief_actions BEGIN SELECT RAISE(ABORT, 'the chief action log is append-only'); END;
`,
];

export class PlatformDataError extends Error {
  override readonly name = 'PlatformDataError';
}

/** Opens (and on first use creates) the platform database; null dataDir keeps it in memory. */
export function openPlatformDb(dataDir: string | null): PlatformDb {
  let file = ':memory:';
  if (dataDir !== null) {
    mkdirSync(dataDir, { recursive: true });
    file = join(dataDir, 'platform.sqlite');
  }
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > PLATFORM_SCHEMA_VERSION) {
    db.close();
    throw new PlatformDataError(`${file} has platform schema ${version}, this platform needs ${PLATFORM_SCHEMA_VERSION} or older`);
  }
  db.transaction(() => {
    if (version === 0) db.exec(SCHEMA);
    for (let from = Math.max(version, 1); from < PLATFORM_SCHEMA_VERSION; from++) db.exec(MIGRATIONS[from - 1] ?? '');
    db.pragma(`user_version = ${PLATFORM_SCHEMA_VERSION}`);
  })();
  return db;
}

export function getMeta(db: PlatformDb, key: string): string | null {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value ?? null;
}

export function setMeta(db: PlatformDb, key: string, value: string): void {
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
}
