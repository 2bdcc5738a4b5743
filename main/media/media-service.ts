import { existsSync } from 'node:fs';
import { rename, rm, stat, writeFile } from 'node:fs/promises';
import {
  ContractFailure,
  type ExportAngles,
  type ExportClipInput,
  type ExportEntry,
  type ExportKind,
  type JobPriority,
  type MediaFailure,
  type MediaJob,
  type MediaJobKind,
  type Playback,
  type RecordingArtefacts,
  type ThumbnailStrip,
  type Waveform,
} from '@common/contract';
import type { z } from 'zod';
import type { EventHub } from '../contract/event-hub';
import type { Logger } from '../log';
import { findArtefact, linksOfAssignment, linksOfRecording, newMediaId, servableRow, type ArtefactRow, type RecordingCache } from '../recording-cache';
import type { SessionService } from '../services/session-service';
import type { Store } from '../store/connection';
import { AlignmentService, ENVELOPE_VARIANT, WAVEFORM_VARIANT_PREFIX } from './alignment-service';
import { FfmpegNotFoundError } from '../../node-shared/media/binaries';
import { EnvelopeBuilder, envelopeBytes, envelopeMeta } from './envelope';
import { ExportList, exportFileName } from './export-list';
import { failureOf } from './failures';
import { probeRecording, type ProbedRecording } from './probe';
import { MediaJobQueue, type JobContext, type JobSnapshot } from './queue';
import type { FfmpegRunner } from '../../node-shared/media/runner';
import { makeStrip, type StripResult } from './strip';
import { clipArgs, clipWindow, planClip, proxyArgs, requireVideo, sideBySideArgs, sideBySideLayout, type MainRange } from './transcode';
import { makeWaveform } from './waveform';
import { systemClock, type Clock } from '../util/clock';
import { Disposables } from '../util/disposables';

export interface MediaOptions {
  /** Media jobs at once (default: cores − 1, at least 1). */
  readonly concurrency?: number;
  /** Fixed time limits per job kind (tests); otherwise each grows with the recording's length. */
  readonly timeoutsMs?: Partial<Record<MediaJobKind, number>>;
  readonly now?: Clock;
}

export interface MediaDeps {
  readonly store: Store;
  /** The media cache: the downloaded recordings, where the artefacts are stored, and what announces a recording ready or removed. */
  readonly cache: RecordingCache;
  readonly runner: FfmpegRunner;
  readonly session: SessionService;
  readonly events: EventHub;
  readonly log: Logger;
  /** The candidate code of one of the examiner's assignments, for an export's file name (null when not known). */
  readonly candidateCodeOf?: (examinerId: string, assignmentId: string) => string | null;
}

/** media.exportClip's input once parsed. */
export type ClipRequest = z.output<typeof ExportClipInput>;

type Slot<T> =
  | { readonly state: 'pending'; readonly jobId: string | null; readonly progress: number | null }
  | { readonly state: 'ready'; readonly value: T }
  | { readonly state: 'failed'; readonly error: MediaFailure };

type SlotName = 'probe' | 'strip' | 'waveform' | 'playback';

interface Preparation {
  readonly recordingId: string;
  readonly file: string;
  readonly originalMediaId: string;
  readonly durationMs: number;
  priority: JobPriority;
  tiles: number;
  peaks: number;
  probe: Slot<ProbedRecording>;
  strip: Slot<ThumbnailStrip>;
  waveform: Slot<Waveform>;
  playback: Slot<Playback>;
}

const PENDING = { state: 'pending', jobId: null, progress: null } as const;
const PROBE_VARIANT = 'v1';
const PROXY_VARIANT = 'h264-aac-v1';
const stripVariant = (tiles: number) => `tiles=${String(tiles)}`;
// v2: with integrated loudness and the alignment envelope (older waveforms are made again, once).
const waveformVariant = (peaks: number) => `${WAVEFORM_VARIANT_PREFIX}peaks=${String(peaks)}`;

/**
 * What review needs of each downloaded recording, made by ffmpeg jobs in the queue: the probe
 * first, then the thumbnail strip, the waveform with its silent gaps, and a playback proxy when
 * Chromium cannot play the original. Each part is stored when done (a reopened recording is
 * ready at once) and announced as `media.artefacts`; every job is announced as `media.job`.
 * Exports (side by side, clip) are jobs too, and their files are served by media id.
 */
export class MediaService {
  readonly queue: MediaJobQueue;
  /** Each assignment's alignment of its two angles (media.getAlignment / setAlignment / resetAlignment). */
  readonly alignment: AlignmentService;
  readonly #preps = new Map<string, Preparation>();
  readonly #results = new Map<string, string>();
  /** Background probes of recordings just downloaded (checkReadable), which prepare follows rather than probing again. */
  readonly #checks = new Map<string, { jobId: string; done: Promise<ProbedRecording> }>();
  readonly #subscriptions = new Disposables();
  /** The exports started this session, per examiner and assignment (media.listExports). */
  readonly #exports = new ExportList();
  readonly #now: Clock;

  constructor(
    private readonly deps: MediaDeps,
    private readonly options: MediaOptions = {},
  ) {
    this.#now = options.now ?? systemClock;
    this.queue = new MediaJobQueue({
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      onChange: (job) => this.#onJob(job),
    });
    this.alignment = new AlignmentService({
      store: deps.store,
      folder: deps.cache.folder,
      session: deps.session,
      events: deps.events,
      log: deps.log,
      now: this.#now,
      waveformFailed: (recordingId) => this.#preps.get(recordingId)?.waveform.state === 'failed',
    });
    // A recording just whole on disk is checked readable; one gone from the cache is forgotten,
    // and so are the exports made of it (their files went with it).
    this.#subscriptions.add(
      deps.cache.on('ready', (recordingId) => this.checkReadable(recordingId)),
      deps.cache.on('removed', ({ recordingId }) => {
        this.forget(recordingId);
        this.#exports.prune((examinerId, mediaId) => servableRow(deps.cache.reader, mediaId, examinerId) !== undefined);
      }),
    );
  }

  prepare(input: { recordingId: string; priority: JobPriority; tiles: number; peaks: number }): RecordingArtefacts {
    const examinerId = this.deps.session.requireExaminerId();
    const { row, file } = this.deps.cache.readyRecording(input.recordingId, examinerId);
    this.#requireTools();
    let prep = this.#preps.get(input.recordingId);
    if (!prep || prep.file !== file) {
      prep = this.#load(input.recordingId, file, row.media_id, row.duration_ms, input);
      this.#preps.set(input.recordingId, prep);
    }
    if (input.priority === 'now') prep.priority = 'now';
    if (prep.tiles !== input.tiles) {
      prep.tiles = input.tiles;
      prep.strip = this.#stored(input.recordingId, 'strip', stripVariant(input.tiles), readStrip) ?? PENDING;
    }
    if (prep.peaks !== input.peaks) {
      prep.peaks = input.peaks;
      prep.waveform = this.#storedWaveform(input.recordingId, input.peaks);
    }
    // Opening a recording again tries again what failed (a cancelled job, a full disk since freed…).
    for (const name of ['probe', 'strip', 'waveform', 'playback'] as const) {
      if (prep[name].state === 'failed') prep[name] = PENDING;
    }
    this.#advance(prep);
    if (input.priority === 'now') {
      for (const name of ['probe', 'strip', 'waveform', 'playback'] as const) {
        const slot = prep[name];
        if (slot.state === 'pending' && slot.jobId !== null) this.queue.prioritise(slot.jobId);
      }
    }
    return this.#snapshot(prep);
  }

  exportSideBySide(input: { assignmentId: string; height: number }): { jobId: string } {
    const examinerId = this.deps.session.requireExaminerId();
    const links = linksOfAssignment(this.deps.store.reader, examinerId, input.assignmentId);
    if (!links.some((link) => link.angle === 'main') || !links.some((link) => link.angle === 'side')) {
      throw new ContractFailure('not_downloaded', `assignment ${input.assignmentId} needs both a main and a side recording downloaded`);
    }
    const main = this.#angleFile(examinerId, input.assignmentId, 'main');
    const side = this.#angleFile(examinerId, input.assignmentId, 'side');
    this.#requireTools();
    const offsetMs = this.alignment.offsetFor(examinerId, input.assignmentId);
    return this.#sideBySide(examinerId, input.assignmentId, main, side, offsetMs, null, input.height);
  }

  /**
   * A clip of an assignment's main angle, its side angle or both side by side, its range on the
   * main's clock (the side's part at main time − the alignment's offset); or, in the older form,
   * of one recording on its own clock.
   */
  exportClip(input: ClipRequest): { jobId: string } {
    const examinerId = this.deps.session.requireExaminerId();
    const range: MainRange = { startMs: input.startMs, endMs: input.endMs };
    if ('recordingId' in input) {
      const { file } = this.deps.cache.readyRecording(input.recordingId, examinerId);
      const link = linksOfRecording(this.deps.store.reader, input.recordingId).find((candidate) => candidate.examiner_id === examinerId);
      this.#requireTools();
      return this.#clipOfOne(examinerId, link?.assignment_id ?? null, link?.angle ?? 'main', { recordingId: input.recordingId, file }, range, null);
    }
    const { assignmentId, angles } = input;
    const main = angles === 'side' ? null : this.#angleFile(examinerId, assignmentId, 'main');
    const side = angles === 'main' ? null : this.#angleFile(examinerId, assignmentId, 'side');
    this.#requireTools();
    const offsetMs = side === null ? 0 : this.alignment.offsetFor(examinerId, assignmentId);
    // Refused now, by the durations the platform gave, rather than as a failed job; the job checks again by the probes.
    clipWindow(angles, range, offsetMs, { mainMs: main?.durationMs ?? Number.MAX_SAFE_INTEGER, sideMs: side?.durationMs ?? null });
    if (angles === 'both') {
      if (main === null || side === null) throw new Error('a clip of both angles without both');
      return this.#sideBySide(examinerId, assignmentId, main, side, offsetMs, range, input.height);
    }
    const one = angles === 'main' ? main : side;
    if (one === null) throw new Error(`a clip of the ${angles} angle without it`);
    return this.#clipOfOne(examinerId, assignmentId, angles, one, range, angles === 'side' ? offsetMs : null);
  }

  /** An assignment's exports of this session, newest first. */
  listExports(assignmentId: string): { assignmentId: string; exports: ExportEntry[] } {
    const examinerId = this.deps.session.requireExaminerId();
    return { assignmentId, exports: this.#exports.list(examinerId, assignmentId) };
  }

  /**
   * A clip of one recording. `range` is what the grader marked (as listed); `sideOffsetMs` when the
   * recording is the side angle and the range, on the main's clock, is put on the side's by it
   * (null: the range is on the recording's own clock, the main's or the older form's).
   */
  #clipOfOne(
    examinerId: string,
    assignmentId: string | null,
    angles: 'main' | 'side',
    recording: { recordingId: string; file: string },
    range: MainRange,
    sideOffsetMs: number | null,
  ): { jobId: string } {
    const { recordingId, file } = recording;
    const { jobId } = this.queue.enqueue({
      kind: 'clip',
      priority: 'background',
      timeoutMs: this.#timeout('clip', range.endMs - range.startMs),
      recordingId,
      assignmentId,
      run: async (context) => {
        const probe = await this.#probeOf(recordingId, file, context);
        const own = sideOffsetMs === null ? range : clipWindow('side', range, sideOffsetMs, { mainMs: Number.MAX_SAFE_INTEGER, sideMs: probe.summary.durationMs });
        const plan = await planClip(this.deps.runner, file, probe, own, context.signal);
        const row = { recording_id: recordingId, other_recording_id: null, kind: 'clip', variant: `${String(own.startMs)}-${String(own.endMs)}` } as const;
        const mediaId = await this.#writeFile(context, '.mp4', 'video/mp4', row, async (output) => {
          const ms = plan.durationSeconds * 1000;
          await this.#ffmpeg(context, clipArgs(file, output, plan.startSeconds, plan.durationSeconds, plan.mode), ms, this.#timeout('clip', ms));
          return JSON.stringify(plan);
        });
        this.#results.set(context.jobId, mediaId);
        return mediaId;
      },
    });
    if (assignmentId !== null) this.#listExport(examinerId, jobId, 'clip', assignmentId, angles, range, `${recordingId}:offset=${String(sideOffsetMs ?? 0)}`);
    return { jobId };
  }

  /** One angle's downloaded recording of an assignment. */
  #angleFile(examinerId: string, assignmentId: string, angle: 'main' | 'side'): { recordingId: string; file: string; durationMs: number } {
    const link = linksOfAssignment(this.deps.store.reader, examinerId, assignmentId).find((candidate) => candidate.angle === angle);
    if (!link) throw new ContractFailure('not_downloaded', `assignment ${assignmentId} has no ${angle} recording downloaded`);
    const ready = this.deps.cache.readyRecording(link.recording_id, examinerId);
    return { recordingId: link.recording_id, file: ready.file, durationMs: ready.row.duration_ms };
  }

  /**
   * Both angles side by side, the side on the main's clock by the offset: the whole of them
   * (`range` null: the side_by_side export) or a range of the main's clock (a clip of both).
   */
  #sideBySide(
    examinerId: string,
    assignmentId: string,
    main: { recordingId: string; file: string; durationMs: number },
    side: { recordingId: string; file: string; durationMs: number },
    offsetMs: number,
    range: MainRange | null,
    height: number,
  ): { jobId: string } {
    const kind = range === null ? 'side_by_side' : 'clip';
    const plannedMs = range === null ? Math.max(main.durationMs, side.durationMs + Math.max(0, offsetMs)) : range.endMs - range.startMs;
    const { jobId } = this.queue.enqueue({
      kind,
      priority: 'background',
      timeoutMs: this.#timeout('side_by_side', plannedMs),
      recordingId: main.recordingId,
      assignmentId,
      run: async (context) => {
        const [mainProbe, sideProbe] = await Promise.all([this.#probeOf(main.recordingId, main.file, context), this.#probeOf(side.recordingId, side.file, context)]);
        const layout = sideBySideLayout(requireVideo(mainProbe), requireVideo(sideProbe), height);
        const audioFrom = mainProbe.summary.audio ? 0 : sideProbe.summary.audio ? 1 : null;
        const window = range === null ? null : clipWindow('both', range, offsetMs, { mainMs: mainProbe.summary.durationMs, sideMs: sideProbe.summary.durationMs });
        const ms = window === null ? Math.max(mainProbe.summary.durationMs, sideProbe.summary.durationMs + offsetMs) : window.endMs - window.startMs;
        const variant =
          window === null
            ? `${side.recordingId}:h=${String(layout.height)}${offsetMs === 0 ? '' : `:offset=${String(offsetMs)}`}`
            : `both:${side.recordingId}:h=${String(layout.height)}:offset=${String(offsetMs)}:${String(window.startMs)}-${String(window.endMs)}`;
        const row = { recording_id: main.recordingId, other_recording_id: side.recordingId, kind, variant } as const;
        const mediaId = await this.#writeFile(context, '.mp4', 'video/mp4', row, async (output) => {
          await this.#ffmpeg(context, sideBySideArgs(main.file, side.file, output, layout, audioFrom, offsetMs, window), ms, this.#timeout('side_by_side', ms));
          return JSON.stringify({ ...layout, offsetMs, ...window });
        });
        this.#results.set(context.jobId, mediaId);
        return mediaId;
      },
    });
    this.#listExport(examinerId, jobId, kind, assignmentId, 'both', range, `h=${String(height)}:offset=${String(offsetMs)}`);
    return { jobId };
  }

  /**
   * Lists an export just enqueued, as the queue holds it now (its first reports went out before
   * its id was known here). `same` with the kind, angles and range says which exports make the
   * same file, which a later one replaces.
   */
  #listExport(examinerId: string, jobId: string, kind: ExportKind, assignmentId: string, angles: ExportAngles, range: MainRange | null, same: string): void {
    const candidateCode = this.deps.candidateCodeOf?.(examinerId, assignmentId) ?? null;
    const now = this.queue.snapshot(jobId);
    this.#exports.add(
      examinerId,
      {
        jobId,
        assignmentId,
        kind,
        angles,
        range,
        fileName: exportFileName(candidateCode, kind, angles, range),
        state: now?.state ?? 'failed',
        progress: now?.progress ?? null,
        mediaId: null,
        // Only a queue closed at quit ends a job before its id is returned.
        error: now === null ? { kind: 'cancelled', code: 'media_cancelled', message: 'the media queue is closed' } : null,
        startedAt: this.#now().getTime(),
      },
      `${kind}:${angles}:${range === null ? '' : `${String(range.startMs)}-${String(range.endMs)}`}:${same}`,
    );
  }

  cancelJob(jobId: string): void {
    if (!this.queue.cancel(jobId)) throw new ContractFailure('not_found', `no media job ${jobId} is queued or running`);
  }

  /**
   * A recording just downloaded: probed in the background (the probe is kept for the player), so
   * that one the workstation cannot read is said in the review queue before the exam is opened.
   * Nothing to do when its probe is stored, nobody is signed in, or there is no ffmpeg (opening
   * says that one).
   */
  checkReadable(recordingId: string): void {
    const examinerId = this.deps.session.session?.examiner.id;
    if (examinerId === undefined || findArtefact(this.deps.store.reader, recordingId, 'probe', PROBE_VARIANT)) return;
    let ready: ReturnType<RecordingCache['readyRecording']>;
    try {
      ready = this.deps.cache.readyRecording(recordingId, examinerId);
      this.#requireTools();
    } catch (error) {
      this.deps.log.warn('not checking a downloaded recording', { recordingId, error });
      return;
    }
    const { jobId, done } = this.queue.enqueue({
      kind: 'probe',
      priority: 'background',
      timeoutMs: this.#timeout('probe', ready.row.duration_ms),
      recordingId,
      assignmentId: null,
      // Said before the job ends, so whoever hears it ended finds the row as the probe left it.
      run: async (context) => {
        try {
          const probe = await this.#probeOf(recordingId, ready.file, context);
          this.#readable(recordingId, null);
          return probe;
        } catch (error) {
          this.#readable(recordingId, failureOf(error));
          throw error;
        }
      },
    });
    this.#checks.set(recordingId, { jobId, done });
    done.then(
      () => this.#checks.delete(recordingId),
      () => this.#checks.delete(recordingId),
    );
  }

  /** What a probe of a recording found, for its download row: only a file ffmpeg cannot read (or decode) makes it unreadable. */
  #readable(recordingId: string, failure: MediaFailure | null): void {
    if (failure === null) this.deps.cache.markUnreadable(recordingId, null);
    else if (failure.kind === 'corrupt_input' || failure.kind === 'unsupported') this.deps.cache.markUnreadable(recordingId, { code: failure.code, message: failure.message });
  }

  /** The recording left the cache: its jobs stop and nothing of it is kept in memory. */
  forget(recordingId: string): void {
    const prep = this.#preps.get(recordingId);
    if (!prep) return;
    this.#preps.delete(recordingId);
    for (const name of ['probe', 'strip', 'waveform', 'playback'] as const) {
      const slot = prep[name];
      if (slot.state === 'pending' && slot.jobId !== null) this.queue.cancel(slot.jobId);
    }
  }

  /**
   * At quit: every job is cancelled, and what their preparations settle with afterwards is
   * ignored (the recording cache drops any write after its own stop; their reads must not run).
   */
  stop(): void {
    this.#subscriptions.dispose();
    this.#preps.clear();
    this.queue.abortAll();
    this.deps.runner.abortAll();
  }

  /** Enqueues whatever is still missing and has what it needs. */
  #advance(prep: Preparation): void {
    if (prep.probe.state === 'pending' && prep.probe.jobId === null) {
      // Just downloaded and being checked: that probe is this one (prepare prioritises it), not a second ffprobe.
      const check = this.#checks.get(prep.recordingId);
      if (check) {
        prep.probe = this.#follow(prep, 'probe', check.jobId, check.done);
        return;
      }
      prep.probe = this.#job(prep, 'probe', 'probe', async (context) => {
        const probe = await probeRecording(this.deps.runner, prep.file, context.signal, this.#timeout('probe', prep.durationMs));
        this.deps.cache.saveArtefact(
          this.#row(prep.recordingId, { kind: 'probe', variant: PROBE_VARIANT, data: JSON.stringify(probe), path: null, content_type: null, bytes: 0 }),
        );
        return probe;
      });
      return;
    }
    if (prep.probe.state === 'failed') {
      for (const name of ['strip', 'waveform', 'playback'] as const) prep[name] = { state: 'failed', error: prep.probe.error };
      return;
    }
    if (prep.probe.state !== 'ready') return;
    const probe = prep.probe.value;

    if (prep.strip.state === 'pending' && prep.strip.jobId === null) {
      const tiles = prep.tiles;
      prep.strip = this.#job(prep, 'strip', 'strip', async (context) => {
        let made: StripResult | null = null;
        const row = { recording_id: prep.recordingId, other_recording_id: null, kind: 'strip', variant: stripVariant(tiles) } as const;
        const mediaId = await this.#writeFile(context, '.jpg', 'image/jpeg', row, async (output) => {
          made = await makeStrip(this.deps.runner, prep.file, output, probe, tiles, context, this.#timeout('strip', prep.durationMs));
          return JSON.stringify(made);
        });
        if (made === null) throw new Error('the strip job finished without a strip');
        return stripOf(mediaId, made);
      });
    }
    if (prep.waveform.state === 'pending' && prep.waveform.jobId === null) {
      const peaks = prep.peaks;
      prep.waveform = this.#job(prep, 'waveform', 'waveform', async (context) => {
        const envelope = new EnvelopeBuilder();
        const waveform = await makeWaveform(
          this.deps.runner,
          prep.file,
          probe.summary.audio !== null,
          peaks,
          probe.summary.durationMs,
          context,
          this.#timeout('waveform', prep.durationMs),
          envelope,
        );
        if (waveform.kind === 'peaks') {
          // The alignment envelope, from the same samples: a file beside the recording's other artefacts.
          const made = envelope.finish();
          const row = { recording_id: prep.recordingId, other_recording_id: null, kind: 'waveform', variant: ENVELOPE_VARIANT } as const;
          await this.#writeFile(context, '.f32', 'application/octet-stream', row, async (output) => {
            await writeFile(output, envelopeBytes(made));
            return JSON.stringify(envelopeMeta(made));
          });
        }
        this.deps.cache.saveArtefact(
          this.#row(prep.recordingId, { kind: 'waveform', variant: waveformVariant(peaks), data: JSON.stringify(waveform), path: null, content_type: null, bytes: 0 }),
        );
        return waveform;
      });
    }
    if (prep.playback.state === 'pending' && prep.playback.jobId === null) {
      const reason = probe.proxyReason;
      if (reason === null) {
        prep.playback = { state: 'ready', value: { kind: 'original', mediaId: prep.originalMediaId } };
      } else {
        prep.playback = this.#job(prep, 'proxy', 'playback', async (context) => {
          const row = { recording_id: prep.recordingId, other_recording_id: null, kind: 'proxy', variant: PROXY_VARIANT } as const;
          const mediaId = await this.#writeFile(context, '.mp4', 'video/mp4', row, async (output) => {
            await this.#ffmpeg(context, proxyArgs(prep.file, output), probe.summary.durationMs, this.#timeout('proxy', prep.durationMs));
            return JSON.stringify({ reason });
          });
          return { kind: 'proxy', mediaId, reason } satisfies Playback;
        });
      }
    }
  }

  /** Enqueues one part of a preparation; its outcome lands in the slot, if the preparation is still current. */
  #job<N extends SlotName>(
    prep: Preparation,
    kind: MediaJobKind,
    slot: N,
    run: (context: JobContext) => Promise<Preparation[N] extends Slot<infer T> ? T : never>,
  ): Slot<never> {
    const { jobId, done } = this.queue.enqueue({
      kind,
      priority: prep.priority,
      timeoutMs: this.#timeout(kind, prep.durationMs),
      recordingId: prep.recordingId,
      assignmentId: null,
      run,
    });
    return this.#follow(prep, slot, jobId, done);
  }

  /** The slot of a job's outcome: it lands there when the job ends, if the preparation is still current. */
  #follow<N extends SlotName>(prep: Preparation, slot: N, jobId: string, done: Promise<unknown>): Slot<never> {
    done.then(
      (value) => {
        if (this.#preps.get(prep.recordingId) !== prep) return;
        (prep as unknown as Record<SlotName, Slot<unknown>>)[slot] = { state: 'ready', value };
        if (slot === 'probe') this.#readable(prep.recordingId, null);
        this.#advance(prep);
        this.#emit(prep);
        if (slot === 'waveform') this.alignment.waveformMade(prep.recordingId);
      },
      (error: unknown) => {
        if (this.#preps.get(prep.recordingId) !== prep) return;
        prep[slot] = { state: 'failed', error: failureOf(error) };
        if (slot === 'probe') this.#readable(prep.recordingId, prep[slot].error);
        this.#advance(prep);
        this.#emit(prep);
        if (slot === 'waveform') this.alignment.waveformMade(prep.recordingId);
      },
    );
    return { state: 'pending', jobId, progress: null };
  }

  /**
   * Runs a job that writes one file: `produce` writes `<file>.partial` (and returns the row's
   * data), which is renamed into place and recorded only when complete; a failed or cancelled
   * run leaves nothing behind.
   */
  async #writeFile(
    context: JobContext,
    extension: string,
    contentType: string,
    row: Pick<ArtefactRow, 'recording_id' | 'other_recording_id' | 'kind' | 'variant'>,
    produce: (output: string) => Promise<string | null>,
  ): Promise<string> {
    const target = this.deps.cache.folder.artefactFile(extension);
    const partial = `${target.absolute}.partial`;
    try {
      const data = await produce(partial);
      context.signal.throwIfAborted();
      const { size } = await stat(partial);
      await rename(partial, target.absolute);
      const at = this.#now().getTime();
      // The cache removes the file of the artefact this one replaces; closed (quit), it keeps nothing, and neither does this.
      const saved = this.deps.cache.saveArtefact({ ...row, data, media_id: target.mediaId, path: target.relative, content_type: contentType, bytes: size, created_at: at, last_used_at: at });
      if (!saved) throw new Error('the media cache is closed');
      return target.mediaId;
    } catch (error) {
      await rm(partial, { force: true });
      await rm(target.absolute, { force: true });
      throw error;
    }
  }

  #ffmpeg(context: JobContext, args: string[], durationMs: number, timeoutMs: number): Promise<unknown> {
    return this.deps.runner.run({
      tool: 'ffmpeg',
      args,
      timeoutMs,
      signal: context.signal,
      durationMs,
      refuseTruncatedInput: true,
      onProgress: (fraction) => context.progress(fraction),
    });
  }

  /** The probe of a recording: stored, or run now inside the calling job. */
  async #probeOf(recordingId: string, file: string, context: JobContext): Promise<ProbedRecording> {
    const stored = findArtefact(this.deps.store.reader, recordingId, 'probe', PROBE_VARIANT);
    const parsed = stored?.data ? readProbe(stored.data) : null;
    if (parsed) return parsed;
    const probe = await probeRecording(this.deps.runner, file, context.signal, this.#timeout('probe', 0));
    this.deps.cache.saveArtefact(this.#row(recordingId, { kind: 'probe', variant: PROBE_VARIANT, data: JSON.stringify(probe), path: null, content_type: null, bytes: 0 }));
    return probe;
  }

  #load(recordingId: string, file: string, originalMediaId: string, durationMs: number, input: { priority: JobPriority; tiles: number; peaks: number }): Preparation {
    const probe = this.#stored(recordingId, 'probe', PROBE_VARIANT, readProbe);
    const proxy = this.#stored(recordingId, 'proxy', PROXY_VARIANT, (data, row) => {
      const reason = (JSON.parse(data) as { reason?: unknown }).reason;
      return { kind: 'proxy', mediaId: row.media_id, reason: typeof reason === 'string' ? reason : '' } satisfies Playback;
    });
    return {
      recordingId,
      file,
      originalMediaId,
      durationMs,
      priority: input.priority,
      tiles: input.tiles,
      peaks: input.peaks,
      probe: probe ?? PENDING,
      strip: this.#stored(recordingId, 'strip', stripVariant(input.tiles), readStrip) ?? PENDING,
      waveform: this.#storedWaveform(recordingId, input.peaks),
      playback: proxy ?? PENDING,
    };
  }

  /** The stored waveform, if its alignment envelope is stored too (else both are made again). */
  #storedWaveform(recordingId: string, peaks: number): Slot<Waveform> {
    const waveform = this.#stored(recordingId, 'waveform', waveformVariant(peaks), readWaveform);
    if (waveform?.state !== 'ready' || waveform.value.kind === 'no_audio') return waveform ?? PENDING;
    return this.#stored(recordingId, 'waveform', ENVELOPE_VARIANT, (data) => data) === null ? PENDING : waveform;
  }

  /** A stored artefact as a ready slot; null when there is none (or its file went missing). */
  #stored<T>(recordingId: string, kind: MediaJobKind, variant: string, read: (data: string, row: ArtefactRow) => T | null): Slot<T> | null {
    const row = findArtefact(this.deps.store.reader, recordingId, kind, variant);
    if (!row?.data) return null;
    if (row.path !== null) {
      const file = this.deps.cache.folder.resolve(row.path);
      if (file === null || !existsSync(file)) return null;
    }
    try {
      const value = read(row.data, row);
      return value === null ? null : { state: 'ready', value };
    } catch {
      return null;
    }
  }

  #row(recordingId: string, fields: Pick<ArtefactRow, 'kind' | 'variant' | 'data' | 'path' | 'content_type' | 'bytes'>): ArtefactRow {
    const at = this.#now().getTime();
    return { media_id: newMediaId(), recording_id: recordingId, other_recording_id: null, created_at: at, last_used_at: at, ...fields };
  }

  #snapshot(prep: Preparation): RecordingArtefacts {
    const progressOf = <T>(slot: Slot<T>) => (slot.state === 'pending' && slot.jobId !== null ? (this.queue.snapshot(slot.jobId)?.progress ?? null) : null);
    const view = <T, V>(slot: Slot<T>, map: (value: T) => V) => {
      if (slot.state === 'ready') return { state: 'ready' as const, value: map(slot.value) };
      if (slot.state === 'failed') return slot;
      return { state: 'pending' as const, jobId: slot.jobId, progress: progressOf(slot) };
    };
    return {
      recordingId: prep.recordingId,
      probe: view(prep.probe, (probe) => probe.summary),
      strip: view(prep.strip, (strip) => strip),
      waveform: view(prep.waveform, (waveform) => waveform),
      playback: view(prep.playback, (playback) => playback),
    };
  }

  #emit(prep: Preparation): void {
    if (this.deps.session.session === null) return;
    this.deps.events.emit('media.artefacts', this.#snapshot(prep));
  }

  #onJob(job: JobSnapshot): void {
    const mediaId = this.#results.get(job.jobId);
    const payload: MediaJob = { ...job, result: job.state === 'done' && mediaId !== undefined ? { mediaId } : null };
    if (job.state === 'done' || job.state === 'failed') this.#results.delete(job.jobId);
    this.#exports.update(payload);
    if (this.deps.session.session !== null) this.deps.events.emit('media.job', payload);
  }

  #timeout(kind: MediaJobKind, durationMs: number): number {
    const fixed = this.options.timeoutsMs?.[kind];
    if (fixed !== undefined) return fixed;
    const seconds = durationMs / 1000;
    switch (kind) {
      case 'probe':
        return 30_000;
      case 'strip':
        return 60_000 + seconds * 50;
      case 'waveform':
        return 60_000 + seconds * 200;
      case 'proxy':
        return 120_000 + seconds * 4_000;
      case 'side_by_side':
        return 120_000 + seconds * 6_000;
      case 'clip':
        return 60_000 + seconds * 4_000;
    }
  }

  #requireTools(): void {
    try {
      this.deps.runner.tools();
    } catch (error) {
      if (error instanceof FfmpegNotFoundError) throw new ContractFailure('ffmpeg_missing', error.message);
      throw error;
    }
  }
}

function stripOf(mediaId: string, made: Pick<StripResult, 'layout' | 'tileTimesMs'>): ThumbnailStrip {
  return {
    mediaId,
    tileWidth: made.layout.tileWidth,
    tileHeight: made.layout.tileHeight,
    columns: made.layout.columns,
    rows: made.layout.rows,
    tileTimesMs: [...made.tileTimesMs],
  };
}

function readProbe(data: string): ProbedRecording | null {
  const value = JSON.parse(data) as ProbedRecording;
  return value.summary ? value : null;
}

function readStrip(data: string, row: ArtefactRow): ThumbnailStrip | null {
  return stripOf(row.media_id, JSON.parse(data) as StripResult);
}

function readWaveform(data: string): Waveform | null {
  return JSON.parse(data) as Waveform;
}

