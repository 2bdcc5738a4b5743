import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseClock, parseFfmpegProgressLine, progressFraction } from '../../../node-shared/media/progress';

/** stderr as the runner reads it: lines split on \r (classic stats) and \n. */
const fixtureLines = (name: string) => readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8').split(/\r\n|\r|\n/);

describe('parseFfmpegProgressLine on real ffmpeg 5.1 output (fixtures/capture.sh)', () => {
  it('reads every classic stats line of a 20-second transcode, in order, up to its end', () => {
    const updates = fixtureLines('progress-classic.txt')
      .map(parseFfmpegProgressLine)
      .filter((update) => update !== null);
    expect(updates.length).toBe(fixtureLines('progress-classic.txt').filter((line) => line.startsWith('frame=')).length);
    expect(updates.length).toBeGreaterThanOrEqual(3);
    const times = updates.map((update) => update.timeSeconds ?? -1);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(updates.at(0)).toMatchObject({ frame: 1, timeSeconds: 0.04 });
    expect(updates.at(-1)).toMatchObject({ frame: 600, timeSeconds: 20.01 });
    expect(updates.every((update) => (update.speed ?? 0) > 0)).toBe(true);
  });

  it('reads the -progress pipe:2 blocks: out_time_us, out_time_ms (also µs), out_time, frame, speed, and progress=end', () => {
    const updates = fixtureLines('progress-pipe.txt').map(parseFfmpegProgressLine);
    const times = updates.flatMap((update) => (update?.timeSeconds === undefined ? [] : [update.timeSeconds]));
    // Three time keys per block, each saying the same time.
    expect(times.length % 3).toBe(0);
    expect(times.at(-1)).toBeCloseTo(20.01, 1);
    expect(updates.filter((update) => update?.end === true)).toHaveLength(1);
    expect(updates.filter((update) => update !== null).at(-1)).toEqual({ end: true });
    expect(updates.some((update) => update?.frame === 600)).toBe(true);
    expect(updates.filter((update) => update?.speed !== undefined).length).toBe(times.length / 3);
  });

  it.each([
    ['out_time_us=12345678', { timeSeconds: 12.345678 }],
    ['out_time_ms=2000000', { timeSeconds: 2 }],
    ['out_time=01:02:03.500000', { timeSeconds: 3723.5 }],
    ['out_time=100:00:00.00', { timeSeconds: 360_000 }],
    ['speed=2.5x', { speed: 2.5 }],
    ['frame=42', { frame: 42 }],
    ['progress=end', { end: true }],
    ['frame=  143 fps=0.0 q=29.0 size=     256kB time=00:00:04.77 bitrate= 438.9kbits/s speed=9.49x    ', { frame: 143, timeSeconds: 4.77, speed: 9.49 }],
    ['size=    1024kB time=00:01:00.00 bitrate= 139.8kbits/s speed=  60x', { timeSeconds: 60, speed: 60 }],
  ])('%s', (line, expected) => {
    expect(parseFfmpegProgressLine(line)).toEqual(expected);
  });

  it.each([
    // Before the first packet ffmpeg prints negative and N/A times: not progress.
    'out_time_us=-9223372036854775807',
    'out_time=-577014:32:22.775807',
    'out_time_ms=N/A',
    'speed=N/A',
    'progress=continue',
    'bitrate=   9.0kbits/s',
    '[silencedetect @ 0x5576383d7b40] silence_start: 7.01875',
    'Stream #0:0 -> #0:0 (h264 (native) -> h264 (libx264))',
    '',
    '   ',
  ])('ignores %j', (line) => {
    expect(parseFfmpegProgressLine(line)).toBeNull();
  });
});

describe('parseClock and progressFraction', () => {
  it.each([
    ['00:00:04.77', 4.77],
    ['1:00:00', 3600],
    ['12:34:56.789', 45296.789],
    ['N/A', null],
    ['00:61:00', null],
    ['-00:00:01.00', null],
  ])('%s → %s', (clock, seconds) => {
    const parsed = parseClock(clock);
    if (seconds === null) expect(parsed).toBeNull();
    else expect(parsed).toBeCloseTo(seconds, 6);
  });

  it('clamps to 0..1 and is 0 without a duration', () => {
    expect(progressFraction(5, 10_000)).toBe(0.5);
    expect(progressFraction(20.01, 20_000)).toBe(1);
    expect(progressFraction(-1, 20_000)).toBe(0);
    expect(progressFraction(5, 0)).toBe(0);
  });
});
