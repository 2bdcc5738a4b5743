import { statSync } from 'node:fs';
import { MediaId } from '@common/contract';
import { servableRow, type RecordingCache } from '../recording-cache';
import type { SessionService } from '../services/session-service';
import type { MediaLookup, ServedMedia } from './serve-media';
import { systemClock, type Clock } from '../util/clock';

const TOUCH_EVERY_MS = 60_000;

/**
 * Media ids to files, for the renderer's player: a downloaded recording (once verified) or a
 * finished artefact, and only for the signed-in examiner's assignments. The id is all a request
 * carries; the row names the file, and the file must lie inside the cache folder.
 */
export class MediaLibrary implements MediaLookup {
  readonly #touched = new Map<string, number>();

  constructor(
    private readonly cache: RecordingCache,
    private readonly session: SessionService,
    private readonly now: Clock = systemClock,
  ) {}

  lookup(mediaId: string): ServedMedia | null {
    const examinerId = this.session.session?.examiner.id;
    if (examinerId === undefined || !MediaId.safeParse(mediaId).success) return null;
    const found = servableRow(this.cache.reader, mediaId, examinerId);
    if (!found?.path) return null;
    const file = this.cache.folder.resolve(found.path);
    if (file === null) return null;
    let size: number;
    try {
      const info = statSync(file);
      if (!info.isFile()) return null;
      size = info.size;
    } catch {
      return null;
    }
    this.#touch(found.recording_id);
    return { file, size, contentType: found.content_type, etag: found.etag };
  }

  /** Playing a recording keeps it from eviction; a write per range request would fsync on every seek, so at most once a minute. */
  #touch(recordingId: string): void {
    const at = this.now().getTime();
    if (at - (this.#touched.get(recordingId) ?? 0) < TOUCH_EVERY_MS) return;
    this.#touched.set(recordingId, at);
    this.cache.touch(recordingId, at);
  }
}
