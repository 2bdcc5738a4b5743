import { STAMP_TAGS } from '@common/media/frame-stamp';
import type { ExaminerApi, LivePeerClosed } from '@common/contract';
import type { Device, IceServer } from '@common/platform';
import type { InterviewAudio } from '../media/audio-graph';
import { FeedRecorder, type RecorderStatus } from '../media/evidence-recorder';
import { FrameMonitor, type ShownFrame } from '../media/frame-monitor';
import { StampProbe } from '../media/stamp-probe';
import { feedQuality, raiseReference, type FeedQuality, type FeedReference } from '../quality/connection-quality';
import { FREEZE_TICK_MS, frameShown, frozenMsAt, isFrozen, NO_FRAMES, streamReplaced, tick, type FreezeState } from '../quality/freeze';
import { sampleFromStats, type StatsRecord, type StatsSample } from '../quality/stats-sample';
import { FeedLink, type LinkEnd } from './feed-link';
import type { Signaling } from './signaling';

/** What a feed's panel shows; a new object whenever something on it changes. */
export interface FeedSnapshot {
  readonly device: Device;
  /** The device's realtime connection to the platform (its presence). */
  readonly online: boolean;
  readonly link: 'none' | 'connecting' | 'connected';
  readonly hasStream: boolean;
  /** The current stream's first frame reached the screen. */
  readonly playing: boolean;
  readonly frozen: boolean;
  readonly quality: FeedQuality;
  readonly muted: boolean;
  /** The browser refused to start the sound without a click: the video plays muted until then. */
  readonly soundBlocked: boolean;
  readonly recorder: RecorderStatus | null;
  /** The platform refused the subscription (e.g. `direct_route_full`); null otherwise. */
  readonly refused: string | null;
}

/** Counters for tests and the benchmark (window.__examinerLive); never shown. */
export interface FeedDiagnostics {
  /** Links opened so far (each with a new peer id). */
  links: number;
  /** performance.now() when the current link was opened, and when its first frame was shown. */
  linkOpenedAt: number | null;
  firstFrameAt: number | null;
  frames: number;
  freeze: FreezeState;
  /** Glass-to-glass latencies in ms, read from the frame stamps (only while probing). */
  latencies: number[];
  /** Frames whose stamp named the other device: must stay 0. */
  wrongDevice: number;
}

const RETRY_DELAYS_MS = [300, 1_000, 2_000, 4_000, 5_000];
/** Reasons of the platform's peer_closed after which the feed is there again to subscribe to. */
const AT_ONCE: ReadonlySet<LivePeerClosed['reason']> = new Set<LivePeerClosed['reason']>([
  'republished',
  'sfu_restarted',
  'device_left',
]);
/** A connection still negotiating after this long lost a signal on the way: start over. */
const CONNECTING_TIMEOUT_MS = 12_000;
/**
 * After a network cut the old connection's path comes back within a moment, but its picture
 * waits for a key frame that the device's sender, whose bandwidth estimate collapsed during the
 * outage, paces out over seconds. A fresh connection starts from a fresh estimate: when no
 * frame follows the restored path for this long, the link is replaced at once.
 */
const STALLED_AFTER_RESTORE_MS = 1_000;
const STATS_INTERVAL_MS = 1_000;
const MAX_LATENCIES = 200_000;
/**
 * The stamp probe reads a frame at most this often. A readback from a video element held the
 * page's main thread 10-30 ms per frame where the browser composites in software (Chromium
 * without a GPU), which with three examiners' pages on one machine starved typing in the score
 * sheet; two readings a second per feed are plenty for latency percentiles and device checks.
 */
const PROBE_EVERY_MS = 500;

/**
 * One camera of the candidate in the live interview: keeps a WebRTC link to the device while
 * the interview runs and the device is online, replacing it (new peer id) whenever it is lost;
 * binds the stream to the panel's video element; watches the frames shown (first frame, freeze),
 * grades the connection from getStats once a second, and feeds the evidence recorder.
 */
export class FeedController {
  #snapshot: FeedSnapshot;
  readonly diagnostics: FeedDiagnostics = { links: 0, linkOpenedAt: null, firstFrameAt: null, frames: 0, freeze: NO_FRAMES, latencies: [], wrongDevice: 0 };
  #active = false;
  #link: FeedLink | null = null;
  #stream: MediaStream | null = null;
  #video: HTMLVideoElement | null = null;
  #monitor: FrameMonitor | null = null;
  #retry: ReturnType<typeof setTimeout> | null = null;
  #failures = 0;
  #previousSample: StatsSample | null = null;
  /** The sample before the previous one: the grade is recomputed from both when the picture freezes. */
  #olderSample: StatsSample | null = null;
  /** What the device sent on the current link at its best (frame rate, height), for the grade. */
  #reference: FeedReference | null = null;
  #recorder: FeedRecorder | null = null;
  /** When the current link's path came back after a cut, and the frames shown by then; null otherwise. */
  #restored: { readonly at: number; readonly frames: number } | null = null;
  readonly #probe: StampProbe | null;
  #probedAt = Number.NEGATIVE_INFINITY;
  #timers: ReturnType<typeof setInterval>[] = [];
  #closed = true;

  constructor(
    readonly device: Device,
    readonly entryId: string,
    private readonly signaling: Signaling,
    private readonly audio: InterviewAudio,
    private readonly onChange: () => void,
    probe: boolean,
    /** The room's ICE servers now, read at each new link. */
    private readonly iceServers: () => readonly IceServer[],
  ) {
    this.#probe = probe ? new StampProbe() : null;
    this.#snapshot = {
      device,
      online: false,
      link: 'none',
      hasStream: false,
      playing: false,
      frozen: false,
      quality: feedQuality(null, null, false),
      muted: false,
      soundBlocked: false,
      recorder: null,
      refused: null,
    };
  }

  /** Starts watching (timers); `want` then connects. Opening again after close() works (React's strict mode does it). */
  open(): void {
    if (!this.#closed) return;
    this.#closed = false;
    this.#timers = [setInterval(() => this.#tick(), FREEZE_TICK_MS), setInterval(() => void this.#sampleStats(), STATS_INTERVAL_MS)];
  }

  get snapshot(): FeedSnapshot {
    return this.#snapshot;
  }

  /** Whether the interview wants this feed now, and whether the device is there to give it. */
  want(active: boolean, online: boolean): void {
    if (this.#closed) return;
    this.#active = active;
    this.#set({ online });
    if (active && online) {
      if (this.#link === null && this.#retry === null) this.#connect();
    } else {
      this.#cancelRetry();
      this.#failures = 0;
      this.#dropLink();
    }
  }

  /** The panel's video element (null when it unmounts). */
  attach(video: HTMLVideoElement | null): void {
    if (video === this.#video) return;
    this.#monitor?.stop();
    this.#monitor = null;
    if (this.#video) this.#video.srcObject = null;
    this.#video = video;
    if (video) {
      this.#monitor = new FrameMonitor(video, (frame) => this.#onFrame(frame));
      this.#bind();
    }
  }

  setMuted(muted: boolean): void {
    this.#set({ muted, ...(muted ? {} : { soundBlocked: false }) });
    if (this.#video) this.#video.muted = muted;
    if (!muted) void this.audio.resume();
  }

  async startRecording(assignmentId: string, invoke: ExaminerApi['invoke'], label: string): Promise<void> {
    if (this.#recorder && this.#recorder.status.state !== 'finished' && this.#recorder.status.state !== 'failed') return;
    const size = this.#video && this.#video.videoWidth > 0 ? { width: this.#video.videoWidth, height: this.#video.videoHeight } : null;
    const recorder = new FeedRecorder(this.device, invoke, label, (status) => this.#set({ recorder: status }), size);
    this.#recorder = recorder;
    this.#set({ recorder: recorder.status });
    await recorder.start(assignmentId, this.audio.running ? this.audio.recordingTrack(this.device) : null);
  }

  async stopRecording(): Promise<void> {
    await this.#recorder?.stop();
  }

  /** Ends everything: the link, the timers, the recording (finished, so it is kept). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#active = false;
    for (const timer of this.#timers.splice(0)) clearInterval(timer);
    this.#cancelRetry();
    this.#dropLink();
    await this.#recorder?.stop();
  }

  #connect(): void {
    this.#retry = null;
    if (this.#closed || !this.#active || !this.#snapshot.online) return;
    const link = new FeedLink(this.entryId, this.device, this.signaling, {
      onStream: (stream) => {
        if (this.#link !== link) return;
        this.#stream = stream;
        this.diagnostics.freeze = streamReplaced(this.diagnostics.freeze);
        this.audio.attach(this.device, stream);
        this.#set({ hasStream: true, playing: false, frozen: false });
        this.#bind();
      },
      onState: (state) => {
        if (this.#link !== link) return;
        if (state === 'connected') {
          this.#failures = 0;
          this.#set({ refused: null });
        }
        if (state !== 'closed') this.#set({ link: state });
      },
      onPathRestored: () => {
        if (this.#link !== link) return;
        this.#restored = { at: performance.now(), frames: this.diagnostics.frames };
      },
      onClosed: (end) => {
        if (this.#link !== link) return;
        this.#dropLink();
        this.#afterEnd(end);
      },
    }, this.iceServers());
    this.#link = link;
    this.diagnostics.links++;
    this.diagnostics.linkOpenedAt = performance.now();
    this.diagnostics.firstFrameAt = null;
    this.#previousSample = null;
    this.#olderSample = null;
    this.#set({ link: 'connecting' });
  }

  /**
   * The platform ended the feed because it is set up anew (the device published again, the SFU
   * restarted, the device's socket went and came back): subscribe again at once. A refusal waits
   * the longest delay (the direct route may free a place); anything else backs off.
   */
  #afterEnd(end: LinkEnd): void {
    if (end.by === 'platform' && AT_ONCE.has(end.reason)) {
      this.#failures = 0;
      this.#connect();
      return;
    }
    if (end.by === 'refused') this.#set({ refused: end.code });
    if (end.by === 'refused' || (end.by === 'platform' && end.reason === 'refused')) {
      this.#failures = Math.max(this.#failures, RETRY_DELAYS_MS.length - 1);
    }
    if (end.by === 'platform' && end.reason === 'room_closed') return;
    this.#scheduleRetry();
  }

  /** Drops the current link and subscribes again at once (a new room epoch, a new realtime socket). */
  renew(): void {
    if (this.#closed || !this.#active || !this.#snapshot.online) return;
    this.#cancelRetry();
    this.#failures = 0;
    this.#dropLink();
    this.#connect();
  }

  #scheduleRetry(): void {
    if (this.#closed || !this.#active || !this.#snapshot.online || this.#retry !== null) return;
    const delay = RETRY_DELAYS_MS[Math.min(this.#failures, RETRY_DELAYS_MS.length - 1)] ?? 5_000;
    this.#failures++;
    this.#retry = setTimeout(() => this.#connect(), delay);
  }

  #cancelRetry(): void {
    if (this.#retry !== null) clearTimeout(this.#retry);
    this.#retry = null;
  }

  #dropLink(): void {
    const link = this.#link;
    this.#link = null;
    this.#restored = null;
    link?.close();
    if (this.#stream) this.audio.detach(this.device);
    this.#stream = null;
    this.diagnostics.freeze = streamReplaced(this.diagnostics.freeze);
    this.#previousSample = null;
    this.#olderSample = null;
    this.#reference = null;
    this.#bind();
    this.#set({ link: 'none', hasStream: false, playing: false, frozen: false, quality: feedQuality(null, null, false) });
  }

  /** Puts the current stream (or nothing) into the video element and starts it. */
  #bind(): void {
    const video = this.#video;
    if (!video) return;
    if (video.srcObject !== this.#stream) video.srcObject = this.#stream;
    if (!this.#stream) return;
    video.muted = this.#snapshot.muted;
    video.play().catch((error: unknown) => {
      // Autoplay with sound needs a click on the page first: play muted, offer the sound.
      if (error instanceof DOMException && error.name === 'NotAllowedError' && !video.muted) {
        video.muted = true;
        this.#set({ soundBlocked: true });
        void video.play().catch(() => undefined);
      }
    });
  }

  #onFrame(frame: ShownFrame): void {
    const now = performance.now();
    const diagnostics = this.diagnostics;
    diagnostics.frames++;
    diagnostics.freeze = frameShown(diagnostics.freeze, now);
    if (!this.#snapshot.playing) diagnostics.firstFrameAt = now;
    if (!this.#snapshot.playing || this.#snapshot.frozen) this.#set({ playing: true, frozen: false });
    const video = this.#video;
    if (!video) return;
    this.#recorder?.drawFrame(video);
    if (this.#probe && now - this.#probedAt >= PROBE_EVERY_MS) {
      this.#probedAt = now;
      const stamp = this.#probe.read(video);
      if (stamp) {
        if (stamp.tag !== STAMP_TAGS[this.device]) diagnostics.wrongDevice++;
        else if (diagnostics.latencies.length < MAX_LATENCIES) diagnostics.latencies.push(performance.timeOrigin + frame.shownAt - stamp.timeMs);
      }
    }
  }

  #tick(): void {
    const now = performance.now();
    const diagnostics = this.diagnostics;
    diagnostics.freeze = tick(diagnostics.freeze, now);
    const frozen = this.#snapshot.playing && isFrozen(diagnostics.freeze);
    if (frozen !== this.#snapshot.frozen) {
      this.#set({ frozen, quality: feedQuality(this.#olderSample, this.#previousSample, frozen, this.#reference) });
    }
    if (this.#link?.state === 'connecting' && diagnostics.linkOpenedAt !== null && now - diagnostics.linkOpenedAt > CONNECTING_TIMEOUT_MS) {
      this.#dropLink();
      this.#scheduleRetry();
    }
    const restored = this.#restored;
    if (restored !== null && diagnostics.frames > restored.frames) this.#restored = null;
    else if (restored !== null && now - restored.at >= STALLED_AFTER_RESTORE_MS) {
      // Not a failure of the device: negotiate the new link now, without a retry's delay.
      this.#dropLink();
      this.#connect();
    }
  }

  async #sampleStats(): Promise<void> {
    const connection = this.#link?.connection;
    if (!connection || this.#closed) return;
    let report: RTCStatsReport;
    try {
      report = await connection.getStats();
    } catch {
      return;
    }
    if (this.#link?.connection !== connection) return;
    const sample = sampleFromStats(report.values() as Iterable<StatsRecord>, performance.now());
    const quality = feedQuality(this.#previousSample, sample, this.#snapshot.frozen, this.#reference);
    if (quality.grade !== 'lost') this.#reference = raiseReference(this.#reference, quality);
    this.#olderSample = this.#previousSample;
    this.#previousSample = sample;
    this.#set({ quality });
  }

  /** The latest stats sample of the current link (for the benchmark); null before the first. */
  get latestStats(): StatsSample | null {
    return this.#previousSample;
  }

  /** Frozen time so far (for the benchmark). */
  frozenMs(): number {
    return frozenMsAt(this.diagnostics.freeze, performance.now());
  }

  #set(change: Partial<FeedSnapshot>): void {
    const next = { ...this.#snapshot, ...change };
    const changed = (Object.keys(change) as (keyof FeedSnapshot)[]).some((key) =>
      key === 'quality' ? !sameQuality(next.quality, this.#snapshot.quality) : next[key] !== this.#snapshot[key],
    );
    if (!changed) return;
    this.#snapshot = next;
    this.onChange();
  }
}

function sameQuality(a: FeedQuality, b: FeedQuality): boolean {
  return a.grade === b.grade && a.reasons.join() === b.reasons.join() && JSON.stringify(a.figures) === JSON.stringify(b.figures);
}
