import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, rmSync, statfsSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { fsyncDir, renameDurably } from './durable';
import { PRIVATE_FILE_MODE } from './private-files';

/** The reserve's file in the data folder. */
export const RESERVE_FILE = 'space-reserve';
/** Enough for thousands of score sheets with their audit entries (one save writes a few pages of 4 KiB). */
export const DEFAULT_RESERVE_BYTES = 8 * 1024 * 1024;

const CHUNK = 1024 * 1024;

/** Free bytes for this user on the disk that holds `dir`. */
export function freeBytes(dir: string): number {
  const stats = statfsSync(dir);
  return stats.bavail * stats.bsize;
}

/**
 * Disk space held back for score sheets. A file of real blocks sits in the data folder; when a
 * sheet's save finds the disk full, the store deletes it (the space goes back to the disk) and
 * saves again, so the score the examiner just gave is kept while they are told to free space.
 * The reserve is made again once the disk has room for it twice over.
 */
export class SpaceReserve {
  #releasedAt: Date | null = null;

  constructor(
    readonly file: string,
    readonly bytes: number = DEFAULT_RESERVE_BYTES,
    private readonly free: (dir: string) => number = freeBytes,
  ) {}

  /** True when the reserve is on the disk, whole. */
  get held(): boolean {
    try {
      return statSync(this.file).size === this.bytes;
    } catch {
      return false;
    }
  }

  /**
   * Makes the reserve if it is missing and the disk has room for it and as much again (making it
   * must not be what fills the disk). True when it is held afterwards.
   */
  ensure(): boolean {
    if (this.held) return true;
    if (this.bytes <= 0) return false;
    rmSync(this.file, { force: true });
    const dir = dirname(this.file);
    if (this.free(dir) < 2 * this.bytes) return false;
    const partial = `${this.file}.partial`;
    try {
      const fd = openSync(partial, 'w', PRIVATE_FILE_MODE);
      try {
        // Random bytes, not zeros: a file system that compresses or dedupes (btrfs, ZFS, APFS)
        // would keep zeros in no blocks at all, and the reserve would free nothing.
        for (let written = 0; written < this.bytes; ) {
          written += writeSync(fd, randomBytes(Math.min(CHUNK, this.bytes - written)));
        }
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameDurably(partial, this.file);
      this.#releasedAt = null;
      return true;
    } catch (error) {
      rmSync(partial, { force: true });
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOSPC' || code === 'EDQUOT') return false;
      throw error;
    }
  }

  /** Gives the reserve's space back to the disk (and any half-made one's). True if there was a reserve to give. */
  release(): boolean {
    const partial = `${this.file}.partial`;
    const had = existsSync(this.file);
    if (!had && !existsSync(partial)) return false;
    rmSync(this.file, { force: true });
    rmSync(partial, { force: true });
    fsyncDir(dirname(this.file));
    if (had) this.#releasedAt = new Date();
    return had;
  }

  /** When this process last gave the reserve back to the disk, until it is made again. */
  get releasedAt(): Date | null {
    return this.#releasedAt;
  }
}
