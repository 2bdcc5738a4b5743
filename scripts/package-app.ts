import { accessSync, constants, copyFileSync, existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Arch, build, Platform, type AfterPackContext, type Configuration } from 'electron-builder';
import { load } from 'js-yaml';
import { packagedSqliteBinding } from '../main/store/database';
import { electronVersion as installedElectronVersion, ensureElectronSqlite } from './electron-native';

/**
 * `npm run dist`: electron-builder with electron-builder.yml, plus what a YAML file cannot say.
 *
 * better-sqlite3 must be built for Electron's ABI in the app but for Node's in node_modules (the
 * tests load it). electron-builder's own rebuild (npmRebuild) rebuilds node_modules in place, so
 * electron-builder.yml turns it off and afterPack puts the Electron build that `npm start` already
 * uses (scripts/electron-native.ts, one per Electron version and target) where the packaged store
 * loads it (packagedSqliteBinding). Fuses are in electron-builder.yml: electron-builder flips them
 * after afterPack, before signing.
 */
const root = fileURLToPath(new URL('..', import.meta.url));

/** The computer a packaged app is for. */
export interface PackageTarget {
  readonly platform: NodeJS.Platform;
  readonly arch: string;
  readonly electronVersion: string;
}

export interface PackageOptions {
  /** Where package.json, node_modules and dist/ are; this repository by default. */
  readonly projectDir?: string;
  /** Where the packaged app goes; electron-builder.yml's (release/) by default. */
  readonly outputDir?: string;
  /** Only the unpacked app folder (electron-builder's `dir` target), not installers. */
  readonly dirOnly?: boolean;
  /** An unpacked Electron to package instead of downloading one (electron-builder's electronDist). */
  readonly electronDist?: string;
  /** better_sqlite3.node built for Electron and the target; built by scripts/electron-native.ts by default. */
  readonly electronSqliteBinding?: (target: PackageTarget) => Promise<string>;
}

/** A packaged app that cannot find its tools or its database driver is broken: refuse to make one. */
export class PackagingError extends Error {
  override readonly name = 'PackagingError';
}

/** electron-builder.yml, the one description of the package (its schema is checked by electron-builder). */
export function builderConfig(projectDir: string = root): Configuration {
  return load(readFileSync(join(projectDir, 'electron-builder.yml'), 'utf8')) as Configuration;
}

/**
 * The binaries the packaged app runs must be in node_modules before packing: ffmpeg-static
 * downloads its ffmpeg only when its install script runs (npm run dist runs it), and npm installs
 * only this computer's @ffprobe-installer package.
 */
export function requireBundledTools(projectDir: string, target: Pick<PackageTarget, 'platform' | 'arch'>): void {
  const exe = (name: string) => (target.platform === 'win32' ? `${name}.exe` : name);
  // @ffprobe-installer names packages by Node's arch, which says arm where Electron says armv7l.
  const nodeArch = target.arch === 'armv7l' ? 'arm' : target.arch;
  const tools = [
    join(projectDir, 'node_modules', 'ffmpeg-static', exe('ffmpeg')),
    join(projectDir, 'node_modules', '@ffprobe-installer', `${target.platform}-${nodeArch}`, exe('ffprobe')),
  ];
  const missing = tools.filter((file) => !isExecutableFile(file, target.platform));
  if (missing.length > 0) {
    throw new PackagingError(
      `the packaged app would have no ${missing.join(' and no ')}: run \`node node_modules/ffmpeg-static/install.js\` ` +
        '(without FFMPEG_BIN set) for ffmpeg, and package on the platform you package for, so npm installs its ffprobe',
    );
  }
}

/** Packages the app; returns the artefacts electron-builder made (none for a `dir` target). */
export async function packageApp(options: PackageOptions = {}): Promise<string[]> {
  const projectDir = options.projectDir ?? root;
  const config = builderConfig(projectDir);
  const electronVersion = config.electronVersion ?? installedElectronVersion();
  const electronSqliteBinding = options.electronSqliteBinding ?? ((target: PackageTarget) => ensureElectronSqlite(target));
  const directories = { ...config.directories, ...(options.outputDir !== undefined && { output: options.outputDir }) };
  return build({
    projectDir,
    publish: 'never',
    ...(options.dirOnly === true && { targets: Platform.current().createTarget('dir') }),
    config: {
      ...config,
      directories,
      electronVersion,
      ...(options.electronDist !== undefined && { electronDist: options.electronDist }),
      beforePack: (context) => {
        requireBundledTools(projectDir, { platform: context.electronPlatformName as NodeJS.Platform, arch: Arch[context.arch] });
        return Promise.resolve();
      },
      afterPack: async (context) => {
        const target = { platform: context.electronPlatformName as NodeJS.Platform, arch: Arch[context.arch], electronVersion };
        shipElectronSqlite(context, await electronSqliteBinding(target));
      },
    },
  });
}

/**
 * Replaces the Node build of better_sqlite3.node that electron-builder copied from node_modules.
 * It is unlinked first, never written through: electron-builder's copier hard-links files under CI
 * and vitest, and a write through a link to node_modules would put Electron's build there.
 */
export function shipElectronSqlite(context: Pick<AfterPackContext, 'appOutDir' | 'packager'>, electronBuild: string): void {
  const destination = packagedSqliteBinding(context.packager.getResourcesDir(context.appOutDir));
  if (!existsSync(destination)) {
    throw new PackagingError(`better-sqlite3 was not unpacked to ${destination}: check asarUnpack in electron-builder.yml`);
  }
  rmSync(destination);
  copyFileSync(electronBuild, destination);
}

function isExecutableFile(file: string, platform: NodeJS.Platform): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    // Windows has no execute bit; elsewhere a binary npm left without one could not be run.
    if (platform !== 'win32') accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const artefacts = await packageApp();
  for (const artefact of artefacts) process.stdout.write(`${artefact}\n`);
}
