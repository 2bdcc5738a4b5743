import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * The data folder holds scores, the sealed sign-in, recordings of candidates: nothing another
 * account on the machine may read. Folders are 0700 and files 0600 on POSIX; Windows keeps a
 * user's profile private by its ACLs and ignores these modes, so there this does nothing.
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

const POSIX = process.platform !== 'win32';

/**
 * Creates `dir` (and any missing parents) 0700, and narrows an existing one (as an older version
 * left it) by taking away what group and others may do. Only a folder this user owns is
 * narrowed: one that another account (an administrator) set up is left as it is.
 */
export function makePrivateDir(dir: string): void {
  // Level by level, not mkdir's `recursive`: that reports ENOENT for any failure below the top
  // (a read-only file system, a permission), and the reason is what the user must be told.
  const missing: string[] = [];
  for (let path = resolve(dir); !existsSync(path); path = dirname(path)) {
    missing.unshift(path);
    if (dirname(path) === path) break;
  }
  for (const path of missing) mkdirSync(path, { mode: PRIVATE_DIR_MODE });
  narrow(dir, PRIVATE_DIR_MODE);
}

/** Takes away what group and others may do with a file this user owns, if it exists. */
export function makePrivateFile(file: string): void {
  narrow(file, PRIVATE_FILE_MODE);
}

function narrow(path: string, mode: number): void {
  if (!POSIX) return;
  let stats;
  try {
    stats = statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  // Only bits are taken away: a folder or file made read-only on purpose stays read-only.
  const current = stats.mode & 0o777;
  const narrowed = current & mode;
  if (narrowed === current || stats.uid !== process.geteuid?.()) return;
  try {
    chmodSync(path, narrowed);
  } catch (error) {
    // A read-only file system: nobody can write there either, and whoever opens it says why.
    if ((error as NodeJS.ErrnoException).code !== 'EROFS') throw error;
  }
}
