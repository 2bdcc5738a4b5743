import type { AlignmentReason } from '@common/contract';
import type { Envelope } from './envelope';
import { SILENCE_THRESHOLD_DB } from './waveform';

/**
 * Where the side angle sits on the main's clock, from the two angles' onset envelopes
 * (`envelope.ts`): the lag that best lines up their onsets, by cross-correlation (FFT), each lag
 * normalised by the energy of the part the two overlap in, so that a lag with a short overlap
 * is not favoured or penalised for its length. Pure.
 *
 * The offset is how long after the main the side started (sideTime = mainTime − offset): a
 * sound at main time t is at side time t − offset, so side[n] lines up with main[n + lag].
 */

/** The farthest apart two angles are looked for. */
export const MAX_LAG_SECONDS = 60;
/** Below this the sound does not tell (e.g. repeated music, or noise): the offset stays 0. */
export const MIN_CONFIDENCE = 0.3;
/** Lags this close to the best are its own peak, not a rival. */
const PEAK_HALF_WIDTH_SECONDS = 0.5;
/** The two must overlap this long at least (or the whole of the shorter, if shorter). */
const MIN_OVERLAP_SECONDS = 5;
/**
 * Each angle must have this many distinct onsets at least: one or two (a steady tone that stops
 * once, a gap) line up equally well at many lags, and a lag found from them is a guess.
 */
export const MIN_ONSET_EVENTS = 4;
/** A recording's first moments rise from nothing (the phone starting, the codec's priming): not a sound of the performance. */
const LEAD_IN_SECONDS = 0.25;
/** An onset counts as an event when it rises this much (dB in 10 ms) at least … */
const EVENT_MIN_RISE_DB = 3;
/** … and by a quarter of the angle's strongest rise, … */
const EVENT_RELATIVE_RISE = 0.25;
/** … apart from the event before by this much at least. */
const EVENT_MIN_GAP_SECONDS = 0.2;

export type AngleSound = Envelope | 'no_audio';

export interface AlignmentFound {
  readonly offsetMs: number;
  /** 0..1: how far the best lag's correlation stands above the best rival's. */
  readonly confidence: number | null;
  /** Null when the offset was found; otherwise why it is 0. */
  readonly reason: Extract<AlignmentReason, 'no_audio' | 'silent' | 'low_confidence' | 'no_side'> | null;
}

export function alignAngles(main: AngleSound, side: AngleSound | null, options: { maxLagSeconds?: number; minConfidence?: number } = {}): AlignmentFound {
  if (side === null) return { offsetMs: 0, confidence: null, reason: 'no_side' };
  if (main === 'no_audio' || side === 'no_audio') return { offsetMs: 0, confidence: null, reason: 'no_audio' };
  if (main.peakDb < SILENCE_THRESHOLD_DB || side.peakDb < SILENCE_THRESHOLD_DB) return { offsetMs: 0, confidence: null, reason: 'silent' };
  if (main.rateHz !== side.rateHz) throw new Error(`envelopes at different rates (${String(main.rateHz)}, ${String(side.rateHz)} Hz)`);
  const mainOnsets = withoutLeadIn(main.onset, main.rateHz);
  const sideOnsets = withoutLeadIn(side.onset, side.rateHz);
  if (onsetEvents(mainOnsets, main.rateHz) < MIN_ONSET_EVENTS || onsetEvents(sideOnsets, side.rateHz) < MIN_ONSET_EVENTS) return { offsetMs: 0, confidence: 0, reason: 'low_confidence' };
  const found = crossCorrelate(mainOnsets, sideOnsets, main.rateHz, options.maxLagSeconds ?? MAX_LAG_SECONDS);
  if (found === null) return { offsetMs: 0, confidence: 0, reason: 'low_confidence' };
  const confidence = Math.round(found.confidence * 1000) / 1000;
  if (confidence < (options.minConfidence ?? MIN_CONFIDENCE)) return { offsetMs: 0, confidence, reason: 'low_confidence' };
  return { offsetMs: Math.round((found.lag * 1000) / main.rateHz), confidence, reason: null };
}

/** The onsets with the recording's first moments left out (a copy). */
function withoutLeadIn(onsets: Float32Array, rateHz: number): Float32Array {
  const copy = Float32Array.from(onsets);
  copy.fill(0, 0, Math.min(copy.length, Math.round(LEAD_IN_SECONDS * rateHz)));
  return copy;
}

/** How many distinct onsets an envelope has: rises strong enough (absolutely and against its strongest), apart in time. */
export function onsetEvents(onsets: Float32Array, rateHz: number): number {
  let strongest = 0;
  for (const value of onsets) if (value > strongest) strongest = value;
  const threshold = Math.max(EVENT_MIN_RISE_DB, EVENT_RELATIVE_RISE * strongest);
  const gap = Math.max(1, Math.round(EVENT_MIN_GAP_SECONDS * rateHz));
  let events = 0;
  let last = -Infinity;
  for (let i = 0; i < onsets.length; i++) {
    if ((onsets[i] ?? 0) < threshold) continue;
    if (i - last >= gap) events++;
    last = i;
  }
  return events;
}

/** The best lag (in frames, sub-frame) of `side` against `main`, and its confidence; null when there is nothing to compare. */
export function crossCorrelate(mainIn: Float32Array, sideIn: Float32Array, rateHz: number, maxLagSeconds: number): { lag: number; confidence: number } | null {
  const main = centred(mainIn);
  const side = centred(sideIn);
  const lengthM = main.length;
  const lengthS = side.length;
  const shorter = Math.min(lengthM, lengthS);
  if (shorter < rateHz) return null;
  const minOverlap = Math.min(shorter, Math.round(MIN_OVERLAP_SECONDS * rateHz));
  // Overlap of lag L: side n in [max(0, −L), min(lengthS, lengthM − L)), at least minOverlap long.
  const lowest = Math.max(-Math.round(maxLagSeconds * rateHz), minOverlap - lengthS);
  const highest = Math.min(Math.round(maxLagSeconds * rateHz), lengthM - minOverlap);
  if (highest < lowest) return null;

  const size = nextPowerOfTwo(lengthM + lengthS);
  const mRe = new Float64Array(size);
  const mIm = new Float64Array(size);
  const sRe = new Float64Array(size);
  const sIm = new Float64Array(size);
  mRe.set(main);
  sRe.set(side);
  fft(mRe, mIm, false);
  fft(sRe, sIm, false);
  // M · conj(S), back: c[L] = Σ main[n + L] · side[n], lag L at index L mod size.
  for (let k = 0; k < size; k++) {
    const re = (mRe[k] ?? 0) * (sRe[k] ?? 0) + (mIm[k] ?? 0) * (sIm[k] ?? 0);
    const im = (mIm[k] ?? 0) * (sRe[k] ?? 0) - (mRe[k] ?? 0) * (sIm[k] ?? 0);
    mRe[k] = re;
    mIm[k] = im;
  }
  fft(mRe, mIm, true);

  const energyM = prefixSquares(main);
  const energyS = prefixSquares(side);
  const count = highest - lowest + 1;
  const scores = new Float64Array(count);
  for (let lag = lowest; lag <= highest; lag++) {
    const from = Math.max(0, -lag);
    const to = Math.min(lengthS, lengthM - lag);
    const es = (energyS[to] ?? 0) - (energyS[from] ?? 0);
    const em = (energyM[to + lag] ?? 0) - (energyM[from + lag] ?? 0);
    const raw = (mRe[(lag + size) % size] ?? 0) / size;
    scores[lag - lowest] = es > 0 && em > 0 ? raw / Math.sqrt(es * em) : 0;
  }

  let best = 0;
  for (let i = 1; i < count; i++) if ((scores[i] ?? 0) > (scores[best] ?? 0)) best = i;
  const peak = scores[best] ?? 0;
  if (!(peak > 0)) return { lag: 0, confidence: 0 };
  const halfWidth = Math.max(1, Math.round(PEAK_HALF_WIDTH_SECONDS * rateHz));
  let rival = 0;
  for (let i = 0; i < count; i++) if (Math.abs(i - best) > halfWidth && (scores[i] ?? 0) > rival) rival = scores[i] ?? 0;

  let lag = best + lowest;
  if (best > 0 && best < count - 1) {
    const before = scores[best - 1] ?? 0;
    const after = scores[best + 1] ?? 0;
    const curve = before - 2 * peak + after;
    if (curve < 0) lag += Math.max(-0.5, Math.min(0.5, (0.5 * (before - after)) / curve));
  }
  return { lag, confidence: Math.max(0, Math.min(1, 1 - rival / peak)) };
}

function centred(values: Float32Array): Float64Array {
  let sum = 0;
  for (const value of values) sum += value;
  const mean = values.length > 0 ? sum / values.length : 0;
  return Float64Array.from(values, (value) => value - mean);
}

function prefixSquares(values: Float64Array): Float64Array {
  const sums = new Float64Array(values.length + 1);
  for (let i = 0; i < values.length; i++) sums[i + 1] = (sums[i] ?? 0) + (values[i] ?? 0) ** 2;
  return sums;
}

function nextPowerOfTwo(value: number): number {
  let size = 1;
  while (size < value) size *= 2;
  return size;
}

/** In-place iterative radix-2 FFT (size a power of two); `inverse` leaves the 1/size to the caller. */
export function fft(re: Float64Array, im: Float64Array, inverse: boolean): void {
  const size = re.length;
  if (size !== im.length || (size & (size - 1)) !== 0) throw new Error('fft: the size must be a power of two');
  for (let i = 1, j = 0; i < size; i++) {
    let bit = size >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      const tr = re[i] ?? 0;
      re[i] = re[j] ?? 0;
      re[j] = tr;
      const ti = im[i] ?? 0;
      im[i] = im[j] ?? 0;
      im[j] = ti;
    }
  }
  for (let length = 2; length <= size; length <<= 1) {
    const angle = ((inverse ? 2 : -2) * Math.PI) / length;
    const stepRe = Math.cos(angle);
    const stepIm = Math.sin(angle);
    const half = length >> 1;
    for (let start = 0; start < size; start += length) {
      let wRe = 1;
      let wIm = 0;
      for (let k = 0; k < half; k++) {
        const a = start + k;
        const b = a + half;
        const xRe = (re[b] ?? 0) * wRe - (im[b] ?? 0) * wIm;
        const xIm = (re[b] ?? 0) * wIm + (im[b] ?? 0) * wRe;
        re[b] = (re[a] ?? 0) - xRe;
        im[b] = (im[a] ?? 0) - xIm;
        re[a] = (re[a] ?? 0) + xRe;
        im[a] = (im[a] ?? 0) + xIm;
        const nextRe = wRe * stepRe - wIm * stepIm;
        wIm = wRe * stepIm + wIm * stepRe;
        wRe = nextRe;
      }
    }
  }
}
