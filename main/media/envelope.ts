/**
 * The alignment envelope of a recording: an onset-strength signal at 100 Hz (the RMS of each
 * 10 ms of the waveform's mono 8 kHz PCM, in dB, and how much it rose since the 10 ms before:
 * a half-wave-rectified first difference). Made from the same samples as the peaks, in the same
 * ffmpeg pass; two angles of one performance have their onsets at the same moments, whatever
 * their gain (a constant in dB, gone in the difference) or their own noise.
 */
export const ENVELOPE_RATE_HZ = 100;
const SAMPLES_PER_FRAME = 80; // 8000 Hz / 100 Hz
/** The quietest level the envelope tells apart, so that noise under it makes no onsets. */
const FLOOR_DB = -80;

export interface Envelope {
  readonly rateHz: number;
  /** Onset strength per frame (≥ 0). */
  readonly onset: Float32Array;
  /** The loudest frame's RMS level in dBFS (≤ 0; FLOOR_DB for digital silence). */
  readonly peakDb: number;
}

/** Fed signed 16-bit mono samples in arbitrary chunks (a chunk may end in the middle of a sample). Pure. */
export class EnvelopeBuilder {
  #onsets: number[] = [];
  #previousDb: number | null = null;
  #peakDb = FLOOR_DB;
  #sumSquares = 0;
  #inFrame = 0;
  #carry: number | null = null;

  push(chunk: Uint8Array): void {
    let offset = 0;
    if (this.#carry !== null && chunk.length > 0) {
      const value = this.#carry | ((chunk[0] ?? 0) << 8);
      this.#add(value & 0x8000 ? value - 0x10000 : value);
      this.#carry = null;
      offset = 1;
    }
    const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    for (; offset + 1 < chunk.length; offset += 2) this.#add(view.getInt16(offset, true));
    if (offset < chunk.length) this.#carry = chunk[offset] ?? 0;
  }

  /** The envelope of every whole frame pushed (a last partial frame of under 10 ms is left out). */
  finish(): Envelope {
    return { rateHz: ENVELOPE_RATE_HZ, onset: Float32Array.from(this.#onsets), peakDb: this.#peakDb };
  }

  #add(sample: number): void {
    this.#sumSquares += sample * sample;
    if (++this.#inFrame < SAMPLES_PER_FRAME) return;
    const meanSquare = this.#sumSquares / SAMPLES_PER_FRAME / (32768 * 32768);
    const db = Math.max(FLOOR_DB, 10 * Math.log10(meanSquare + 1e-12));
    if (db > this.#peakDb) this.#peakDb = db;
    this.#onsets.push(this.#previousDb === null ? 0 : Math.max(0, db - this.#previousDb));
    this.#previousDb = db;
    this.#sumSquares = 0;
    this.#inFrame = 0;
  }
}

/** The envelope file: its onsets as little-endian float32 (the rate and peak level are kept in the artefact's row). */
export function envelopeBytes(envelope: Envelope): Buffer {
  const bytes = Buffer.alloc(envelope.onset.length * 4);
  envelope.onset.forEach((value, index) => bytes.writeFloatLE(value, index * 4));
  return bytes;
}

export interface EnvelopeMeta {
  readonly rateHz: number;
  readonly frames: number;
  readonly peakDb: number;
}

export function envelopeMeta(envelope: Envelope): EnvelopeMeta {
  return { rateHz: envelope.rateHz, frames: envelope.onset.length, peakDb: Math.round(envelope.peakDb * 100) / 100 };
}

/** An envelope back from its file and row; null when they do not agree (a file cut short). */
export function readEnvelope(bytes: Buffer, meta: EnvelopeMeta): Envelope | null {
  if (bytes.length !== meta.frames * 4 || !(meta.rateHz > 0)) return null;
  const onset = new Float32Array(meta.frames);
  for (let i = 0; i < meta.frames; i++) onset[i] = bytes.readFloatLE(i * 4);
  return { rateHz: meta.rateHz, onset, peakDb: meta.peakDb };
}
