import { randomBytes, randomUUID } from 'node:crypto';
import { rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ContractFailure,
  EVIDENCE_LIMITS,
  type ContractError,
  type EvidenceChunkAck,
  type EvidenceChunkInput,
  type EvidenceMimeType,
  type EvidenceRecording,
} from '@common/contract';
import { AssignmentList, type Assignment, type Device } from '@common/platform';
import type { EventHub } from '../contract/event-hub';
import type { Logger } from '../log';
import { MediaJobError } from '../../node-shared/media/failures';
import { isNoSpace } from '../media/failures';
import type { MediaLookup, ServedMedia } from '../media/serve-media';
import type { PlatformCache } from '../services/platform-cache';
import type { SessionService } from '../services/session-service';
import type { Store } from '../store/connection';
import { sizeOnDisk, syncDir, syncFile } from '../store/durable';
import { makePrivateDir } from '../store/private-files';
import { sql } from '../store/sql';
import { systemClock, type Clock } from '../util/clock';
import {
  EVIDENCE_RESERVE_BYTES,
  EVIDENCE_START_HEADROOM_BYTES,
  freeBytes,
  mayRemux,
  mayStart,
  mayWrite,
  type EvidenceSpaceOptions,
  type SpaceRules,
} from './disk-space';
import { AppendOnlyFile } from './evidence-file';
import { recordingOf, type EvidenceRow } from './evidence-rows';
import type { EvidenceMedia } from './remux';

/** The folder inside the data folder that holds evidence files. */
export const EVIDENCE_DIR = 'evidence';

/** A recording that receives no chunk for this long was abandoned (the renderer went away): finish it from its file. */
const ABANDONED_AFTER_MS = 2 * 60_000;

interface OpenRecording {
  readonly id: string;
  readonly assignmentId: string;
  readonly device: Device;
  readonly file: AppendOnlyFile;
  nextSeq: number;
  closed: boolean;
  /** Chunks are written one after another, in the order the calls arrived. */
  chain: Promise<unknown>;
  idle: NodeJS.Timeout | null;
}

export interface EvidenceFile {
  readonly path: string;
  readonly contentType: string;
  readonly bytes: number;
}

export type EvidenceOptions = EvidenceSpaceOptions;

export interface EvidenceServiceDeps {
  readonly store: Store;
  readonly session: SessionService;
  readonly cache: PlatformCache;
  /** Remuxes and probes a finished recording (ffmpeg through the workstation's one runner). */
  readonly media: EvidenceMedia;
  readonly events: EventHub;
  readonly log: Logger;
  readonly dataDir: string;
  readonly now?: Clock;
}

/**
 * Evidence recordings of live interviews, in main: one file per camera, grown chunk by chunk
 * (each synced before it is acknowledged) and remuxed by ffmpeg when the recording ends, so the
 * review player can seek in it. Rows in evidence_recordings link each file to the examiner's
 * assignment. A recording cut short by a crash is finished at the next start from what reached
 * the disk, and marked recovered. Recording leaves free disk space to the rest of the workstation
 * (`disk-space.ts`): it does not start, or stops with what it has, rather than fill the disk.
 */
export class EvidenceService implements MediaLookup {
  readonly #open = new Map<string, OpenRecording>();
  /** Recordings being finished (remuxed), so a second finish waits for the first. */
  readonly #finishing = new Map<string, Promise<EvidenceRecording>>();
  readonly #dir: string;
  readonly #rules: SpaceRules;
  readonly #freeBytes: (dir: string) => Promise<number>;
  #stopped = false;

  readonly #now: Clock;

  constructor(
    private readonly deps: EvidenceServiceDeps,
    options: EvidenceOptions = {},
  ) {
    this.#now = deps.now ?? systemClock;
    this.#dir = join(deps.dataDir, EVIDENCE_DIR);
    this.#rules = {
      reserveBytes: options.reserveBytes ?? EVIDENCE_RESERVE_BYTES,
      startHeadroomBytes: options.startHeadroomBytes ?? EVIDENCE_START_HEADROOM_BYTES,
    };
    this.#freeBytes = options.freeBytes ?? freeBytes;
  }

  async start(input: { assignmentId: string; device: Device; mimeType: EvidenceMimeType }): Promise<{ recordingId: string }> {
    const examinerId = this.deps.session.requireExaminerId();
    const assignment = await this.#liveAssignment(examinerId, input.assignmentId);
    makePrivateDir(this.#dir);
    const free = await this.#free();
    if (free !== null && !mayStart(this.#rules, free, this.#openBytes())) {
      throw new ContractFailure('evidence_no_space', `${free} bytes are free; recording needs ${this.#rules.reserveBytes + this.#rules.startHeadroomBytes} left to the rest of the workstation and to start`);
    }
    const id = `ev-${randomUUID()}`;
    const partial = `${id}.part.webm`;
    const file = await AppendOnlyFile.create(join(this.#dir, partial)).catch((error: unknown) => {
      throw storageFailure(error, 'cannot create the evidence file');
    });
    const startedAt = this.#now().toISOString();
    // The same shape as the media library's ids, so the review player opens evidence like any recording.
    const mediaId = `m${randomBytes(12).toString('hex')}`;
    this.deps.store.transaction((db) =>
      db.run(sql`INSERT INTO evidence_recordings (id, assignment_id, examiner_id, device, mime_type, state, partial_file, media_id, started_at)
                 VALUES (${id}, ${assignment.assignmentId}, ${examinerId}, ${input.device}, ${input.mimeType}, 'recording', ${partial}, ${mediaId}, ${startedAt})`),
    );
    const recording: OpenRecording = { id, assignmentId: assignment.assignmentId, device: input.device, file, nextSeq: 0, closed: false, chain: Promise.resolve(), idle: null };
    this.#open.set(id, recording);
    this.#touch(recording);
    this.#announce(id);
    return { recordingId: id };
  }

  chunk(input: EvidenceChunkInput): Promise<EvidenceChunkAck> {
    const recording = this.#openRecording(input.recordingId);
    const write = recording.chain.then(async (): Promise<EvidenceChunkAck> => {
      if (recording.closed) throw new ContractFailure('evidence_closed', 'the recording has ended');
      if (input.seq < recording.nextSeq) {
        throw new ContractFailure('evidence_chunk_duplicate', `chunk ${input.seq} was already written (next is ${recording.nextSeq})`);
      }
      if (input.seq > recording.nextSeq) {
        throw new ContractFailure('evidence_chunk_gap', `chunk ${input.seq} came before chunk ${recording.nextSeq}`);
      }
      const data = Buffer.from(input.data, 'base64');
      if (data.byteLength > EVIDENCE_LIMITS.maxChunkBytes) {
        throw new ContractFailure('invalid_input', `a chunk holds at most ${EVIDENCE_LIMITS.maxChunkBytes} bytes`);
      }
      const free = await this.#free();
      if (free !== null && !mayWrite(this.#rules, free, this.#openBytes(), data.byteLength)) {
        throw this.#stopForSpace(recording, `${free} bytes are free: the reserve of ${this.#rules.reserveBytes} and the room to finish the open recordings are kept`);
      }
      let bytes: number;
      try {
        bytes = await recording.file.append(data);
      } catch (error) {
        // The disk filled up under us (another program): the file was cut back to what was
        // acknowledged, which is finished like a recording stopped for space.
        if (isNoSpace(error)) throw this.#stopForSpace(recording, `the disk is full: ${(error as Error).message}`);
        // A half-written chunk would corrupt every later one: the recording ends here.
        recording.closed = true;
        const failure = storageFailure(error, 'cannot write the evidence file');
        await this.#fail(recording, failure);
        throw failure;
      }
      recording.nextSeq++;
      this.#touch(recording);
      this.deps.events.emit('evidence.progress', {
        recordingId: recording.id,
        assignmentId: recording.assignmentId,
        device: recording.device,
        bytes,
        chunks: recording.nextSeq,
      });
      return { recordingId: recording.id, seq: input.seq, bytes };
    });
    recording.chain = write.catch(() => undefined);
    return write;
  }

  /**
   * Ends a recording and remuxes it; finishing one that is already finished answers it again,
   * and one whose finishing waited for ffmpeg or disk space is finished now.
   */
  async finish(recordingId: string): Promise<EvidenceRecording> {
    const finishing = this.#finishing.get(recordingId);
    if (finishing) return finishing;
    const recording = this.#open.get(recordingId);
    if (recording) return this.#end(recording, false);
    const row = this.#row(recordingId, this.deps.session.requireExaminerId());
    if (row?.state === 'finished') return recordingOf(row);
    // Ended but not finished (ffmpeg was missing, the disk full): finished now, if it can be.
    if (row?.state === 'finishing' || row?.state === 'recording') return this.#finaliseOnce(row, false);
    throw new ContractFailure(row ? 'evidence_closed' : 'not_found', row ? `the recording is ${row.state}` : 'no such evidence recording');
  }

  list(assignmentId: string): EvidenceRecording[] {
    const examinerId = this.deps.session.requireExaminerId();
    return this.deps.store.reader
      .all<EvidenceRow>(sql`SELECT * FROM evidence_recordings WHERE examiner_id = ${examinerId} AND assignment_id = ${assignmentId} ORDER BY started_at, id`)
      .map(recordingOf);
  }

  /**
   * The finished file of one of the signed-in examiner's recordings, for the review player; null
   * otherwise. A file that is not the size it was finished at is marked damaged, never served.
   */
  fileFor(recordingId: string): EvidenceFile | null {
    const examinerId = this.deps.session.session?.examiner.id;
    if (examinerId === undefined) return null;
    const row = this.#row(recordingId, examinerId);
    if (row?.state !== 'finished' || row.final_file === null) return null;
    const path = join(this.#dir, row.final_file);
    const bytes = sizeOnDisk(path);
    if (bytes !== row.bytes) {
      this.#markDamaged(row, bytes);
      return null;
    }
    return { path, contentType: row.mime_type, bytes };
  }

  /** The media library's view of evidence: a finished file of the signed-in examiner by its media id, for /media/<id>. */
  lookup(mediaId: string): ServedMedia | null {
    const examinerId = this.deps.session.session?.examiner.id;
    if (examinerId === undefined) return null;
    const row = this.deps.store.reader.get<EvidenceRow>(
      sql`SELECT * FROM evidence_recordings WHERE media_id = ${mediaId} AND examiner_id = ${examinerId} AND state = 'finished'`,
    );
    const file = row ? this.fileFor(row.id) : null;
    return file ? { file: file.path, size: file.bytes, contentType: file.contentType, etag: `"${mediaId}"` } : null;
  }

  /**
   * At start: marks every finished file that is not the size it was finished at (truncated or
   * changed on disk) as damaged, then finishes every recording a crash (or a kill) left
   * unfinished, from what reached the disk.
   */
  async recover(): Promise<void> {
    for (const row of this.deps.store.reader.all<EvidenceRow>(sql`SELECT * FROM evidence_recordings WHERE state = 'finished' ORDER BY started_at`)) {
      const bytes = row.final_file === null ? null : sizeOnDisk(join(this.#dir, row.final_file));
      if (bytes !== row.bytes) this.#markDamaged(row, bytes);
    }
    const rows = this.deps.store.reader.all<EvidenceRow>(sql`SELECT * FROM evidence_recordings WHERE state IN ('recording', 'finishing') ORDER BY started_at`);
    for (const row of rows) {
      if (this.#stopped) return;
      if (this.#open.has(row.id)) continue;
      try {
        // Cut short while recording: finished from what reached the disk. Already ended (its
        // finishing waited for ffmpeg or for space): finished as it would have been.
        await this.#finaliseOnce(row, row.state === 'recording');
      } catch (error) {
        this.deps.log.warn('evidence: an unfinished recording could not be recovered', { recordingId: row.id, error });
      }
    }
  }

  /** Closes the open files; their rows stay unfinished and are recovered at the next start. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.deps.media.abortAll();
    const open = [...this.#open.values()];
    this.#open.clear();
    for (const recording of open) {
      recording.closed = true;
      if (recording.idle) clearTimeout(recording.idle);
    }
    await Promise.all(open.map(async (recording) => {
      await recording.chain;
      await recording.file.close().catch(() => undefined);
    }));
  }

  /** Ends an open recording and finishes it; a second finish meanwhile waits for this one. */
  #end(recording: OpenRecording, abandoned: boolean): Promise<EvidenceRecording> {
    const finishing = this.#close(recording, abandoned).finally(() => this.#finishing.delete(recording.id));
    this.#finishing.set(recording.id, finishing);
    return finishing;
  }

  /**
   * Too little space for the next chunk: the recording ends with what it has, which is finished
   * (remuxed) at once, for which room was kept. The renderer hears why from the refused chunk.
   */
  #stopForSpace(recording: OpenRecording, why: string): ContractFailure {
    recording.closed = true;
    this.deps.log.warn('evidence: recording stopped for lack of disk space; what was recorded is kept', { recordingId: recording.id, bytes: recording.file.bytes, why });
    this.#end(recording, false).catch(() => undefined);
    return new ContractFailure('evidence_no_space', `the recording stopped after ${recording.file.bytes} bytes, which are kept: ${why}`);
  }

  async #close(recording: OpenRecording, abandoned: boolean): Promise<EvidenceRecording> {
    if (recording.idle) clearTimeout(recording.idle);
    recording.closed = true;
    this.#open.delete(recording.id);
    await recording.chain;
    await recording.file.close().catch(() => undefined);
    const chunks = recording.nextSeq;
    const bytes = recording.file.bytes;
    this.deps.store.transaction((db) =>
      db.run(sql`UPDATE evidence_recordings SET state = 'finishing', bytes = ${bytes}, chunks = ${chunks}
                 WHERE id = ${recording.id} AND state = 'recording'`),
    );
    this.#announce(recording.id);
    const row = this.deps.store.reader.get<EvidenceRow>(sql`SELECT * FROM evidence_recordings WHERE id = ${recording.id}`);
    if (!row) throw new Error(`evidence recording ${recording.id} vanished`);
    return this.#finalise(row, abandoned);
  }

  #finaliseOnce(row: EvidenceRow, recovered: boolean): Promise<EvidenceRecording> {
    const running = this.#finishing.get(row.id);
    if (running) return running;
    const finishing = this.#finalise(row, recovered).finally(() => this.#finishing.delete(row.id));
    this.#finishing.set(row.id, finishing);
    return finishing;
  }

  /**
   * Remuxes the grown file into one that seeks, probes it and records what it holds. The remuxed
   * file is on the disk before it takes its final name, and its name before the row says
   * finished; the grown file goes last. A power cut at any point leaves the grown file, the
   * finished one, or both, never neither.
   */
  async #finalise(row: EvidenceRow, recovered: boolean): Promise<EvidenceRecording> {
    const partial = join(this.#dir, row.partial_file);
    const finalName = `${row.id}.webm`;
    const final = join(this.#dir, finalName);
    const remuxing = join(this.#dir, `${row.id}.remux.webm`);
    try {
      const partialBytes = sizeOnDisk(partial) ?? 0;
      if (partialBytes > 0) {
        const free = await this.#free();
        if (free !== null && !mayRemux(this.#rules, free, partialBytes)) {
          throw new ContractFailure('evidence_no_space', `${free} bytes are free, too few to finish a recording of ${partialBytes} bytes and keep the reserve; it is kept and finished when there is room`);
        }
        await this.deps.media.remux(partial, remuxing);
        await syncFile(remuxing);
        await rename(remuxing, final);
        await syncDir(this.#dir);
      } else if (sizeOnDisk(final) === null) {
        throw new ContractFailure('media_corrupt_input', 'nothing of this recording reached the disk');
      }
      const probe = await this.deps.media.probe(final);
      if (probe.video === null && probe.audio === null) throw new ContractFailure('media_corrupt_input', 'the recording holds no audio or video');
      const finishedAt = this.#now().toISOString();
      const bytes = (await stat(final)).size;
      this.deps.store.transaction((db) =>
        db.run(sql`UPDATE evidence_recordings
                   SET state = 'finished', final_file = ${finalName}, bytes = ${bytes}, finished_at = ${finishedAt},
                       duration_ms = ${probe.durationMs}, video_codec = ${probe.video?.codec ?? null},
                       video_width = ${probe.video?.width ?? null}, video_height = ${probe.video?.height ?? null},
                       audio_codec = ${probe.audio?.codec ?? null}, recovered = ${recovered ? 1 : 0}, error = NULL
                   WHERE id = ${row.id}`),
      );
    } catch (error) {
      await rm(remuxing, { force: true }).catch(() => undefined);
      // Nothing is wrong with the recording without ffmpeg, without room, or when we are
      // quitting: it stays unfinished and is finished later (again, or at the next start).
      // Otherwise the grown file stays too: it is the evidence.
      if (this.#stopped || isDeferred(error)) throw error;
      this.#markFailed(row.id, error);
      throw error;
    }
    try {
      await rm(partial, { force: true });
      await syncDir(this.#dir);
    } catch (error) {
      // The recording is finished; a grown file left behind only takes space.
      this.deps.log.warn('evidence: the grown file of a finished recording could not be deleted', { recordingId: row.id, error });
    }
    return this.#announce(row.id);
  }

  async #fail(recording: OpenRecording, error: ContractFailure): Promise<void> {
    this.#open.delete(recording.id);
    if (recording.idle) clearTimeout(recording.idle);
    await recording.file.close().catch(() => undefined);
    this.#markFailed(recording.id, error, { bytes: recording.file.bytes, chunks: recording.nextSeq });
  }

  #markFailed(id: string, error: unknown, kept?: { bytes: number; chunks: number }): void {
    this.deps.log.error('evidence: a recording failed', { recordingId: id, error });
    const stored = JSON.stringify(contractErrorOf(error));
    try {
      this.deps.store.transaction((db) =>
        db.run(sql`UPDATE evidence_recordings SET state = 'failed', error = ${stored},
                     bytes = COALESCE(${kept?.bytes ?? null}, bytes), chunks = COALESCE(${kept?.chunks ?? null}, chunks)
                   WHERE id = ${id}`),
      );
      this.#announce(id);
    } catch (failure) {
      // A full disk refuses this too: the row stays unfinished and is looked at again at the next start.
      this.deps.log.error('evidence: could not record a failure', { recordingId: id, error: failure });
    }
  }

  /** A finished file that is not the size it was finished at: kept, but never served, and shown as damaged. */
  #markDamaged(row: EvidenceRow, bytesOnDisk: number | null): void {
    const error: ContractError = {
      code: 'evidence_damaged',
      message: bytesOnDisk === null ? `the finished file ${row.final_file ?? ''} is gone` : `the finished file is ${bytesOnDisk} bytes on disk; it was ${row.bytes} when finished`,
    };
    this.deps.log.error('evidence: a finished recording changed on disk', { recordingId: row.id, ...error });
    this.deps.store.transaction((db) =>
      db.run(sql`UPDATE evidence_recordings SET state = 'failed', error = ${JSON.stringify(error)} WHERE id = ${row.id} AND state = 'finished'`),
    );
    this.#announce(row.id);
  }

  #announce(id: string): EvidenceRecording {
    const row = this.deps.store.reader.get<EvidenceRow>(sql`SELECT * FROM evidence_recordings WHERE id = ${id}`);
    if (!row) throw new Error(`evidence recording ${id} vanished`);
    const recording = recordingOf(row);
    this.deps.events.emit('evidence.recording', recording);
    return recording;
  }

  #touch(recording: OpenRecording): void {
    if (recording.idle) clearTimeout(recording.idle);
    recording.idle = setTimeout(() => {
      if (this.#open.get(recording.id) !== recording) return;
      this.deps.log.warn('evidence: a recording received nothing for a while; finishing it from its file', { recordingId: recording.id });
      this.#end(recording, true).catch(() => undefined);
    }, ABANDONED_AFTER_MS);
    recording.idle.unref();
  }

  /** Bytes the open recordings hold: each needs as much again to be finished. */
  #openBytes(): number {
    let total = 0;
    for (const recording of this.#open.values()) total += recording.file.bytes;
    return total;
  }

  /** Free bytes on the evidence disk; null when the disk cannot say (then nothing is refused for space). */
  async #free(): Promise<number | null> {
    try {
      return await this.#freeBytes(this.#dir);
    } catch (error) {
      this.deps.log.warn('evidence: cannot tell the free disk space', { error });
      return null;
    }
  }

  #openRecording(recordingId: string): OpenRecording {
    const recording = this.#open.get(recordingId);
    if (recording) return recording;
    const row = this.#row(recordingId, this.deps.session.requireExaminerId());
    throw new ContractFailure(row ? 'evidence_closed' : 'not_found', row ? `the recording is ${row.state}` : 'no such evidence recording');
  }

  #row(recordingId: string, examinerId: string): EvidenceRow | undefined {
    return this.deps.store.reader.get<EvidenceRow>(sql`SELECT * FROM evidence_recordings WHERE id = ${recordingId} AND examiner_id = ${examinerId}`);
  }

  async #liveAssignment(examinerId: string, assignmentId: string): Promise<Assignment> {
    const find = (list: AssignmentList | null) => list?.assignments.find((assignment) => assignment.assignmentId === assignmentId && assignment.kind === 'live');
    let found = find(this.deps.cache.peek(examinerId, 'assignments', 'all', AssignmentList));
    if (!found) {
      const fetched = await this.deps.cache.fetch('assignments', 'all', '/assignments', AssignmentList).catch(() => null);
      found = find(fetched?.data ?? null);
    }
    if (!found) throw new ContractFailure('not_found', 'no live assignment of this examiner has that id');
    return found;
  }
}

/** Failures after which a recording is finished later rather than marked failed: nothing is wrong with it. */
function isDeferred(error: unknown): boolean {
  return error instanceof ContractFailure && (error.code === 'ffmpeg_missing' || error.code === 'evidence_no_space' || error.code === 'disk_full');
}

function contractErrorOf(error: unknown): ContractError {
  if (error instanceof ContractFailure) return { code: error.code, message: error.message.slice(0, 2000) };
  if (error instanceof MediaJobError) return contractErrorOf(error.toContractFailure());
  return { code: 'internal', message: (error instanceof Error ? error.message : String(error)).slice(0, 2000) };
}

function storageFailure(error: unknown, what: string): ContractFailure {
  return new ContractFailure(isNoSpace(error) ? 'evidence_no_space' : 'storage_error', `${what}: ${(error as Error).message}`, { cause: error });
}
