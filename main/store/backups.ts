import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { backupsToKeep, DEFAULT_RETENTION, type RetentionPolicy } from './backup-retention';
import type { Store } from './connection';
import { fsyncDir, fsyncFile, renameDurably, writeFileDurably } from './durable';
import { makePrivateDir, makePrivateFile, PRIVATE_FILE_MODE } from './private-files';

export const BACKUP_DIR = 'backups';
const BACKUP_NAME = /^workstation-(\d+)\.sqlite$/;
const SUM_SUFFIX = '.sha256';

export interface Backup {
  readonly file: string;
  readonly takenAt: string;
}

/** Backups in `dataDir/backups`, newest first. */
export function listBackups(dataDir: string): Backup[] {
  const dir = join(dataDir, BACKUP_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => ({ name, time: BACKUP_NAME.exec(name)?.[1] }))
    .filter((entry): entry is { name: string; time: string } => entry.time !== undefined)
    .sort((a, b) => b.name.localeCompare(a.name))
    .map(({ name, time }) => ({ file: join(dir, name), takenAt: new Date(Number(time)).toISOString() }));
}

/** The checksum file beside a backup, in `sha256sum` format so `sha256sum -c` can check it by hand. */
export function backupSumFile(backup: string): string {
  return `${backup}${SUM_SUFFIX}`;
}

/**
 * Takes a consistent copy with VACUUM INTO (a complete, compact database file, written while
 * readers and the WAL carry on) into `dataDir/backups`, keeping the ones `policy` names (the
 * newest, and the newest of each recent hour and day). It counts as a backup only once it is on
 * the disk: the copy is fsynced, its sha256 written beside it, and only then is it renamed to
 * its final name and the folder fsynced.
 */
export function backupStore(store: Store, dataDir: string, now: Date = new Date(), policy: RetentionPolicy = DEFAULT_RETENTION): string {
  const dir = join(dataDir, BACKUP_DIR);
  makePrivateDir(dir);
  const name = `workstation-${String(now.getTime()).padStart(15, '0')}.sqlite`;
  removeLeftovers(dir);
  const final = join(dir, name);
  const partial = `${final}.partial`;
  try {
    store.raw.prepare('VACUUM INTO ?').run(partial);
    makePrivateFile(partial);
    // SQLite does not sync VACUUM INTO's output: without this a power cut could leave a named, empty backup.
    fsyncFile(partial);
    writeFileDurably(backupSumFile(final), `${sha256File(partial)}  ${name}\n`, PRIVATE_FILE_MODE);
    renameDurably(partial, final);
  } finally {
    rmSync(partial, { force: true });
  }
  const backups = listBackups(dataDir);
  // The backup just taken is kept whatever the policy says.
  const keep = backupsToKeep(backups.map((backup) => Date.parse(backup.takenAt)), policy).add(now.getTime());
  for (const old of backups) if (!keep.has(Date.parse(old.takenAt))) removeBackup(old.file);
  fsyncDir(dir);
  return final;
}

export type BackupCheck = { readonly ok: true; readonly verified: boolean } | { readonly ok: false; readonly problem: string };

/**
 * Whether a backup is still the file that was written: its sha256 against the one recorded
 * beside it. A truncated or altered backup fails here, before anything is copied from it;
 * one without a checksum (from before they were kept) passes unverified, and the integrity
 * check after the copy is all that judges it.
 */
export function checkBackup(file: string): BackupCheck {
  const sumFile = backupSumFile(file);
  if (!existsSync(sumFile)) return { ok: true, verified: false };
  const recorded = /^([0-9a-f]{64}) {2}(\S+)\n?$/.exec(readFileSync(sumFile, 'utf8'));
  if (!recorded || recorded[2] !== basename(file)) return { ok: false, problem: `${basename(sumFile)} is not a checksum of ${basename(file)}` };
  const actual = sha256File(file);
  return actual === recorded[1]
    ? { ok: true, verified: true }
    : { ok: false, problem: `${basename(file)} does not match its recorded sha256: truncated or altered on disk` };
}

function removeBackup(file: string): void {
  rmSync(file, { force: true });
  rmSync(backupSumFile(file), { force: true });
}

/**
 * A crash mid-backup leaves a .partial (never a backup, always safe to remove), and may leave a
 * checksum whose backup was never named.
 */
function removeLeftovers(dir: string): void {
  const names = new Set(readdirSync(dir));
  for (const name of names) {
    const orphanSum = name.endsWith(SUM_SUFFIX) && !names.has(name.slice(0, -SUM_SUFFIX.length));
    if (name.endsWith('.partial') || orphanSum) rmSync(join(dir, name), { force: true });
  }
}

function sha256File(file: string): string {
  const hash = createHash('sha256');
  const buffer = Buffer.alloc(1 << 20);
  const fd = openSync(file, 'r');
  try {
    for (let read = readSync(fd, buffer); read > 0; read = readSync(fd, buffer)) hash.update(buffer.subarray(0, read));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}
