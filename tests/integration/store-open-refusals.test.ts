import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, createReadStream, lstatSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupStore } from '../../main/store/backups';
import { DATABASE_FILE, openStore, StoreError, type StoreErrorCode } from '../../main/store/database';
import { storeErrorText } from '../../main/store/store-error';
import { completeSheet, fixtureAssignments, makeDataDir, openWorkbench, prepareDataDir, removeDataDir } from '../support/store-fixtures';

/**
 * A database that cannot be opened for a reason other than corruption — locked by another
 * program, read-only, not a file — is a refusal to start that names the file and the reason.
 * Nothing is moved aside and no backup is restored: the file may be perfectly healthy.
 */

const ASSIGNMENTS = fixtureAssignments(2);
const NOBODY = 65534;

let dataDir: string;
let file: string;
const cleanups: (() => void)[] = [];

beforeEach(() => {
  dataDir = makeDataDir('examiner-refusal-');
  file = join(dataDir, DATABASE_FILE);
});
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
  removeDataDir(dataDir);
});

/** A data folder as a day of grading leaves it: a saved sheet, and a backup that opening could restore. */
function gradedDataDir(): void {
  prepareDataDir(dataDir, ASSIGNMENTS);
  const bench = openWorkbench(dataDir);
  try {
    const first = ASSIGNMENTS[0] ?? expect.unreachable();
    bench.sheets.save(completeSheet(first, 1));
    backupStore(bench.store, dataDir, new Date('2026-03-14T03:00:00.000Z'));
    bench.sheets.save(completeSheet(first, 2));
  } finally {
    bench.close();
  }
}

/** Every file under the data folder with its bytes' hash: what "nothing was moved" compares. */
async function snapshot(dir = dataDir, prefix = ''): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (lstatSync(path).isDirectory()) Object.assign(out, await snapshot(path, `${prefix}${name}/`));
    else out[`${prefix}${name}`] = await sha256(path);
  }
  return out;
}

function sha256(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}

function refusalOf(work: () => unknown): StoreError {
  try {
    const opened = work() as { store?: { close(): void } } | undefined;
    opened?.store?.close();
  } catch (error) {
    if (error instanceof StoreError) return error;
    throw error;
  }
  throw new Error('expected a StoreError, but the store opened');
}

async function expectRefusedUntouched(code: StoreErrorCode, open: () => unknown): Promise<StoreError> {
  const before = await snapshot();
  const error = refusalOf(open);
  expect(error.code).toBe(code);
  expect(error.file).toBe(file);
  expect(error.message).toContain(file);
  const text = storeErrorText(error);
  expect(text['zh-CN']).toContain(file);
  expect(text.en).toContain(file);
  // Nothing moved aside, nothing restored, not a byte changed. SQLite may leave its own -wal and
  // -shm beside a file it opened read-only, but never a frame in the -wal.
  const after = await snapshot();
  expect(Object.fromEntries(Object.entries(after).filter(([name]) => name in before))).toEqual(before);
  for (const name of Object.keys(after).filter((entry) => !(entry in before))) {
    expect([`${DATABASE_FILE}-wal`, `${DATABASE_FILE}-shm`]).toContain(name);
    if (name.endsWith('-wal')) expect(statSync(join(dataDir, name)).size).toBe(0);
  }
  return error;
}

/** Runs `work` as an unprivileged user (root ignores file modes), the way an examiner runs the app. */
function asUnprivileged<T>(work: () => T): T {
  if (process.getuid?.() !== 0) return work();
  const chownTree = (path: string) => {
    chownSync(path, NOBODY, NOBODY);
    if (lstatSync(path).isDirectory()) for (const name of readdirSync(path)) chownTree(join(path, name));
  };
  chownTree(dataDir);
  process.setegid?.(NOBODY);
  process.seteuid?.(NOBODY);
  try {
    return work();
  } finally {
    process.seteuid?.(0);
    process.setegid?.(0);
  }
}

/** A tmpfs mounted on `dir`, or null with the reason when this machine does not allow it. */
function mountTmpfs(dir: string): string | null {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m,mode=0700', 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    return `cannot mount a tmpfs here (${String((error as { stderr?: unknown }).stderr ?? (error as Error).message).trim()})`;
  }
  // Lazily, so a handle a failed assertion left open cannot keep the mount behind.
  cleanups.push(() => execFileSync('umount', ['-l', dir], { stdio: 'pipe' }));
  return null;
}

describe('opening the store refuses, and moves nothing, when the database', () => {
  it('is locked by another program', async () => {
    gradedDataDir();
    const other = new Database(file);
    cleanups.push(() => other.close());
    // Another program's exclusive lock, held until it closes (a second workstation in exclusive mode, a backup tool).
    other.pragma('locking_mode = EXCLUSIVE');
    other.exec('BEGIN EXCLUSIVE; COMMIT');

    const error = await expectRefusedUntouched('locked', () => openStore(dataDir, { lockWaitMs: 0 }));
    expect(error.message).toMatch(/SQLITE_BUSY/);

    // Once the other program lets go, the same file opens as it was: nothing was restored over it.
    other.close();
    const bench = openWorkbench(dataDir);
    try {
      expect(bench.recovery).toBeNull();
      expect(bench.sheets.get(ASSIGNMENTS[0]?.assignmentId ?? '')?.revision).toBe(2);
    } finally {
      bench.close();
    }
  });

  it('is a file this user may only read', async () => {
    gradedDataDir();
    chmodSync(file, 0o444);
    const error = await expectRefusedUntouched('read_only', () => asUnprivileged(() => openStore(dataDir, { lockWaitMs: 0 })));
    expect(storeErrorText(error).en).toMatch(/cannot be written/);
  });

  it('sits in a folder this user may not write (where SQLite keeps its -wal and -shm files)', async () => {
    gradedDataDir();
    chmodSync(dataDir, 0o500);
    cleanups.push(() => chmodSync(dataDir, 0o700));
    await expectRefusedUntouched('read_only', () => asUnprivileged(() => openStore(dataDir, { lockWaitMs: 0 })));
  });

  it('is on a file system mounted read-only', async (context) => {
    const skip = mountTmpfs(dataDir);
    if (skip) return context.skip(skip);
    gradedDataDir();
    // As an older version left it: opening would narrow it, but cannot on a read-only file system.
    chmodSync(dataDir, 0o755);
    execFileSync('mount', ['-o', 'remount,ro', dataDir], { stdio: 'pipe' });
    const error = await expectRefusedUntouched('read_only', () => openStore(dataDir, { lockWaitMs: 0 }));
    expect(error.message).toMatch(/EROFS/);
  });

  it('is not a file', async () => {
    mkdirSync(file);
    mkdirSync(join(dataDir, 'backups'));
    await expectRefusedUntouched('unreadable', () => openStore(dataDir, { lockWaitMs: 0 }));
  });

  it('is a file this user may not read', async () => {
    gradedDataDir();
    chmodSync(file, 0o200);
    await expectRefusedUntouched('unreadable', () => asUnprivileged(() => openStore(dataDir, { lockWaitMs: 0 })));
  });
});

describe('opening the store refuses, and creates nothing, when the data folder', () => {
  it('cannot be created: its parent is on a file system mounted read-only', async (context) => {
    const skip = mountTmpfs(dataDir);
    if (skip) return context.skip(skip);
    execFileSync('mount', ['-o', 'remount,ro', dataDir], { stdio: 'pipe' });
    const nested = join(dataDir, 'examiner');
    const error = refusalOf(() => openStore(nested, { lockWaitMs: 0 }));
    expect(error.code).toBe('read_only');
    expect(error.message).toMatch(/EROFS/);
    expect(storeErrorText(error).en).toContain(join(nested, DATABASE_FILE));
    expect(readdirSync(dataDir)).toEqual([]);
  });
});
