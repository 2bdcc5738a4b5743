import { closeSync, copyFileSync, fsyncSync, openSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Writes that count only once they are on the disk. A file's data is fsynced before it is given
 * its final name, and the folder after, so a power cut leaves either the old state or the
 * complete new file, never a name pointing at half a file (or at nothing).
 */

/** Flushes a file's data and size to the disk. */
export function fsyncFile(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Flushes a folder's entries (a create, a rename, a delete) to the disk. Windows cannot open a folder to flush it, and needs not: NTFS journals names. */
export function fsyncDir(path: string): void {
  if (process.platform === 'win32') return;
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** `from` copied to `to`, on the disk with its name when this returns. */
export function copyFileDurably(from: string, to: string): void {
  copyFileSync(from, to);
  fsyncFile(to);
  fsyncDir(dirname(to));
}

/** `data` in `path`, whole or not at all: written beside it, flushed, renamed over it, folder flushed. */
export function writeFileDurably(path: string, data: string | Buffer, mode?: number): void {
  const partial = `${path}.partial`;
  writeFileSync(partial, data, mode === undefined ? undefined : { mode });
  fsyncFile(partial);
  renameSync(partial, path);
  fsyncDir(dirname(path));
}

/** Renames `from` to `to` and flushes the folder (or both folders), so the rename survives a power cut. */
export function renameDurably(from: string, to: string): void {
  renameSync(from, to);
  fsyncDir(dirname(to));
  if (dirname(from) !== dirname(to)) fsyncDir(dirname(from));
}

/**
 * `fsyncFile` without blocking the event loop, for files of gigabytes (recordings) whose flush
 * can take seconds. Any descriptor flushes the file's data, whoever wrote it (ffmpeg, say).
 */
export async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** `fsyncDir` without blocking the event loop. */
export async function syncDir(path: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** A file's size on disk, or null when there is no file (nothing there, or not a regular file). */
export function sizeOnDisk(path: string): number | null {
  try {
    const info = statSync(path);
    return info.isFile() ? info.size : null;
  } catch {
    return null;
  }
}
