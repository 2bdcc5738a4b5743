import { describe, expect, it } from 'vitest';
import { clampTime, formatClock, fractionOf, gapSpans, tileAt, tileOffset, timeAt } from '../../../renderer/src/review/player/timeline';

describe('scrubber geometry', () => {
  it('maps times to fractions and back, clamped to the recording', () => {
    expect(fractionOf(30, 120)).toBe(0.25);
    expect(fractionOf(-3, 120)).toBe(0);
    expect(fractionOf(500, 120)).toBe(1);
    expect(fractionOf(5, 0)).toBe(0);
    expect(timeAt(0.5, 200)).toBe(100);
    expect(timeAt(1.4, 200)).toBe(200);
    expect(timeAt(-0.2, 200)).toBe(0);
    expect(clampTime(Number.NaN, 10)).toBe(0);
  });

  it('finds the keyframe tile at or before a time', () => {
    const strip = { tileTimesMs: [0, 2000, 4000, 6000] };
    expect(tileAt(strip, 0)).toBe(0);
    expect(tileAt(strip, 1999)).toBe(0);
    expect(tileAt(strip, 2000)).toBe(1);
    expect(tileAt(strip, 9000)).toBe(3);
    expect(tileAt({ tileTimesMs: [500] }, 100)).toBe(0);
    expect(tileAt({ tileTimesMs: [] }, 100)).toBe(-1);
  });

  it('offsets a tile in the sprite row by row', () => {
    const strip = { columns: 10, tileWidth: 160, tileHeight: 90 };
    expect(tileOffset(strip, 0)).toEqual({ x: -0, y: -0 });
    expect(tileOffset(strip, 9)).toEqual({ x: -1440, y: -0 });
    expect(tileOffset(strip, 23)).toEqual({ x: -480, y: -180 });
  });

  it('draws silent gaps as fractions, dropping empty ones and clipping to the recording', () => {
    expect(gapSpans([{ startMs: 7000, endMs: 12000 }], 20000)).toEqual([{ start: 0.35, width: 0.25 }]);
    expect(gapSpans([{ startMs: 18000, endMs: 25000 }], 20000)).toEqual([{ start: 0.9, width: 0.09999999999999998 }]);
    expect(gapSpans([{ startMs: 5000, endMs: 5000 }], 20000)).toEqual([]);
    expect(gapSpans([{ startMs: 0, endMs: 1000 }], 0)).toEqual([]);
  });

  it.each([
    [0, '0:00.0'],
    [7.25, '0:07.2'],
    [65.99, '1:05.9'],
    [600, '10:00.0'],
    [3725.5, '1:02:05.5'],
    [-4, '0:00.0'],
  ])('shows %s s as %s', (seconds, text) => {
    expect(formatClock(seconds)).toBe(text);
  });
});
