import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PlayerClock } from '../../../renderer/src/review/player/player-clock';
import { KEYFRAME_FIRST_AFTER_S, keyframeFirst } from '../../../renderer/src/review/player/sync';

/** Enough of a <video> for the clock; every time it is sent to is kept, and `seeked` is fired by the test. */
class FakeVideo extends EventTarget {
  readonly sentTo: number[] = [];
  #time = 0;
  duration = 60;
  paused = true;
  ended = false;
  seeking = false;
  muted = false;
  playbackRate = 1;
  get currentTime(): number {
    return this.#time;
  }
  set currentTime(value: number) {
    this.#time = value;
    this.sentTo.push(value);
  }
  play(): Promise<void> {
    this.paused = false;
    return Promise.resolve();
  }
  pause(): void {
    this.paused = true;
  }
  seeked(): void {
    this.dispatchEvent(new Event('seeked'));
  }
}

const asVideo = (video: FakeVideo) => video as unknown as HTMLVideoElement;
const FRAME = 1 / 30;
/** A keyframe every 2 s, as phones record. */
const EVERY_2_S = Array.from({ length: 31 }, (_, index) => index * 2000);
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('where a paused seek shows first', () => {
  it('inside the keyframe at or before the time, when that is far enough back', () => {
    expect(keyframeFirst(EVERY_2_S, 13.7, FRAME)).toBeCloseTo(12 + FRAME / 2, 9);
    // Past the last keyframe: that one.
    expect(keyframeFirst(EVERY_2_S, 61, FRAME)).toBeCloseTo(60 + FRAME / 2, 9);
  });

  it('nowhere but the time itself when the keyframe is near, unknown or after it', () => {
    expect(keyframeFirst(EVERY_2_S, 12 + KEYFRAME_FIRST_AFTER_S / 2, FRAME)).toBeNull();
    expect(keyframeFirst(undefined, 13.7, FRAME)).toBeNull();
    expect(keyframeFirst([], 13.7, FRAME)).toBeNull();
    expect(keyframeFirst([500, 2500], 0.3, FRAME)).toBeNull();
  });
});

describe('the clock shows the keyframe first, then the exact frame', () => {
  beforeEach(() => {
    vi.stubGlobal('requestAnimationFrame', () => 1);
    vi.stubGlobal('cancelAnimationFrame', () => undefined);
  });
  afterEach(() => vi.unstubAllGlobals());

  function clockWith(offset = 0) {
    const main = new FakeVideo();
    const side = new FakeVideo();
    const clock = new PlayerClock();
    clock.attach(asVideo(main), asVideo(side));
    clock.setOffset(offset);
    clock.setKeyframes(EVERY_2_S, EVERY_2_S);
    main.sentTo.length = 0;
    side.sentTo.length = 0;
    return { main, side, clock };
  }

  it('paused: each angle goes to its keyframe, and once it shows it, to the exact time; the playhead stays on the time asked for', async () => {
    const { main, side, clock } = clockWith(2.5);
    let done = false;
    void clock.seek(13.7).then(() => {
      done = true;
    });
    expect(main.sentTo).toEqual([12 + FRAME / 2]);
    // The side is 2.5 s behind: 11.2 on its own clock, keyframe 10.
    expect(side.sentTo).toEqual([10 + FRAME / 2]);
    expect(clock.getSnapshot().time).toBe(13.7);
    main.seeked();
    side.seeked();
    await settle();
    expect(main.sentTo.at(-1)).toBe(13.7);
    expect(side.sentTo.at(-1)).toBeCloseTo(11.2, 9);
    expect(done).toBe(false);
    main.seeked();
    side.seeked();
    await settle();
    expect(done).toBe(true);
    expect(clock.getSnapshot().time).toBe(13.7);
  });

  it('a newer seek before the first shows wins: the older never sends the angles back to its time', async () => {
    const { main, clock } = clockWith();
    void clock.seek(13.7);
    void clock.seek(31);
    main.seeked();
    await settle();
    main.seeked();
    await settle();
    expect(main.sentTo).toEqual([12 + FRAME / 2, 30 + FRAME / 2, 31]);
    expect(main.currentTime).toBe(31);
  });

  it('playing, a frame step, or no keyframes known: straight to the time', async () => {
    const { main, side, clock } = clockWith();
    clock.step(1);
    expect(main.sentTo).toHaveLength(1);
    main.sentTo.length = 0;
    await clock.play();
    void clock.seek(13.7);
    expect(main.sentTo).toEqual([13.7]);
    clock.pause();
    clock.setKeyframes(null, null);
    main.sentTo.length = 0;
    side.sentTo.length = 0;
    void clock.seek(41.3);
    expect(main.sentTo).toEqual([41.3]);
    expect(side.sentTo).toEqual([41.3]);
  });
});
