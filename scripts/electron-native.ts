import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** What `@electron/rebuild`'s rebuild() needs of its options here. */
export type Rebuild = (options: {
  buildPath: string;
  electronVersion: string;
  platform: NodeJS.Platform;
  arch: string;
  onlyModules: string[];
  force: boolean;
}) => Promise<void>;

export interface ElectronSqliteOptions {
  readonly electronVersion: string;
  /** The computer the build is for (a packaged app's target); this one by default. */
  readonly platform?: NodeJS.Platform;
  readonly arch?: string;
  /** The better-sqlite3 package folder in node_modules (built for Node, for the tests). */
  readonly packageDir?: string;
  /** Where Electron builds are kept, one folder per Electron and better-sqlite3 version. */
  readonly cacheDir?: string;
  readonly rebuild?: Rebuild;
}

/**
 * better-sqlite3 for Electron's ABI, without touching node_modules. The tests and the browser
 * host load the copy in node_modules, built for Node; Electron cannot load that one (another
 * NODE_MODULE_VERSION). So `npm start` copies the package aside once per Electron version and
 * has @electron/rebuild build the copy, and the Electron main process is pointed at it through
 * EXAMINER_SQLITE_BINDING (better-sqlite3's `nativeBinding`). `npm run dist` ships the same
 * build inside the packaged app (scripts/package-app.ts), so node_modules is never rebuilt for
 * Electron and the tests keep their Node build.
 */
export async function ensureElectronSqlite(options: ElectronSqliteOptions): Promise<string> {
  const packageDir = options.packageDir ?? dirname(require.resolve('better-sqlite3/package.json'));
  const version = (JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;
  const cacheDir = options.cacheDir ?? join(packageDir, '..', '.examiner-electron-native');
  const platform = options.platform ?? process.platform;
  const arch = options.arch ?? process.arch;
  const appDir = join(cacheDir, `electron-${options.electronVersion}-${platform}-${arch}-better-sqlite3-${version}`);
  const binding = join(appDir, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  if (existsSync(binding)) return binding;

  rmSync(appDir, { recursive: true, force: true });
  mkdirSync(join(appDir, 'node_modules'), { recursive: true });
  writeFileSync(join(appDir, 'package.json'), JSON.stringify({ name: 'examiner-electron-native', private: true, dependencies: { 'better-sqlite3': version } }));
  // The Node build is left behind so that a failed rebuild can never be mistaken for an Electron one.
  cpSync(packageDir, join(appDir, 'node_modules', 'better-sqlite3'), {
    recursive: true,
    filter: (source) => !source.startsWith(join(packageDir, 'build')),
  });
  const rebuild = options.rebuild ?? ((await import('@electron/rebuild')).rebuild as unknown as Rebuild);
  await rebuild({ buildPath: appDir, electronVersion: options.electronVersion, platform, arch, onlyModules: ['better-sqlite3'], force: true });
  if (!existsSync(binding)) throw new Error(`@electron/rebuild finished but left no ${binding}`);
  return binding;
}

/** The installed Electron's version, from its package.json. */
export function electronVersion(): string {
  return (JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')) as { version: string }).version;
}
