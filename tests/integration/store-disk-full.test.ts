import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventPayload, Result, SheetState } from '@common/contract';
import { silentLogger } from '../../main/log';
import { DATABASE_FILE, openStore, StoreError } from '../../main/store/database';
import { storeErrorText } from '../../main/store/store-error';
import { DEFAULT_RESERVE_BYTES, freeBytes, RESERVE_FILE } from '../../main/store/space-reserve';
import { createWorkstation, type Workstation } from '../../main/workstation';
import { completeSheet, FIXTURE_PLATFORM_ORIGIN, fixtureAssignments, fixtureSecretBox, prepareDataDir } from '../support/store-fixtures';

/**
 * A full disk must not cost the examiner the score they just gave. The workstation holds disk
 * space back (a reserve file in the data folder); a sheet's save that finds the disk full
 * releases it and saves again, and the examiner is told the disk is full. Everything here runs
 * on a real, small file system (a tmpfs) filled to its last block: no fault is simulated.
 */

const ASSIGNMENTS = fixtureAssignments(1);
const SHEET = ASSIGNMENTS[0];

let mountPoint: string;
let mounted = false;
let mountRefusal = '';
let dataDir: string;
let workstation: Workstation | null = null;
const events: EventPayload<'store.space'>[] = [];

beforeEach(() => {
  mountPoint = mkdtempSync(join(tmpdir(), 'examiner-full-'));
  try {
    // 32 MiB: room for the store and its 8 MiB reserve, small enough to fill in a moment.
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=32m,mode=0700', 'tmpfs', mountPoint], { stdio: 'pipe' });
    mounted = true;
  } catch (error) {
    mounted = false;
    mountRefusal = String((error as { stderr?: unknown }).stderr ?? (error as Error).message).trim();
  }
  dataDir = join(mountPoint, 'data');
  events.length = 0;
});
afterEach(() => {
  workstation?.stop();
  workstation = null;
  // Lazily: a handle a failed assertion left open must not keep the mount behind.
  if (mounted) execFileSync('umount', ['-l', mountPoint], { stdio: 'pipe' });
  rmSync(mountPoint, { recursive: true, force: true });
});

/** The workstation on the data folder, signed in from stored credentials; not started, so nothing reaches for the platform. */
function open(platformUrl: string | null = FIXTURE_PLATFORM_ORIGIN, prepare = true): Workstation {
  if (prepare) prepareDataDir(dataDir, ASSIGNMENTS);
  const opened = createWorkstation({ host: 'browser', config: { platformUrl, dataDir, demo: false }, log: silentLogger, secretBox: fixtureSecretBox });
  opened.events.subscribe((name, payload) => {
    if (name === 'store.space') events.push(payload as EventPayload<'store.space'>);
  });
  workstation = opened;
  return opened;
}

const call = (ws: Workstation, name: string, input: unknown) => ws.dispatch(name, input, { transport: 'test' });

async function save(ws: Workstation, seed: number): Promise<Result<SheetState>> {
  if (!SHEET) throw new Error('no fixture assignment');
  return (await call(ws, 'sheets.save', completeSheet(SHEET, seed))) as Result<SheetState>;
}

/** Fills the file system to its last block with files of 1 MiB, then of 4 KiB (tmpfs's block), and returns them biggest first. */
function fill(prefix: string): string[] {
  const files: string[] = [];
  for (const size of [1024 * 1024, 4096]) {
    const chunk = Buffer.alloc(size, 0x5a);
    for (let full = false; !full; ) {
      const file = join(mountPoint, `${prefix}-${String(files.length)}`);
      const fd = openSync(file, 'w');
      try {
        writeSync(fd, chunk);
        files.push(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
        full = true;
      } finally {
        closeSync(fd);
      }
      if (full) rmSync(file);
    }
  }
  expect(freeBytes(mountPoint)).toBe(0);
  return files;
}

/** The sheet's revision as another connection reads it from the file: committed, not only in memory. */
function revisionOnDisk(): number | undefined {
  const reader = new Database(join(dataDir, DATABASE_FILE), { readonly: true, fileMustExist: true });
  try {
    return (reader.prepare('SELECT revision FROM score_sheets').get() as { revision: number } | undefined)?.revision;
  } finally {
    reader.close();
  }
}

describe('a full disk during a score sheet save', () => {
  it('saves the sheet from the reserve, tells the examiner the disk is full, and makes the reserve again once there is room', async (context) => {
    if (!mounted) return context.skip(`this machine does not allow mounting a tmpfs to fill: ${mountRefusal}`);
    const ws = open();
    const reserve = join(dataDir, RESERVE_FILE);
    expect(statSync(reserve).size).toBe(DEFAULT_RESERVE_BYTES);
    expect(await call(ws, 'store.getSpace', {})).toEqual({ ok: true, value: { reserve: 'held', spentAt: null } });
    expect(await save(ws, 1)).toMatchObject({ ok: true, value: { revision: 1 } });

    // An empty WAL, so the next save needs new blocks (a WAL reset keeps its old ones to reuse).
    ws.store.raw.pragma('wal_checkpoint(TRUNCATE)');
    const fillers = fill('filler');

    const saved = await save(ws, 2);
    expect(saved).toMatchObject({ ok: true, value: { revision: 2, comment: '评语 2' } });
    expect(revisionOnDisk()).toBe(2);
    expect(() => statSync(reserve)).toThrow(/ENOENT/);
    expect(events).toEqual([{ reserve: 'spent', spentAt: expect.any(String) as string }]);
    expect(await call(ws, 'store.getSpace', {})).toEqual({ ok: true, value: events[0] });

    // The reserve is spent and the disk filled again: a clear, typed refusal, and nothing half-written.
    const more = fill('more');
    expect(await save(ws, 3)).toEqual({ ok: false, error: { code: 'disk_full', message: expect.stringMatching(/^the disk is full: nothing was saved/) as string } });
    expect(await call(ws, 'sheets.get', { assignmentId: SHEET?.assignmentId })).toMatchObject({ ok: true, value: { revision: 2, comment: '评语 2' } });
    expect(revisionOnDisk()).toBe(2);

    // Space freed: the reserve is made again, and the notice withdrawn.
    for (const file of [...fillers, ...more]) rmSync(file);
    expect(await call(ws, 'store.getSpace', {})).toEqual({ ok: true, value: { reserve: 'held', spentAt: null } });
    expect(statSync(reserve).size).toBe(DEFAULT_RESERVE_BYTES);
    expect(events.at(-1)).toEqual({ reserve: 'held', spentAt: null });
    expect(await save(ws, 3)).toMatchObject({ ok: true, value: { revision: 3 } });
  });

  it('says the reserve is missing when the disk is too full to make it, and takes no backup that would eat the last space', async (context) => {
    if (!mounted) return context.skip(`this machine does not allow mounting a tmpfs to fill: ${mountRefusal}`);
    mkdirSync(dataDir, { recursive: true });
    const fillers = fill('filler');
    // Room for the store, not for a reserve and as much again.
    for (const file of fillers.slice(0, 4)) rmSync(file);
    expect(freeBytes(mountPoint)).toBeLessThan(2 * DEFAULT_RESERVE_BYTES);
    // No platform configured, so starting it reaches for none.
    const ws = open(null);
    expect(await call(ws, 'store.getSpace', {})).toEqual({ ok: true, value: { reserve: 'missing', spentAt: null } });
    ws.start();
    expect(() => statSync(join(dataDir, 'backups'))).toThrow(/ENOENT/);
    // Once there is room, the reserve is made and the backups go on.
    for (const file of fillers) rmSync(file, { force: true });
    expect(await call(ws, 'store.getSpace', {})).toEqual({ ok: true, value: { reserve: 'held', spentAt: null } });
    expect(events.at(-1)).toEqual({ reserve: 'held', spentAt: null });
  });
});

describe('a disk full at start', () => {
  it('gives the reserve back so the workstation opens, tells the examiner, and a sheet is saved', async (context) => {
    if (!mounted) return context.skip(`this machine does not allow mounting a tmpfs to fill: ${mountRefusal}`);
    const first = open();
    expect(await save(first, 1)).toMatchObject({ ok: true, value: { revision: 1 } });
    first.stop();
    workstation = null;
    fill('filler');

    // Opening needs blocks for the -shm: without the reserve this start would be refused.
    const ws = open(FIXTURE_PLATFORM_ORIGIN, false);
    expect(await call(ws, 'store.getSpace', {})).toEqual({ ok: true, value: { reserve: 'spent', spentAt: expect.any(String) as string } });
    expect(() => statSync(join(dataDir, RESERVE_FILE))).toThrow(/ENOENT/);
    expect(await save(ws, 2)).toMatchObject({ ok: true, value: { revision: 2 } });
    expect(revisionOnDisk()).toBe(2);
  });

  it('with no reserve left to give, refuses to start with a typed disk_full that names the file, and moves nothing', async (context) => {
    if (!mounted) return context.skip(`this machine does not allow mounting a tmpfs to fill: ${mountRefusal}`);
    const first = open();
    expect(await save(first, 1)).toMatchObject({ ok: true, value: { revision: 1 } });
    first.stop();
    workstation = null;
    rmSync(join(dataDir, RESERVE_FILE));
    fill('filler');
    const before = readdirSync(dataDir).sort();
    const bytes = readFileSync(join(dataDir, DATABASE_FILE));

    let refusal: unknown = null;
    try {
      openStore(dataDir, { lockWaitMs: 0 }).store.close();
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(StoreError);
    const error = refusal as StoreError;
    expect(error.code).toBe('disk_full');
    expect(error.file).toBe(join(dataDir, DATABASE_FILE));
    expect(storeErrorText(error)['zh-CN']).toMatch(/^磁盘已满/);
    // Nothing moved or restored; SQLite may leave its own -wal and -shm from the attempt.
    expect(readdirSync(dataDir).filter((name) => !/-(wal|shm)$/.test(name)).sort()).toEqual(before);
    expect(readFileSync(join(dataDir, DATABASE_FILE))).toEqual(bytes);
  });
});
