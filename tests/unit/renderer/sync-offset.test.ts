import { describe, expect, it } from 'vitest';
import { correction, sidePlays, sideTarget } from '../../../renderer/src/review/player/sync';

const FRAME = 1 / 30;
const base = { rate: 1, frame: FRAME, sideDuration: 60 } as const;

describe("the side on the main's clock by the alignment's offset", () => {
  it("places the side at the main's time minus the offset, within the side", () => {
    expect(sideTarget(10, 2.37, 60)).toBeCloseTo(7.63, 9);
    // The side started first (negative offset): it is ahead of the main.
    expect(sideTarget(10, -1.5, 60)).toBeCloseTo(11.5, 9);
    // Before the side started: its start; after it ended: its end.
    expect(sideTarget(1, 2.37, 60)).toBe(0);
    expect(sideTarget(70, 2.37, 60)).toBe(60);
  });

  it('says whether the side has anything to play at a moment of the main', () => {
    expect(sidePlays(2.36, 2.37, 60)).toBe(false);
    expect(sidePlays(2.37, 2.37, 60)).toBe(true);
    expect(sidePlays(62.36, 2.37, 60)).toBe(true);
    expect(sidePlays(62.37, 2.37, 60)).toBe(false);
  });

  it('paused, puts the side on the offset frame of the main', () => {
    expect(correction({ ...base, mainTime: 10, sideTime: 10, playing: false, offset: 2 })).toEqual({ kind: 'seek', to: 8, rate: 1 });
    expect(correction({ ...base, mainTime: 10, sideTime: 8.01, playing: false, offset: 2 })).toEqual({ kind: 'none', rate: 1 });
  });

  it('playing, corrects drift from the offset target, not from the main time', () => {
    // On target: nothing, although the side is 2 s behind the main.
    expect(correction({ ...base, mainTime: 10, sideTime: 8, playing: true, offset: 2 })).toEqual({ kind: 'none', rate: 1 });
    // A small lag behind the target: a faster rate.
    const nudge = correction({ ...base, mainTime: 10, sideTime: 7.9, playing: true, offset: 2 });
    expect(nudge.kind).toBe('rate');
    expect(nudge.rate).toBeGreaterThan(1);
    // Far off: a seek to the target.
    expect(correction({ ...base, mainTime: 10, sideTime: 10, playing: true, offset: 2 })).toEqual({ kind: 'seek', to: 8, rate: 1 });
  });

  it('before the side starts it waits at 0, paused, seeking there only when it is elsewhere', () => {
    expect(correction({ ...base, mainTime: 1, sideTime: 0, playing: true, offset: 2.37 })).toEqual({ kind: 'wait', to: 0, seek: false, rate: 1 });
    expect(correction({ ...base, mainTime: 1, sideTime: 5, playing: true, offset: 2.37 })).toEqual({ kind: 'wait', to: 0, seek: true, rate: 1 });
  });

  it('after the side ended there is nothing to follow', () => {
    expect(correction({ ...base, mainTime: 63, sideTime: 60, playing: true, offset: 2 })).toEqual({ kind: 'none', rate: 1 });
  });

  it('without an offset behaves as before: the side on the main', () => {
    expect(correction({ ...base, mainTime: 10, sideTime: 9, playing: true })).toEqual({ kind: 'seek', to: 10, rate: 1 });
    expect(correction({ ...base, mainTime: 10, sideTime: 10, playing: true, offset: 0 })).toEqual({ kind: 'none', rate: 1 });
  });
});
