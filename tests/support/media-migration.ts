import type Database from 'better-sqlite3';
import { expect } from 'vitest';

/**
 * What migration 4 (media cache) must do, for tests/integration/store-migrations.test.ts: keep
 * every row of the tables before it, and add STRICT tables for downloaded recordings, the
 * assignments that need them and their artefacts, whose constraints keep a half-downloaded file
 * from ever being "ready" and take a recording's links and artefacts with it when it goes.
 */
export function checkMediaCacheMigration(db: Database.Database, before: Record<string, unknown[]>): void {
  for (const [table, rows] of Object.entries(before)) {
    expect(db.prepare(`SELECT * FROM "${table}" ORDER BY rowid`).all(), table).toEqual(rows);
  }
  const tables = db.pragma('table_list') as { name: string; strict: number }[];
  for (const name of ['media_recordings', 'media_recording_assignments', 'media_artefacts']) {
    expect(tables.find((table) => table.name === name)?.strict, name).toBe(1);
  }

  const recording = db.prepare(`INSERT INTO media_recordings (recording_id, content_type, expected_bytes, sha256, duration_ms, state, path, media_id, last_used_at, updated_at)
                                VALUES (?, 'video/mp4', 1000, '${'a'.repeat(64)}', 2000, ?, ?, ?, 1, 1)`);
  recording.run('rec-1', 'ready', 'recordings/rec-1.mp4', 'm000000000000000000000001');
  recording.run('rec-2', 'downloading', null, null);
  // "ready" only with a file and a media id; anything else never has them.
  expect(() => recording.run('rec-3', 'ready', null, null)).toThrow(/CHECK constraint failed/);
  expect(() => recording.run('rec-4', 'verifying', 'recordings/rec-4.mp4', 'm000000000000000000000004')).toThrow(/CHECK constraint failed/);
  expect(() => recording.run('rec-5', 'resting', null, null)).toThrow(/CHECK constraint failed/);
  expect(() => db.prepare(`UPDATE media_recordings SET bytes_done = 'half' WHERE recording_id = 'rec-2'`).run()).toThrow(/cannot store/);

  db.prepare(`INSERT INTO media_recording_assignments (examiner_id, assignment_id, recording_id, angle, due_at) VALUES ('ex-01', 'as-0001', 'rec-1', 'main', 5)`).run();
  expect(() =>
    db.prepare(`INSERT INTO media_recording_assignments (examiner_id, assignment_id, recording_id, angle, due_at) VALUES ('ex-01', 'as-0001', 'rec-9', 'main', 5)`).run(),
  ).toThrow(/FOREIGN KEY constraint failed/);
  const artefact = db.prepare(`INSERT INTO media_artefacts (media_id, recording_id, other_recording_id, kind, variant, path, bytes, data, created_at, last_used_at)
                               VALUES (?, 'rec-1', ?, ?, ?, NULL, 0, '{}', 1, 1)`);
  artefact.run('m000000000000000000000010', null, 'probe', 'v1');
  artefact.run('m000000000000000000000011', 'rec-2', 'side_by_side', 'rec-2:h=720');
  expect(() => artefact.run('m000000000000000000000012', null, 'probe', 'v1')).toThrow(/UNIQUE constraint failed/);
  expect(() => artefact.run('m000000000000000000000013', null, 'thumbnail', 'v1')).toThrow(/CHECK constraint failed/);

  // The side angle of an export goes, and the export with it; the main recording goes, and all of its own.
  db.prepare(`DELETE FROM media_recordings WHERE recording_id = 'rec-2'`).run();
  expect(db.prepare('SELECT media_id FROM media_artefacts ORDER BY media_id').all()).toEqual([{ media_id: 'm000000000000000000000010' }]);
  db.prepare(`DELETE FROM media_recordings WHERE recording_id = 'rec-1'`).run();
  expect(db.prepare('SELECT COUNT(*) AS n FROM media_artefacts').get()).toEqual({ n: 0 });
  expect(db.prepare('SELECT COUNT(*) AS n FROM media_recording_assignments').get()).toEqual({ n: 0 });
}
