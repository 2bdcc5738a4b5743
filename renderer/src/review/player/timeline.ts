import type { SilentGap, ThumbnailStrip } from '@common/contract';

/**
 * The scrubber's geometry: times to fractions of its width and back, which thumbnail covers a
 * time, and the review clock as text.
 */

export function clampTime(seconds: number, duration: number): number {
  if (!Number.isFinite(seconds)) return 0;
  return Math.max(0, Math.min(duration > 0 ? duration : 0, seconds));
}

/** 0..1 across the scrubber for a time in seconds. */
export function fractionOf(seconds: number, duration: number): number {
  return duration > 0 ? clampTime(seconds, duration) / duration : 0;
}

/** The time in seconds at a fraction 0..1 of the scrubber. */
export function timeAt(fraction: number, duration: number): number {
  return clampTime(Math.max(0, Math.min(1, fraction)) * duration, duration);
}

/** The index of the last tile at or before a time (tiles are keyframes in time order), or -1. */
export function tileAt(strip: Pick<ThumbnailStrip, 'tileTimesMs'>, ms: number): number {
  let found = -1;
  strip.tileTimesMs.forEach((at, index) => {
    if (at <= ms) found = index;
  });
  return found === -1 && strip.tileTimesMs.length > 0 ? 0 : found;
}

/** The CSS background offset of tile `index` in the sprite (row by row). */
export function tileOffset(strip: Pick<ThumbnailStrip, 'columns' | 'tileWidth' | 'tileHeight'>, index: number): { x: number; y: number } {
  const column = index % strip.columns;
  const row = Math.floor(index / strip.columns);
  return { x: -column * strip.tileWidth, y: -row * strip.tileHeight };
}

/** Silent gaps as fractions of the scrubber, for drawing. */
export function gapSpans(gaps: readonly SilentGap[], durationMs: number): { start: number; width: number }[] {
  if (durationMs <= 0) return [];
  return gaps
    .map((gap) => ({ start: Math.max(0, gap.startMs) / durationMs, end: Math.min(durationMs, gap.endMs) / durationMs }))
    .filter((gap) => gap.end > gap.start)
    .map((gap) => ({ start: gap.start, width: gap.end - gap.start }));
}

/** m:ss.t (h:mm:ss.t from an hour), tenths of a second: what the grader reads and notes. */
export function formatClock(seconds: number): string {
  const tenths = Math.max(0, Math.floor(seconds * 10 + 1e-6));
  const total = Math.floor(tenths / 10);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const rest = `${String(total % 60).padStart(2, '0')}.${String(tenths % 10)}`;
  return hours > 0 ? `${String(hours)}:${String(minutes).padStart(2, '0')}:${rest}` : `${String(minutes)}:${rest}`;
}
