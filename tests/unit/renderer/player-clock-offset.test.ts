import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { commandFor } from '../../../renderer/src/review/player/keys';
import { PlayerClock } from '../../../renderer/src/review/player/player-clock';

/** Enough of a <video> for the clock: a time, a length, paused or not, and its events. */
class FakeVideo extends EventTarget {
  currentTime = 0;
  duration = 20;
  paused = true;
  ended = false;
  seeking = false;
  muted = false;
  playbackRate = 1;
  plays = 0;
  play(): Promise<void> {
    this.plays += 1;
    this.paused = false;
    return Promise.resolve();
  }
  pause(): void {
    this.paused = true;
  }
}

const asVideo = (video: FakeVideo) => video as unknown as HTMLVideoElement;

describe("the player clock keeps the side on the main's clock by the offset", () => {
  beforeEach(() => {
    vi.stubGlobal('requestAnimationFrame', () => 1);
    vi.stubGlobal('cancelAnimationFrame', () => undefined);
  });
  afterEach(() => vi.unstubAllGlobals());

  it('seeks the side to the main time minus the offset, and to its start before it started', () => {
    const main = new FakeVideo();
    const side = new FakeVideo();
    const clock = new PlayerClock();
    clock.attach(asVideo(main), asVideo(side));
    clock.setOffset(2.5);
    void clock.seek(10);
    expect(main.currentTime).toBe(10);
    expect(side.currentTime).toBe(7.5);
    void clock.seek(1);
    expect(side.currentTime).toBe(0);
    // A negative offset: the side started first, it is ahead.
    clock.setOffset(-1);
    void clock.seek(4);
    expect(side.currentTime).toBe(5);
  });

  it('a new offset moves the paused side at once', () => {
    const main = new FakeVideo();
    const side = new FakeVideo();
    const clock = new PlayerClock();
    clock.attach(asVideo(main), asVideo(side));
    main.currentTime = 6;
    side.currentTime = 6;
    clock.setOffset(2);
    expect(side.currentTime).toBe(4);
  });

  it('plays the main alone until the side starts, then starts the side', async () => {
    const main = new FakeVideo();
    const side = new FakeVideo();
    const clock = new PlayerClock();
    clock.attach(asVideo(main), asVideo(side));
    clock.setOffset(3);
    main.currentTime = 1;
    await clock.play();
    expect(main.paused).toBe(false);
    expect(side.paused).toBe(true);
    expect(side.plays).toBe(0);
    expect(side.currentTime).toBe(0);
    // The main reaches the side's start: on its next seeked/tick the side plays.
    main.currentTime = 3.01;
    main.dispatchEvent(new Event('seeked'));
    expect(side.plays).toBe(1);
    expect(side.paused).toBe(false);
  });

  it('B is the blind-listening key, never while typing', () => {
    const press = { ctrlKey: false, metaKey: false, altKey: false, isComposing: false };
    expect(commandFor({ ...press, key: 'b' }, { playing: true, rate: 1 }, false)).toEqual({ kind: 'blind' });
    expect(commandFor({ ...press, key: 'B' }, { playing: false, rate: 1 }, false)).toEqual({ kind: 'blind' });
    expect(commandFor({ ...press, key: 'b' }, { playing: true, rate: 1 }, true)).toBeNull();
  });
});
