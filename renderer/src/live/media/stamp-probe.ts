import { decodeFrameStamp, rgbaLuma, stampLayout, STAMP_COLUMNS, type FrameStamp } from '@common/media/frame-stamp';

/** Width the stamp band is read at: 10 px cells, plenty for cells 40 px wide at 720p. */
const PROBE_WIDTH = 320;

/**
 * Reads the frame stamp the simulated candidates draw into every frame (common/media/frame-stamp.ts)
 * from what a video element shows now: only the band at the top, scaled down, so it costs a
 * 320×30 readback per frame. Used for glass-to-glass measurements (tests and the benchmark
 * switch it on); real candidates' phones draw no stamp.
 */
export class StampProbe {
  readonly #canvas = document.createElement('canvas');
  readonly #context: CanvasRenderingContext2D | null;

  constructor() {
    const { bandHeight } = stampLayout(PROBE_WIDTH, PROBE_WIDTH);
    this.#canvas.width = PROBE_WIDTH;
    this.#canvas.height = bandHeight;
    this.#context = this.#canvas.getContext('2d', { willReadFrequently: true, alpha: false });
  }

  read(video: HTMLVideoElement): FrameStamp | null {
    const context = this.#context;
    const { videoWidth, videoHeight } = video;
    if (!context || videoWidth < STAMP_COLUMNS || videoHeight === 0) return null;
    const sourceBand = stampLayout(videoWidth, videoHeight).bandHeight;
    const height = this.#canvas.height;
    context.drawImage(video, 0, 0, videoWidth, sourceBand, 0, 0, PROBE_WIDTH, height);
    return decodeFrameStamp(rgbaLuma(context.getImageData(0, 0, PROBE_WIDTH, height)));
  }
}
