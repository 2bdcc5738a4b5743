import type { IceServer } from '@common/platform';
import type { LinkState } from '../session/room-peer';
import type { Signaling } from '../session/signaling';
import { listMicrophones, Microphone, rememberedMicrophone, rememberMicrophone, type MicInput } from './microphone';
import { VoiceLink } from './voice-link';

/** What the talk-back controls show; a new object whenever something changes. */
export interface TalkBackSnapshot {
  readonly mic: 'off' | 'starting' | 'on' | 'failed';
  /** Why the microphone could not be opened (the browser's error name), when it failed. */
  readonly micError: string | null;
  readonly inputs: readonly MicInput[];
  /** The microphone chosen (null: the system's default). */
  readonly deviceId: string | null;
  /** 0–1. */
  readonly level: number;
  readonly pushToTalk: boolean;
  readonly openMic: boolean;
  /** Push-to-talk held or open mic: the track is enabled and the panel is told. */
  readonly talking: boolean;
  readonly voice: LinkState | 'none';
  /** The platform refused the voice (its code); null otherwise. */
  readonly refused: string | null;
}

const RETRY_MS = [300, 1_000, 2_000, 5_000];

/**
 * Talk-back in one panel room: opens the chosen microphone while the interview is live,
 * publishes it once (a new link only when the old one ended: a new socket, a new room epoch, the
 * platform's peer_closed, another microphone), and enables its track only while the examiner
 * talks — push-to-talk held (key or button) or the open mic on — telling the panel on each change.
 */
export class TalkBack {
  #snapshot: TalkBackSnapshot = {
    mic: 'off',
    micError: null,
    inputs: [],
    deviceId: rememberedMicrophone(),
    level: 0,
    pushToTalk: false,
    openMic: false,
    talking: false,
    voice: 'none',
    refused: null,
  };
  readonly #listeners = new Set<() => void>();
  #microphone: Microphone | null = null;
  #link: VoiceLink | null = null;
  #active = false;
  #retry: ReturnType<typeof setTimeout> | null = null;
  #failures = 0;
  /** What the platform was told last, so it hears each change once. */
  #toldTalking = false;
  #generation = 0;

  constructor(
    readonly entryId: string,
    private readonly signaling: Signaling,
    /** The room's ICE servers now, read at each new link. */
    private readonly iceServers: () => readonly IceServer[],
  ) {}

  get snapshot(): TalkBackSnapshot {
    return this.#snapshot;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getSnapshot = (): TalkBackSnapshot => this.#snapshot;

  /** Whether the examiner is in a live room now: the microphone opens and the voice is published, or all of it stops. */
  want(active: boolean): void {
    if (active === this.#active) return;
    this.#active = active;
    if (active) void this.#openMicrophone();
    else this.#stop();
  }

  setPushToTalk(held: boolean): void {
    this.#set({ pushToTalk: held });
    this.#applyTalking();
  }

  setOpenMic(on: boolean): void {
    this.#set({ openMic: on });
    this.#applyTalking();
  }

  async chooseMicrophone(deviceId: string | null): Promise<void> {
    rememberMicrophone(deviceId);
    this.#set({ deviceId });
    if (!this.#active) return;
    this.#stop();
    this.#active = true;
    await this.#openMicrophone();
  }

  /** Publishes the voice again on a new peer (a new realtime socket, a new room epoch). */
  renew(): void {
    if (!this.#active || this.#microphone === null) return;
    this.#dropLink();
    this.#publish();
  }

  close(): void {
    this.#active = false;
    this.#stop();
    this.#listeners.clear();
  }

  async #openMicrophone(): Promise<void> {
    const generation = ++this.#generation;
    this.#set({ mic: 'starting', micError: null });
    try {
      const microphone = await Microphone.open(this.#snapshot.deviceId);
      if (generation !== this.#generation || !this.#active) {
        microphone.close();
        return;
      }
      this.#microphone = microphone;
      microphone.meter((level) => this.#set({ level }));
      // Labels are only given once a capture was allowed: list the inputs now.
      const inputs = await listMicrophones().catch(() => []);
      this.#set({ mic: 'on', inputs });
      this.#applyTalking();
      this.#publish();
    } catch (error) {
      if (generation !== this.#generation) return;
      const name = error instanceof DOMException || error instanceof Error ? error.name : 'Error';
      this.#set({ mic: 'failed', micError: name });
      // A remembered microphone that was unplugged: fall back to the default one next time.
      if (name === 'OverconstrainedError' || name === 'NotFoundError') rememberMicrophone(null);
    }
  }

  #publish(): void {
    const microphone = this.#microphone;
    if (!this.#active || microphone === null || this.#link !== null) return;
    this.#retry = null;
    const link = new VoiceLink(this.entryId, microphone.stream, this.signaling, {
      onState: (state) => {
        if (this.#link !== link) return;
        if (state === 'connected') {
          this.#failures = 0;
          this.#set({ refused: null });
        }
        this.#set({ voice: state });
      },
      onClosed: (end) => {
        if (this.#link !== link) return;
        this.#link = null;
        this.#set({ voice: 'none' });
        if (end.by === 'platform' && end.reason === 'room_closed') return;
        if (end.by === 'refused') this.#set({ refused: end.code });
        const atOnce = end.by === 'platform' && end.reason === 'sfu_restarted';
        const delay = atOnce ? 0 : (RETRY_MS[Math.min(this.#failures, RETRY_MS.length - 1)] ?? 5_000);
        this.#failures++;
        this.#retry = setTimeout(() => this.#publish(), delay);
      },
    }, this.iceServers());
    this.#link = link;
    this.#set({ voice: 'connecting' });
  }

  #applyTalking(): void {
    const talking = this.#snapshot.pushToTalk || this.#snapshot.openMic;
    const track = this.#microphone?.track;
    // The track carries sound only while the examiner talks; the link stays up in between.
    if (track) track.enabled = talking;
    this.#set({ talking });
    const tell = talking && this.#microphone !== null;
    if (tell !== this.#toldTalking && this.#active) {
      this.#toldTalking = tell;
      this.signaling.talking({ entryId: this.entryId, talking: tell });
    }
  }

  #dropLink(): void {
    if (this.#retry !== null) clearTimeout(this.#retry);
    this.#retry = null;
    const link = this.#link;
    this.#link = null;
    link?.close();
    this.#set({ voice: 'none' });
  }

  #stop(): void {
    this.#generation++;
    this.#dropLink();
    if (this.#toldTalking) {
      this.#toldTalking = false;
      this.signaling.talking({ entryId: this.entryId, talking: false });
    }
    this.#microphone?.close();
    this.#microphone = null;
    this.#set({ mic: 'off', level: 0, pushToTalk: false, openMic: false, talking: false });
  }

  #set(change: Partial<TalkBackSnapshot>): void {
    const next = { ...this.#snapshot, ...change };
    if ((Object.keys(change) as (keyof TalkBackSnapshot)[]).every((key) => next[key] === this.#snapshot[key])) return;
    this.#snapshot = next;
    for (const listener of [...this.#listeners]) listener();
  }
}
