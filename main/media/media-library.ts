import { statSync } from 'node:fs';
import { MediaId } from '@common/contract';
import type { SessionService } from '../services/session';
import type { Store } from '../store/connection';
import { sql } from '../store/sql';
import type { MediaCacheFolder } from './cache-folder';
import type { MediaLookup, ServedMedia } from './serve-media';

interface Found {
  readonly path: string | null;
  readonly content_type: string;
  readonly etag: string;
  readonly recording_id: string;
}

const TOUCH_EVERY_MS = 60_000;

/**
 * Media ids to files, for the renderer's player: a downloaded recording (once verified) or a
 * finished artefact, and only for the signed-in examiner's assignments. The id is all a request
 * carries; the row names the file, and the file must lie inside the cache folder.
 */
export class MediaLibrary implements MediaLookup {
  readonly #touched = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly folder: MediaCacheFolder,
    private readonly session: SessionService,
    private readonly now: () => number = Date.now,
  ) {}

  lookup(mediaId: string): ServedMedia | null {
    const examinerId = this.session.session?.examiner.id;
    if (examinerId === undefined || !MediaId.safeParse(mediaId).success) return null;
    const found = this.#find(mediaId, examinerId);
    if (!found?.path) return null;
    const file = this.folder.resolve(found.path);
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

  #find(mediaId: string, examinerId: string): Found | undefined {
    const reader = this.store.reader;
    // A downloaded recording's ETag is its sha256, as the platform's; an artefact's id names one immutable file.
    return (
      reader.get<Found>(sql`SELECT r.path, r.content_type, '"' || r.sha256 || '"' AS etag, r.recording_id
        FROM media_recordings r
        WHERE r.media_id = ${mediaId} AND r.state = 'ready' AND EXISTS (
          SELECT 1 FROM media_recording_assignments l WHERE l.recording_id = r.recording_id AND l.examiner_id = ${examinerId})`) ??
      reader.get<Found>(sql`SELECT a.path, COALESCE(a.content_type, 'application/octet-stream') AS content_type,
          '"' || a.media_id || '"' AS etag, a.recording_id
        FROM media_artefacts a
        WHERE a.media_id = ${mediaId} AND a.path IS NOT NULL AND EXISTS (
          SELECT 1 FROM media_recording_assignments l WHERE l.recording_id = a.recording_id AND l.examiner_id = ${examinerId})`)
    );
  }

  /** Playing a recording keeps it from eviction; a write per range request would fsync on every seek, so at most once a minute. */
  #touch(recordingId: string): void {
    const at = this.now();
    if (at - (this.#touched.get(recordingId) ?? 0) < TOUCH_EVERY_MS) return;
    this.#touched.set(recordingId, at);
    this.store.transaction((db) => db.run(sql`UPDATE media_recordings SET last_used_at = ${at} WHERE recording_id = ${recordingId}`));
  }
}
