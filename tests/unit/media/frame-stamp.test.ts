import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  decodeFrameStamp,
  paintFrameStamp,
  paintStampIntoLuma,
  rgbaLuma,
  stampCells,
  stampLayout,
  type FrameStamp,
} from '@common/media/frame-stamp';

/** A deterministic PRNG (mulberry32), so a noisy frame is the same on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A luma plane with a busy background (gradient and texture), as a camera feed would have. */
function scene(width: number, height: number): Uint8Array {
  const plane = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) plane[y * width + x] = (x * 3 + y * 2 + ((x >> 3) ^ (y >> 3)) * 17) % 256;
  }
  return plane;
}

function stamped(width: number, height: number, stamp: FrameStamp): Uint8Array {
  const plane = scene(width, height);
  paintStampIntoLuma(plane, width, height, stamp);
  return plane;
}

const clamp = (value: number) => Math.max(0, Math.min(255, Math.round(value)));

const STAMP: FrameStamp = { timeMs: Date.UTC(2026, 5, 1, 9, 30, 12, 345), counter: 4321, tag: 2 };

describe('frame stamp: encode and decode', () => {
  it.each([
    ['the demo camera size', 1280, 720, STAMP],
    ['a portrait phone', 720, 1280, STAMP],
    ['the simulator size', 640, 360, { timeMs: 1, counter: 0, tag: 1 }],
    ['odd dimensions', 1001, 563, { timeMs: 2 ** 48 - 1, counter: 65535, tag: 255 }],
    ['a small frame', 320, 180, { timeMs: 2 ** 32 + 7, counter: 256, tag: 0 }],
  ])('round-trips on %s (%i×%i)', (_label, width, height, stamp) => {
    expect(decodeFrameStamp({ width, height, data: stamped(width, height, stamp) })).toEqual(stamp);
  });

  it('wraps the counter modulo 2^16 and refuses values that do not fit', () => {
    const plane = stamped(640, 360, { ...STAMP, counter: 65536 + 9 });
    expect(decodeFrameStamp({ width: 640, height: 360, data: plane })?.counter).toBe(9);
    expect(() => stampCells({ ...STAMP, timeMs: 2 ** 48 })).toThrow(RangeError);
    expect(() => stampCells({ ...STAMP, timeMs: -1 })).toThrow(RangeError);
    expect(() => stampCells({ ...STAMP, timeMs: 1.5 })).toThrow(RangeError);
    expect(() => stampCells({ ...STAMP, tag: 256 })).toThrow(RangeError);
  });

  it('paints 96 cells that tile the band exactly, each at least 16 px at 1280×720', () => {
    const covered = new Uint8Array(1280 * 720);
    const sizes: number[] = [];
    paintFrameStamp(1280, 720, STAMP, (x, y, w, h) => {
      sizes.push(Math.min(w, h));
      for (let row = y; row < y + h; row++) for (let col = x; col < x + w; col++) covered[row * 1280 + col] = (covered[row * 1280 + col] ?? 0) + 1;
    });
    const { bandHeight } = stampLayout(1280, 720);
    expect(sizes).toHaveLength(96);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(16);
    expect(covered.subarray(0, bandHeight * 1280).every((count) => count === 1)).toBe(true);
    expect(covered.subarray(bandHeight * 1280).every((count) => count === 0)).toBe(true);
  });

  it.each([
    ['uniform noise of ±40', (value: number, next: () => number) => value + (next() - 0.5) * 80],
    ['dimmed to a narrow range (60..140)', (value: number) => 60 + (value * 80) / 255],
    ['brightened by an offset (+30)', (value: number) => value + 30],
    ['sparse salt-and-pepper', (value: number, next: () => number) => (next() < 0.05 ? (next() < 0.5 ? 0 : 255) : value)],
  ])('decodes after %s', (_label, distort) => {
    const next = random(7);
    const plane = stamped(640, 360, STAMP).map((value) => clamp(distort(value, next)));
    expect(decodeFrameStamp({ width: 640, height: 360, data: plane })).toEqual(STAMP);
  });

  it('decodes a frame scaled to another resolution (WebRTC adapts resolution)', () => {
    const [width, height, factor] = [1280, 720, 3 / 4];
    const source = stamped(width, height, STAMP);
    const [w, h] = [Math.round(width * factor), Math.round(height * factor)];
    const scaled = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) scaled[y * w + x] = source[Math.floor(y / factor) * width + Math.floor(x / factor)] ?? 0;
    }
    expect(decodeFrameStamp({ width: w, height: h, data: scaled })).toEqual(STAMP);
  });

  it('decodes from RGBA pixels (a canvas ImageData) and from a plane with a stride', () => {
    const [width, height] = [640, 360];
    const rgba = new Uint8ClampedArray(width * height * 4).fill(90);
    paintFrameStamp(width, height, STAMP, (x, y, w, h, white) => {
      for (let row = y; row < y + h; row++) rgba.fill(white ? 255 : 0, (row * width + x) * 4, (row * width + x + w) * 4);
    });
    expect(decodeFrameStamp(rgbaLuma({ width, height, data: rgba }))).toEqual(STAMP);

    const stride = width + 64;
    const padded = new Uint8Array(stride * height);
    paintStampIntoLuma(padded, width, height, STAMP, stride);
    expect(decodeFrameStamp({ width, height, data: padded, stride })).toEqual(STAMP);
  });

  it.each([
    ['a frame without a stamp', () => scene(640, 360)],
    ['a flat grey frame', () => new Uint8Array(640 * 360).fill(128)],
    ['random noise', () => new Uint8Array(640 * 360).map(random(3))],
    [
      'a stamp with one data cell flipped',
      () => {
        const plane = stamped(640, 360, STAMP);
        // Cell 40 is a data cell in the second half of the first row; invert its whole square.
        const { cell } = stampLayout(640, 360);
        const [x0, x1] = [Math.round((40 % 32) * cell), Math.round(((40 % 32) + 1) * cell)];
        const [y0, y1] = [Math.round(cell), Math.round(2 * cell)];
        for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) plane[y * 640 + x] = 251 - (plane[y * 640 + x] ?? 0);
        return plane;
      },
    ],
  ])('finds nothing in %s', (_label, frame) => {
    expect(decodeFrameStamp({ width: 640, height: 360, data: frame() })).toBeNull();
  });
});

/** Encodes I420 frames with libx264 and decodes them back (optionally scaled), through real ffmpeg. */
function throughH264(frames: Uint8Array[], width: number, height: number, crf: number, out: { width: number; height: number }): Uint8Array[] {
  const ySize = width * height;
  const i420 = Buffer.concat(
    frames.map((luma) => {
      const frame = Buffer.alloc((ySize * 3) / 2, 128);
      frame.set(luma, 0);
      return frame;
    }),
  );
  const encode = spawnSync(
    'ffmpeg',
    ['-v', 'error', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${width}x${height}`, '-r', '30', '-i', 'pipe:0', '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-crf', String(crf), '-f', 'h264', 'pipe:1'],
    { input: i420, maxBuffer: 1 << 28 },
  );
  if (encode.status !== 0) throw new Error(`ffmpeg encode failed: ${encode.stderr.toString()}`);
  const decode = spawnSync(
    'ffmpeg',
    ['-v', 'error', '-f', 'h264', '-i', 'pipe:0', '-vf', `scale=${out.width}:${out.height}`, '-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1'],
    { input: encode.stdout, maxBuffer: 1 << 28 },
  );
  if (decode.status !== 0) throw new Error(`ffmpeg decode failed: ${decode.stderr.toString()}`);
  const outFrame = (out.width * out.height * 3) / 2;
  return Array.from({ length: decode.stdout.length / outFrame }, (_, index) =>
    new Uint8Array(decode.stdout.buffer, decode.stdout.byteOffset + index * outFrame, out.width * out.height),
  );
}

describe('frame stamp: through real H.264', () => {
  it.each([
    ['1280×720 at CRF 23', 1280, 720, 23, { width: 1280, height: 720 }],
    ['640×360 at a poor CRF 40', 640, 360, 40, { width: 640, height: 360 }],
    ['1280×720 at CRF 32, decoded at 640×360', 1280, 720, 32, { width: 640, height: 360 }],
  ])('every frame keeps its stamp: %s', (_label, width, height, crf, out) => {
    const next = random(11);
    const stamps = Array.from({ length: 12 }, (_, index): FrameStamp => ({ timeMs: STAMP.timeMs + index * 33, counter: index, tag: 1 + (index % 2) }));
    const frames = stamps.map((stamp, index) => {
      // Motion and noise under the band make the encoder spend its bits everywhere.
      const plane = scene(width, height).map((value, at) => clamp(value + ((at + index * 7) % 13) * 3 + (next() - 0.5) * 30));
      paintStampIntoLuma(plane, width, height, stamp);
      return plane;
    });
    const decoded = throughH264(frames, width, height, crf, out).map((data) => decodeFrameStamp({ width: out.width, height: out.height, data }));
    expect(decoded).toEqual(stamps);
  });
});
