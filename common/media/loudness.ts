import { MAX_NORMALISING_GAIN_DB, TARGET_LUFS } from '../contract/media-schemas';

/**
 * Fair loudness: the gain, in dB, that brings a recording measured at `integratedLufs` (EBU R128)
 * to TARGET_LUFS, so a quiet phone does not make a performance sound worse than it was. A
 * raise is capped at MAX_NORMALISING_GAIN_DB (a near-silent angle is not blown up into noise); a
 * cut is not. Unmeasured (null): 0 dB, the recording as it is.
 */
export function normalisingGainDb(integratedLufs: number | null): number {
  if (integratedLufs === null || !Number.isFinite(integratedLufs)) return 0;
  return Math.min(MAX_NORMALISING_GAIN_DB, TARGET_LUFS - integratedLufs);
}

/** A gain in dB as the linear factor a Web Audio GainNode takes. */
export function dbToLinear(db: number): number {
  return 10 ** (db / 20);
}
