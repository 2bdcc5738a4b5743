import { describe, expect, it } from 'vitest';
import {
  FREEZE_AFTER_MS,
  FREEZE_TICK_MS,
  frameShown,
  frozenMsAt,
  isFrozen,
  NO_FRAMES,
  streamReplaced,
  tick,
  type FreezeState,
} from '../../../renderer/src/live/quality/freeze';

type Step = { frame: number } | { tick: number };

/** Runs a sequence of frames and ticks; returns the state after each step. */
function run(steps: readonly Step[], from: FreezeState = NO_FRAMES): FreezeState[] {
  const states: FreezeState[] = [];
  let state = from;
  for (const step of steps) {
    state = 'frame' in step ? frameShown(state, step.frame) : tick(state, step.tick);
    states.push(state);
  }
  return states;
}

/** Frames every 33 ms from `from` to `to` (a 30 fps feed), with the ticks a timer would run. */
function feed(from: number, to: number): Step[] {
  const steps: Step[] = [];
  for (let at = from; at <= to; at += 33) steps.push({ frame: at });
  for (let at = from; at <= to; at += FREEZE_TICK_MS) steps.push({ tick: at });
  return steps.sort((a, b) => ('frame' in a ? a.frame : a.tick) - ('frame' in b ? b.frame : b.tick));
}

describe('freeze detection', () => {
  it('never marks a steady 30 fps feed frozen', () => {
    const states = run(feed(0, 10_000));
    expect(states.some(isFrozen)).toBe(false);
    expect(states.at(-1)).toMatchObject({ freezes: 0, frozenMs: 0 });
  });

  it('marks a feed frozen within two seconds of its last frame, on the first tick after one second', () => {
    const before = run(feed(0, 5_000)).at(-1) ?? NO_FRAMES;
    const last = before.lastFrameAt ?? 0;
    // The ticks a timer runs after the frames stop: frozen from the first one past a second.
    const ticks = Array.from({ length: 12 }, (_, i) => last + (i + 1) * FREEZE_TICK_MS);
    const states = run(ticks.map((at) => ({ tick: at })), before);
    const firstFrozen = ticks[states.findIndex(isFrozen)] ?? Infinity;
    expect(firstFrozen - last).toBeGreaterThanOrEqual(FREEZE_AFTER_MS);
    expect(firstFrozen - last).toBeLessThanOrEqual(FREEZE_AFTER_MS + FREEZE_TICK_MS);
    expect(firstFrozen - last).toBeLessThan(2_000);
  });

  it.each([
    // label, gap, counted as a freeze, frozen ms, marked frozen by a tick during the gap
    ['a 900 ms gap is a hiccup, not a freeze', 900, false, 0, false],
    ['a 1 s gap is a freeze', 1_000, true, 1_000, false],
    ['a 3.5 s gap is one freeze of 3.5 s, shown while it lasts', 3_500, true, 3_500, true],
  ])('%s', (_label, gap, froze, frozenMs, marked) => {
    const ticks = Array.from({ length: Math.floor(gap / FREEZE_TICK_MS) }, (_, i) => ({ tick: 1_000 + (i + 1) * FREEZE_TICK_MS }));
    const states = run([{ frame: 1_000 }, ...ticks.filter((t) => t.tick < 1_000 + gap), { frame: 1_000 + gap }]);
    expect(states.some(isFrozen)).toBe(marked);
    const end = states.at(-1) ?? NO_FRAMES;
    expect(isFrozen(end)).toBe(false);
    expect(end.freezes).toBe(froze ? 1 : 0);
    expect(end.frozenMs).toBe(frozenMs);
  });

  it('counts a freeze no tick saw (a stalled timer) when the next frame arrives', () => {
    const end = run([{ frame: 0 }, { frame: 2_500 }]).at(-1);
    expect(end).toMatchObject({ freezes: 1, frozenMs: 2_500 });
  });

  it('counts a freeze still going on up to now', () => {
    const state = run([{ frame: 0 }, { tick: 1_250 }]).at(-1) ?? NO_FRAMES;
    expect(isFrozen(state)).toBe(true);
    expect(frozenMsAt(state, 4_000)).toBe(4_000);
  });

  it('does not count the outage between two connections as a freeze of the picture', () => {
    const dropped = streamReplaced(run([{ frame: 0 }, { frame: 33 }, { tick: 1_200 }]).at(-1) ?? NO_FRAMES);
    expect(isFrozen(dropped)).toBe(false);
    const back = run([{ tick: 9_000 }, { frame: 10_000 }, { frame: 10_033 }], dropped).at(-1);
    expect(back).toMatchObject({ freezes: 0, frozenMs: 0, lastFrameAt: 10_033 });
  });

  it('is not frozen before the first frame', () => {
    expect(isFrozen(tick(NO_FRAMES, 60_000))).toBe(false);
  });
});
