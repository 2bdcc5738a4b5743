import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SheetState } from '@common/contract';
import type { Assignment } from '@common/platform';
import { silentLogger } from '../../main/log';
import { appendAudit, verifyAudit } from '../../main/store/audit';
import { Store } from '../../main/store/connection';
import { backupStore, backupSumFile, listBackups } from '../../main/store/backups';
import { DATABASE_FILE, integrityProblems, openStore, StoreError } from '../../main/store/database';
import { sql } from '../../main/store/sql';
import { createWorkstation } from '../../main/workstation';
import { completeSheet, fixtureAssignments, makeDataDir, openWorkbench, prepareDataDir, removeDataDir, type Workbench } from '../support/store-fixtures';

/**
 * A damaged database at start: moved aside (never deleted), the newest healthy backup put in
 * its place, and the examiner told what the backup still had to send. Never a silent empty start.
 */

const ASSIGNMENTS = fixtureAssignments(6);
const at = (index: number): Assignment => {
  const assignment = ASSIGNMENTS[index];
  if (!assignment) throw new Error(`no fixture assignment #${String(index)}`);
  return assignment;
};
const T_BACKUP = new Date('2026-03-14T03:00:00.000Z');

let dataDir: string;
let file: string;
let minutes: number;
const clock = () => new Date(Date.UTC(2026, 2, 14, 2, minutes++));
const open: { close(): void }[] = [];

beforeEach(() => {
  dataDir = makeDataDir('examiner-recovery-');
  file = join(dataDir, DATABASE_FILE);
  minutes = 0;
  prepareDataDir(dataDir, ASSIGNMENTS);
});
afterEach(() => {
  for (const handle of open.splice(0)) handle.close();
  removeDataDir(dataDir);
});

/** Deterministic noise, so a corruption is the same on every run. */
function garbage(length: number, seed = 7): Buffer {
  const bytes = Buffer.alloc(length);
  let state = seed;
  for (let index = 0; index < length; index++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    bytes[index] = state >>> 24;
  }
  return bytes;
}

function overwrite(target: string, offset: number, bytes: Buffer): void {
  const fd = openSync(target, 'r+');
  try {
    writeSync(fd, bytes, 0, bytes.length, offset);
  } finally {
    closeSync(fd);
  }
}

/**
 * Ways a closed database file gets damaged. SQLite's integrity check sees broken structure, not
 * altered values, so each of these breaks pages (headers, cell pointers), not only their content.
 */
const CORRUPTIONS: [string, (target: string) => void][] = [
  ['overwritten with garbage from the middle of a page to its end', (target) => {
    const size = statSync(target).size;
    const start = Math.floor(size / 2) + 123;
    overwrite(target, start, garbage(size - start));
  }],
  ['truncated in the middle of a page', (target) => truncateSync(target, Math.floor(statSync(target).size / 2) + 123)],
  ['with its header overwritten', (target) => overwrite(target, 0, garbage(100))],
  ['replaced by garbage', (target) => writeFileSync(target, garbage(statSync(target).size))],
];

const corruptWithGarbage = (target: string) => writeFileSync(target, garbage(statSync(target).size, 99));

/** What the sync worker writes when the platform accepts a submission. */
function markAccepted(store: Store, assignmentId: string, examinerId: string): void {
  store.transaction((db) => {
    db.run(sql`UPDATE score_sheets SET status = 'accepted', accepted_version = 1, base_version = 1, accepted_at = '2026-03-14T02:30:00.000Z'
               WHERE assignment_id = ${assignmentId} AND examiner_id = ${examinerId}`);
    db.run(sql`DELETE FROM outbox WHERE assignment_id = ${assignmentId} AND examiner_id = ${examinerId}`);
    appendAudit(db, { actor: examinerId, action: 'sheet.accepted', assignmentId, payload: { version: 1 }, at: '2026-03-14T02:30:00.000Z' });
  });
}

function bench(): Workbench {
  const opened = openWorkbench(dataDir, clock);
  open.push(opened);
  return opened;
}

function closeAll(): void {
  for (const handle of open.splice(0)) handle.close();
}

interface Scored {
  /** What the backup holds, by assignment index. */
  readonly backedUp: ReadonlyMap<number, SheetState>;
  readonly backupFile: string;
}

/**
 * A grading session: a draft, a submitted sheet, an accepted one and another draft, then a
 * backup; then work the backup never saw (a new sheet, a second revision of the first).
 */
function gradeAndBackUp(backupAt = T_BACKUP): Scored {
  const { sheets, store, examinerId } = bench();
  const backedUp = new Map<number, SheetState>();
  backedUp.set(0, sheets.save(completeSheet(at(0), 0)));
  sheets.save(completeSheet(at(1), 1));
  backedUp.set(1, sheets.submit(at(1).assignmentId));
  sheets.save(completeSheet(at(2), 2));
  sheets.submit(at(2).assignmentId);
  markAccepted(store, at(2).assignmentId, examinerId);
  backedUp.set(2, sheets.get(at(2).assignmentId) ?? expect.unreachable());
  backedUp.set(3, sheets.save(completeSheet(at(3), 3)));
  const backupFile = backupStore(store, dataDir, backupAt);
  sheets.save(completeSheet(at(4), 4));
  sheets.save(completeSheet(at(0), 9));
  closeAll();
  return { backedUp, backupFile };
}

function storeErrorOf(work: () => unknown): StoreError {
  try {
    work();
  } catch (error) {
    if (error instanceof StoreError) return error;
    throw error;
  }
  throw new Error('expected a StoreError, but the store opened');
}

const damagedFiles = () => readdirSync(dataDir).filter((name) => name.startsWith(`${DATABASE_FILE}.damaged-`));

/** The sheets the store holds now, as the services see them. */
function sheetsNow(): Map<number, SheetState> {
  const { sheets } = bench();
  const found = new Map<number, SheetState>();
  ASSIGNMENTS.forEach((assignment, index) => {
    const state = sheets.get(assignment.assignmentId);
    if (state) found.set(index, state);
  });
  return found;
}

describe('store recovery at start', () => {
  describe.each(CORRUPTIONS)('a database file %s', (_label, corrupt) => {
    it('is moved aside and the newest healthy backup restored in its place, with the backup time reported', () => {
      const { backedUp, backupFile } = gradeAndBackUp();
      corrupt(file);
      const damagedBytes = readFileSync(file);

      const opened = openStore(dataDir);
      open.push(opened.store);
      expect(opened.recovery).toMatchObject({ backupFile, damagedFile: expect.stringContaining(`${DATABASE_FILE}.damaged-`) });
      expect(opened.recovery?.backupTakenAt).toBe(listBackups(dataDir).find((backup) => backup.file === backupFile)?.takenAt);
      expect(opened.recovery?.reason).toBeTruthy();
      // The damaged file is kept, byte for byte, for whoever investigates.
      expect(readFileSync(opened.recovery?.damagedFile ?? expect.unreachable())).toEqual(damagedBytes);
      expect(integrityProblems(opened.store.raw)).toEqual([]);
      expect(verifyAudit(opened.store.reader)).toMatchObject({ ok: true, count: 7 });
      expect(opened.store.reader.all(sql`SELECT assignment_id FROM outbox`)).toEqual([{ assignment_id: at(1).assignmentId }]);
      closeAll();

      // The restored store is the backup's, and grading goes on in it.
      expect(sheetsNow()).toEqual(backedUp);
      const { sheets } = bench();
      expect(sheets.save(completeSheet(at(4), 4)).revision).toBe(1);
    });

    it("is reported by the workstation's store.getRecovery with the sheets still to send", async () => {
      const { backedUp } = gradeAndBackUp();
      corrupt(file);

      const workstation = createWorkstation({ host: 'browser', config: { platformUrl: null, dataDir, demo: false }, log: silentLogger });
      open.push(workstation.store);
      const result = await workstation.dispatch('store.getRecovery', {}, { transport: 'test' });
      const unsynced = [0, 1, 3].map((index) => {
        const state = backedUp.get(index) ?? expect.unreachable();
        return { assignmentId: state.assignmentId, status: state.status, updatedAt: state.updatedAt };
      });
      expect(result).toEqual({
        ok: true,
        value: { backupTakenAt: listBackups(dataDir)[0]?.takenAt, reason: expect.any(String) as string, unsynced },
      });
      expect(await workstation.dispatch('audit.verify', {}, { transport: 'test' })).toMatchObject({ ok: true, value: { ok: true, count: 7 } });
    });
  });

  it('reports no recovery when the database is healthy', async () => {
    gradeAndBackUp();
    const workstation = createWorkstation({ host: 'browser', config: { platformUrl: null, dataDir, demo: false }, log: silentLogger });
    open.push(workstation.store);
    expect(await workstation.dispatch('store.getRecovery', {}, { transport: 'test' })).toEqual({ ok: true, value: null });
    expect(damagedFiles()).toEqual([]);
  });

  it('passes over a corrupted newest backup to the next older healthy one', () => {
    const older = gradeAndBackUp(T_BACKUP);
    const newer = (() => {
      const { sheets, store } = bench();
      sheets.save(completeSheet(at(5), 5));
      const backupFile = backupStore(store, dataDir, new Date(T_BACKUP.getTime() + 10 * 60_000));
      closeAll();
      return backupFile;
    })();
    expect(listBackups(dataDir).map((backup) => backup.file)).toEqual([newer, older.backupFile]);
    corruptWithGarbage(newer);
    corruptWithGarbage(file);

    const opened = openStore(dataDir);
    open.push(opened.store);
    expect(opened.recovery?.backupFile).toBe(older.backupFile);
    expect(opened.recovery?.backupTakenAt).toBe(listBackups(dataDir)[1]?.takenAt);
    closeAll();
    expect(sheetsNow()).toEqual(older.backedUp);
  });

  it.each([
    ['no backup at all', 0],
    ['only corrupted backups', 2],
  ])('refuses to start with no_backup when there is %s, leaving the damaged file in place', (_label, backups) => {
    const { sheets, store } = bench();
    sheets.save(completeSheet(at(0), 0));
    const taken = Array.from({ length: backups }, (_, index) => backupStore(store, dataDir, new Date(T_BACKUP.getTime() + index * 60_000)));
    closeAll();
    for (const backup of taken) corruptWithGarbage(backup);
    corruptWithGarbage(file);
    const damagedBytes = readFileSync(file);

    const error = storeErrorOf(() => openStore(dataDir));
    expect(error.code).toBe('no_backup');
    expect(damagedFiles()).toEqual([]);
    expect(readFileSync(file)).toEqual(damagedBytes);
    for (const backup of taken) expect(existsSync(backup)).toBe(true);
    // And the next start refuses in the same way: it must never come up with an empty database.
    expect(storeErrorOf(() => openStore(dataDir)).code).toBe('no_backup');
    expect(readFileSync(file)).toEqual(damagedBytes);
  });

  it.each([
    ['deleted', (path: string) => rmSync(path)],
    ['emptied', (path: string) => writeFileSync(path, '')],
  ])('restores from the backup when the database was %s but backups exist', (_label, lose) => {
    const { sheets, store } = bench();
    sheets.save(completeSheet(at(0), 0));
    backupStore(store, dataDir, T_BACKUP);
    closeAll();
    for (const suffix of ['-wal', '-shm']) rmSync(file + suffix, { force: true });
    lose(file);
    const opened = openStore(dataDir);
    try {
      expect(opened.recovery?.reason).toMatch(/missing or empty/);
      expect(opened.store.reader.get<{ n: number }>(sql`SELECT COUNT(*) AS n FROM score_sheets`)?.n).toBe(1);
    } finally {
      opened.store.close();
    }
  });

  it('removes a .partial left by a crash mid-backup and dates backups by their name', () => {
    const { store } = bench();
    const dir = join(dataDir, 'backups');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'workstation-000000000000001.sqlite.partial'), 'half a backup');
    const taken = backupStore(store, dataDir, T_BACKUP);
    expect(readdirSync(dir).sort()).toEqual([basename(taken), basename(backupSumFile(taken))]);
    expect(listBackups(dataDir)[0]?.takenAt).toBe(T_BACKUP.toISOString());
  });

  it('keeps only the newest 5 backups when told to, each a complete copy of its moment, and never a .partial file', () => {
    const { sheets, store } = bench();
    const taken: string[] = [];
    for (let index = 0; index < 8; index++) {
      sheets.save(completeSheet(at(0), index));
      taken.push(backupStore(store, dataDir, new Date(T_BACKUP.getTime() + index * 10 * 60_000), { recent: 5, hourly: 0, daily: 0 }));
    }
    const kept = taken.slice(-5).reverse();
    expect(listBackups(dataDir).map((backup) => backup.file)).toEqual(kept);
    expect(readdirSync(dirname(kept[0] ?? '')).sort()).toEqual(kept.flatMap((backup) => [basename(backup), basename(backupSumFile(backup))]).sort());

    kept.forEach((backup, position) => {
      const db = new Database(backup, { readonly: true, fileMustExist: true });
      try {
        expect(integrityProblems(db)).toEqual([]);
        const reader = new Store(db).reader;
        expect(verifyAudit(reader)).toMatchObject({ ok: true });
        // The backup taken after the n-th save holds revision n.
        expect(reader.get(sql`SELECT revision FROM score_sheets WHERE assignment_id = ${at(0).assignmentId}`)).toEqual({ revision: 8 - position });
      } finally {
        db.close();
      }
    });
  });

  it('replaces a .partial file left by a backup that died half-way', () => {
    const { sheets, store } = bench();
    sheets.save(completeSheet(at(0), 0));
    const backup = backupStore(store, dataDir, T_BACKUP);
    writeFileSync(`${backup}.partial`, garbage(4096));
    sheets.save(completeSheet(at(0), 1));
    expect(backupStore(store, dataDir, T_BACKUP)).toBe(backup);

    expect(readdirSync(dirname(backup)).sort()).toEqual([basename(backup), basename(backupSumFile(backup))]);
    const db = new Database(backup, { readonly: true, fileMustExist: true });
    try {
      expect(integrityProblems(db)).toEqual([]);
      expect(new Store(db).reader.get(sql`SELECT revision FROM score_sheets`)).toEqual({ revision: 2 });
    } finally {
      db.close();
    }
  });
});
