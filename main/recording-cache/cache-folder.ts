import { createHash, randomBytes } from 'node:crypto';
import { isAbsolute, join, normalize, relative, sep } from 'node:path';
import { makePrivateDir } from '../store/private-files';

/** The folder inside the data folder that holds downloaded recordings and review artefacts. */
export const MEDIA_CACHE_DIR = 'media-cache';

export interface CachePath {
  /** What a row stores: relative to the cache folder, with forward slashes. */
  readonly relative: string;
  readonly absolute: string;
}

/**
 * The layout of the media cache. Every file name is made here from an id, never taken from a
 * request, and every stored relative path is resolved back through `resolve`, which refuses
 * anything that would land outside the folder (an edited database must not turn the media
 * route into a file server).
 */
export class MediaCacheFolder {
  readonly root: string;

  constructor(dataDir: string) {
    this.root = join(dataDir, MEDIA_CACHE_DIR);
  }

  ensure(): void {
    for (const dir of [this.root, join(this.root, 'recordings'), join(this.root, 'artefacts')]) makePrivateDir(dir);
  }

  /** Where a recording grows while it downloads. */
  recordingPartial(recordingId: string): CachePath {
    return this.#path(`recordings/${safeName(recordingId)}.partial`);
  }

  /** Where a verified recording lives. */
  recordingFile(recordingId: string, contentType: string): CachePath {
    return this.#path(`recordings/${safeName(recordingId)}${extensionFor(contentType)}`);
  }

  /** A new artefact file; written as `<absolute>.partial` and renamed when complete. */
  artefactFile(extension: string): { mediaId: string } & CachePath {
    const mediaId = newMediaId();
    return { mediaId, ...this.#path(`artefacts/${mediaId}${extension}`) };
  }

  /** The absolute path of a stored relative path, or null if it is not strictly inside the cache. */
  resolve(stored: string): string | null {
    if (stored === '' || stored.includes('\0') || isAbsolute(stored) || /^[a-zA-Z]:/.test(stored)) return null;
    const absolute = normalize(join(this.root, stored));
    const inside = relative(this.root, absolute);
    if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) return null;
    return absolute;
  }

  #path(relativePath: string): CachePath {
    return { relative: relativePath, absolute: join(this.root, ...relativePath.split('/')) };
  }
}

export function newMediaId(): string {
  return `m${randomBytes(12).toString('hex')}`;
}

/** A platform id as a file name on any OS (ids may hold ':' and '.'); the hash keeps distinct ids distinct. */
export function safeName(id: string): string {
  const readable = id.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 48);
  return `${readable}-${createHash('sha256').update(id).digest('hex').slice(0, 10)}`;
}

const EXTENSIONS: Readonly<Record<string, string>> = {
  'video/mp4': '.mp4',
  'video/quicktime': '.mov',
  'video/webm': '.webm',
  'video/x-matroska': '.mkv',
  'audio/mp4': '.m4a',
  'image/jpeg': '.jpg',
};

export function extensionFor(contentType: string): string {
  return EXTENSIONS[contentType.split(';')[0]?.trim().toLowerCase() ?? ''] ?? '.bin';
}
