import { accessSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';
import { ContractFailure } from '@common/contract';

/** The ffmpeg and ffprobe binaries evidence recording runs. */
export interface EvidenceTools {
  readonly ffmpeg: string;
  readonly ffprobe: string;
}

/**
 * Finds ffmpeg and ffprobe once: FFMPEG_PATH / FFPROBE_PATH when set, then the bundled
 * ffmpeg-static binary (when its install script ran; it has no ffprobe), then PATH. Absent
 * tools fail fast with `ffmpeg_missing`, naming what was tried.
 */
export function resolveEvidenceTools(env: NodeJS.ProcessEnv = process.env): EvidenceTools {
  return {
    ffmpeg: resolveTool('ffmpeg', 'FFMPEG_PATH', env, bundledFfmpeg()),
    ffprobe: resolveTool('ffprobe', 'FFPROBE_PATH', env, null),
  };
}

function bundledFfmpeg(): string | null {
  try {
    const path = createRequire(import.meta.url)('ffmpeg-static') as unknown;
    return typeof path === 'string' && isExecutableFile(path) ? path : null;
  } catch {
    return null;
  }
}

function resolveTool(name: string, variable: string, env: NodeJS.ProcessEnv, bundled: string | null): string {
  const configured = env[variable];
  if (configured !== undefined && configured !== '') {
    if (!isExecutableFile(configured)) throw new ContractFailure('ffmpeg_missing', `${variable} is ${configured}, which is not an executable file`);
    return configured;
  }
  if (bundled) return bundled;
  const names = process.platform === 'win32' ? [`${name}.exe`, name] : [name];
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    for (const file of names.map((candidate) => join(dir, candidate))) {
      if (isExecutableFile(file)) return file;
    }
  }
  throw new ContractFailure('ffmpeg_missing', `${name} was not found (tried ${variable}${bundled === null && name === 'ffmpeg' ? ', ffmpeg-static' : ''} and PATH)`);
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
