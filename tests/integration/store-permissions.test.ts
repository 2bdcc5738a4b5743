import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CommandOutput } from '@common/contract';
import { backupStore, BACKUP_DIR } from '../../main/store/backups';
import { DATABASE_FILE, openStore } from '../../main/store/database';
import { startPlatform, type RunningPlatform } from '../../platform/server';
import { startWorkstation } from '../support/workstation';

/**
 * Nothing in the data folder is for another account on the machine: folders 0700, the store's
 * files 0600, whatever the umask, and a data folder an older version left 0755 is narrowed.
 */

const POSIX = process.platform !== 'win32';
let root: string;
let previousUmask: number;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'examiner-modes-'));
  // The usual umask: what lets SQLite and mkdir make 0644 files and 0755 folders by default.
  previousUmask = process.umask(0o022);
});
afterEach(() => {
  process.umask(previousUmask);
  rmSync(root, { recursive: true, force: true });
});

const modeOf = (path: string) => lstatSync(path).mode & 0o777;

/** Every folder and file under `dir` with its mode, as `path: 0700`. */
function modes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (path: string) => {
    out[relative(dir, path) || '.'] = `0${modeOf(path).toString(8)}`;
    if (lstatSync(path).isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
  };
  walk(dir);
  return out;
}

function expectPrivate(dir: string): void {
  const found = modes(dir);
  const expected = Object.fromEntries(Object.entries(found).map(([path]) => [path, lstatSync(join(dir, path)).isDirectory() ? '0700' : '0600']));
  expect(found).toEqual(expected);
}

describe.runIf(POSIX)('file modes of the data folder', () => {
  it('creates the data folder 0700 and the database, its -wal and -shm, the backups folder and each backup and checksum 0600', () => {
    const dataDir = join(root, 'new', 'data');
    const { store } = openStore(dataDir);
    try {
      backupStore(store, dataDir, new Date('2026-03-14T03:00:00.000Z'));
      expect(modes(dataDir)).toMatchObject({ '.': '0700', [DATABASE_FILE]: '0600', [`${DATABASE_FILE}-wal`]: '0600', [`${DATABASE_FILE}-shm`]: '0600', [BACKUP_DIR]: '0700' });
      expectPrivate(dataDir);
      expect(Object.keys(modes(join(dataDir, BACKUP_DIR)))).toHaveLength(3);
      // The parents it had to create too.
      expect(modeOf(join(root, 'new'))).toBe(0o700);
    } finally {
      store.close();
    }
  });

  it('narrows what an older version left open: a 0755 data folder and backups folder, a 0644 database and backup', () => {
    const dataDir = join(root, 'data');
    mkdirSync(join(dataDir, BACKUP_DIR), { recursive: true, mode: 0o755 });
    new Database(join(dataDir, DATABASE_FILE)).close();
    const first = openStore(dataDir);
    const old = backupStore(first.store, dataDir, new Date('2026-03-14T03:00:00.000Z'));
    first.store.close();
    for (const [path, mode] of [
      [dataDir, 0o755],
      [join(dataDir, BACKUP_DIR), 0o755],
      [join(dataDir, DATABASE_FILE), 0o644],
      [old, 0o644],
    ] as const) chmodSync(path, mode);

    const { store } = openStore(dataDir);
    try {
      backupStore(store, dataDir, new Date('2026-03-14T03:10:00.000Z'));
    } finally {
      store.close();
    }
    expect(modeOf(dataDir)).toBe(0o700);
    expect(modeOf(join(dataDir, DATABASE_FILE))).toBe(0o600);
    expect(modeOf(join(dataDir, BACKUP_DIR))).toBe(0o700);
    // The older backup itself is left as it was: it is only ever read, inside a folder now closed to others.
    expect(modeOf(old)).toBe(0o644);
  });

  it('a database restored from a 0644 backup, and the damaged file moved aside, are 0600', () => {
    const dataDir = join(root, 'data');
    const first = openStore(dataDir);
    const backup = backupStore(first.store, dataDir, new Date('2026-03-14T03:00:00.000Z'));
    first.store.close();
    chmodSync(backup, 0o644);
    rmSync(join(dataDir, `${DATABASE_FILE}-wal`), { force: true });
    rmSync(join(dataDir, `${DATABASE_FILE}-shm`), { force: true });
    writeFileSync(join(dataDir, DATABASE_FILE), Buffer.alloc(4096, 1), { mode: 0o644 });

    const opened = openStore(dataDir);
    try {
      expect(opened.recovery?.backupFile).toBe(backup);
      expect(modeOf(join(dataDir, DATABASE_FILE))).toBe(0o600);
      expect(modeOf(opened.recovery?.damagedFile ?? '')).toBe(0o600);
    } finally {
      opened.store.close();
    }
  });
});

describe.runIf(POSIX)('file modes of a running workstation', () => {
  let platform: RunningPlatform;
  let platformDir: string;
  beforeAll(async () => {
    platformDir = mkdtempSync(join(tmpdir(), 'examiner-modes-platform-'));
    platform = await startPlatform({ dataDir: platformDir, demo: { liveCandidates: 1, recordedPerSlot: 1 }, demoMedia: { seconds: 1, longSeconds: 1 } });
  });
  afterAll(async () => {
    await platform?.close();
    rmSync(platformDir, { recursive: true, force: true });
  });

  it('keeps every folder 0700 and every file 0600: store, backups, downloaded recordings and evidence', async () => {
    const dataDir = join(root, 'workstation');
    const ws = startWorkstation(platform.url, { dataDir });
    try {
      await ws.call('session.login', { username: 'examiner1', password: 'demo1234' });
      const live = (await ws.call('assignments.list', {})).assignments.find((item) => item.assignment.kind === 'live')?.assignment;
      if (!live) throw new Error('the demo has no live assignment');
      const { recordingId } = await ws.call('evidence.start', { assignmentId: live.assignmentId, device: 'main' });
      await ws.call('evidence.chunk', { recordingId, seq: 0, data: Buffer.from('a first chunk').toString('base64') });

      await ws.call('session.logout', {});
      await ws.call('session.login', { username: 'grader1', password: 'demo1234' });
      const recorded = (await ws.call('assignments.list', {})).assignments.find((item) => item.assignment.kind === 'recorded')?.assignment;
      if (!recorded) throw new Error('the demo has no recorded assignment');
      const ready = (state: CommandOutput<'recordings.download'>) => state.recordings.every((recording) => recording.state === 'ready');
      const done = ws.waitFor('recordings.progress', (state) => state.assignmentId === recorded.assignmentId && ready(state));
      if (!ready(await ws.call('recordings.download', { assignmentId: recorded.assignmentId }))) await done;

      const found = modes(dataDir);
      expect(Object.keys(found)).toEqual(expect.arrayContaining(['.', DATABASE_FILE, BACKUP_DIR, 'media-cache', 'media-cache/recordings', 'media-cache/artefacts', 'evidence']));
      expect(readdirSync(join(dataDir, 'evidence'))).toHaveLength(1);
      expect(readdirSync(join(dataDir, 'media-cache', 'recordings')).length).toBeGreaterThan(0);
      expectPrivate(dataDir);
    } finally {
      ws.stop();
    }
  });
});
