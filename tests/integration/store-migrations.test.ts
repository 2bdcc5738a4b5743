import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyPragmas, checkRegistry, DATABASE_FILE, migrate, openChecked, openStore, StoreError } from '../../main/store/database';
import { MIGRATIONS, type Migration } from '../../main/store/migrations/index';
import { m0001Initial } from '../../main/store/migrations/0001-initial';
import { checkEvidenceMigration } from '../support/evidence-migration';
import { checkMediaCacheMigration } from '../support/media-migration';
import { makeDataDir, removeDataDir } from '../support/store-fixtures';

let dataDir: string;
const connections: Database.Database[] = [];

beforeEach(() => {
  dataDir = makeDataDir('examiner-migrations-');
});
afterEach(() => {
  for (const db of connections.splice(0)) if (db.open) db.close();
  removeDataDir(dataDir);
});

/** A database file as the workstation opens it, not yet migrated. */
function freshDatabase(name = DATABASE_FILE): Database.Database {
  const db = new Database(join(dataDir, name));
  connections.push(db);
  applyPragmas(db);
  return db;
}

const userVersion = (db: Database.Database) => db.pragma('user_version', { simple: true }) as number;

function userTables(db: Database.Database): { name: string; strict: number }[] {
  return (db.pragma('table_list') as { schema: string; name: string; type: string; strict: number }[])
    .filter((table) => table.schema === 'main' && table.type === 'table' && !table.name.startsWith('sqlite_'))
    .map(({ name, strict }) => ({ name, strict }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function columnsOf(db: Database.Database, table: string): string[] {
  return (db.pragma(`table_info(${table})`) as { name: string }[]).map((column) => column.name);
}

function storeErrorOf(work: () => unknown): StoreError {
  try {
    work();
  } catch (error) {
    if (error instanceof StoreError) return error;
    throw error;
  }
  throw new Error('expected a StoreError, but nothing was thrown');
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** One representative row per table of the initial schema, as the services write them. */
function insertInitialRows(db: Database.Database): void {
  db.prepare(`INSERT INTO meta (key, value) VALUES ('audit_head', '1:${'a'.repeat(64)}')`).run();
  db.prepare(`INSERT INTO cache_entries (examiner_id, kind, key, body, etag, fetched_at)
              VALUES ('ex-01', 'assignments', 'all', '{"assignments":[]}', '"e1"', '2026-03-14T01:00:00.000Z')`).run();
  db.prepare(`INSERT INTO score_sheets (assignment_id, examiner_id, rubric_id, rubric_version, sheet_values, total, status, revision, updated_at)
              VALUES ('as-0001', 'ex-01', 'rubric-vocal', 1, '{"pitch":25.5}', NULL, 'draft', 1, '2026-03-14T02:00:00.000Z')`).run();
  db.prepare(`INSERT INTO outbox (assignment_id, examiner_id, idempotency_key, base_version, payload, created_at)
              VALUES ('as-0001', 'ex-01', 'key-0001-0001', 0, '{}', '2026-03-14T02:01:00.000Z')`).run();
  db.prepare(`INSERT INTO audit_log (seq, at, actor, action, assignment_id, payload, prev_hash, hash)
              VALUES (1, '2026-03-14T02:00:00.000Z', 'ex-01', 'sheet.saved', 'as-0001', '{}', '${'0'.repeat(64)}', '${'a'.repeat(64)}')`).run();
  db.prepare(`INSERT INTO credentials (id, platform_origin, examiner, sealed_token, signed_in_at, expires_at)
              VALUES (1, 'http://platform.invalid', '{}', x'00ff', '2026-03-14T00:00:00.000Z', '2026-03-15T00:00:00.000Z')`).run();
}

/** What migration 1 must create: six STRICT tables, the append-only audit triggers, working foreign keys. */
function checkInitialSchema(db: Database.Database): void {
  expect(userTables(db)).toEqual(['audit_log', 'cache_entries', 'credentials', 'meta', 'outbox', 'score_sheets'].map((name) => ({ name, strict: 1 })));
  insertInitialRows(db);

  // STRICT: a value of the wrong type is refused, not silently stored as text.
  for (const [table, statement] of [
    ['score_sheets', `UPDATE score_sheets SET revision = 'many'`],
    ['score_sheets', `UPDATE score_sheets SET total = 'high'`],
    ['outbox', `UPDATE outbox SET attempts = 'twice'`],
    ['credentials', `UPDATE credentials SET sealed_token = 42`],
  ] as const) {
    expect(() => db.prepare(statement).run(), table).toThrow(/cannot store/);
  }
  expect(() => db.prepare(`UPDATE score_sheets SET status = 'pending'`).run()).toThrow(/CHECK constraint failed/);

  const triggers = db.prepare(`SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger' ORDER BY name`).all();
  expect(triggers).toEqual([
    { name: 'audit_log_no_delete', tbl_name: 'audit_log' },
    { name: 'audit_log_no_update', tbl_name: 'audit_log' },
  ]);
  expect(() => db.prepare(`UPDATE audit_log SET actor = 'someone-else'`).run()).toThrow(/append-only/);
  expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);

  expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
  expect(() =>
    db
      .prepare(`INSERT INTO outbox (assignment_id, examiner_id, idempotency_key, base_version, payload, created_at)
                VALUES ('as-9999', 'ex-01', 'key-9999-9999', 0, '{}', '2026-03-14T02:01:00.000Z')`)
      .run(),
  ).toThrow(/FOREIGN KEY constraint failed/);
  expect(() => db.prepare(`DELETE FROM score_sheets WHERE assignment_id = 'as-0001'`).run()).toThrow(/FOREIGN KEY constraint failed/);
}

type Snapshot = Record<string, unknown[]>;

/** Every row of every table, in rowid order (every table of the schema has a rowid). */
function snapshot(db: Database.Database): Snapshot {
  return Object.fromEntries(userTables(db).map(({ name }) => [name, db.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).all()]));
}

function indexesOf(db: Database.Database): { name: string; table: string; columns: string[] }[] {
  return (db.prepare(`SELECT name, tbl_name AS "table" FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name`).all() as { name: string; table: string }[]).map(
    ({ name, table }) => ({ name, table, columns: (db.pragma(`index_info(${name})`) as { name: string }[]).map((column) => column.name) }),
  );
}

/** Migration 2 only swaps indexes: the rows stay exactly as they were. */
function checkSyncIndexes(db: Database.Database, before: Snapshot): void {
  expect(snapshot(db)).toEqual(before);
  expect(indexesOf(db)).toEqual([
    { name: 'outbox_by_examiner_due', table: 'outbox', columns: ['examiner_id', 'next_attempt_at', 'id'] },
    { name: 'score_sheets_by_examiner_status', table: 'score_sheets', columns: ['examiner_id', 'status'] },
  ]);
  const plan = db.prepare(`EXPLAIN QUERY PLAN SELECT * FROM outbox WHERE examiner_id = 'ex-01' ORDER BY next_attempt_at`).all() as { detail: string }[];
  expect(plan.map((step) => step.detail).join('; ')).toContain('outbox_by_examiner_due');
}

/**
 * Migration 5 adds the review player's marks to score sheets: every older sheet keeps all its
 * columns and gets an empty list; a list of marks is stored; text that is not a JSON array is not.
 */
function checkReviewMarks(db: Database.Database, before: Snapshot): void {
  const after = snapshot(db);
  const sheetsBefore = before.score_sheets as Record<string, unknown>[];
  expect(after.score_sheets).toEqual(sheetsBefore.map((row) => ({ ...row, review_marks: '[]' })));
  expect(Object.fromEntries(Object.entries(after).filter(([name]) => name !== 'score_sheets'))).toEqual(
    Object.fromEntries(Object.entries(before).filter(([name]) => name !== 'score_sheets')),
  );
  const marks = JSON.stringify([{ id: 'mk1', kind: 'note', atMs: 12_400, text: '第二段音准偏低' }]);
  db.prepare(`UPDATE score_sheets SET review_marks = ? WHERE assignment_id = 'as-0001'`).run(marks);
  expect(db.prepare(`SELECT review_marks FROM score_sheets WHERE assignment_id = 'as-0001'`).get()).toEqual({ review_marks: marks });
  for (const bad of ['not json', '{"id":"mk1"}']) {
    expect(() => db.prepare(`UPDATE score_sheets SET review_marks = ?`).run(bad), bad).toThrow(/CHECK constraint failed/);
  }
  expect(() => db.prepare(`UPDATE score_sheets SET review_marks = NULL`).run()).toThrow(/NOT NULL constraint failed/);
}

/** Rows of a database at version 5: a draft with marks, a submitted sheet waiting in the outbox. */
function insertReviewMarkRows(db: Database.Database): void {
  insertInitialRows(db);
  db.prepare(`UPDATE score_sheets SET review_marks = ? WHERE assignment_id = 'as-0001'`).run('[{"id":"mk1","kind":"note","atMs":1200,"text":"音准"}]');
  db.prepare(`INSERT INTO score_sheets (assignment_id, examiner_id, rubric_id, rubric_version, sheet_values, comment, violation, violation_note,
                total, status, base_version, accepted_version, revision, updated_at, submitted_at, accepted_at, conflict, error)
              VALUES ('as-0002', 'ex-01', 'rubric-vocal', 1, '{"pitch":30}', '好', 1, '看稿', 30, 'accepted', 2, 2, 3,
                '2026-03-14T02:05:00.000Z', '2026-03-14T02:04:00.000Z', '2026-03-14T02:05:00.000Z', NULL, NULL)`).run();
}

/**
 * Migration 6 rebuilds score_sheets for fair scoring: every row keeps every column (with no band,
 * no technical issues, no recusal), the outbox keeps its rows and its foreign key, the index is
 * back, and the status takes `recused`.
 */
function checkFairScoring(db: Database.Database, before: Snapshot): void {
  const after = snapshot(db);
  const sheetsBefore = before.score_sheets as Record<string, unknown>[];
  expect(after.score_sheets).toEqual(sheetsBefore.map((row) => ({ ...row, band: null, technical_issues: '[]', recusal: null })));
  expect(Object.fromEntries(Object.entries(after).filter(([name]) => name !== 'score_sheets'))).toEqual(
    Object.fromEntries(Object.entries(before).filter(([name]) => name !== 'score_sheets')),
  );
  expect(userTables(db).find((table) => table.name === 'score_sheets')?.strict).toBe(1);
  expect(indexesOf(db).filter((index) => index.table === 'score_sheets')).toEqual([
    { name: 'score_sheets_by_examiner_status', table: 'score_sheets', columns: ['examiner_id', 'status'] },
  ]);
  // The outbox still refuses a row for no sheet, and a sheet in it still cannot be deleted.
  expect(() =>
    db
      .prepare(`INSERT INTO outbox (assignment_id, examiner_id, idempotency_key, base_version, payload, created_at)
                VALUES ('as-9999', 'ex-01', 'key-9999-9999', 0, '{}', '2026-03-14T02:01:00.000Z')`)
      .run(),
  ).toThrow(/FOREIGN KEY constraint failed/);
  expect(() => db.prepare(`DELETE FROM score_sheets WHERE assignment_id = 'as-0001'`).run()).toThrow(/FOREIGN KEY constraint failed/);
  expect(db.pragma('foreign_key_check')).toEqual([]);

  const recusal = JSON.stringify({ assignmentId: 'as-0002', reason: 'relative', note: null, declaredAt: '2026-03-14T03:00:00.000Z', declaredBy: 'self' });
  const issues = JSON.stringify([{ id: 'ti1', category: 'sound_clipped', note: '', moments: [] }]);
  db.prepare(`UPDATE score_sheets SET status = 'recused', recusal = ?, band = 'upper', technical_issues = ? WHERE assignment_id = 'as-0002'`).run(recusal, issues);
  expect(db.prepare(`SELECT status, recusal, band, technical_issues FROM score_sheets WHERE assignment_id = 'as-0002'`).get()).toEqual({
    status: 'recused',
    recusal,
    band: 'upper',
    technical_issues: issues,
  });
  expect(() => db.prepare(`UPDATE score_sheets SET status = 'pending'`).run()).toThrow(/CHECK constraint failed/);
  for (const bad of ['not json', '{"id":"ti1"}']) {
    expect(() => db.prepare(`UPDATE score_sheets SET technical_issues = ?`).run(bad), bad).toThrow(/CHECK constraint failed/);
  }
  for (const bad of ['not json', '[]']) {
    expect(() => db.prepare(`UPDATE score_sheets SET recusal = ?`).run(bad), bad).toThrow(/CHECK constraint failed/);
  }
  expect(() => db.prepare(`UPDATE score_sheets SET review_marks = 'x'`).run()).toThrow(/CHECK constraint failed/);
  expect(() => db.prepare(`UPDATE score_sheets SET total = 'high'`).run()).toThrow(/cannot store/);
  expect(userTables(db).map((table) => table.name)).not.toContain('outbox_v5_rows');
  expect(userTables(db).map((table) => table.name)).not.toContain('score_sheets_v6');
}

/**
 * Migration 7 adds review_alignments (per examiner and assignment) and touches nothing else:
 * every table keeps every row; the new table takes a row of each source and refuses what the
 * contract does not allow.
 */
function checkReviewAlignment(db: Database.Database, before: Snapshot): void {
  const after = snapshot(db);
  expect(Object.keys(after).sort()).toEqual([...Object.keys(before), 'review_alignments'].sort());
  for (const [table, rows] of Object.entries(before)) expect(after[table], table).toEqual(rows);
  expect(userTables(db).find((table) => table.name === 'review_alignments')).toEqual({ name: 'review_alignments', strict: 1 });
  expect(columnsOf(db, 'review_alignments')).toEqual(['examiner_id', 'assignment_id', 'offset_ms', 'source', 'confidence', 'detected_ms', 'reason', 'updated_at']);
  const insert = db.prepare(`INSERT INTO review_alignments (examiner_id, assignment_id, offset_ms, source, confidence, detected_ms, reason, updated_at)
                             VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  insert.run('ex-01', 'as-0001', 2370, 'sound', 0.75, 2370, null, 1);
  insert.run('ex-01', 'as-0002', 0, 'none', 0.1, null, 'low_confidence', 1);
  insert.run('ex-02', 'as-0001', 2403, 'grader', 0.75, 2370, null, 1);
  expect(db.prepare('SELECT COUNT(*) AS n FROM review_alignments').get()).toEqual({ n: 3 });
  expect(() => insert.run('ex-01', 'as-0001', 0, 'sound', null, null, null, 1)).toThrow(/UNIQUE constraint failed/);
  const bad: [string, unknown[]][] = [
    ['a source', ['ex-01', 'as-9', 0, 'guess', null, null, null, 1]],
    ['a reason', ['ex-01', 'as-9', 0, 'none', null, null, 'pending', 1]],
    ['a confidence', ['ex-01', 'as-9', 0, 'sound', 1.5, 0, null, 1]],
    ['an offset', ['ex-01', 'as-9', 700_000, 'grader', null, null, null, 1]],
    ['a text offset', ['ex-01', 'as-9', 'soon', 'grader', null, null, null, 1]],
  ];
  for (const [label, values] of bad) expect(() => insert.run(...values), label).toThrow(/CHECK constraint failed|cannot store/);
}

interface MigrationCase {
  /** Rows a database at version N−1 holds when migration N runs. */
  seed(db: Database.Database): void;
  /** What must hold at version N, given every row the database held before it. */
  check(db: Database.Database, before: Snapshot): void;
}

/** One case per migration: a new migration without one fails the test below. */
const CASES: ReadonlyMap<number, MigrationCase> = new Map<number, MigrationCase>([
  [1, { seed: () => undefined /* version 0 has no tables yet */, check: checkInitialSchema }],
  [2, { seed: insertInitialRows, check: checkSyncIndexes }],
  [3, { seed: insertInitialRows, check: checkEvidenceMigration }],
  [4, { seed: insertInitialRows, check: checkMediaCacheMigration }],
  [5, { seed: insertInitialRows, check: checkReviewMarks }],
  [6, { seed: insertReviewMarkRows, check: checkFairScoring }],
  [7, { seed: insertReviewMarkRows, check: checkReviewAlignment }],
]);

describe('store migrations', () => {
  describe.each(MIGRATIONS.map((migration) => [migration.version, migration.name] as const))('migration %i (%s)', (version) => {
    it('takes a database with rows from N−1 to N and keeps them', () => {
      const testCase = CASES.get(version);
      expect(testCase, `migration ${String(version)} needs a case in CASES`).toBeDefined();
      if (!testCase) return;
      const db = freshDatabase();
      migrate(db, MIGRATIONS, version - 1);
      expect(userVersion(db)).toBe(version - 1);
      testCase.seed(db);
      const before = snapshot(db);
      migrate(db, MIGRATIONS, version);
      expect(userVersion(db)).toBe(version);
      testCase.check(db, before);
    });
  });

  it('refuses a database from a newer workstation with newer_database and leaves it as it was', () => {
    const file = join(dataDir, DATABASE_FILE);
    const newer = freshDatabase();
    migrate(newer);
    newer.exec(`CREATE TABLE from_the_future (note TEXT NOT NULL) STRICT; INSERT INTO from_the_future VALUES ('kept');`);
    newer.pragma(`user_version = ${String(MIGRATIONS.length + 1)}`);
    newer.close();
    const before = sha256(file);

    expect(storeErrorOf(() => openChecked(file)).code).toBe('newer_database');
    expect(storeErrorOf(() => openStore(dataDir)).code).toBe('newer_database');

    expect(sha256(file)).toBe(before);
    // Not mistaken for damage: nothing was moved aside or restored.
    expect(readdirSync(dataDir).filter((name) => name.includes('damaged'))).toEqual([]);
    const reopened = new Database(file, { readonly: true });
    connections.push(reopened);
    expect(userVersion(reopened)).toBe(MIGRATIONS.length + 1);
    expect(reopened.prepare('SELECT note FROM from_the_future').all()).toEqual([{ note: 'kept' }]);
  });

  const failing = (version: number): Migration => ({
    version,
    name: 'half-done',
    up(db) {
      db.exec(`CREATE TABLE half_made (note TEXT NOT NULL) STRICT; INSERT INTO half_made VALUES ('half');`);
      if (version > 1) db.exec('ALTER TABLE score_sheets ADD COLUMN grade TEXT');
      throw new Error('the disk said no');
    },
  });

  it.each([
    ['the first migration', [failing(1)], 0, []],
    ['a migration on top of the initial schema', [m0001Initial, failing(2)], 1, ['audit_log', 'cache_entries', 'credentials', 'meta', 'outbox', 'score_sheets']],
  ] as const)('leaves the database at the previous version, with nothing half-created, when %s throws', (_label, registry, previous, tables) => {
    const db = freshDatabase();
    const error = storeErrorOf(() => migrate(db, registry));
    expect(error.code).toBe('migration_failed');
    expect((error.cause as Error).message).toBe('the disk said no');
    expect(userVersion(db)).toBe(previous);
    expect(userTables(db).map((table) => table.name)).toEqual(tables);
    if (previous >= 1) expect(columnsOf(db, 'score_sheets')).not.toContain('grade');

    // Nothing stands in the way of a corrected migration.
    const fixed: Migration = { version: registry.length, name: 'fixed', up: (target) => target.exec('CREATE TABLE made (note TEXT) STRICT') };
    migrate(db, [...registry.slice(0, -1), fixed]);
    expect(userVersion(db)).toBe(registry.length);
    expect(userTables(db).map((table) => table.name)).toContain('made');
  });

  it('keeps what earlier migrations committed when a later one fails while opening', () => {
    const file = join(dataDir, DATABASE_FILE);
    expect(storeErrorOf(() => openChecked(file, [m0001Initial, failing(2)])).code).toBe('migration_failed');
    const db = new Database(file, { readonly: true });
    connections.push(db);
    expect(userVersion(db)).toBe(1);
    expect(userTables(db).map((table) => table.name)).not.toContain('half_made');
  });

  const step = (version: number): Migration => ({ version, name: `step-${String(version)}`, up: () => undefined });

  it.each([
    ['a gap', [step(1), step(3)], /version 3, expected 2/],
    ['a duplicate', [step(1), step(1)], /version 1, expected 2/],
    ['a registry not starting at 1', [step(2)], /version 2, expected 1/],
  ] as const)('refuses a registry with %s, before touching the database', (_label, registry, message) => {
    expect(() => checkRegistry(registry)).toThrow(message);
    const db = freshDatabase();
    expect(() => migrate(db, registry)).toThrow(message);
    expect(userVersion(db)).toBe(0);
  });

  it('accepts the shipped registry', () => {
    expect(() => checkRegistry(MIGRATIONS)).not.toThrow();
  });

  it.each([
    ['openStore', () => openStore(dataDir).store.raw],
    ['openChecked', () => openChecked(join(dataDir, DATABASE_FILE))],
  ] as const)('%s sets WAL, synchronous FULL and foreign keys', (_label, open) => {
    const db = open();
    connections.push(db);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(userVersion(db)).toBe(MIGRATIONS.length);
  });
});
