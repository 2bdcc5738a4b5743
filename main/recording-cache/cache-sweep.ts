import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log';
import type { Store } from '../store/connection';
import { sql } from '../store/sql';
import type { MediaCacheFolder } from './cache-folder';

/**
 * At start, before anything downloads or runs: the cache folder and its rows are made to agree.
 * A file no row names (an artefact cut short by a crash, a cancelled download) is removed; a
 * row whose file is gone is forgotten (an artefact) or downloaded again (a recording), so
 * nothing is ever served or counted that is not there.
 */
export function sweepMediaCache(store: Store, folder: MediaCacheFolder, log: Logger): void {
  const recordings = store.reader.all<{ recording_id: string; state: string; path: string | null }>(
    sql`SELECT recording_id, state, path FROM media_recordings`,
  );
  const artefacts = store.reader.all<{ media_id: string; path: string | null }>(sql`SELECT media_id, path FROM media_artefacts`);

  const keep = new Set<string>();
  const lost: string[] = [];
  for (const row of recordings) {
    if (row.state === 'ready' && row.path !== null) {
      const file = folder.resolve(row.path);
      if (file !== null && existsSync(file)) keep.add(file);
      else lost.push(row.recording_id);
    } else {
      keep.add(folder.recordingPartial(row.recording_id).absolute);
    }
  }
  const lostArtefacts: string[] = [];
  for (const row of artefacts) {
    if (row.path === null) continue;
    const file = folder.resolve(row.path);
    if (file !== null && existsSync(file)) keep.add(file);
    else lostArtefacts.push(row.media_id);
  }

  if (lost.length > 0 || lostArtefacts.length > 0) {
    store.transaction((db) => {
      for (const recordingId of lost) {
        db.run(sql`DELETE FROM media_artefacts WHERE recording_id = ${recordingId} OR other_recording_id = ${recordingId}`);
        db.run(sql`UPDATE media_recordings SET state = 'queued', path = NULL, media_id = NULL, bytes_done = 0 WHERE recording_id = ${recordingId}`);
      }
      for (const mediaId of lostArtefacts) db.run(sql`DELETE FROM media_artefacts WHERE media_id = ${mediaId}`);
    });
    log.warn('media cache files were missing; their recordings will download again', { recordings: lost, artefacts: lostArtefacts.length });
  }

  for (const dir of ['recordings', 'artefacts']) {
    const path = join(folder.root, dir);
    if (!existsSync(path)) continue;
    for (const name of readdirSync(path)) {
      const file = join(path, name);
      if (!keep.has(file)) rmSync(file, { force: true, recursive: true });
    }
  }
}
