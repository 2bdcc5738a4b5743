import { correction, frameSeconds, keyframeFirst, sidePlays, sideTarget } from './sync';
import { clampTime } from './timeline';

export interface ClockSnapshot {
  /** Seconds on the leader's clock. */
  readonly time: number;
  readonly duration: number;
  readonly playing: boolean;
  /** What the grader chose (the follower may run a few percent off it while catching up). */
  readonly rate: number;
  /** Follower minus where it should be on the leader's clock (the offset taken off), in seconds, when both play. */
  readonly drift: number | null;
}

/** Marked in the page's performance timeline when a seek's exact frame shows on every angle (the benchmark reads it). */
export const SEEK_EXACT_MARK = 'review:seek-exact';

const IDLE: ClockSnapshot = { time: 0, duration: 0, playing: false, rate: 1, drift: null };
const LEADER_EVENTS = ['play', 'pause', 'playing', 'waiting', 'seeking', 'seeked', 'ended', 'durationchange', 'loadedmetadata', 'ratechange'] as const;

/**
 * One clock for two <video> elements: the leader (the main angle) is the clock, the follower
 * (the side angle) is kept on it by sync.ts's corrections, every animation frame while playing
 * and on every pause and seek. Everything the grader does goes through here, so both angles
 * always move together. The follower sits `offset` seconds behind the leader's clock (the
 * alignment: the side phone started that long after the main); before it started it waits.
 */
export class PlayerClock {
  #leader: HTMLVideoElement | null = null;
  #follower: HTMLVideoElement | null = null;
  #frame = 1 / 30;
  #rate = 1;
  #offset = 0;
  /** Each angle's keyframes in ms (from its probe), when known. */
  #keyframes: { leader: readonly number[] | null; follower: readonly number[] | null } = { leader: null, follower: null };
  /** The follower was paused by the clock because it had not started yet at the leader's time. */
  #followerWaiting = false;
  #snapshot: ClockSnapshot = IDLE;
  /** The newest seek: an older one still under way stops short of its exact frame. */
  #seekGeneration = 0;
  /** Where a seek is going, until both angles show its exact frame (the playhead stays there). */
  #seeking: number | null = null;
  #raf = 0;
  readonly #listeners = new Set<() => void>();
  readonly #onLeaderEvent = (event: Event) => this.#leaderChanged(event.type);

  /** Attach the videos (either may be absent: an angle not ready yet plays nothing). */
  attach(leader: HTMLVideoElement | null, follower: HTMLVideoElement | null): void {
    if (leader === this.#leader && follower === this.#follower) return;
    this.#detachLeader();
    this.#leader = leader;
    this.#follower = follower;
    this.#seeking = null;
    if (follower) {
      follower.muted = true;
      follower.playbackRate = this.#rate;
    }
    if (leader) {
      for (const name of LEADER_EVENTS) leader.addEventListener(name, this.#onLeaderEvent);
      leader.playbackRate = this.#rate;
      // A leader that arrives late (a proxy replacing a file the browser refused) takes over,
      // paused, from where the other angle was.
      if (follower && leader.paused && leader.currentTime === 0 && follower.currentTime > 0) {
        follower.pause();
        leader.currentTime = Math.max(0, follower.currentTime + this.#offset);
      }
    }
    this.#publish();
  }

  /** Seconds of one frame of the leader, from its probe. */
  setFrameRate(frameRate: number | null | undefined): void {
    this.#frame = frameSeconds(frameRate);
  }

  /** The keyframes (ms) of the leader's and the follower's files, from their probes (null: unknown). */
  setKeyframes(leader: readonly number[] | null | undefined, follower: readonly number[] | null | undefined): void {
    this.#keyframes = { leader: leader ?? null, follower: follower ?? null };
  }

  /** Seconds the follower started after the leader (the alignment's offset); applied at once. */
  setOffset(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds === this.#offset) return;
    this.#offset = seconds;
    const leader = this.#leader;
    if (leader) this.#align(!leader.paused);
    this.#publish();
  }

  get offset(): number {
    return this.#offset;
  }

  get frame(): number {
    return this.#frame;
  }

  dispose(): void {
    this.#detachLeader();
    this.#leader = null;
    this.#follower = null;
    this.#listeners.clear();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getSnapshot = (): ClockSnapshot => this.#snapshot;

  async play(rate?: number): Promise<void> {
    if (rate !== undefined) this.setRate(rate);
    const leader = this.#leader;
    if (!leader) return;
    if (leader.ended) leader.currentTime = 0;
    this.#align(false);
    const follower = this.#follower;
    const followerPlays = follower !== null && sidePlays(leader.currentTime, this.#offset, follower.duration);
    this.#followerWaiting = follower !== null && !followerPlays && leader.currentTime < this.#offset;
    await Promise.all([leader.play(), follower && followerPlays ? follower.play() : Promise.resolve()]);
  }

  pause(): void {
    this.#leader?.pause();
    this.#follower?.pause();
    this.#align(false);
  }

  toggle(): Promise<void> {
    if (this.#leader && !this.#leader.paused) {
      this.pause();
      return Promise.resolve();
    }
    return this.play();
  }

  setRate(rate: number): void {
    this.#rate = rate;
    if (this.#leader) this.#leader.playbackRate = rate;
    if (this.#follower) this.#follower.playbackRate = rate;
    this.#publish();
  }

  /**
   * Both angles to a time; resolves once both show its exact frame. Paused, an angle whose
   * keyframe before that time is far back shows the keyframe first (decoded alone, at once) and
   * then the exact frame; `exact` (frame steps) and playing go straight there.
   */
  seek(seconds: number, options: { exact?: boolean } = {}): Promise<void> {
    const leader = this.#leader;
    if (!leader) return Promise.resolve();
    const target = clampTime(seconds, durationOf(leader));
    const generation = ++this.#seekGeneration;
    const coarse = options.exact !== true && leader.paused;
    this.#seeking = target;
    const moves = [this.#move(leader, this.#keyframes.leader, target, coarse, generation)];
    const follower = this.#follower;
    if (follower && Number.isFinite(follower.duration)) {
      moves.push(this.#move(follower, this.#keyframes.follower, sideTarget(target, this.#offset, follower.duration), coarse, generation));
    }
    this.#publish();
    return Promise.all(moves).then(() => {
      if (generation !== this.#seekGeneration) return;
      this.#seeking = null;
      performance.mark(SEEK_EXACT_MARK);
      if (this.#leader === leader) this.#align(!leader.paused);
      this.#publish();
    });
  }

  /** One video to a time: by its keyframe first when that is quicker to show (see seek). */
  async #move(video: HTMLVideoElement, keyframesMs: readonly number[] | null, at: number, coarse: boolean, generation: number): Promise<void> {
    const first = coarse ? keyframeFirst(keyframesMs ?? undefined, at, this.#frame) : null;
    if (first !== null) {
      const shown = seeked(video);
      video.currentTime = first;
      await shown;
      if (generation !== this.#seekGeneration) return;
    }
    const done = seeked(video);
    video.currentTime = at;
    await done;
  }

  seekBy(seconds: number): Promise<void> {
    return this.seek((this.#leader?.currentTime ?? 0) + seconds);
  }

  /** One frame back or forward, paused: the picture shown is that frame on both angles. */
  step(direction: 1 | -1): Promise<void> {
    this.pause();
    const frame = this.#frame;
    const now = this.#leader?.currentTime ?? 0;
    const index = Math.round((now - frame / 4) / frame) + direction;
    // A quarter into the frame: safely past its timestamp, whatever the rounding of the container.
    return this.seek(Math.max(0, index) * frame + frame / 4, { exact: true });
  }

  #detachLeader(): void {
    cancelAnimationFrame(this.#raf);
    this.#raf = 0;
    if (this.#leader) for (const name of LEADER_EVENTS) this.#leader.removeEventListener(name, this.#onLeaderEvent);
  }

  #leaderChanged(type: string): void {
    const leader = this.#leader;
    const follower = this.#follower;
    if (!leader) return;
    if (follower) {
      if (type === 'pause' || type === 'ended' || type === 'waiting') follower.pause();
      if (type === 'playing' && follower.paused && sidePlays(leader.currentTime, this.#offset, follower.duration)) void follower.play().catch(() => undefined);
      // Mid-seek the angles are placed by the seek itself (a keyframe first, then the frame).
      if ((type === 'seeked' || type === 'pause') && this.#seeking === null) this.#align(!leader.paused);
    }
    if (!leader.paused && this.#raf === 0) this.#raf = requestAnimationFrame(this.#tick);
    this.#publish();
  }

  readonly #tick = () => {
    this.#raf = 0;
    const leader = this.#leader;
    if (!leader || leader.paused) {
      this.#publish();
      return;
    }
    this.#align(true);
    this.#publish();
    this.#raf = requestAnimationFrame(this.#tick);
  };

  /** Applies sync.ts's correction to the follower. */
  #align(playing: boolean): void {
    const leader = this.#leader;
    const follower = this.#follower;
    if (!leader || !follower || !Number.isFinite(follower.duration) || follower.seeking) return;
    const fix = correction({
      mainTime: leader.currentTime,
      sideTime: follower.currentTime,
      rate: this.#rate,
      playing,
      frame: this.#frame,
      sideDuration: follower.duration,
      offset: this.#offset,
    });
    if (fix.kind === 'wait') {
      if (!follower.paused) follower.pause();
      if (fix.seek) follower.currentTime = fix.to;
      this.#followerWaiting = true;
    } else if (playing && this.#followerWaiting && follower.paused && sidePlays(leader.currentTime, this.#offset, follower.duration)) {
      // The side's start has come: it plays from here on.
      this.#followerWaiting = false;
      void follower.play().catch(() => undefined);
    } else if (!playing) {
      this.#followerWaiting = false;
    }
    if (fix.kind === 'seek') follower.currentTime = fix.to;
    if (follower.playbackRate !== fix.rate) follower.playbackRate = fix.rate;
  }

  #publish(): void {
    const leader = this.#leader;
    const follower = this.#follower;
    const time = (leader ? this.#seeking : null) ?? leader?.currentTime ?? 0;
    const duration = leader ? durationOf(leader) : 0;
    const playing = leader ? !leader.paused && !leader.ended : false;
    const drift =
      leader && follower && Number.isFinite(follower.duration) && sidePlays(time, this.#offset, follower.duration) ? follower.currentTime - (time - this.#offset) : null;
    const last = this.#snapshot;
    // While playing, React re-renders only when the time moved a twentieth of a second; paused,
    // on every change (a frame step is a thirtieth).
    if (
      Math.abs(last.time - time) < (playing ? 0.05 : 1e-6) &&
      last.duration === duration &&
      last.playing === playing &&
      last.rate === this.#rate &&
      (last.drift === null) === (drift === null)
    ) {
      return;
    }
    this.#snapshot = { time, duration, playing, rate: this.#rate, drift };
    for (const listener of this.#listeners) listener();
  }
}

function durationOf(video: HTMLVideoElement): number {
  return Number.isFinite(video.duration) ? video.duration : 0;
}

function seeked(video: HTMLVideoElement): Promise<void> {
  return new Promise((resolve) => video.addEventListener('seeked', () => resolve(), { once: true }));
}
