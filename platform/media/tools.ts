import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The ffmpeg and ffprobe binaries the platform's demo generator runs. */
export interface MediaTools {
  readonly ffmpeg: string;
  readonly ffprobe: string;
}

export class MediaToolMissingError extends Error {
  override readonly name = 'MediaToolMissingError';
}

/**
 * Finds ffmpeg and ffprobe at run time: FFMPEG_PATH / FFPROBE_PATH when set, else the first on
 * PATH. ffmpeg-static is deliberately not consulted: it is a workstation package (not in the
 * platform's layer), is not installed, and ships no ffprobe anyway.
 */
export function resolveMediaTools(env: NodeJS.ProcessEnv = process.env): MediaTools {
  return { ffmpeg: resolveTool('ffmpeg', 'FFMPEG_PATH', env), ffprobe: resolveTool('ffprobe', 'FFPROBE_PATH', env) };
}

function resolveTool(name: string, variable: string, env: NodeJS.ProcessEnv): string {
  const configured = env[variable];
  if (configured !== undefined && configured !== '') {
    if (!isExecutableFile(configured)) throw new MediaToolMissingError(`${variable} is set to ${configured}, which is not an executable file`);
    return configured;
  }
  const names = process.platform === 'win32' ? [`${name}.exe`, name] : [name];
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    for (const file of names.map((candidate) => join(dir, candidate))) {
      if (isExecutableFile(file)) return file;
    }
  }
  throw new MediaToolMissingError(`${name} was not found: install ffmpeg (it provides ${name}) or set ${variable} to its path`);
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
