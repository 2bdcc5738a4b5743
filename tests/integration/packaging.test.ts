import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractFile, listPackage } from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../main/log';
import { resolveFfmpegTools, type FfmpegTools } from '../../node-shared/media/binaries';
import { probeRecording } from '../../main/media/probe';
import { FfmpegRunner } from '../../node-shared/media/runner';
import { packagedSqliteBinding } from '../../main/store/database';
import { packageApp, PackagingError, requireBundledTools, type PackageTarget } from '../../scripts/package-app';

/**
 * `npm run dist` as far as it can go without the internet: electron-builder's `dir` target, with
 * the repository's electron-builder.yml and package script, on the built app (`npm run build`;
 * `npm test` builds it first), against a stand-in Electron. What is checked is the packaged layout
 * the app relies on at run time, and the fuses.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NODE_SQLITE = join(ROOT, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
/** Where @electron/fuses looks for the fuse wire in an Electron binary (its constants.ts). */
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** Electron's fuses as it ships them, in wire order (FuseV1Options): '1' on, '0' off. */
const ELECTRON_DEFAULT_FUSES = '10110001';

let scratch: string;
let resources: string;
let appOutDir: string;
let electronBuild: string;
const asked: PackageTarget[] = [];
let nodeSqliteBefore: string;

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

beforeAll(async () => {
  for (const built of ['dist/electron/main.cjs', 'dist/electron/preload.cjs', 'dist/renderer/index.html']) {
    if (!existsSync(join(ROOT, built))) throw new Error(`${built} is not built: run npm run build (npm test builds it)`);
  }
  scratch = mkdtempSync(join(tmpdir(), 'examiner-packaging-'));
  nodeSqliteBefore = sha256(NODE_SQLITE);

  // A copy of the project made of hard links (instant, and nothing of the repository is written):
  // with platform/ and tests/ in it, so that leaving them out is the configuration's doing.
  const project = join(scratch, 'project');
  linkTree(ROOT, project, new Set(['.git', 'release']));
  // ffmpeg-static's binary is downloaded by npm run dist only; the system's ffmpeg stands in.
  const bundledFfmpeg = join(project, 'node_modules', 'ffmpeg-static', 'ffmpeg');
  if (!existsSync(bundledFfmpeg)) {
    copyFileSync(systemTool('ffmpeg'), bundledFfmpeg);
    chmodSync(bundledFfmpeg, 0o755);
  }

  // No Electron can be downloaded here, and the packaged app is not run: a file with Electron's
  // fuse wire stands in for its binary, which is all electron-builder and @electron/fuses need.
  const electronDist = join(scratch, 'electron-dist');
  mkdirSync(join(electronDist, 'resources'), { recursive: true });
  writeFileSync(join(electronDist, 'electron'), Buffer.concat([Buffer.from('#!/bin/sh\nexit 0\n'), Buffer.from(FUSE_SENTINEL), Buffer.from([1, 8]), Buffer.from(ELECTRON_DEFAULT_FUSES)]), { mode: 0o755 });
  writeFileSync(join(electronDist, 'LICENSE'), 'Electron stand-in');
  // Proves the stand-in is read as an Electron binary, so the fuses below were flipped by packaging.
  expect((await getCurrentFuseWire(join(electronDist, 'electron')))[FuseV1Options.RunAsNode]).toBe('1'.charCodeAt(0));

  // Building better-sqlite3 for Electron needs Electron's headers from the internet: a marked file
  // stands in for that build, to see where the package script puts it.
  electronBuild = join(scratch, 'better_sqlite3.electron.node');
  writeFileSync(electronBuild, 'better-sqlite3 built for Electron (stand-in)');

  const output = join(scratch, 'release');
  await packageApp({
    projectDir: project,
    outputDir: output,
    dirOnly: true,
    electronDist,
    electronSqliteBinding: (target) => {
      asked.push(target);
      return Promise.resolve(electronBuild);
    },
  });
  appOutDir = join(output, `${process.platform === 'darwin' ? 'mac' : process.platform === 'win32' ? 'win' : 'linux'}-unpacked`);
  resources = join(appOutDir, 'resources');
}, 180_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('the packaged app (electron-builder --dir)', () => {
  it('packs the bundled shell, preload and renderer, and nothing of the platform, the tests or the sources', () => {
    const files = listPackage(join(resources, 'app.asar'), { isPack: false }).map((file) => file.split(sep).join('/'));
    expect(files).toEqual(expect.arrayContaining(['/package.json', '/dist/electron/main.cjs', '/dist/electron/preload.cjs', '/dist/renderer/index.html']));
    const mainEntry = (JSON.parse(extractFile(join(resources, 'app.asar'), 'package.json').toString('utf8')) as { main: string }).main;
    expect(mainEntry).toBe('dist/electron/main.cjs');
    for (const left of ['/platform', '/tests', '/main', '/common', '/renderer', '/preload', '/scripts', '/dist/platform-web', '/electron-builder.yml']) {
      expect(files.filter((file) => file === left || file.startsWith(`${left}/`)), left).toEqual([]);
    }
    const ours = files.filter((file) => !file.startsWith('/node_modules/'));
    expect(ours.filter((file) => file.endsWith('.map') || file.endsWith('.ts'))).toEqual([]);
  });

  it('unpacks ffmpeg and ffprobe as executables that run, where the app looks for them, and probes a recording with them', async () => {
    // What the bundled main process sees: neither package can answer, and no PATH to fall back on.
    const tools = resolveFfmpegTools({ configuredPath: null, bundledPath: null, bundledProbePath: null, resourcesPath: resources, env: { PATH: '' } });
    expect(tools.source).toBe('bundled');
    for (const tool of [tools.ffmpeg, tools.ffprobe]) {
      expect(tool.startsWith(join(resources, 'app.asar.unpacked', 'node_modules') + sep)).toBe(true);
      expect(statSync(tool).mode & 0o100).not.toBe(0);
    }
    expect(spawnSync(tools.ffprobe, ['-version'], { encoding: 'utf8' }).stdout).toMatch(/^ffprobe version/);
    expect(spawnSync(tools.ffmpeg, ['-version'], { encoding: 'utf8' }).stdout).toMatch(/^ffmpeg version/);

    const recording = join(scratch, 'recording.mp4');
    const made = spawnSync(tools.ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25', '-t', '1', '-pix_fmt', 'yuv420p', recording]);
    expect(made.status, String(made.stderr)).toBe(0);
    const runner = new FfmpegRunner((): FfmpegTools => tools, silentLogger);
    const probed = await probeRecording(runner, recording, new AbortController().signal);
    expect(probed.summary.video).toMatchObject({ codec: 'h264', width: 320, height: 240, rotation: 0 });
    expect(probed.summary.durationMs).toBeGreaterThan(0);
  });

  it("ships better-sqlite3's Electron build where the packaged store loads it, and leaves node_modules' Node build alone", () => {
    expect(asked).toEqual([{ platform: process.platform, arch: process.arch, electronVersion: electronVersion() }]);
    expect(readFileSync(packagedSqliteBinding(resources), 'utf8')).toBe('better-sqlite3 built for Electron (stand-in)');
    // The project copy is hard-linked to node_modules: a write through a link would have changed the tests' own driver.
    expect(sha256(NODE_SQLITE)).toBe(nodeSqliteBefore);
  });

  it('sets the fuses: no running as Node, no inspector or NODE_OPTIONS, only the integrity-checked app.asar, encrypted cookies, no file:// privileges', async () => {
    const executable = readdirSync(appOutDir).find((name) => readFileSync(join(appOutDir, name)).includes(FUSE_SENTINEL));
    expect(executable).toBe('examiner-workstation');
    const wire = await getCurrentFuseWire(join(appOutDir, 'examiner-workstation'));
    const fuse = (option: FuseV1Options) => String.fromCharCode(wire[option] as number);
    expect({
      runAsNode: fuse(FuseV1Options.RunAsNode),
      enableCookieEncryption: fuse(FuseV1Options.EnableCookieEncryption),
      enableNodeOptionsEnvironmentVariable: fuse(FuseV1Options.EnableNodeOptionsEnvironmentVariable),
      enableNodeCliInspectArguments: fuse(FuseV1Options.EnableNodeCliInspectArguments),
      enableEmbeddedAsarIntegrityValidation: fuse(FuseV1Options.EnableEmbeddedAsarIntegrityValidation),
      onlyLoadAppFromAsar: fuse(FuseV1Options.OnlyLoadAppFromAsar),
      grantFileProtocolExtraPrivileges: fuse(FuseV1Options.GrantFileProtocolExtraPrivileges),
    }).toEqual({
      runAsNode: '0',
      enableCookieEncryption: '1',
      enableNodeOptionsEnvironmentVariable: '0',
      enableNodeCliInspectArguments: '0',
      enableEmbeddedAsarIntegrityValidation: '1',
      onlyLoadAppFromAsar: '1',
      grantFileProtocolExtraPrivileges: '0',
    });
  });

  it('refuses to package an app that would have no ffmpeg or ffprobe, naming what is missing', () => {
    const empty = join(scratch, 'no-tools');
    mkdirSync(join(empty, 'node_modules'), { recursive: true });
    expect(() => requireBundledTools(empty, { platform: 'linux', arch: 'x64' })).toThrow(PackagingError);
    expect(() => requireBundledTools(empty, { platform: 'win32', arch: 'x64' })).toThrow(join('node_modules', '@ffprobe-installer', 'win32-x64', 'ffprobe.exe'));
    expect(() => requireBundledTools(empty, { platform: 'linux', arch: 'armv7l' })).toThrow(join('node_modules', '@ffprobe-installer', 'linux-arm', 'ffprobe'));
  });
});

/** A tree of hard links to `from` (copies where the file system refuses a link); symlinks stay symlinks. */
function linkTree(from: string, to: string, skip: ReadonlySet<string> = new Set()): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (skip.has(entry.name)) continue;
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isSymbolicLink()) symlinkSync(readlinkSync(source), target);
    else if (entry.isDirectory()) linkTree(source, target);
    else if (entry.isFile()) {
      try {
        linkSync(source, target);
      } catch {
        copyFileSync(source, target);
        chmodSync(target, lstatSync(source).mode);
      }
    }
  }
}

function systemTool(name: string): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const file = join(dir, name);
    if (dir !== '' && existsSync(file)) return file;
  }
  throw new Error(`${name} is not installed (.ci/run installs it)`);
}

function electronVersion(): string {
  return (JSON.parse(readFileSync(join(ROOT, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }).version;
}
