import { accessSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import ffmpegStaticPath from 'ffmpeg-static';

/** The ffmpeg and ffprobe a process runs, and where the ffmpeg was found. */
export interface FfmpegTools {
  readonly ffmpeg: string;
  readonly ffprobe: string;
  readonly source: 'configured' | 'bundled' | 'path';
}

export interface ToolSearch {
  /** The workstation's --ffmpeg-path / EXAMINER_FFMPEG_PATH / config.json "ffmpegPath" (the platform's FFMPEG_PATH); null when not set. */
  readonly configuredPath: string | null;
  /** An ffprobe to run whatever ffmpeg is found (the platform's FFPROBE_PATH); null or absent: looked for as below. */
  readonly configuredProbePath?: string | null;
  /** What `require('ffmpeg-static')` says; its binary is only there once its install script ran. */
  readonly bundledPath?: string | null;
  /** What `require('@ffprobe-installer/ffprobe')` says; null where it has no binary for this computer. */
  readonly bundledProbePath?: string | null;
  /** Electron's process.resourcesPath in a packaged app; undefined in development and the browser host. */
  readonly resourcesPath?: string | undefined;
  readonly env?: NodeJS.ProcessEnv;
  readonly platform?: NodeJS.Platform;
  readonly arch?: string;
  /** How to point at an ffmpeg, for FfmpegNotFoundError (default: the workstation's settings). */
  readonly configureHint?: string;
}

const WORKSTATION_HINT = 'set its path with --ffmpeg-path, EXAMINER_FFMPEG_PATH or "ffmpegPath" in config.json';

/** No usable ffmpeg (or ffprobe): names every place that was tried, so the fix is obvious. */
export class FfmpegNotFoundError extends Error {
  override readonly name = 'FfmpegNotFoundError';
  constructor(
    readonly tool: 'ffmpeg' | 'ffprobe',
    readonly tried: readonly string[],
    configureHint: string = WORKSTATION_HINT,
  ) {
    super(`${tool} was not found; tried ${tried.join(', ')}. Install ffmpeg, or ${configureHint}`);
  }
}

/**
 * Finds ffmpeg: the configured path, else ffmpeg-static's binary if its file exists (inside a
 * packaged app the asar archive cannot be executed from, so the unpacked copy is used), else
 * `ffmpeg` on PATH. ffprobe (ffmpeg-static ships none): the configured one if any, else the one
 * next to that ffmpeg (the configured one's sibling, or PATH's own pair), else
 * @ffprobe-installer's binary (unpacked in a packaged app), else PATH. Throws
 * FfmpegNotFoundError naming what was tried.
 */
export function resolveFfmpegTools(search: ToolSearch): FfmpegTools {
  const env = search.env ?? process.env;
  const platform = search.platform ?? process.platform;
  const exe = (name: string) => (platform === 'win32' ? `${name}.exe` : name);
  const tried: string[] = [];
  const notFound = (tool: 'ffmpeg' | 'ffprobe', what: readonly string[]) => new FfmpegNotFoundError(tool, what, search.configureHint);

  let ffmpeg: string | null = null;
  let source: FfmpegTools['source'] = 'path';
  if (search.configuredPath !== null && search.configuredPath !== '') {
    tried.push(`the configured path ${search.configuredPath}`);
    // A configured path is a promise: if it is wrong, say so rather than quietly running another ffmpeg.
    if (!isExecutableFile(search.configuredPath)) throw notFound('ffmpeg', tried);
    ffmpeg = search.configuredPath;
    source = 'configured';
  }
  if (ffmpeg === null) {
    for (const candidate of bundledCandidates(search, exe('ffmpeg'))) {
      tried.push(`ffmpeg-static's binary ${candidate}`);
      if (isExecutableFile(candidate)) {
        ffmpeg = candidate;
        source = 'bundled';
        break;
      }
    }
  }
  if (ffmpeg === null) {
    tried.push('ffmpeg on PATH');
    ffmpeg = onPath(exe('ffmpeg'), env);
  }
  if (ffmpeg === null) throw notFound('ffmpeg', tried);

  const probeTried: string[] = [];
  const configuredProbe = search.configuredProbePath ?? null;
  if (configuredProbe !== null && configuredProbe !== '') {
    probeTried.push(`the configured path ${configuredProbe}`);
    if (!isExecutableFile(configuredProbe)) throw notFound('ffprobe', probeTried);
    return { ffmpeg, ffprobe: configuredProbe, source };
  }
  const sibling = join(dirname(ffmpeg), exe('ffprobe'));
  probeTried.push(`next to ffmpeg (${sibling})`);
  let ffprobe: string | null = isExecutableFile(sibling) ? sibling : null;
  if (ffprobe === null) {
    for (const candidate of bundledProbeCandidates(search, platform, exe('ffprobe'))) {
      probeTried.push(`@ffprobe-installer's binary ${candidate}`);
      if (isExecutableFile(candidate)) {
        ffprobe = candidate;
        break;
      }
    }
  }
  if (ffprobe === null) {
    probeTried.push('ffprobe on PATH');
    ffprobe = onPath(exe('ffprobe'), env);
  }
  if (ffprobe === null) throw notFound('ffprobe', probeTried);
  return { ffmpeg, ffprobe, source };
}

/**
 * The tools of a process with no settings of its own (the reference platform, the tests and
 * benches): FFMPEG_PATH and FFPROBE_PATH when set, else PATH. Never the bundled binaries: the
 * platform's demo recordings need an ffmpeg that still honours the rotate tag (5.1, Debian 12's),
 * and ffmpeg-static's is newer.
 */
export function resolveMediaTools(env: NodeJS.ProcessEnv = process.env): FfmpegTools {
  return resolveFfmpegTools({
    configuredPath: env.FFMPEG_PATH ?? null,
    configuredProbePath: env.FFPROBE_PATH ?? null,
    bundledPath: null,
    bundledProbePath: null,
    env,
    configureHint: 'set FFMPEG_PATH (and FFPROBE_PATH) to its path',
  });
}

/** ffmpeg-static's own answer, and where electron-builder's asarUnpack puts the binary in a packaged app. */
function bundledCandidates(search: ToolSearch, exeName: string): string[] {
  const candidates: string[] = [];
  const bundled = search.bundledPath === undefined ? ffmpegStaticPath : search.bundledPath;
  if (bundled) candidates.push(unpackedFromAsar(bundled));
  if (search.resourcesPath) candidates.push(join(search.resourcesPath, 'app.asar.unpacked', 'node_modules', 'ffmpeg-static', exeName));
  return [...new Set(candidates)];
}

/**
 * @ffprobe-installer's answer, and where asarUnpack puts its platform package's binary in a
 * packaged app (the bundled main process cannot always ask the package: see ffprobeInstallerPath).
 */
function bundledProbeCandidates(search: ToolSearch, platform: NodeJS.Platform, exeName: string): string[] {
  const candidates: string[] = [];
  const bundled = search.bundledProbePath === undefined ? ffprobeInstallerPath() : search.bundledProbePath;
  if (bundled) candidates.push(unpackedFromAsar(bundled));
  if (search.resourcesPath) {
    const arch = search.arch ?? process.arch;
    candidates.push(join(search.resourcesPath, 'app.asar.unpacked', 'node_modules', '@ffprobe-installer', `${platform}-${arch}`, exeName));
  }
  return [...new Set(candidates)];
}

/**
 * Asked at run time, never imported: the package throws when loaded on a computer it has no
 * binary for (or whose platform package npm left out), and that must end in PATH or a clear
 * FfmpegNotFoundError, not in a main process that cannot load. The Electron bundle is CommonJS
 * (`__filename`); tsx and vitest run this file as ESM (`import.meta.url`).
 */
function ffprobeInstallerPath(): string | null {
  try {
    const requireHere = createRequire(typeof __filename === 'string' ? __filename : import.meta.url);
    return (requireHere('@ffprobe-installer/ffprobe') as { path: string }).path;
  } catch {
    return null;
  }
}

/** A path inside app.asar names a file that child_process cannot run; its unpacked twin can be. */
export function unpackedFromAsar(path: string): string {
  return path.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | null {
  for (const dir of (env.PATH ?? env.Path ?? '').split(delimiter)) {
    if (dir === '') continue;
    const file = join(dir, name);
    if (isExecutableFile(file)) return file;
  }
  return null;
}

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
