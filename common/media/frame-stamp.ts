/**
 * A machine-readable timestamp painted into video frames, so that whoever receives a candidate's
 * feed can tell which frame it is, when it was drawn (glass-to-glass latency) and which device
 * drew it, after the frame went through a real encoder and network.
 *
 * The stamp is a band of large black and white cells across the top of the frame: 3 rows of
 * 32 cells, each cell `width / 32` wide and as high as it is wide (40 px at 1280×720). Cells
 * scale with the frame, so a stamp still decodes after WebRTC lowered the resolution. Cell
 * order, row by row:
 *
 *   4 sync (white black white black) · 48 bits of time (ms since the epoch) · 16 bits of frame
 *   counter · 8 bits of tag (which device) · 16 bits of CRC-16/CCITT over those 9 bytes ·
 *   4 sync (black white black white)
 *
 * The sync cells give the decoder the black and white levels the encoder actually produced
 * (video range, full range, dimmed), and the CRC turns a frame the codec smeared into `null`
 * instead of a wrong time. Pure code: no DOM, no Node; the candidate page paints with a
 * canvas, the simulator into an I420 plane, and both decode from luma.
 */

export interface FrameStamp {
  /** Milliseconds since the epoch when the frame was drawn; 0 ≤ timeMs < 2^48. */
  readonly timeMs: number;
  /** Frame counter, modulo 2^16. */
  readonly counter: number;
  /** What drew the frame (see STAMP_TAGS), 0..255. */
  readonly tag: number;
}

/** Tags of the candidate devices: the examiner tells the main camera from the side one by the stamp. */
export const STAMP_TAGS = { main: 1, side: 2 } as const;

export const STAMP_COLUMNS = 32;
export const STAMP_ROWS = 3;
const CELLS = STAMP_COLUMNS * STAMP_ROWS;
const HEAD_SYNC = [true, false, true, false] as const;
const TAIL_SYNC = [false, true, false, true] as const;
const PAYLOAD_BYTES = 9;
const TIME_LIMIT = 2 ** 48;
/** Below this spread between the sync cells' white and black, there is no stamp to read. */
const MIN_CONTRAST = 48;

export const STAMP_WHITE = 235;
export const STAMP_BLACK = 16;

/** Where the band lies in a frame of this size: cell i is at column i % 32, row ⌊i / 32⌋. */
export interface StampLayout {
  /** Side of one (square) cell in pixels; fractional, so the band spans the whole width. */
  readonly cell: number;
  /** Height of the whole band in pixels, rounded up. */
  readonly bandHeight: number;
}

export function stampLayout(width: number, height: number): StampLayout {
  const cell = Math.min(width / STAMP_COLUMNS, height / STAMP_ROWS);
  return { cell, bandHeight: Math.ceil(cell * STAMP_ROWS) };
}

/** The 96 cells of a stamp, white = true. */
export function stampCells(stamp: FrameStamp): boolean[] {
  const bytes = payloadBytes(stamp);
  const bits = [...bytes, ...crcBytes(bytes)].flatMap((byte) => Array.from({ length: 8 }, (_, bit) => ((byte >> (7 - bit)) & 1) === 1));
  return [...HEAD_SYNC, ...bits, ...TAIL_SYNC];
}

/** A rectangle to fill: integer pixel bounds, so neighbouring cells neither overlap nor leave gaps. */
export type FillCell = (x: number, y: number, width: number, height: number, white: boolean) => void;

/** Paints a stamp into a frame of this size through `fill` (a canvas fillRect, a plane writer…). */
export function paintFrameStamp(width: number, height: number, stamp: FrameStamp, fill: FillCell): void {
  const { cell } = stampLayout(width, height);
  stampCells(stamp).forEach((white, index) => {
    const column = index % STAMP_COLUMNS;
    const row = Math.floor(index / STAMP_COLUMNS);
    const x0 = Math.round(column * cell);
    const y0 = Math.round(row * cell);
    fill(x0, y0, Math.round((column + 1) * cell) - x0, Math.round((row + 1) * cell) - y0, white);
  });
}

/** Paints a stamp into an 8-bit luma plane (the Y plane of an I420 frame), in place. */
export function paintStampIntoLuma(plane: Uint8Array, width: number, height: number, stamp: FrameStamp, stride = width): void {
  paintFrameStamp(width, height, stamp, (x, y, w, h, white) => {
    const value = white ? STAMP_WHITE : STAMP_BLACK;
    for (let row = y; row < y + h; row++) plane.fill(value, row * stride + x, row * stride + x + w);
  });
}

/** Luma to decode from: an 8-bit plane (I420's Y plane comes first in its buffer), or any accessor. */
export type LumaSource =
  | { readonly width: number; readonly height: number; readonly data: Uint8Array | Uint8ClampedArray; readonly stride?: number }
  | { readonly width: number; readonly height: number; readonly luma: (x: number, y: number) => number };

/** A luma accessor over RGBA pixels (a canvas ImageData), with BT.601 weights as video encoders use. */
export function rgbaLuma(image: { readonly width: number; readonly height: number; readonly data: Uint8ClampedArray | Uint8Array }): LumaSource {
  const { width, height, data } = image;
  return {
    width,
    height,
    luma: (x, y) => {
      const at = (y * width + x) * 4;
      return 0.299 * (data[at] ?? 0) + 0.587 * (data[at + 1] ?? 0) + 0.114 * (data[at + 2] ?? 0);
    },
  };
}

/** Reads the stamp of a frame; null when there is none or it did not survive intact. */
export function decodeFrameStamp(source: LumaSource): FrameStamp | null {
  const { width, height } = source;
  if (width < STAMP_COLUMNS || height < STAMP_ROWS) return null;
  const luma = accessorOf(source);
  const { cell } = stampLayout(width, height);
  const levels = Array.from({ length: CELLS }, (_, index) => cellLevel(luma, index, cell));

  const sync: [number, boolean][] = [
    ...HEAD_SYNC.map((white, i): [number, boolean] => [levels[i] ?? 0, white]),
    ...TAIL_SYNC.map((white, i): [number, boolean] => [levels[CELLS - TAIL_SYNC.length + i] ?? 0, white]),
  ];
  const whites = sync.filter(([, white]) => white).map(([level]) => level);
  const blacks = sync.filter(([, white]) => !white).map(([level]) => level);
  const white = mean(whites);
  const black = mean(blacks);
  if (white - black < MIN_CONTRAST) return null;
  const threshold = (white + black) / 2;
  if (sync.some(([level, isWhite]) => level > threshold !== isWhite)) return null;

  const bits = levels.slice(HEAD_SYNC.length, CELLS - TAIL_SYNC.length).map((level) => level > threshold);
  const bytes = Array.from({ length: PAYLOAD_BYTES + 2 }, (_, byte) =>
    bits.slice(byte * 8, byte * 8 + 8).reduce((value, bit) => (value << 1) | (bit ? 1 : 0), 0),
  );
  const payload = bytes.slice(0, PAYLOAD_BYTES);
  const [crcHigh, crcLow] = crcBytes(payload);
  if (bytes[PAYLOAD_BYTES] !== crcHigh || bytes[PAYLOAD_BYTES + 1] !== crcLow) return null;

  const byte = (index: number) => payload[index] ?? 0;
  const timeMs = [0, 1, 2, 3, 4, 5].reduce((value, index) => value * 256 + byte(index), 0);
  return { timeMs, counter: byte(6) * 256 + byte(7), tag: byte(8) };
}

function payloadBytes(stamp: FrameStamp): number[] {
  const { timeMs, counter, tag } = stamp;
  if (!Number.isSafeInteger(timeMs) || timeMs < 0 || timeMs >= TIME_LIMIT) throw new RangeError(`stamp time ${timeMs} is not a 48-bit integer`);
  if (!Number.isInteger(tag) || tag < 0 || tag > 255) throw new RangeError(`stamp tag ${tag} is not a byte`);
  if (!Number.isInteger(counter)) throw new RangeError(`stamp counter ${counter} is not an integer`);
  const frame = ((counter % 65536) + 65536) % 65536;
  // 48 bits do not fit JavaScript's 32-bit bitwise operators: take bytes by division.
  const time = [5, 4, 3, 2, 1, 0].map((shift) => Math.floor(timeMs / 256 ** shift) % 256);
  return [...time, frame >> 8, frame & 0xff, tag];
}

/** CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF), high byte first. */
function crcBytes(bytes: readonly number[]): [number, number] {
  let crc = 0xffff;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return [crc >> 8, crc & 0xff];
}

function accessorOf(source: LumaSource): (x: number, y: number) => number {
  if ('luma' in source) return source.luma;
  const { data } = source;
  const stride = source.stride ?? source.width;
  return (x, y) => data[y * stride + x] ?? 0;
}

/**
 * The mean luma of a cell's middle half: the codec blurs cell edges (and a downscaled frame
 * moves them by a pixel), the middle keeps its colour. At most 8×8 samples per cell.
 */
function cellLevel(luma: (x: number, y: number) => number, index: number, cell: number): number {
  const column = index % STAMP_COLUMNS;
  const row = Math.floor(index / STAMP_COLUMNS);
  const from = (start: number) => Math.floor(start * cell + cell / 4);
  const to = (start: number) => Math.max(from(start), Math.ceil(start * cell + (3 * cell) / 4) - 1);
  const [x0, x1, y0, y1] = [from(column), to(column), from(row), to(row)];
  const stepX = Math.max(1, Math.floor((x1 - x0 + 1) / 8));
  const stepY = Math.max(1, Math.floor((y1 - y0 + 1) / 8));
  let sum = 0;
  let count = 0;
  for (let y = y0; y <= y1; y += stepY) {
    for (let x = x0; x <= x1; x += stepX) {
      sum += luma(x, y);
      count++;
    }
  }
  return count === 0 ? 0 : sum / count;
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
}
