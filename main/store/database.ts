import { accessSync, closeSync, constants, existsSync, openSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import Database from 'better-sqlite3';
import { checkBackup, listBackups } from './backups';
import { Store } from './connection';
import { copyFileDurably, renameDurably } from './durable';
import { makePrivateDir, makePrivateFile } from './private-files';
import { DEFAULT_RESERVE_BYTES, RESERVE_FILE, SpaceReserve } from './space-reserve';
import { MIGRATIONS, type Migration } from './migrations/index';
import { classifyOpenError, StoreError } from './store-error';

export { StoreError, type StoreErrorCode } from './store-error';

export const DATABASE_FILE = 'workstation.sqlite';

/** Checks the registry is a gapless sequence 1..N, so versions only go up. */
export function checkRegistry(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`migration ${migration.name} has version ${migration.version}, expected ${index + 1}`);
    }
  });
}

/**
 * Brings a database up to `target` (default: the newest), one transaction per migration, each
 * setting user_version. A database written by a newer app is refused, never downgraded.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS, target = migrations.length): void {
  checkRegistry(migrations);
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new StoreError(
      'newer_database',
      `the database is at version ${current}, but this workstation knows only up to ${migrations.length}: update the workstation`,
    );
  }
  for (const migration of migrations.slice(current, target)) {
    try {
      db.transaction(() => {
        migration.up(db);
        db.pragma(`user_version = ${migration.version}`);
      })();
    } catch (error) {
      throw new StoreError('migration_failed', `migration ${migration.version} (${migration.name}) failed`, { cause: error });
    }
  }
}

/**
 * How the running app was started, which only the Electron shell can tell (main/ never imports
 * electron): it says so with useSqliteHost() before the store opens. Development and the browser
 * host are `{ packaged: false }`.
 */
export type SqliteHost = { readonly packaged: false } | { readonly packaged: true; readonly resourcesPath: string };

let sqliteHost: SqliteHost = { packaged: false };

export function useSqliteHost(host: SqliteHost): void {
  sqliteHost = host;
}

/** Where the packaged app keeps better-sqlite3's Electron build (scripts/package-app.ts puts it there). */
export function packagedSqliteBinding(resourcesPath: string): string {
  return join(resourcesPath, 'app.asar.unpacked', 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
}

/**
 * Electron loads better-sqlite3 built for its own ABI: in development the build that
 * scripts/electron-native.ts makes beside node_modules (named by EXAMINER_SQLITE_BINDING), in a
 * packaged app only the one it ships. Everything else loads the Node build in node_modules.
 */
export function sqliteOptions(env: NodeJS.ProcessEnv = process.env, host: SqliteHost = sqliteHost): Database.Options {
  // Bundled into the main process, better-sqlite3 cannot find its binding by itself; and an
  // environment variable must not choose native code for a packaged app to load, which would go
  // round the asar integrity check.
  if (host.packaged) return { nativeBinding: packagedSqliteBinding(host.resourcesPath) };
  const binding = env.EXAMINER_SQLITE_BINDING;
  return binding ? { nativeBinding: binding } : {};
}

/**
 * A driver that cannot load (built for another ABI, a wrong EXAMINER_SQLITE_BINDING) says nothing
 * about the database file: refuse before any file is judged damaged and moved aside.
 */
function requireDriver(): void {
  try {
    new Database(':memory:', sqliteOptions()).close();
  } catch (error) {
    throw new StoreError('driver_unavailable', `the SQLite driver could not be loaded: ${(error as Error).message}`, { cause: error });
  }
}

/** better-sqlite3 defaults WAL to synchronous=NORMAL, which may lose a committed score on power loss. */
export function applyPragmas(db: Database.Database, lockWaitMs = DEFAULT_LOCK_WAIT_MS): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(lockWaitMs))}`);
}

/** How long opening waits for another program's lock before refusing to start. */
export const DEFAULT_LOCK_WAIT_MS = 5000;

export interface OpenOptions {
  /** How long to wait for a lock another program holds (default 5 s); tests use 0. */
  readonly lockWaitMs?: number;
  /** Disk space held back for score sheets, in bytes (default 8 MiB; 0: none). */
  readonly reserveBytes?: number;
}

/** `ok`, or the first problems SQLite reports. */
export function integrityProblems(db: Database.Database): string[] {
  const rows = db.pragma('integrity_check(10)') as { integrity_check: string }[];
  const messages = rows.map((row) => row.integrity_check);
  return messages.length === 1 && messages[0] === 'ok' ? [] : messages;
}

/**
 * Opens a database file, checks it is a healthy SQLite file that this process can write, and
 * migrates it. Throws StoreError: `damaged` only on proof of corruption; a lock, a read-only or
 * unreadable file is a refusal (`locked`, `read_only`, `unreadable`, `disk_full`).
 */
export function openChecked(file: string, migrations: readonly Migration[] = MIGRATIONS, options: OpenOptions = {}): Database.Database {
  const lockWaitMs = options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS;
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { ...sqliteOptions(), timeout: lockWaitMs });
    applyPragmas(db, lockWaitMs);
    const problems = integrityProblems(db);
    if (problems.length > 0) throw new StoreError('damaged', `${file}: integrity check failed: ${problems.join('; ')}`, { file });
    // SQLite opens a file it may not write read-only without a word, and every score saved later
    // would fail. A write rolled back (taking the lock is not enough) proves it can write.
    const version = db.pragma('user_version', { simple: true }) as number;
    db.exec('BEGIN IMMEDIATE');
    try {
      db.pragma(`user_version = ${version}`);
    } finally {
      db.exec('ROLLBACK');
    }
  } catch (error) {
    db?.close();
    throw classifyOpenError(error, file);
  }
  try {
    migrate(db, migrations);
  } catch (error) {
    db.close();
    if (!(error instanceof StoreError)) throw classifyOpenError(error, file);
    // A migration that could not write for want of space or a lock says so, as opening would.
    const refusal = error.code === 'migration_failed' ? classifyOpenError(error.cause, file) : null;
    if (refusal?.code === 'disk_full' || refusal?.code === 'locked') throw refusal;
    throw new StoreError(error.code, `${file}: ${error.message}`, { cause: error.cause ?? error, file });
  }
  return db;
}

/**
 * Refuses a database file or folder this process may not read and write, before SQLite opens it
 * (which would fall back to read-only without a word) and before anything is judged damaged.
 */
function checkAccess(dataDir: string, file: string): void {
  const refuse = (code: 'read_only' | 'unreadable', what: string, error: unknown) => {
    const reason = `${(error as NodeJS.ErrnoException).code ?? ''}: ${(error as Error).message}`;
    return new StoreError(code, `${file} ${what} (${reason})`, { cause: error, file });
  };
  if (existsSync(file)) {
    if (!statSync(file).isFile()) throw new StoreError('unreadable', `${file} is not a file`, { file });
    // access(2), not an open and a close: closing any descriptor of the file would drop the
    // POSIX locks SQLite holds on it in this process (https://www.sqlite.org/howtocorrupt.html#_posix_advisory_locks_canceled_by_a_separate_thread_doing_close_).
    for (const [mode, code, what] of [
      [constants.R_OK, 'unreadable', 'cannot be read'],
      [constants.W_OK, 'read_only', 'cannot be written'],
    ] as const) {
      try {
        accessSync(file, mode);
      } catch (error) {
        throw refuse(code, what, error);
      }
    }
  }
  // SQLite writes the -wal and -shm files beside the database: prove the folder takes a file.
  const probe = join(dataDir, '.write-probe');
  try {
    closeSync(openSync(probe, 'w'));
    rmSync(probe, { force: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EDQUOT') throw new StoreError('disk_full', `${file} cannot be opened: the disk is full (${code})`, { cause: error, file });
    throw refuse('read_only', `cannot be written: its folder ${dataDir} takes no new file`, error);
  }
}

export interface OpenedStore {
  readonly store: Store;
  /** Set when the database was damaged and a backup was restored in its place. */
  readonly recovery: {
    readonly backupFile: string;
    readonly backupTakenAt: string;
    readonly damagedFile: string;
    readonly reason: string;
    /** Newer backups that failed their checks, and why. */
    readonly skippedBackups: readonly string[];
  } | null;
}

/**
 * Opens the workstation's database in `dataDir`. A database proven corrupt (or lost beside its
 * backups) is moved aside (never deleted), the newest healthy backup is restored in its place,
 * and the caller is told, so the app never starts silently empty. With no healthy backup, it
 * refuses to start (StoreError). A locked, read-only or unreadable database is a refusal too,
 * and nothing is moved.
 */
export function openStore(dataDir: string, options: OpenOptions = {}): OpenedStore {
  requireDriver();
  const file = join(dataDir, DATABASE_FILE);
  try {
    makePrivateDir(dataDir);
  } catch (error) {
    throw classifyOpenError(error, file);
  }
  const reserve = new SpaceReserve(join(dataDir, RESERVE_FILE), options.reserveBytes ?? DEFAULT_RESERVE_BYTES);
  const openInPlace = () => {
    checkAccess(dataDir, file);
    // An empty or missing database beside backups is lost data, not a first start.
    const missing = !existsSync(file) || statSync(file).size === 0;
    if (missing && listBackups(dataDir).length > 0) throw new StoreError('damaged', `${file} is missing or empty`, { file });
    const db = openChecked(file, MIGRATIONS, options);
    makeStoreFilesPrivate(file);
    return db;
  };
  try {
    let db: Database.Database;
    try {
      db = openInPlace();
    } catch (error) {
      // A disk full at start is what the reserve is for: the examiner gets their scores, and is told.
      if (!(error instanceof StoreError && error.code === 'disk_full' && reserve.release())) throw error;
      db = openInPlace();
    }
    return { store: new Store(db, reserve), recovery: null };
  } catch (error) {
    if (!(error instanceof StoreError) || error.code !== 'damaged') throw error;
    const damagedFile = `${file}.damaged-${Date.now()}`;
    const moved: string[] = [];
    for (const suffix of ['', '-wal', '-shm']) {
      if (existsSync(file + suffix)) {
        renameDurably(file + suffix, damagedFile + suffix);
        moved.push(suffix);
      }
    }
    const skipped: string[] = [];
    for (const backup of listBackups(dataDir)) {
      // A backup truncated or altered on disk is passed over before anything is copied from it.
      const check = checkBackup(backup.file);
      if (!check.ok) {
        skipped.push(check.problem);
        continue;
      }
      try {
        copyFileDurably(backup.file, file);
        const db = openChecked(file, MIGRATIONS, options);
        makeStoreFilesPrivate(file);
        makeStoreFilesPrivate(damagedFile);
        return {
          store: new Store(db, reserve),
          recovery: { backupFile: backup.file, backupTakenAt: backup.takenAt, damagedFile, reason: error.message, skippedBackups: skipped },
        };
      } catch (restoreError) {
        skipped.push(`${basename(backup.file)}: ${(restoreError as Error).message}`);
        for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
      }
    }
    // Put the damaged file back: the next start must fail the same way, not start empty.
    for (const suffix of moved) renameDurably(damagedFile + suffix, file + suffix);
    const passedOver = skipped.length > 0 ? ` (passed over: ${skipped.join('; ')})` : '';
    throw new StoreError('no_backup', `${error.message}; no healthy backup to restore${passedOver} (the damaged file is left in place)`, {
      cause: error,
      file,
    });
  }
}

/**
 * SQLite creates a database 0644 and gives its -wal and -shm the database's mode, so narrowing
 * the three once they exist keeps every later -wal and -shm private too.
 */
function makeStoreFilesPrivate(file: string): void {
  for (const suffix of ['', '-wal', '-shm']) makePrivateFile(file + suffix);
}
