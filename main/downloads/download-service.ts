import http from 'node:http';
import https from 'node:https';
import { rmSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { API_PREFIX } from '@common/platform/wire';
import {
  ContractFailure,
  type AssignmentRecordings,
  type ContractError,
  type ErrorCode,
  type RecordingsOverview,
} from '@common/contract';
import { AssignmentList, type Assignment } from '@common/platform';
import type { EventHub } from '../contract/event-hub';
import type { Logger } from '../log';
import { newMediaId, type MediaCacheFolder } from '../media/cache-folder';
import type { PlatformCache } from '../services/cache';
import { fullJitterDelay } from '../services/backoff';
import type { PlatformHealthMonitor } from '../services/health';
import type { SessionService } from '../services/session';
import type { Store, WritableDb } from '../store/connection';
import { sizeOnDisk, syncDir, syncFile } from '../store/durable';
import { sql } from '../store/sql';
import { AttemptError, downloadAttempt, type AttemptFailure } from './fetch-recording';
import { purgeEvidence } from '../evidence/evidence-purge';
import { cacheUsage, evictionCandidates, evidencePurgeCandidates, purgeCandidates } from './quota';
import {
  aggregateState,
  downloadOf,
  linksOfAssignment,
  linksOfRecording,
  markReady,
  recordingOfExaminer,
  recordingRow,
  setState,
  upsertRecording,
  type RecordingRow,
  type WantedRecording,
} from './recording-rows';

export interface DownloadOptions {
  /** Recordings downloading at once (default 3). */
  readonly concurrency?: number;
  /** Most bytes the media cache may hold (default 20 GiB). */
  readonly quotaBytes?: number;
  /** Days after an assignment's dueAt before an accepted recording is purged (default 7). */
  readonly purgeAfterDueDays?: number;
  /** Back-off between attempts after a network drop, and how many attempts without progress before giving up. */
  readonly retry?: { readonly baseDelayMs?: number; readonly maxDelayMs?: number; readonly maxAttempts?: number };
  /** A connection silent this long is dropped and the download resumes (default 30 s). */
  readonly idleTimeoutMs?: number;
  /** At most one progress event per recording this often (default 250 ms). */
  readonly progressIntervalMs?: number;
  readonly now?: () => number;
}

export interface DownloadDeps {
  readonly store: Store;
  readonly folder: MediaCacheFolder;
  readonly session: SessionService;
  readonly cache: PlatformCache;
  readonly health: PlatformHealthMonitor;
  readonly origin: string | null;
  readonly events: EventHub;
  readonly log: Logger;
  /** Told when a recording leaves the cache (evicted, purged, cancelled), so media work on it stops. */
  readonly onRemoved: (recordingId: string) => void;
  /** Told when a recording is whole on disk, so media can check it is readable before anyone opens it. */
  readonly onReady?: (recordingId: string) => void;
  /** The folder of evidence recordings (main/evidence), purged with the assignments' recordings. */
  readonly evidenceDir: string;
}

interface Active {
  readonly recordingId: string;
  readonly controller: AbortController;
  bytes: number;
  lastEventAt: number;
  lastSavedAt: number;
  done: Promise<void>;
}

const GIB = 1024 ** 3;
const DAY_MS = 24 * 3600_000;

/**
 * Brings an examiner's recordings into the local cache ahead of grading: a few at once, with
 * progress, pause and resume, automatic resume after a network drop (by range, guarded by the
 * ETag), sha256 verification and an atomic rename, so a partial or corrupt file is never
 * "ready". Keeps the cache under its quota by evicting least recently used recordings whose
 * assignments are all scored, and purges accepted recordings once their grading window is over.
 */
export class DownloadService {
  readonly #active = new Map<string, Active>();
  readonly #agent: http.Agent;
  readonly #now: () => number;
  readonly #unsubscribe: (() => void)[] = [];
  #purgeTimer: NodeJS.Timeout | null = null;
  #stopped = false;

  constructor(
    private readonly deps: DownloadDeps,
    private readonly options: DownloadOptions = {},
  ) {
    this.#now = options.now ?? Date.now;
    const agentOptions = { keepAlive: true, maxSockets: 8 };
    this.#agent = deps.origin?.startsWith('https:') ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
  }

  get quotaBytes(): number {
    return this.options.quotaBytes ?? 20 * GIB;
  }

  /** Downloads cut short by a quit or crash resume; ready files cut short on disk download again; expired recordings are purged. */
  start(): void {
    this.deps.folder.ensure();
    this.deps.store.transaction((db) => db.run(sql`UPDATE media_recordings SET state = 'queued' WHERE state IN ('downloading', 'verifying')`));
    for (const row of this.deps.store.reader.all<RecordingRow>(sql`SELECT * FROM media_recordings WHERE state = 'ready' ORDER BY recording_id`)) {
      this.#checkSize(row);
    }
    this.#purgeSafely();
    this.#purgeTimer = setInterval(() => this.#purgeSafely(), 3600_000);
    this.#purgeTimer.unref();
    this.#unsubscribe.push(
      this.deps.session.onChange((session) => {
        if (session === null) this.#abortAll('signed out');
        this.#pump();
      }),
      this.deps.health.onChange((health) => {
        if (health.state === 'online') this.#retryInterrupted();
      }),
    );
    this.#pump();
  }

  #purgeSafely(): void {
    try {
      this.purgeExpired();
    } catch (error) {
      this.deps.log.error('media purge failed', { error });
    }
  }

  /** At quit: stops every download where it is; the next start resumes them. */
  stop(): void {
    this.#stopped = true;
    if (this.#purgeTimer) clearInterval(this.#purgeTimer);
    for (const off of this.#unsubscribe.splice(0)) off();
    for (const active of this.#active.values()) active.controller.abort('stopping');
    this.#agent.destroy();
  }

  /** Resolves when no download is running (tests). */
  async whenIdle(): Promise<void> {
    while (this.#active.size > 0) await Promise.all([...this.#active.values()].map((active) => active.done));
  }

  overview(): RecordingsOverview {
    const examinerId = this.deps.session.requireExaminerId();
    const recorded = this.#assignments(examinerId).filter((assignment) => assignment.recordings.length > 0);
    return {
      assignments: recorded.map((assignment) => this.#stateOf(examinerId, assignment.assignmentId)),
      usage: { usedBytes: cacheUsage(this.deps.store.reader), quotaBytes: this.quotaBytes },
    };
  }

  state(assignmentId: string): AssignmentRecordings {
    return this.#stateOf(this.deps.session.requireExaminerId(), assignmentId);
  }

  download(assignmentId: string): AssignmentRecordings {
    const examinerId = this.deps.session.requireExaminerId();
    const assignment = this.#requireAssignment(examinerId, assignmentId);
    const at = this.#now();
    const rows = this.deps.store.transaction((db) =>
      assignment.recordings.map((recording) => {
        const row = upsertRecording(db, examinerId, assignmentId, Date.parse(assignment.dueAt), recording, at);
        if (row.state === 'paused' || row.state === 'failed') setState(db, row.recording_id, 'queued', at, { error: null });
        return recordingRow(db, row.recording_id) ?? row;
      }),
    );
    const spare = assignment.recordings.map((recording) => recording.recordingId);
    for (const row of rows) if (row.state === 'queued') this.#reserve(row, spare);
    this.#pump();
    return this.#emitAssignment(examinerId, assignmentId);
  }

  async pause(assignmentId: string): Promise<AssignmentRecordings> {
    const examinerId = this.deps.session.requireExaminerId();
    const links = this.#requireLinks(examinerId, assignmentId);
    const stopping: Promise<void>[] = [];
    for (const link of links) {
      const row = recordingRow(this.deps.store.reader, link.recording_id);
      if (!row || (row.state !== 'queued' && row.state !== 'downloading')) continue;
      const active = this.#active.get(link.recording_id);
      this.#write((db) => setState(db, link.recording_id, 'paused', this.#now(), active ? { bytesDone: active.bytes } : {}));
      if (active) {
        active.controller.abort('paused');
        stopping.push(active.done);
      }
    }
    await Promise.all(stopping);
    return this.#emitAssignment(examinerId, assignmentId);
  }

  resume(assignmentId: string): AssignmentRecordings {
    const examinerId = this.deps.session.requireExaminerId();
    const links = this.#requireLinks(examinerId, assignmentId);
    const spare = links.map((link) => link.recording_id);
    for (const link of links) {
      const row = recordingRow(this.deps.store.reader, link.recording_id);
      if (!row || (row.state !== 'paused' && row.state !== 'failed')) continue;
      this.#write((db) => setState(db, link.recording_id, 'queued', this.#now(), { error: null }));
      const queued = recordingRow(this.deps.store.reader, link.recording_id);
      if (queued) this.#reserve(queued, spare);
    }
    this.#pump();
    return this.#emitAssignment(examinerId, assignmentId);
  }

  /** Stops the assignment's unfinished downloads and throws away what arrived; ready recordings stay. */
  async cancel(assignmentId: string): Promise<AssignmentRecordings> {
    const examinerId = this.deps.session.requireExaminerId();
    const links = this.#requireLinks(examinerId, assignmentId);
    for (const link of links) {
      const row = recordingRow(this.deps.store.reader, link.recording_id);
      if (!row || row.state === 'ready') continue;
      const active = this.#active.get(link.recording_id);
      if (active) {
        active.controller.abort('cancelled');
        await active.done;
      }
      await rm(this.deps.folder.recordingPartial(link.recording_id).absolute, { force: true });
      this.#write((db) => db.run(sql`DELETE FROM media_recordings WHERE recording_id = ${link.recording_id} AND state != 'ready'`));
      this.deps.onRemoved(link.recording_id);
    }
    return this.#emitAssignment(examinerId, assignmentId);
  }

  /**
   * Removes recordings whose every sheet is accepted and whose grading window closed more than the
   * configured days ago, and by the same rule the evidence recorded in live interviews. Returns
   * the ids of both.
   */
  purgeExpired(): string[] {
    if (this.#stopped) return [];
    const cutoff = this.#now() - (this.options.purgeAfterDueDays ?? 7) * DAY_MS;
    const purged = purgeCandidates(this.deps.store.reader, cutoff);
    for (const recordingId of purged) this.#remove(recordingId, 'purged after the grading window');
    const evidence = evidencePurgeCandidates(this.deps.store.reader, cutoff, (examinerId, assignmentId) => this.#dueAt(examinerId, assignmentId));
    return [...purged, ...purgeEvidence(this.deps.store, this.deps.evidenceDir, evidence.map((row) => row.id), this.deps.log)];
  }

  /** An assignment's due date as the platform said last (the cache, so it works offline and before sign-in); null when unknown. */
  #dueAt(examinerId: string, assignmentId: string): number | null {
    const assignment = this.#assignments(examinerId).find((candidate) => candidate.assignmentId === assignmentId);
    const dueAt = assignment ? Date.parse(assignment.dueAt) : Number.NaN;
    return Number.isFinite(dueAt) ? dueAt : null;
  }

  /** The verified file of a recording one of this examiner's assignments needs; throws when it is not (yet) in the cache. */
  readyRecording(recordingId: string, examinerId: string): { row: RecordingRow & { path: string; media_id: string }; file: string } {
    const row = recordingOfExaminer(this.deps.store.reader, recordingId, examinerId);
    if (!row) throw new ContractFailure('not_downloaded', `recording ${recordingId} is not in this workstation's cache`);
    if (row.state !== 'ready' || row.path === null || row.media_id === null) {
      throw new ContractFailure('not_downloaded', `recording ${recordingId} is ${row.state}, not downloaded yet`);
    }
    const file = this.deps.folder.resolve(row.path);
    if (file === null) throw new ContractFailure('not_downloaded', `recording ${recordingId} has no file in the cache`);
    if (!this.#checkSize(row)) {
      this.#pump();
      throw new ContractFailure('not_downloaded', `recording ${recordingId} was damaged in the cache and is downloading again`);
    }
    this.#write((db) => db.run(sql`UPDATE media_recordings SET last_used_at = ${this.#now()} WHERE recording_id = ${recordingId}`));
    return { row: { ...row, path: row.path, media_id: row.media_id }, file };
  }

  /**
   * Whether a ready recording's file is still the size the platform announced (and verified). One
   * cut short or grown on disk since (a full disk, a crash of the file system, a hand) is never
   * served: its row goes back in the queue and the file, with what was made of it, goes.
   */
  #checkSize(row: RecordingRow): boolean {
    const file = row.path === null ? null : this.deps.folder.resolve(row.path);
    const bytes = file === null ? null : sizeOnDisk(file);
    if (bytes === row.expected_bytes) return true;
    this.deps.log.warn('a downloaded recording is not its size on disk; downloading it again', { recordingId: row.recording_id, bytes, expected: row.expected_bytes });
    const artefacts = this.deps.store.reader.all<{ path: string | null }>(
      sql`SELECT path FROM media_artefacts WHERE recording_id = ${row.recording_id} OR other_recording_id = ${row.recording_id}`,
    );
    this.#write((db) => {
      db.run(sql`DELETE FROM media_artefacts WHERE recording_id = ${row.recording_id} OR other_recording_id = ${row.recording_id}`);
      db.run(sql`UPDATE media_recordings SET state = 'queued', path = NULL, media_id = NULL, bytes_done = 0, error = NULL, updated_at = ${this.#now()}
                 WHERE recording_id = ${row.recording_id}`);
    });
    this.deps.onRemoved(row.recording_id);
    for (const stored of [row.path, ...artefacts.map((artefact) => artefact.path)]) {
      const path = stored === null ? null : this.deps.folder.resolve(stored);
      if (path !== null) rmSync(path, { force: true });
    }
    this.#emitRecording(row.recording_id);
    return false;
  }

  #pump(): void {
    if (this.#stopped || this.deps.origin === null || this.deps.session.session === null) return;
    const examinerId = this.deps.session.session.examiner.id;
    const concurrency = this.options.concurrency ?? 3;
    while (this.#active.size < concurrency) {
      const busy = [...this.#active.keys()];
      const next = this.deps.store.reader
        .all<RecordingRow>(sql`SELECT r.* FROM media_recordings r WHERE r.state = 'queued' AND EXISTS (
            SELECT 1 FROM media_recording_assignments l WHERE l.recording_id = r.recording_id AND l.examiner_id = ${examinerId})
          ORDER BY r.updated_at, r.rowid LIMIT ${concurrency + busy.length}`)
        .find((row) => !this.#active.has(row.recording_id));
      if (!next) return;
      this.#begin(next);
    }
  }

  #begin(row: RecordingRow): void {
    const active: Active = { recordingId: row.recording_id, controller: new AbortController(), bytes: row.bytes_done, lastEventAt: 0, lastSavedAt: 0, done: Promise.resolve() };
    this.#active.set(row.recording_id, active);
    this.#write((db) => setState(db, row.recording_id, 'downloading', this.#now(), { error: null }));
    this.#emitRecording(row.recording_id);
    active.done = this.#run(active, row)
      .catch((error: unknown) => {
        this.deps.log.error('download failed unexpectedly', { recordingId: row.recording_id, error });
        if (!this.#stopped) this.#fail(active, 'internal', `the download failed unexpectedly: ${(error as Error).message}`);
      })
      .finally(() => {
        this.#active.delete(row.recording_id);
        if (!this.#stopped) {
          this.#emitRecording(row.recording_id);
          this.#pump();
        }
      });
  }

  async #run(active: Active, row: RecordingRow): Promise<void> {
    const partial = this.deps.folder.recordingPartial(row.recording_id).absolute;
    const retry = this.options.retry ?? {};
    let attempts = 0;
    let bytesAtLastFailure = -1;
    for (;;) {
      let token: string;
      try {
        token = this.deps.session.requireToken();
      } catch {
        return this.#requeue(active);
      }
      let result;
      try {
        result = await downloadAttempt({
          url: `${this.deps.origin ?? ''}${API_PREFIX}/recordings/${encodeURIComponent(row.recording_id)}`,
          token,
          etag: `"${row.sha256}"`,
          expectedBytes: row.expected_bytes,
          partialFile: partial,
          signal: active.controller.signal,
          agent: this.#agent,
          idleTimeoutMs: this.options.idleTimeoutMs ?? 30_000,
          onBytes: (bytes) => this.#progress(active, bytes),
        });
      } catch (error) {
        if (!(error instanceof AttemptError)) throw error;
        const failure = error.failure;
        if (failure.kind === 'aborted' || active.controller.signal.aborted) return this.#requeueIfSignedOut(active);
        if (failure.kind !== 'network' && failure.kind !== 'unavailable') return this.#fail(active, ...codeFor(failure));
        if (active.bytes > bytesAtLastFailure) attempts = 0;
        bytesAtLastFailure = active.bytes;
        attempts++;
        this.deps.log.warn('download interrupted; resuming', { recordingId: row.recording_id, attempt: attempts, reason: failure.message });
        if (attempts > (retry.maxAttempts ?? 6)) return this.#fail(active, 'platform_unreachable', `the download keeps failing: ${failure.message}`);
        const waited = await abortableDelay(fullJitterDelay(attempts, retry.baseDelayMs ?? 500, retry.maxDelayMs ?? 15_000), active.controller.signal);
        if (!waited) return this.#requeueIfSignedOut(active);
        continue;
      }

      if (active.controller.signal.aborted) return this.#requeueIfSignedOut(active);
      this.#write((db) => setState(db, row.recording_id, 'verifying', this.#now(), { bytesDone: result.bytes }));
      this.#emitRecording(row.recording_id);
      if (result.sha256 !== row.sha256) {
        await rm(partial, { force: true });
        return this.#fail(active, 'recording_corrupt', `the downloaded file's sha256 ${result.sha256} is not the platform's ${row.sha256}`);
      }
      const target = this.deps.folder.recordingFile(row.recording_id, row.content_type);
      // The rename is the moment the recording becomes whole: never a half file under the final
      // name. Its bytes are on the disk before it, and the name before the row says ready, so a
      // power cut cannot leave a ready row over a short or missing file.
      await syncFile(partial);
      await rename(partial, target.absolute);
      await syncDir(dirname(target.absolute));
      if (this.#stopped) return;
      this.#write((db) => markReady(db, row.recording_id, target.relative, newMediaId(), result.bytes, this.#now()));
      this.deps.log.info('recording downloaded', { recordingId: row.recording_id, bytes: result.bytes, resumedFrom: result.resumedFrom });
      this.deps.onReady?.(row.recording_id);
      return;
    }
  }

  #progress(active: Active, bytes: number): void {
    active.bytes = bytes;
    const at = this.#now();
    if (at - active.lastEventAt >= (this.options.progressIntervalMs ?? 250)) {
      active.lastEventAt = at;
      this.#emitRecording(active.recordingId);
    }
    // Every write is fsynced (synchronous=FULL): the database hears of progress once a second, events more often.
    if (at - active.lastSavedAt >= 1000) {
      active.lastSavedAt = at;
      this.#write((db) => db.run(sql`UPDATE media_recordings SET bytes_done = ${bytes} WHERE recording_id = ${active.recordingId} AND state = 'downloading'`));
    }
  }

  #fail(active: Active, code: ErrorCode, message: string): void {
    if (this.#stopped || active.controller.signal.aborted) return;
    const error: ContractError = { code, message: message.slice(0, 2000) };
    this.deps.log.warn('download failed', { recordingId: active.recordingId, ...error });
    this.#write((db) => setState(db, active.recordingId, 'failed', this.#now(), { bytesDone: active.bytes, error }));
  }

  /** A download stopped because its examiner signed out goes back in the queue for their return. */
  #requeueIfSignedOut(active: Active): void {
    if (active.controller.signal.reason === 'signed out') this.#requeue(active);
  }

  #requeue(active: Active): void {
    if (this.#stopped) return;
    this.#write((db) => setState(db, active.recordingId, 'queued', this.#now(), { bytesDone: active.bytes }));
  }

  #abortAll(reason: string): void {
    for (const active of this.#active.values()) active.controller.abort(reason);
  }

  /** Downloads that gave up because the platform was unreachable start again when it answers. */
  #retryInterrupted(): void {
    if (this.#stopped) return;
    const changed = this.#write((db) =>
      db.run(sql`UPDATE media_recordings SET state = 'queued', error = NULL, updated_at = ${this.#now()}
                 WHERE state = 'failed' AND json_extract(error, '$.code') = 'platform_unreachable'`),
    );
    if (changed && changed.changes > 0) this.#pump();
  }

  /**
   * Makes room for a queued recording: evicts scored recordings, least recently used first,
   * until it fits; if it cannot fit without touching an unscored assignment, it fails instead.
   */
  #reserve(row: RecordingRow, spare: readonly string[]): void {
    const need = row.expected_bytes;
    let used = cacheUsage(this.deps.store.reader, row.recording_id);
    if (used + need <= this.quotaBytes) return;
    for (const candidate of evictionCandidates(this.deps.store.reader, spare)) {
      this.#remove(candidate.recording_id, 'evicted to stay under the cache quota');
      used -= candidate.bytes;
      if (used + need <= this.quotaBytes) return;
    }
    const error: ContractError = {
      code: 'quota_exceeded',
      message: `the recording needs ${String(need)} bytes; the cache holds ${String(used)} of ${String(this.quotaBytes)} for unscored assignments`,
    };
    this.#write((db) => setState(db, row.recording_id, 'failed', this.#now(), { error }));
  }

  /**
   * Deletes a recording's row (its links and artefacts go with it), then its files: a crash in
   * between leaves files no row names, which the start-up sweep removes, never a row without its file.
   */
  #remove(recordingId: string, why: string): void {
    const artefacts = this.deps.store.reader.all<{ path: string | null }>(
      sql`SELECT path FROM media_artefacts WHERE recording_id = ${recordingId} OR other_recording_id = ${recordingId}`,
    );
    const row = recordingRow(this.deps.store.reader, recordingId);
    const linked = linksOfRecording(this.deps.store.reader, recordingId);
    this.#write((db) => {
      db.run(sql`DELETE FROM media_artefacts WHERE recording_id = ${recordingId} OR other_recording_id = ${recordingId}`);
      db.run(sql`DELETE FROM media_recordings WHERE recording_id = ${recordingId}`);
    });
    this.deps.onRemoved(recordingId);
    this.deps.log.info('recording removed from the media cache', { recordingId, why });
    for (const stored of [row?.path ?? null, ...artefacts.map((artefact) => artefact.path)]) {
      const file = stored === null ? null : this.deps.folder.resolve(stored);
      if (file !== null) rmSync(file, { force: true });
    }
    rmSync(this.deps.folder.recordingPartial(recordingId).absolute, { force: true });
    const examinerId = this.deps.session.session?.examiner.id;
    if (examinerId === undefined) return;
    for (const link of linked) if (link.examiner_id === examinerId) this.#emitAssignment(examinerId, link.assignment_id);
  }

  /**
   * A ready recording that cannot be read (or, with null, can again): the error rides on its row
   * and its assignment's state, so the review queue says so before the exam is opened. The row
   * stays ready: the file is what the platform has, and downloading it again would not change it.
   */
  markUnreadable(recordingId: string, error: ContractError | null): void {
    const json = error === null ? null : JSON.stringify(error);
    const changed = this.#write((db) => db.run(sql`UPDATE media_recordings SET error = ${json} WHERE recording_id = ${recordingId} AND state = 'ready' AND error IS NOT ${json}`).changes);
    if ((changed ?? 0) > 0) this.#emitRecording(recordingId);
  }

  #emitRecording(recordingId: string): void {
    const examinerId = this.deps.session.session?.examiner.id;
    if (examinerId === undefined) return;
    for (const link of linksOfRecording(this.deps.store.reader, recordingId)) {
      if (link.examiner_id === examinerId) this.#emitAssignment(examinerId, link.assignment_id);
    }
  }

  #emitAssignment(examinerId: string, assignmentId: string): AssignmentRecordings {
    const state = this.#stateOf(examinerId, assignmentId);
    this.deps.events.emit('recordings.progress', state);
    return state;
  }

  #stateOf(examinerId: string, assignmentId: string): AssignmentRecordings {
    const wanted = this.#wanted(examinerId, assignmentId);
    const recordings = wanted.map((recording) =>
      downloadOf(recording, recordingRow(this.deps.store.reader, recording.recordingId), this.#active.get(recording.recordingId)?.bytes),
    );
    return {
      assignmentId,
      state: aggregateState(recordings.map((recording) => recording.state)),
      bytesDone: recordings.reduce((sum, recording) => sum + recording.bytesDone, 0),
      bytes: recordings.reduce((sum, recording) => sum + recording.bytes, 0),
      recordings,
    };
  }

  /** The assignment's recordings as the platform listed them last, else as the cache links remember them. */
  #wanted(examinerId: string, assignmentId: string): WantedRecording[] {
    const assignment = this.#assignments(examinerId).find((candidate) => candidate.assignmentId === assignmentId);
    if (assignment) return assignment.recordings.map((recording) => ({ recordingId: recording.recordingId, angle: recording.angle, bytes: recording.bytes }));
    const links = linksOfAssignment(this.deps.store.reader, examinerId, assignmentId);
    if (links.length === 0) throw new ContractFailure('not_found', `no assignment ${assignmentId} (list assignments while online first)`);
    return links.map((link) => ({
      recordingId: link.recording_id,
      angle: link.angle,
      bytes: recordingRow(this.deps.store.reader, link.recording_id)?.expected_bytes ?? 0,
    }));
  }

  #assignments(examinerId: string): Assignment[] {
    return this.deps.cache.peek(examinerId, 'assignments', 'all', AssignmentList)?.assignments ?? [];
  }

  #requireAssignment(examinerId: string, assignmentId: string): Assignment {
    const assignment = this.#assignments(examinerId).find((candidate) => candidate.assignmentId === assignmentId);
    if (!assignment) throw new ContractFailure('not_found', `no assignment ${assignmentId} (list assignments while online first)`);
    if (assignment.recordings.length === 0) throw new ContractFailure('not_found', `assignment ${assignmentId} has no recordings`);
    return assignment;
  }

  #requireLinks(examinerId: string, assignmentId: string) {
    const links = linksOfAssignment(this.deps.store.reader, examinerId, assignmentId);
    if (links.length === 0) this.#requireAssignment(examinerId, assignmentId);
    return links;
  }

  /** A write after stop() would hit a closed database: late callbacks of aborted downloads are dropped. */
  #write<T>(work: (db: WritableDb) => T): T | null {
    if (this.#stopped) return null;
    return this.deps.store.transaction(work);
  }
}

function codeFor(failure: AttemptFailure): [ErrorCode, string] {
  switch (failure.kind) {
    case 'disk_full':
      return ['disk_full', failure.message];
    case 'oversize':
      return ['recording_corrupt', failure.message];
    case 'refused':
      if (failure.status === 401) return ['session_expired', failure.message];
      if (failure.status === 404) return ['not_found', failure.message];
      return ['platform_error', failure.message];
    case 'unavailable':
      return ['platform_error', failure.message];
    case 'network':
      return ['platform_unreachable', failure.message];
    case 'aborted':
      return ['internal', 'aborted'];
  }
}

/** Waits `ms`; false if the signal aborted first. */
function abortableDelay(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
