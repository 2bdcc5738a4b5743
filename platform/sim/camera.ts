import { paintStampIntoLuma, STAMP_TAGS, stampLayout } from '@common/media/frame-stamp';
import type { Device } from '@common/platform/queue';
import { wrtc, type WrtcStream, type WrtcTrack } from './wrtc';

/**
 * A candidate's phone camera in Node: I420 frames fed to wrtc's RTCVideoSource `fps` times a
 * second, carrying the same frame stamp as the candidate page's canvas (device tag, time,
 * counter) and a moving block for the encoder to chew on; optionally a test tone.
 */
export interface SimulatedCamera {
  readonly stream: WrtcStream;
  /** Frames produced so far. */
  frames(): number;
  stop(): void;
}

export interface CameraOptions {
  readonly device: Device;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  /** A sine tone at this pitch as the audio track; none when null. */
  readonly toneHz: number | null;
}

/** Background luma and chroma per device, so a person looking at the feed tells them apart too. */
const COLOURS: Record<Device, { y: number; u: number; v: number }> = {
  main: { y: 70, u: 160, v: 110 },
  side: { y: 110, u: 100, v: 100 },
};
const BLOCK_LUMA = 200;
const SAMPLE_RATE = 48_000;
const AUDIO_CHUNK_MS = 10;

export function startSimulatedCamera(options: CameraOptions): SimulatedCamera {
  const { device, fps } = options;
  // I420 needs even dimensions.
  const width = options.width & ~1;
  const height = options.height & ~1;
  const colour = COLOURS[device];
  const frame = new Uint8Array((width * height * 3) / 2);
  frame.fill(colour.y, 0, width * height);
  frame.fill(colour.u, width * height, (width * height * 5) / 4);
  frame.fill(colour.v, (width * height * 5) / 4);

  const source = new wrtc.nonstandard.RTCVideoSource();
  const tracks: WrtcTrack[] = [source.createTrack()];
  const tone = options.toneHz === null ? null : startTone(options.toneHz);
  if (tone) tracks.push(tone.track);

  const { bandHeight } = stampLayout(width, height);
  const block = Math.max(8, Math.floor(Math.min(width, height - bandHeight) / 6));
  let previous: { x: number; y: number } | null = null;
  let count = 0;
  const produce = () => {
    // Only what changed is repainted: the block's old and new places and the stamp band.
    if (previous) fillLuma(frame, width, previous.x, previous.y, block, block, colour.y);
    const angle = (count / (fps * 4)) * 2 * Math.PI;
    const x = Math.round(((Math.cos(angle) + 1) / 2) * (width - block));
    const y = bandHeight + Math.round(((Math.sin(angle) + 1) / 2) * (height - bandHeight - block));
    fillLuma(frame, width, x, y, block, block, BLOCK_LUMA);
    previous = { x, y };
    paintStampIntoLuma(frame, width, height, { timeMs: Date.now(), counter: count, tag: STAMP_TAGS[device] });
    source.onFrame({ width, height, data: frame });
    count++;
  };
  produce();
  const timer = setInterval(produce, 1000 / fps);
  return {
    stream: new wrtc.MediaStream(tracks),
    frames: () => count,
    stop: () => {
      clearInterval(timer);
      tone?.stop();
      for (const track of tracks) track.stop();
    },
  };
}

function fillLuma(plane: Uint8Array, width: number, x: number, y: number, w: number, h: number, value: number): void {
  for (let row = y; row < y + h; row++) plane.fill(value, row * width + x, row * width + x + w);
}

/** A microphone in Node: 10 ms chunks of a sine at `hz` pushed into an RTCAudioSource. */
export function startTone(hz: number): { readonly track: WrtcTrack; stop(): void } {
  const source = new wrtc.nonstandard.RTCAudioSource();
  const track = source.createTrack();
  const samplesPerChunk = (SAMPLE_RATE * AUDIO_CHUNK_MS) / 1000;
  let phase = 0;
  const timer = setInterval(() => {
    const samples = new Int16Array(samplesPerChunk);
    for (let i = 0; i < samplesPerChunk; i++) {
      samples[i] = Math.round(Math.sin(phase) * 0.2 * 32767);
      phase += (2 * Math.PI * hz) / SAMPLE_RATE;
    }
    phase %= 2 * Math.PI;
    source.onData({ samples, sampleRate: SAMPLE_RATE, bitsPerSample: 16, channelCount: 1, numberOfFrames: samplesPerChunk });
  }, AUDIO_CHUNK_MS);
  return {
    track,
    stop: () => {
      clearInterval(timer);
      track.stop();
    },
  };
}
