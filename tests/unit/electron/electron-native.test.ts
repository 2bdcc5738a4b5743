import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openStore, packagedSqliteBinding, sqliteOptions, useSqliteHost } from '../../../main/store/database';
import { sql } from '../../../main/store/sql';
import { ensureElectronSqlite, type Rebuild } from '../../../scripts/electron-native';

const require = createRequire(import.meta.url);
const nodeBinding = join(dirname(require.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');
const dirs: string[] = [];
const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), 'electron-native-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  useSqliteHost({ packaged: false });
  vi.unstubAllEnvs();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A stand-in better-sqlite3 package with a Node build, as npm ci leaves it. */
function fakePackage(root: string): string {
  const dir = join(root, 'better-sqlite3');
  mkdirSync(join(dir, 'build', 'Release'), { recursive: true });
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'better-sqlite3', version: '12.11.1' }));
  writeFileSync(join(dir, 'src', 'better_sqlite3.cpp'), '// source');
  writeFileSync(join(dir, 'build', 'Release', 'better_sqlite3.node'), 'node abi');
  return dir;
}

describe('better-sqlite3 for Electron beside the Node build', () => {
  it('builds a copy for the Electron version without the Node build, once, and leaves node_modules alone', async () => {
    const root = scratch();
    const packageDir = fakePackage(root);
    const calls: Parameters<Rebuild>[0][] = [];
    const rebuild: Rebuild = (options) => {
      calls.push(options);
      // The copy must arrive without the Node build: a failed rebuild then leaves no binding at all.
      const copied = join(options.buildPath, 'node_modules', 'better-sqlite3');
      expect(existsSync(join(copied, 'build'))).toBe(false);
      expect(existsSync(join(copied, 'src', 'better_sqlite3.cpp'))).toBe(true);
      mkdirSync(join(copied, 'build', 'Release'), { recursive: true });
      writeFileSync(join(copied, 'build', 'Release', 'better_sqlite3.node'), `electron ${options.electronVersion}`);
      return Promise.resolve();
    };
    const options = { electronVersion: '40.10.6', packageDir, cacheDir: join(root, 'cache'), rebuild };
    const binding = await ensureElectronSqlite(options);
    expect(readFileSync(binding, 'utf8')).toBe('electron 40.10.6');
    expect(calls).toEqual([
      {
        buildPath: dirname(dirname(dirname(dirname(dirname(binding))))),
        electronVersion: '40.10.6',
        platform: process.platform,
        arch: process.arch,
        onlyModules: ['better-sqlite3'],
        force: true,
      },
    ]);
    expect(readFileSync(join(packageDir, 'build', 'Release', 'better_sqlite3.node'), 'utf8')).toBe('node abi');

    expect(await ensureElectronSqlite(options)).toBe(binding);
    expect(calls).toHaveLength(1);
    // Another Electron gets a build of its own.
    expect(await ensureElectronSqlite({ ...options, electronVersion: '41.0.0' })).not.toBe(binding);
    expect(calls).toHaveLength(2);
    // So does another computer (a packaged app for Windows built here), which @electron/rebuild is told.
    const forWindows = await ensureElectronSqlite({ ...options, platform: 'win32', arch: 'arm64' });
    expect(forWindows).not.toBe(binding);
    expect(calls[2]).toMatchObject({ platform: 'win32', arch: 'arm64' });
  });

  it('says so when the rebuild leaves no binding, rather than handing Electron nothing', async () => {
    const root = scratch();
    const rebuild: Rebuild = () => Promise.resolve();
    await expect(ensureElectronSqlite({ electronVersion: '40.10.6', packageDir: fakePackage(root), cacheDir: join(root, 'cache'), rebuild })).rejects.toThrow(/left no .*better_sqlite3\.node/);
  });

  it('opens the store with the binding EXAMINER_SQLITE_BINDING names, and refuses a wrong one without touching the database', () => {
    expect(sqliteOptions({})).toEqual({});
    expect(sqliteOptions({ EXAMINER_SQLITE_BINDING: nodeBinding })).toEqual({ nativeBinding: nodeBinding });
    const previous = process.env.EXAMINER_SQLITE_BINDING;
    try {
      process.env.EXAMINER_SQLITE_BINDING = nodeBinding;
      const opened = openStore(scratch());
      expect(opened.store.reader.get<{ one: number }>(sql`SELECT 1 AS one`)?.one).toBe(1);
      opened.store.close();
      // A driver that cannot load leaves the database where it is: it is not damaged.
      const dataDir = scratch();
      openStore(dataDir).store.close();
      const before = readdirSync(dataDir).sort();
      process.env.EXAMINER_SQLITE_BINDING = join(scratch(), 'missing.node');
      expect(() => openStore(dataDir)).toThrow(expect.objectContaining({ code: 'driver_unavailable', message: expect.stringMatching(/missing\.node/) }));
      expect(readdirSync(dataDir).sort()).toEqual(before);
    } finally {
      if (previous === undefined) delete process.env.EXAMINER_SQLITE_BINDING;
      else process.env.EXAMINER_SQLITE_BINDING = previous;
    }
  });

  it('in a packaged app, loads only the binding the app ships, whatever EXAMINER_SQLITE_BINDING names', () => {
    expect(packagedSqliteBinding('/opt/Examiner/resources')).toBe('/opt/Examiner/resources/app.asar.unpacked/node_modules/better-sqlite3/build/Release/better_sqlite3.node');
    const resourcesPath = scratch();
    const shipped = packagedSqliteBinding(resourcesPath);
    expect(sqliteOptions({ EXAMINER_SQLITE_BINDING: nodeBinding }, { packaged: true, resourcesPath })).toEqual({ nativeBinding: shipped });

    useSqliteHost({ packaged: true, resourcesPath });
    // A binding that would load, named in the environment, is not taken.
    vi.stubEnv('EXAMINER_SQLITE_BINDING', nodeBinding);
    expect(() => openStore(scratch())).toThrow(expect.objectContaining({ code: 'driver_unavailable', message: expect.stringContaining(shipped) }));
    // The shipped one is, even when the environment names one that cannot load.
    mkdirSync(dirname(shipped), { recursive: true });
    cpSync(nodeBinding, shipped);
    vi.stubEnv('EXAMINER_SQLITE_BINDING', join(scratch(), 'missing.node'));
    const opened = openStore(scratch());
    expect(opened.store.reader.get<{ one: number }>(sql`SELECT 1 AS one`)?.one).toBe(1);
    opened.store.close();
  });
});
