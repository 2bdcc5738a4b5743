/** A frame that reached the screen, as requestVideoFrameCallback describes it. */
export interface ShownFrame {
  /** performance.now() time at which the frame is (about to be) displayed. */
  readonly shownAt: number;
  readonly width: number;
  readonly height: number;
  /** Frames the element presented so far (counts the ones a busy page skipped). */
  readonly presentedFrames: number;
}

/**
 * Watches the frames a video element actually shows: requestVideoFrameCallback fires once per
 * frame handed to the compositor, which is what "the feed moves" means to the examiner (a
 * frame decoded but never shown would not help them). The first one is the feed's first frame;
 * their absence is a freeze (quality/freeze.ts).
 */
export class FrameMonitor {
  #handle: number | null = null;
  #stopped = false;

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly onFrame: (frame: ShownFrame) => void,
  ) {
    this.#request();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#handle !== null) this.video.cancelVideoFrameCallback(this.#handle);
    this.#handle = null;
  }

  #request(): void {
    if (this.#stopped) return;
    this.#handle = this.video.requestVideoFrameCallback((_now, metadata) => {
      this.#handle = null;
      if (this.#stopped) return;
      this.onFrame({
        shownAt: metadata.expectedDisplayTime,
        width: metadata.width,
        height: metadata.height,
        presentedFrames: metadata.presentedFrames,
      });
      this.#request();
    });
  }
}
