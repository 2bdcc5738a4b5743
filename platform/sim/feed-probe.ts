import { decodeFrameStamp, type FrameStamp } from '@common/media/frame-stamp';
import { wrtc, type WrtcTrack } from './wrtc';

/** One received video frame, with the stamp read from it (null: none readable). */
export interface ReceivedFrame {
  readonly stamp: FrameStamp | null;
  readonly width: number;
  readonly height: number;
  /** Date.now() when the frame came out of the decoder. */
  readonly receivedAt: number;
}

/**
 * Watches a received video track: decodes every frame's stamp as it arrives, so tests and the
 * load benchmark can check what came through (which device, in order, how late). Keeps the
 * first `keep` frames, so a feed watched for hours does not grow without bound; the counts go on.
 */
export class FeedProbe {
  readonly frames: ReceivedFrame[] = [];
  #received = 0;
  #stamped = 0;
  readonly #keep: number;
  #sink;
  #waiters: { count: number; resolve: (frames: ReceivedFrame[]) => void }[] = [];
  #later: { stamped: number; resolve: () => void }[] = [];
  /** Glass-to-glass latencies (ms) collected since startLatencies(); null when not collecting. */
  #latencies: number[] | null = null;

  constructor(track: WrtcTrack, keep = 1000) {
    this.#keep = keep;
    this.#sink = this.#watch(track);
  }

  /**
   * Goes on with the track of a new subscription to the same feed (after the device returned or
   * the SFU restarted): the counts go on, so a test can wait for frames after a recovery.
   */
  switchTo(track: WrtcTrack): void {
    this.#sink.stop();
    this.#sink = this.#watch(track);
  }

  /** Resolves once `count` more stamped frames arrived than have so far (kept or not). */
  nextStamped(count: number): Promise<void> {
    return new Promise((resolve) => this.#later.push({ stamped: this.#stamped + count, resolve }));
  }

  #watch(track: WrtcTrack) {
    const sink = new wrtc.nonstandard.RTCVideoSink(track);
    sink.onframe = ({ frame }) => {
      const stamp = decodeFrameStamp({ width: frame.width, height: frame.height, data: frame.data });
      this.#received++;
      if (stamp) this.#stamped++;
      const receivedAt = Date.now();
      if (this.frames.length < this.#keep) this.frames.push({ stamp, width: frame.width, height: frame.height, receivedAt });
      if (stamp && this.#latencies) this.#latencies.push(receivedAt - stamp.timeMs);
      this.#notify();
    };
    return sink;
  }

  /**
   * Starts collecting each stamped frame's glass-to-glass latency: from the candidate drawing it
   * (its stamp, on this machine's clock) to it leaving the decoder here. takeLatencies() ends it.
   */
  startLatencies(): void {
    this.#latencies = [];
  }

  takeLatencies(): number[] {
    const taken = this.#latencies ?? [];
    this.#latencies = null;
    return taken;
  }

  /** Frames received so far, and how many of them carried a readable stamp. */
  counts(): { readonly received: number; readonly stamped: number } {
    return { received: this.#received, stamped: this.#stamped };
  }

  /** The kept frames whose stamp decoded. */
  stamped(): ReceivedFrame[] {
    return this.frames.filter((frame) => frame.stamp !== null);
  }

  /** Resolves with the kept stamped frames once at least `count` arrived (count ≤ keep). */
  waitForStamped(count: number): Promise<ReceivedFrame[]> {
    return new Promise((resolve) => {
      this.#waiters.push({ count: Math.min(count, this.#keep), resolve });
      this.#notify();
    });
  }

  stop(): void {
    this.#sink.stop();
  }

  #notify(): void {
    if (this.#later.length > 0) {
      const due = this.#later.filter((waiter) => this.#stamped >= waiter.stamped);
      this.#later = this.#later.filter((waiter) => this.#stamped < waiter.stamped);
      for (const waiter of due) waiter.resolve();
    }
    if (this.#waiters.length === 0) return;
    const stamped = this.stamped();
    const due = this.#waiters.filter((waiter) => stamped.length >= waiter.count);
    this.#waiters = this.#waiters.filter((waiter) => stamped.length < waiter.count);
    for (const waiter of due) waiter.resolve(stamped);
  }
}
