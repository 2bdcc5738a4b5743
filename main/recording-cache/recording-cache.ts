import { rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { ContractFailure, type ContractError } from '@common/contract';
import type { Recording } from '@common/platform';
import type { Logger } from '../log';
import type { ReadableDb, Store, WritableDb } from '../store/connection';
import { sizeOnDisk } from '../store/durable';
import { sql } from '../store/sql';
import { newMediaId, type MediaCacheFolder } from './cache-folder';
import { sweepMediaCache } from './cache-sweep';
import { CacheEvents, type CacheEventMap, type RemovalReason } from './events';
import {
  artefactPathsOf,
  findArtefact,
  linksOfRecording,
  readyRecordings,
  recordingOfExaminer,
  recordingRow,
  type ArtefactRow,
  type LinkRow,
  type RecordingRow,
} from './recording-rows';
import { systemClock, type Clock } from '../util/clock';

export interface RecordingCacheDeps {
  readonly store: Store;
  readonly folder: MediaCacheFolder;
  readonly log: Logger;
  /** The clock of the rows' updated_at and last_used_at (the downloads' clock). */
  readonly now?: Clock;
}

/** Why `remove` removed a recording, as the log says it. */
const WHY: Readonly<Record<'evicted' | 'purged', string>> = {
  evicted: 'evicted to stay under the cache quota',
  purged: 'purged after the grading window',
};

/**
 * The media cache: the only writer of media_recordings, media_recording_assignments and
 * media_artefacts (migration 0004), and of the files they name in the cache folder. Downloads
 * move a recording through its states here; media jobs store their artefacts here; whatever
 * removes a recording (eviction, purge, a cancel, a file found damaged) removes it here, rows
 * first and files after, and it is announced (`on('removed')`) to whoever kept something of it.
 *
 * After `stop()` (quit: the store closes next) every write is dropped, so late callbacks of
 * aborted downloads and cancelled jobs never reach a closed database.
 */
export class RecordingCache {
  readonly #events: CacheEvents;
  readonly #now: Clock;
  #stopped = false;

  constructor(private readonly deps: RecordingCacheDeps) {
    this.#now = deps.now ?? systemClock;
    this.#events = new CacheEvents(deps.log);
  }

  get folder(): MediaCacheFolder {
    return this.deps.folder;
  }

  /** For the queries of rows.ts (anyone may read the cache's rows; only this class writes them). */
  get reader(): ReadableDb {
    return this.deps.store.reader;
  }

  on<K extends keyof CacheEventMap>(name: K, listener: (payload: CacheEventMap[K]) => void): () => void {
    return this.#events.on(name, listener);
  }

  /** At start, before anything downloads or runs: the folders exist, and the folder and the rows agree (cache-sweep.ts). */
  start(): void {
    this.deps.folder.ensure();
    sweepMediaCache(this.deps.store, this.deps.folder, this.deps.log);
  }

  stop(): void {
    this.#stopped = true;
  }

  // ---- Downloads: a recording's way into the cache ----

  /** Downloads cut short by a quit or crash (downloading, verifying) go back in the queue. */
  requeueInterrupted(): void {
    this.#write((db) => db.run(sql`UPDATE media_recordings SET state = 'queued' WHERE state IN ('downloading', 'verifying')`));
  }

  /**
   * Records that an examiner's assignment needs these recordings, and what the platform says each
   * file is; one paused or failed is queued again. A recording whose sha256 (or size) changed on
   * the platform starts over: what the cache holds is another file. Returns the rows as they are now.
   */
  want(examinerId: string, assignmentId: string, dueAtMs: number, recordings: readonly Recording[]): RecordingRow[] {
    const at = this.#now().getTime();
    return (
      this.#write((db) =>
        recordings.map((recording) => {
          const row = upsertRecording(db, examinerId, assignmentId, dueAtMs, recording, at);
          if (row.state === 'paused' || row.state === 'failed') setState(db, row.recording_id, 'queued', at, { error: null });
          return recordingRow(db, row.recording_id) ?? row;
        }),
      ) ?? []
    );
  }

  /** Moves a recording that is not ready to another state (a ready one stays ready). */
  setState(recordingId: string, state: Exclude<RecordingRow['state'], 'ready'>, extra: { bytesDone?: number; error?: ContractError | null } = {}): void {
    this.#write((db) => setState(db, recordingId, state, this.#now().getTime(), extra));
  }

  /** How far a running download got (the database hears of it about once a second). */
  saveProgress(recordingId: string, bytes: number): void {
    this.#write((db) => db.run(sql`UPDATE media_recordings SET bytes_done = ${bytes} WHERE recording_id = ${recordingId} AND state = 'downloading'`));
  }

  /**
   * The recording's verified file was renamed into place (`relativePath`): its row says ready,
   * with a new media id, and `ready` is announced. Returns false (and says nothing) after stop.
   */
  markReady(recordingId: string, relativePath: string, bytes: number): boolean {
    const at = this.#now().getTime();
    const written = this.#write((db) =>
      db.run(sql`UPDATE media_recordings SET state = 'ready', path = ${relativePath}, media_id = ${newMediaId()}, bytes_done = ${bytes}, error = NULL,
                   updated_at = ${at}, last_used_at = ${at}
                 WHERE recording_id = ${recordingId}`),
    );
    if (written === null) return false;
    this.#events.emit('ready', recordingId);
    return true;
  }

  /** Downloads that gave up because the platform was unreachable are queued again; how many. */
  requeueUnreachable(): number {
    const at = this.#now().getTime();
    const changed = this.#write((db) =>
      db.run(sql`UPDATE media_recordings SET state = 'queued', error = NULL, updated_at = ${at}
                 WHERE state = 'failed' AND json_extract(error, '$.code') = 'platform_unreachable'`),
    );
    return changed?.changes ?? 0;
  }

  /**
   * A ready recording that cannot be read (or, with null, can again): the error rides on its row,
   * which stays ready (the file is what the platform has). A change is announced as `readability`.
   */
  markUnreadable(recordingId: string, error: ContractError | null): void {
    const json = error === null ? null : JSON.stringify(error);
    const changed = this.#write(
      (db) => db.run(sql`UPDATE media_recordings SET error = ${json} WHERE recording_id = ${recordingId} AND state = 'ready' AND error IS NOT ${json}`).changes,
    );
    if ((changed ?? 0) > 0) this.#events.emit('readability', recordingId);
  }

  /** Playing or opening a recording keeps it from eviction (least recently used goes first). */
  touch(recordingId: string, at: number = this.#now().getTime()): void {
    this.#write((db) => db.run(sql`UPDATE media_recordings SET last_used_at = ${at} WHERE recording_id = ${recordingId}`));
  }

  /**
   * The verified file of a recording one of this examiner's assignments needs (touched: it was
   * used); throws not_downloaded when it is not (yet) in the cache, or was damaged on disk (then it
   * goes back in the download queue, announced as removed, `damaged`).
   */
  readyRecording(recordingId: string, examinerId: string): { row: RecordingRow & { path: string; media_id: string }; file: string } {
    const row = recordingOfExaminer(this.deps.store.reader, recordingId, examinerId);
    if (!row) throw new ContractFailure('not_downloaded', `recording ${recordingId} is not in this workstation's cache`);
    if (row.state !== 'ready' || row.path === null || row.media_id === null) {
      throw new ContractFailure('not_downloaded', `recording ${recordingId} is ${row.state}, not downloaded yet`);
    }
    const file = this.deps.folder.resolve(row.path);
    if (file === null) throw new ContractFailure('not_downloaded', `recording ${recordingId} has no file in the cache`);
    if (!this.checkSize(row)) {
      throw new ContractFailure('not_downloaded', `recording ${recordingId} was damaged in the cache and is downloading again`);
    }
    this.touch(recordingId);
    return { row: { ...row, path: row.path, media_id: row.media_id }, file };
  }

  /** Every ready recording's size on disk is checked (at start: a file cut short since is downloaded again). */
  checkReadySizes(): void {
    for (const row of readyRecordings(this.deps.store.reader)) this.checkSize(row);
  }

  /**
   * Whether a ready recording's file is still the size the platform announced (and verified). One
   * cut short or grown on disk since (a full disk, a crash of the file system, a hand) is never
   * served: its row goes back in the queue and the file, with what was made of it, goes
   * (announced as removed, `damaged`).
   */
  checkSize(row: RecordingRow): boolean {
    const file = row.path === null ? null : this.deps.folder.resolve(row.path);
    const bytes = file === null ? null : sizeOnDisk(file);
    if (bytes === row.expected_bytes) return true;
    this.deps.log.warn('a downloaded recording is not its size on disk; downloading it again', { recordingId: row.recording_id, bytes, expected: row.expected_bytes });
    const artefacts = artefactPathsOf(this.deps.store.reader, row.recording_id);
    const at = this.#now().getTime();
    this.#write((db) => {
      deleteArtefactsOf(db, row.recording_id);
      db.run(sql`UPDATE media_recordings SET state = 'queued', path = NULL, media_id = NULL, bytes_done = 0, error = NULL, updated_at = ${at}
                 WHERE recording_id = ${row.recording_id}`);
    });
    this.#removeFiles([row.path, ...artefacts]);
    this.#announceRemoved(row.recording_id, 'damaged', linksOfRecording(this.deps.store.reader, row.recording_id));
    return false;
  }

  /**
   * Deletes a recording's row (its links and artefacts go with it), then its files: a crash in
   * between leaves files no row names, which the start-up sweep removes, never a row without its
   * file. Announced as removed.
   */
  remove(recordingId: string, reason: 'evicted' | 'purged'): void {
    const artefacts = artefactPathsOf(this.deps.store.reader, recordingId);
    const row = recordingRow(this.deps.store.reader, recordingId);
    const linked = linksOfRecording(this.deps.store.reader, recordingId);
    this.#write((db) => {
      deleteArtefactsOf(db, recordingId);
      db.run(sql`DELETE FROM media_recordings WHERE recording_id = ${recordingId}`);
    });
    this.deps.log.info('recording removed from the media cache', { recordingId, why: WHY[reason] });
    this.#removeFiles([row?.path ?? null, ...artefacts]);
    rmSync(this.deps.folder.recordingPartial(recordingId).absolute, { force: true });
    this.#announceRemoved(recordingId, reason, linked);
  }

  /** Throws away what arrived of a download that is not ready (a ready recording stays). Announced as removed, `cancelled`. */
  async discard(recordingId: string): Promise<void> {
    const linked = linksOfRecording(this.deps.store.reader, recordingId);
    await rm(this.deps.folder.recordingPartial(recordingId).absolute, { force: true });
    this.#write((db) => db.run(sql`DELETE FROM media_recordings WHERE recording_id = ${recordingId} AND state != 'ready'`));
    this.#announceRemoved(recordingId, 'cancelled', linked);
  }

  // ---- Media jobs: what is made of a recording ----

  /**
   * Stores a finished artefact (its file, if any, already renamed into place) in place of an
   * older one of the same variant, whose file goes. False after stop (nothing stored).
   */
  saveArtefact(row: ArtefactRow): boolean {
    const saved = this.#write((db) => {
      const previous = findArtefact(db, row.recording_id, row.kind, row.variant);
      if (previous) db.run(sql`DELETE FROM media_artefacts WHERE media_id = ${previous.media_id}`);
      db.run(sql`INSERT INTO media_artefacts (media_id, recording_id, other_recording_id, kind, variant, path, content_type, bytes, data, created_at, last_used_at)
                 VALUES (${row.media_id}, ${row.recording_id}, ${row.other_recording_id}, ${row.kind}, ${row.variant}, ${row.path},
                         ${row.content_type}, ${row.bytes}, ${row.data}, ${row.created_at}, ${row.last_used_at})`);
      return { replaced: previous?.path ?? null };
    });
    if (saved === null) return false;
    if (saved.replaced !== null && saved.replaced !== row.path) this.#removeFiles([saved.replaced]);
    return true;
  }


  #announceRemoved(recordingId: string, reason: RemovalReason, links: readonly LinkRow[]): void {
    if (this.#stopped) return;
    const assignments = links.map((link) => ({ examinerId: link.examiner_id, assignmentId: link.assignment_id }));
    this.#events.emit('removed', { recordingId, reason, assignments });
  }

  /** Files of rows just deleted: one that cannot go now is left to the next start's sweep. */
  #removeFiles(stored: readonly (string | null)[]): void {
    for (const path of stored) {
      const file = path === null ? null : this.deps.folder.resolve(path);
      if (file === null) continue;
      try {
        rmSync(file, { force: true });
      } catch (error) {
        this.deps.log.warn('a media cache file could not be removed; the next start removes it', { file, error });
      }
    }
  }

  #write<T>(work: (db: WritableDb) => T): T | null {
    if (this.#stopped) return null;
    return this.deps.store.transaction(work);
  }
}

function deleteArtefactsOf(db: WritableDb, recordingId: string): void {
  db.run(sql`DELETE FROM media_artefacts WHERE recording_id = ${recordingId} OR other_recording_id = ${recordingId}`);
}

/**
 * Records that the assignment needs the recording, and what the platform says the file is.
 * A recording whose sha256 changed on the platform starts over: what we hold is another file.
 */
function upsertRecording(db: WritableDb, examinerId: string, assignmentId: string, dueAtMs: number, recording: Recording, at: number): RecordingRow {
  const existing = recordingRow(db, recording.recordingId);
  if (!existing) {
    db.run(sql`INSERT INTO media_recordings (recording_id, content_type, expected_bytes, sha256, duration_ms, state, last_used_at, updated_at)
               VALUES (${recording.recordingId}, ${recording.contentType}, ${recording.bytes}, ${recording.sha256}, ${recording.durationMs},
                       'queued', ${at}, ${at})`);
  } else if (existing.sha256 !== recording.sha256 || existing.expected_bytes !== recording.bytes) {
    deleteArtefactsOf(db, recording.recordingId);
    db.run(sql`UPDATE media_recordings SET content_type = ${recording.contentType}, expected_bytes = ${recording.bytes}, sha256 = ${recording.sha256},
                 duration_ms = ${recording.durationMs}, state = 'queued', bytes_done = 0, path = NULL, media_id = NULL, error = NULL, updated_at = ${at}
               WHERE recording_id = ${recording.recordingId}`);
  }
  db.run(sql`INSERT INTO media_recording_assignments (examiner_id, assignment_id, recording_id, angle, due_at)
             VALUES (${examinerId}, ${assignmentId}, ${recording.recordingId}, ${recording.angle}, ${dueAtMs})
             ON CONFLICT (examiner_id, assignment_id, recording_id) DO UPDATE SET angle = excluded.angle, due_at = excluded.due_at`);
  const row = recordingRow(db, recording.recordingId);
  if (!row) throw new Error(`recording ${recording.recordingId} vanished inside its own transaction`);
  return row;
}

function setState(
  db: WritableDb,
  recordingId: string,
  state: RecordingRow['state'],
  at: number,
  extra: { bytesDone?: number; error?: ContractError | null } = {},
): void {
  const error = extra.error === undefined ? undefined : extra.error === null ? null : JSON.stringify(extra.error);
  db.run(sql`UPDATE media_recordings SET state = ${state}, updated_at = ${at},
               bytes_done = COALESCE(${extra.bytesDone ?? null}, bytes_done),
               error = CASE WHEN ${error === undefined ? 0 : 1} = 1 THEN ${error ?? null} ELSE error END
             WHERE recording_id = ${recordingId} AND state != 'ready'`);
}
