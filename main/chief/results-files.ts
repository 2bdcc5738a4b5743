import { randomBytes } from 'node:crypto';
import { readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SessionService } from '../services/session-service';
import type { MediaLookup, ServedMedia } from '../media/serve-media';
import { makePrivateDir, PRIVATE_FILE_MODE } from '../store/private-files';
import { systemClock, type Clock } from '../util/clock';

export type ResultsFormat = 'xlsx' | 'csv';

export const RESULTS_CONTENT_TYPES: Readonly<Record<ResultsFormat, string>> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
};

/** Results files are for saving at once: older ones are deleted at the next start. */
export const RESULTS_FILE_MAX_AGE_MS = 24 * 60 * 60_000;

interface Written {
  readonly file: string;
  readonly examinerId: string;
  readonly format: ResultsFormat;
  readonly fileName: string;
  readonly size: number;
}

/**
 * The chief's results files, in `<data folder>/exports` (0700, files 0600, named by media id), served
 * by `/media/<mediaId>` and `app://` as downloads to the chief who wrote them. Which id names
 * which file is kept in memory only: a file is saved right after it is written, and whatever is
 * left is purged by age at the next start.
 */
export class ResultsFiles implements MediaLookup {
  readonly #written = new Map<string, Written>();
  readonly folder: string;

  constructor(
    dataDir: string,
    private readonly session: SessionService,
    private readonly now: Clock = systemClock,
  ) {
    this.folder = join(dataDir, 'exports');
  }

  /** Deletes files older than `maxAgeMs`, and leftovers of writes that never finished. */
  purge(maxAgeMs: number = RESULTS_FILE_MAX_AGE_MS): void {
    let names: string[];
    try {
      names = readdirSync(this.folder);
    } catch {
      return;
    }
    for (const name of names) {
      const file = join(this.folder, name);
      try {
        if (name.endsWith('.partial') || this.now().getTime() - statSync(file).mtimeMs > maxAgeMs) rmSync(file, { force: true });
      } catch {
        // Gone already, or not ours to delete: the next start tries again.
      }
    }
  }

  write(examinerId: string, format: ResultsFormat, fileName: string, bytes: Buffer): { mediaId: string; bytes: number } {
    makePrivateDir(this.folder);
    const mediaId = `m${randomBytes(12).toString('hex')}`;
    const file = join(this.folder, `${mediaId}.${format}`);
    const partial = `${file}.partial`;
    writeFileSync(partial, bytes, { mode: PRIVATE_FILE_MODE, flush: true });
    renameSync(partial, file);
    this.#written.set(mediaId, { file, examinerId, format, fileName, size: bytes.length });
    return { mediaId, bytes: bytes.length };
  }

  lookup(mediaId: string): ServedMedia | null {
    const written = this.#written.get(mediaId);
    if (!written || written.examinerId !== this.session.session?.examiner.id) return null;
    try {
      // A file changed or cut short since it was written is not served.
      if (statSync(written.file).size !== written.size) return null;
    } catch {
      return null;
    }
    return {
      file: written.file,
      size: written.size,
      contentType: RESULTS_CONTENT_TYPES[written.format],
      etag: `"${mediaId}"`,
      download: { fileName: written.fileName },
    };
  }
}
