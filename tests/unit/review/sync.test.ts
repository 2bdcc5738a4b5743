import { describe, expect, it } from 'vitest';
import { correction, frameSeconds, MAX_NUDGE, SEEK_AFTER_S, type ClockReading } from '../../../renderer/src/review/player/sync';

const frame = 1 / 30;
const reading = (over: Partial<ClockReading>): ClockReading => ({ mainTime: 10, sideTime: 10, rate: 1, playing: true, frame, sideDuration: 600, ...over });

describe('side angle sync', () => {
  it.each([
    ['in step', 10, { kind: 'none', rate: 1 }],
    ['within one frame behind', 10 - frame * 0.9, { kind: 'none', rate: 1 }],
    ['within one frame ahead', 10 + frame * 0.9, { kind: 'none', rate: 1 }],
  ] as const)('leaves the side alone while playing %s', (_label, sideTime, expected) => {
    expect(correction(reading({ sideTime }))).toEqual(expected);
  });

  it('speeds the side up when it is a few frames behind, and slows it down when ahead', () => {
    const behind = correction(reading({ sideTime: 10 - 0.1 }));
    expect(behind).toEqual({ kind: 'rate', rate: 1.1 });
    const slightlyBehind = correction(reading({ sideTime: 10 - 0.04 }));
    expect(slightlyBehind).toEqual({ kind: 'rate', rate: 1.08 });
    const ahead = correction(reading({ sideTime: 10 + 0.04 }));
    expect(ahead).toEqual({ kind: 'rate', rate: 0.92 });
  });

  it('never nudges by more than MAX_NUDGE, and nudges relative to the chosen speed', () => {
    const fast = correction(reading({ sideTime: 10 - 0.25, rate: 2 }));
    expect(fast).toEqual({ kind: 'rate', rate: 2 * (1 + MAX_NUDGE) });
    const slow = correction(reading({ sideTime: 10 + 0.25, rate: 0.25 }));
    expect(slow).toEqual({ kind: 'rate', rate: 0.225 });
  });

  it('seeks the side to the main beyond SEEK_AFTER_S', () => {
    expect(correction(reading({ sideTime: 10 - SEEK_AFTER_S - 0.01 }))).toEqual({ kind: 'seek', to: 10, rate: 1 });
    expect(correction(reading({ sideTime: 42, rate: 1.5 }))).toEqual({ kind: 'seek', to: 10, rate: 1.5 });
  });

  it('places a paused side on the main frame exactly (more than half a frame off)', () => {
    expect(correction(reading({ playing: false, sideTime: 10 + frame * 0.4 }))).toEqual({ kind: 'none', rate: 1 });
    expect(correction(reading({ playing: false, sideTime: 10 + frame * 0.6 }))).toEqual({ kind: 'seek', to: 10, rate: 1 });
  });

  it('does not chase the main past the end of a shorter side recording', () => {
    expect(correction(reading({ mainTime: 620, sideTime: 600, sideDuration: 600 }))).toEqual({ kind: 'none', rate: 1 });
    // Paused past its end, the side shows its last frame.
    expect(correction(reading({ playing: false, mainTime: 620, sideTime: 300, sideDuration: 600 }))).toEqual({ kind: 'seek', to: 600, rate: 1 });
  });

  it.each([
    [30, 1 / 30],
    [25, 1 / 25],
    [59.94, 1 / 59.94],
    [0, 1 / 30],
    [null, 1 / 30],
    [undefined, 1 / 30],
    [1000, 1 / 30],
  ])('one frame at %s fps is %s s', (rate, seconds) => {
    expect(frameSeconds(rate)).toBeCloseTo(seconds, 9);
  });
});
