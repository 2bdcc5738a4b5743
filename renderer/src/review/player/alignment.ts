import { frameSeconds } from './sync';

/** The contract's bounds of an offset (ten minutes either way). */
export const MAX_OFFSET_MS = 600_000;
/** The coarse nudge of the alignment. */
export const NUDGE_MS = 100;

/** One frame of the main in milliseconds, for the alignment's finest nudge (1/30 s when unknown). */
export function frameMs(frameRate: number | null | undefined): number {
  return frameSeconds(frameRate) * 1000;
}

/** The offset after a nudge of `deltaMs`: whole milliseconds, within the contract's bounds. */
export function nudgedOffset(offsetMs: number, deltaMs: number): number {
  return Math.max(-MAX_OFFSET_MS, Math.min(MAX_OFFSET_MS, Math.round(offsetMs + deltaMs)));
}

/** "+2.37 s", "−0.10 s", "0.00 s": the side's offset as the grader reads it. */
export function formatOffset(offsetMs: number): string {
  const seconds = Math.abs(offsetMs) / 1000;
  const text = `${seconds.toFixed(2)} s`;
  if (text === '0.00 s') return text;
  return `${offsetMs < 0 ? '−' : '+'}${text}`;
}

/** "+8.2", "−3.0", "0.0": a gain in dB. */
export function formatDb(db: number): string {
  const text = Math.abs(db).toFixed(1);
  if (text === '0.0') return text;
  return `${db < 0 ? '−' : '+'}${text}`;
}

/** "−31.2": a loudness in LUFS. */
export function formatLufs(lufs: number): string {
  return `${lufs < 0 ? '−' : ''}${Math.abs(lufs).toFixed(1)}`;
}
