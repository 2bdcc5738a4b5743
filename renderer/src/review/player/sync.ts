/**
 * Keeping the side angle on the main angle's clock. The main video is the clock (its audio is
 * what the grader hears); the side video follows it.
 *
 * Two ways to correct drift, chosen by its size:
 *  - up to SEEK_AFTER_S, by nudging the side's playbackRate a few percent until it catches up:
 *    invisible, and it never stalls the decoder. Seeking a playing <video> flushes its decoder
 *    and decodes again from the previous keyframe (up to 2 s of frames on a phone recording),
 *    which freezes the side picture for a moment: correcting every small drift by seeking would
 *    make the side stutter more than the drift ever shows;
 *  - beyond it (a stall while buffering, the tab in the background, a seek of the main), by
 *    seeking: waiting seconds for a rate nudge to close a large gap is worse than one freeze.
 * Drift within one frame is left alone: no picture can show it.
 * While paused, the side is placed on the main's frame exactly (more than half a frame away).
 *
 * The two phones did not start recording at the same moment: the side started `offset` seconds
 * after the main (the alignment, found from the sound or set by the grader), so the side's time
 * is the main's minus the offset. Before the side started it waits, paused, at its start; after
 * it ended there is nothing to follow.
 */

/** Beyond this, the side seeks to the main rather than speeding up or slowing down. */
export const SEEK_AFTER_S = 0.3;
/** The largest nudge of the side's rate, as a fraction of the main's rate. */
export const MAX_NUDGE = 0.1;
/** The nudge closes the drift in about this long. */
const CATCH_UP_S = 0.5;

export interface ClockReading {
  /** Seconds. */
  readonly mainTime: number;
  readonly sideTime: number;
  /** The main's playback rate (what the grader chose). */
  readonly rate: number;
  readonly playing: boolean;
  /** Seconds of one frame of the main (1/30 when unknown). */
  readonly frame: number;
  /** The side's length; past its end there is nothing to follow. */
  readonly sideDuration: number;
  /** Seconds the side started after the main (negative: before); 0 when unknown. */
  readonly offset?: number;
}

export type Correction =
  | { readonly kind: 'none'; readonly rate: number }
  | { readonly kind: 'rate'; readonly rate: number }
  | { readonly kind: 'seek'; readonly to: number; readonly rate: number }
  /** The side has not started yet at this moment of the main: paused at its start (seeking there when `seek`). */
  | { readonly kind: 'wait'; readonly to: number; readonly seek: boolean; readonly rate: number };

/** Where the side should be for a moment of the main: the main's time minus the offset, within the side. */
export function sideTarget(mainTime: number, offset: number, sideDuration: number): number {
  return Math.max(0, Math.min(mainTime - offset, Math.max(0, sideDuration)));
}

/** Whether the side has something to play at this moment of the main (it has started and not ended). */
export function sidePlays(mainTime: number, offset: number, sideDuration: number): boolean {
  const at = mainTime - offset;
  return at >= 0 && at < sideDuration;
}

/** What to do with the side now: nothing (at the main's rate), a nudged rate, a seek, or wait for it to start. */
export function correction(reading: ClockReading): Correction {
  const { mainTime, sideTime, rate, playing, frame, sideDuration } = reading;
  const offset = reading.offset ?? 0;
  const target = sideTarget(mainTime, offset, sideDuration);
  const drift = sideTime - target;
  const size = Math.abs(drift);
  if (!playing) return size > frame / 2 ? { kind: 'seek', to: target, rate } : { kind: 'none', rate };
  if (mainTime - offset < 0) return { kind: 'wait', to: 0, seek: size > frame / 2, rate };
  if (mainTime - offset >= sideDuration) return { kind: 'none', rate };
  if (size > SEEK_AFTER_S) return { kind: 'seek', to: target, rate };
  if (size <= frame) return { kind: 'none', rate };
  // Behind (drift < 0): faster; ahead: slower. Proportional, capped.
  const nudge = Math.max(-MAX_NUDGE, Math.min(MAX_NUDGE, -drift / CATCH_UP_S));
  return { kind: 'rate', rate: roundRate(rate * (1 + nudge)) };
}

function roundRate(rate: number): number {
  return Math.round(rate * 1000) / 1000;
}

/** One frame in seconds for a probed frame rate (variable or unknown: 30 fps, a phone's usual). */
export function frameSeconds(frameRate: number | null | undefined): number {
  return frameRate !== null && frameRate !== undefined && frameRate >= 1 && frameRate <= 240 ? 1 / frameRate : 1 / 30;
}

/** Nearer than this to its keyframe, a seek goes straight to its frame: decoding a few frames is quick. */
export const KEYFRAME_FIRST_AFTER_S = 0.25;

/**
 * Where to show a paused seek first: inside the keyframe at or before `at` (half a frame into it,
 * so the container's rounding cannot land on the frame before and decode the whole group before
 * it), when that keyframe is far enough back that decoding up to `at` takes a while; null to go
 * straight to `at`. A keyframe needs no other frame decoded, so it shows at once; the exact frame
 * follows. `keyframesMs` is the angle's own, in order.
 */
export function keyframeFirst(keyframesMs: readonly number[] | undefined, at: number, frame: number): number | null {
  if (!keyframesMs || keyframesMs.length === 0) return null;
  const ms = at * 1000;
  let low = 0;
  let high = keyframesMs.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if ((keyframesMs[middle] ?? Number.POSITIVE_INFINITY) <= ms + 0.5) {
      found = middle;
      low = middle + 1;
    } else high = middle - 1;
  }
  const key = found < 0 ? undefined : keyframesMs[found];
  if (key === undefined) return null;
  const shown = key / 1000 + frame / 2;
  return at - shown >= KEYFRAME_FIRST_AFTER_S ? shown : null;
}
