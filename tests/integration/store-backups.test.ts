import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Assignment } from '@common/platform';
import { backupStore, backupSumFile, checkBackup, listBackups } from '../../main/store/backups';
import { DATABASE_FILE, integrityProblems, openStore } from '../../main/store/database';
import { completeSheet, fixtureAssignments, makeDataDir, openWorkbench, prepareDataDir, removeDataDir } from '../support/store-fixtures';

/**
 * Backups are what a damaged database is restored from, so a backup must be the file that was
 * written: each carries its sha256 (in sha256sum format, beside it), checked before anything is
 * copied from it. A backup truncated or altered on disk is passed over for the next older one.
 */

const ASSIGNMENTS = fixtureAssignments(2);
const FIRST: Assignment = firstOf(ASSIGNMENTS);
const T_OLDER = new Date('2026-03-14T03:00:00.000Z');
const T_NEWER = new Date('2026-03-14T03:10:00.000Z');

let dataDir: string;
let file: string;

function firstOf<T>(items: readonly T[]): T {
  const [first] = items;
  if (first === undefined) throw new Error('no fixture assignment');
  return first;
}

beforeEach(() => {
  dataDir = makeDataDir('examiner-backups-');
  file = join(dataDir, DATABASE_FILE);
  prepareDataDir(dataDir, ASSIGNMENTS);
});
afterEach(() => removeDataDir(dataDir));

/** Two backups of one sheet: the older holds comment seed 1, the newer seed 2; the live file has seed 3. */
function twoBackups(): { older: string; newer: string } {
  const bench = openWorkbench(dataDir);
  try {
    bench.sheets.save(completeSheet(FIRST, 1));
    const older = backupStore(bench.store, dataDir, T_OLDER);
    bench.sheets.save(completeSheet(FIRST, 2));
    const newer = backupStore(bench.store, dataDir, T_NEWER);
    bench.sheets.save(completeSheet(FIRST, 3));
    return { older, newer };
  } finally {
    bench.close();
  }
}

/** Breaks the live database's header, so opening it is proof of corruption (SQLITE_NOTADB). */
function corruptLiveDatabase(): void {
  for (const suffix of ['-wal', '-shm']) rmSync(file + suffix, { force: true });
  overwrite(file, 0, Buffer.from('not a database, not any more: '.repeat(4)));
}

function overwrite(target: string, offset: number, bytes: Buffer): void {
  const fd = openSync(target, 'r+');
  try {
    writeSync(fd, bytes, 0, bytes.length, offset);
  } finally {
    closeSync(fd);
  }
}

/** The comment of the first sheet in the store as it opens now. */
function commentNow(): string | undefined {
  const bench = openWorkbench(dataDir);
  try {
    return bench.sheets.get(FIRST.assignmentId)?.comment;
  } finally {
    bench.close();
  }
}

describe('backups on disk', () => {
  it('each carry their sha256 beside them, which sha256sum -c accepts', () => {
    const { older, newer } = twoBackups();
    for (const backup of [older, newer]) {
      expect(readFileSync(backupSumFile(backup), 'utf8')).toMatch(new RegExp(`^[0-9a-f]{64}  ${basename(backup)}\\n$`));
      expect(execFileSync('sha256sum', ['-c', basename(backupSumFile(backup))], { cwd: dirname(backup), encoding: 'utf8' })).toBe(`${basename(backup)}: OK\n`);
      expect(checkBackup(backup)).toEqual({ ok: true, verified: true });
    }
  });

  it('a backup truncated on disk is detected before anything is copied from it, and the next older one restored', () => {
    const { older, newer } = twoBackups();
    // At a page boundary, where a file looks most like a whole database.
    truncateSync(newer, statSync(newer).size - 4096);
    const truncatedBytes = readFileSync(newer);
    corruptLiveDatabase();

    expect(checkBackup(newer)).toEqual({ ok: false, problem: expect.stringMatching(/does not match its recorded sha256: truncated/) as unknown });
    const opened = openStore(dataDir);
    try {
      expect(opened.recovery).toMatchObject({ backupFile: older, skippedBackups: [expect.stringContaining(basename(newer))] });
    } finally {
      opened.store.close();
    }
    expect(commentNow()).toBe('评语 1');
    // Left as it was found, for whoever investigates.
    expect(readFileSync(newer)).toEqual(truncatedBytes);
  });

  it('a backup altered on disk where the integrity check cannot see it is passed over for the next older one', () => {
    const { older, newer } = twoBackups();
    const bytes = readFileSync(newer);
    const at = bytes.indexOf(Buffer.from('评语 2'));
    expect(at).toBeGreaterThan(0);
    overwrite(newer, at, Buffer.from('评语 8'));
    // SQLite checks structure, not values: the altered backup passes its own integrity check…
    const altered = new Database(newer, { readonly: true, fileMustExist: true });
    try {
      expect(integrityProblems(altered)).toEqual([]);
    } finally {
      altered.close();
    }
    corruptLiveDatabase();

    const opened = openStore(dataDir);
    try {
      // …but not its checksum, so the examiner never gets a score nobody gave.
      expect(opened.recovery?.backupFile).toBe(older);
    } finally {
      opened.store.close();
    }
    expect(commentNow()).toBe('评语 1');
  });

  it('a backup taken before checksums were kept is still restored, once its integrity check passes', () => {
    const { newer } = twoBackups();
    rmSync(backupSumFile(newer));
    expect(checkBackup(newer)).toEqual({ ok: true, verified: false });
    corruptLiveDatabase();
    const opened = openStore(dataDir);
    try {
      expect(opened.recovery).toMatchObject({ backupFile: newer, skippedBackups: [] });
    } finally {
      opened.store.close();
    }
    expect(commentNow()).toBe('评语 2');
  });

  it('a checksum file that names another backup is not taken for this one', () => {
    const { older, newer } = twoBackups();
    writeFileSync(backupSumFile(newer), readFileSync(backupSumFile(older)));
    expect(checkBackup(newer)).toEqual({ ok: false, problem: expect.stringContaining('is not a checksum of') as unknown });
  });

  it('the next backup removes what a crash mid-backup left: a .partial, and a checksum whose backup was never named', () => {
    const { newer } = twoBackups();
    const dir = dirname(newer);
    const orphan = join(dir, 'workstation-000000000000007.sqlite');
    writeFileSync(`${orphan}.partial`, 'half a backup');
    writeFileSync(backupSumFile(orphan), `${'0'.repeat(64)}  ${basename(orphan)}\n`);
    writeFileSync(`${backupSumFile(orphan)}.partial`, 'half a checksum');

    const bench = openWorkbench(dataDir);
    let latest: string;
    try {
      latest = backupStore(bench.store, dataDir, new Date(T_NEWER.getTime() + 600_000));
    } finally {
      bench.close();
    }
    expect(readdirSync(dir).filter((name) => name.includes('000000000000007'))).toEqual([]);
    expect(listBackups(dataDir).map((backup) => checkBackup(backup.file))).toEqual(
      listBackups(dataDir).map(() => ({ ok: true, verified: true })),
    );
    expect(listBackups(dataDir)[0]?.file).toBe(latest);
  });
});

describe('backup rotation', () => {
  it('keeps hourly and daily backups beside the 10-minute ones, each with its checksum, and removes the rest with theirs', () => {
    // A workstation left running from 22:00 one day to 23:50 the next, backing up every 10 minutes.
    const start = Date.parse('2026-03-13T22:00:00.000Z');
    const count = 26 * 6;
    const bench = openWorkbench(dataDir);
    try {
      for (let index = 0; index < count; index++) {
        // Revision index + 1 is what the backup taken at step `index` holds.
        bench.sheets.save(completeSheet(FIRST, index));
        backupStore(bench.store, dataDir, new Date(start + index * 600_000));
      }
    } finally {
      bench.close();
    }
    const taken = (iso: string) => Date.parse(`${iso}:00.000Z`);
    const expected = [
      '2026-03-13T23:50', // daily: the last of the first day
      ...Array.from({ length: 11 }, (_, hour) => `2026-03-14T${String(12 + hour).padStart(2, '0')}:50`), // hourly
      ...[0, 10, 20, 30, 40, 50].map((minute) => `2026-03-14T23:${String(minute).padStart(2, '0')}`), // every 10 minutes
    ].map(taken);
    const backups = listBackups(dataDir);
    expect(backups.map((backup) => Date.parse(backup.takenAt)).sort((a, b) => a - b)).toEqual(expected);
    // Nothing else in the folder: a removed backup took its checksum with it.
    expect(readdirSync(join(dataDir, 'backups')).sort()).toEqual(backups.flatMap((backup) => [basename(backup.file), basename(backupSumFile(backup.file))]).sort());
    for (const backup of backups) {
      expect(checkBackup(backup.file)).toEqual({ ok: true, verified: true });
      // Each is its own moment: the daily one from yesterday still holds yesterday's revision.
      const db = new Database(backup.file, { readonly: true, fileMustExist: true });
      try {
        const revision = (db.prepare('SELECT revision FROM score_sheets').get() as { revision: number }).revision;
        expect(revision).toBe((Date.parse(backup.takenAt) - start) / 600_000 + 1);
      } finally {
        db.close();
      }
    }
  });
});
