import type { ExaminerApi } from '@common/contract';
import type { Device, QueueEntry, QueueState, RoomState } from '@common/platform';
import { InterviewAudio } from '../media/audio-graph';
import { TalkBack } from '../talk/talk-back';
import { FeedController, type FeedSnapshot } from './feed-controller';
import type { Signaling } from './signaling';

export const DEVICES: readonly Device[] = ['main', 'side'];

/** States in which the candidate is with the examiner who called them (platform/state/queue.ts LIVE_STATES). */
const LIVE_STATES: readonly QueueState[] = ['called', 'in_room', 'interrupted'];

export type SessionSnapshot = Readonly<Record<Device, FeedSnapshot>>;

export interface SessionOptions {
  readonly entryId: string;
  readonly signaling: Signaling;
  /** Read the frame stamps of the simulated candidates (tests, benchmark). */
  readonly probe: boolean;
}

/**
 * The live interview's media side, outside React: both feeds, their shared sound, and evidence
 * recording. React tells it what the platform says (the entry: its state and which devices are
 * online) and renders its snapshot; it never reads React state.
 */
export class InterviewSession {
  readonly audio = new InterviewAudio();
  readonly feeds: Readonly<Record<Device, FeedController>>;
  /** The examiner's voice to the candidate. */
  readonly talk: TalkBack;
  #snapshot: SessionSnapshot;
  readonly #listeners = new Set<() => void>();
  #ended = false;
  /** The room's media epoch last seen: a higher one means every peer is set up again. */
  #epoch: number | null = null;
  #room: RoomState | null = null;

  /** The entry as synced last: the room's first state may come after it. */
  #entry: QueueEntry | null = null;

  constructor(options: SessionOptions) {
    // Each peer takes the ICE servers of the room as pushed last, and none but those.
    const iceServers = () => this.#room?.iceServers ?? [];
    const feed = (device: Device) => new FeedController(device, options.entryId, options.signaling, this.audio, () => this.#changed(), options.probe, iceServers);
    this.feeds = { main: feed('main'), side: feed('side') };
    this.talk = new TalkBack(options.entryId, options.signaling, iceServers);
    this.#snapshot = { main: this.feeds.main.snapshot, side: this.feeds.side.snapshot };
  }

  /**
   * What the platform says now: subscribe to the feeds whose device is online, and speak, while
   * the candidate is live — once the room's state came, which names the ICE servers to use (a
   * peer made before it would use none, and fail behind a NAT).
   */
  sync(entry: QueueEntry | null): void {
    this.#entry = entry;
    const active = !this.#ended && entry !== null && this.#room !== null && LIVE_STATES.includes(entry.state);
    for (const device of DEVICES) this.feeds[device].want(active, entry?.devices[device] ?? false);
    this.talk.want(active);
  }

  /** The room as pushed last; when its media epoch grows (the SFU restarted), every peer of the older epoch is replaced. */
  setRoom(room: RoomState): void {
    const first = this.#room === null;
    this.#room = room;
    const previous = this.#epoch;
    this.#epoch = room.epoch;
    if (first) this.sync(this.#entry);
    else if (previous !== null && room.epoch > previous) this.renew();
  }

  get room(): RoomState | null {
    return this.#room;
  }

  /** Every peer anew: main's realtime socket was replaced, so the platform dropped the old ones with it. */
  renew(): void {
    for (const device of DEVICES) this.feeds[device].renew();
    this.talk.renew();
  }

  async startRecording(assignmentId: string, invoke: ExaminerApi['invoke'], labels: Record<Device, string>): Promise<void> {
    // The click that starts recording is the gesture browsers want before sound may start.
    await this.audio.resume();
    await Promise.all(DEVICES.map((device) => this.feeds[device].startRecording(assignmentId, invoke, labels[device])));
  }

  async stopRecording(): Promise<void> {
    await Promise.all(DEVICES.map((device) => this.feeds[device].stopRecording()));
  }

  /** Starts the feeds' watching; the panel's effect calls it, and close() when it unmounts. */
  open(): void {
    for (const device of DEVICES) this.feeds[device].open();
  }

  /** Closes both links, finishes any recording and lets the sound go; open() starts again. */
  async close(): Promise<void> {
    await Promise.all(DEVICES.map((device) => this.feeds[device].close()));
    this.talk.want(false);
    this.audio.close();
  }

  /** The interview is over (finished, or failed by the platform): links close, recordings are finished, nothing reconnects. */
  async end(): Promise<void> {
    this.#ended = true;
    this.sync(null);
    await this.stopRecording();
  }

  get ended(): boolean {
    return this.#ended;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getSnapshot = (): SessionSnapshot => this.#snapshot;

  #changed(): void {
    const { main, side } = this.feeds;
    if (this.#snapshot.main === main.snapshot && this.#snapshot.side === side.snapshot) return;
    this.#snapshot = { main: main.snapshot, side: side.snapshot };
    for (const listener of [...this.#listeners]) listener();
  }
}
