import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log';
import type { Store } from '../store/connection';
import { sql } from '../store/sql';

/** The ids this workstation gives evidence recordings: the only names it derives files from to delete. */
const RECORDING_ID = /^ev-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Deletes ended evidence recordings (the purge decides which: main/downloads/quota.ts), their
 * files first and then their rows: a crash in between leaves a row whose file is gone, which the
 * next start marks damaged and the next purge takes, never a file that no row names and nothing
 * would ever delete. Returns the ids deleted.
 */
export function purgeEvidence(store: Store, dir: string, ids: readonly string[], log: Logger): string[] {
  const purged: string[] = [];
  for (const id of ids) {
    if (!RECORDING_ID.test(id)) continue;
    const ended = store.reader.get<{ id: string }>(sql`SELECT id FROM evidence_recordings WHERE id = ${id} AND state IN ('finished', 'failed')`);
    if (!ended) continue;
    for (const name of [`${id}.webm`, `${id}.part.webm`, `${id}.remux.webm`]) rmSync(join(dir, name), { force: true });
    store.transaction((db) => db.run(sql`DELETE FROM evidence_recordings WHERE id = ${id} AND state IN ('finished', 'failed')`));
    log.info('evidence recording purged after the grading window', { recordingId: id });
    purged.push(id);
  }
  return purged;
}
