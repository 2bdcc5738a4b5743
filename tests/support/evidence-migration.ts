import type Database from 'better-sqlite3';
import { expect } from 'vitest';

/**
 * What migration 3 (evidence) must do, for tests/integration/store-migrations.test.ts: keep
 * every row of the tables before it, and add a STRICT evidence_recordings table whose checks
 * refuse an unknown device or state.
 */
export function checkEvidenceMigration(db: Database.Database, before: Record<string, unknown[]>): void {
  for (const [table, rows] of Object.entries(before)) {
    expect(db.prepare(`SELECT * FROM "${table}" ORDER BY rowid`).all(), table).toEqual(rows);
  }
  const tables = db.pragma('table_list') as { name: string; strict: number }[];
  expect(tables.find((table) => table.name === 'evidence_recordings')?.strict).toBe(1);

  const insert = db.prepare(`INSERT INTO evidence_recordings (id, assignment_id, examiner_id, device, mime_type, state, partial_file, media_id, started_at)
                             VALUES (?, 'as-0001', 'ex-01', ?, 'video/webm', ?, 'ev.part.webm', ?, '2026-03-14T02:00:00.000Z')`);
  insert.run('ev-1', 'main', 'recording', 'm000000000000000000000001');
  expect(() => insert.run('ev-2', 'top', 'recording', 'm000000000000000000000002')).toThrow(/CHECK constraint failed/);
  expect(() => insert.run('ev-3', 'side', 'paused', 'm000000000000000000000003')).toThrow(/CHECK constraint failed/);
  expect(() => insert.run('ev-4', 'side', 'recording', 'm000000000000000000000001')).toThrow(/UNIQUE constraint failed/);
  const plan = db.prepare(`EXPLAIN QUERY PLAN SELECT * FROM evidence_recordings WHERE examiner_id = 'ex-01' AND assignment_id = 'as-0001'`).all() as { detail: string }[];
  expect(plan.map((step) => step.detail).join('; ')).toContain('evidence_by_assignment');
}
