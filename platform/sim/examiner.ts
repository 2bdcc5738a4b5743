import { randomUUID } from 'node:crypto';
import SimplePeer from 'simple-peer';
import { API_PREFIX, LoginResponse } from '@common/platform/wire';
import type { Device, QueueEntry } from '@common/platform/queue';
import type { ExaminerMessage, PushToExaminer } from '@common/platform/realtime';
import type { IceServer, RoomState } from '@common/platform/room';
import type { ScoreReceipt } from '@common/platform/scores';
import { startTone } from './camera';
import { ExaminerApi, sheetFor } from './examiner-api';
import { ExaminerSocket } from './examiner-socket';
import { FeedProbe } from './feed-probe';
import { asPeerStream, asWrtcTrack, peerWrtc, wrtc } from './wrtc';

export { PlatformRefusal } from './examiner-api';

/**
 * One of the candidate's feeds as a panel member receives it. It outlives its peers: when the
 * platform ends one (the device dropped, the SFU restarted) the feed subscribes again by itself,
 * and its probe goes on with the new track.
 */
export interface WatchedFeed {
  readonly entryId: string;
  readonly device: Device;
  /** The peer id of the current subscription. */
  peerId(): string;
  /** How many times it subscribed (1, then one more per recovery). */
  subscriptions(): number;
  /** Resolves with the probe of the feed's video once the first track arrives (never, when not decoding). */
  readonly video: Promise<FeedProbe>;
  /** Resolves once the first subscription's peer connected (its ICE). */
  readonly connected: Promise<void>;
  /** Why the platform refused it for good (e.g. `direct_route_full`), or the peer's last error. */
  error(): Error | null;
  close(): void;
}

/** This examiner speaking to the candidate: a tone as the microphone, on a `voice_publish` peer. */
export interface TalkBack {
  readonly entryId: string;
  readonly toneHz: number;
  peerId(): string;
  /** Resolves once the first voice peer connected. */
  readonly connected: Promise<void>;
  error(): Error | null;
  /** Ends the voice (`peer_close`) and says the examiner stopped talking. */
  stop(): void;
}

export interface SignInOptions {
  /** Pitch of the tone `talk` sends (default 1000 Hz). */
  readonly toneHz?: number;
}

/** peer_closed reasons after which a feed or a voice is set up again (a refusal or a closed room are final). */
const RECOVERABLE = new Set(['device_left', 'republished', 'sfu_restarted', 'failed']);
/** Refusals after which a voice waits and tries again (the main device is away for a moment). */
const RETRY_LATER = new Set(['device_offline']);
const RETRY_MS = 1000;

interface Subscription {
  readonly entryId: string;
  readonly kind: 'feed' | 'voice';
  peerId: string;
  peer: SimplePeer.Instance | null;
  ended: boolean;
  failure: Error | null;
  /** Opens a new peer with a new id (after a recoverable end, or a reconnect). */
  restart(): void;
  /** Drops the peer without a word (the platform already ended it, or the socket is gone). */
  drop(): void;
}

/**
 * A panel member in Node, for tests, the demo and the `panel` benchmark: signs in, speaks the
 * realtime protocol of the panel room (common/platform/realtime.ts) on a socket that keeps
 * itself alive, receives the candidate's feeds (the platform offers, this side answers), speaks
 * with a tone (this side offers), and uses the lead's controls and the score API over HTTP.
 */
export class SimulatedExaminer {
  readonly api: ExaminerApi;
  readonly username: string;
  readonly #socket: ExaminerSocket;
  readonly #toneHz: number;
  readonly #entries = new Map<string, QueueEntry>();
  readonly #rooms = new Map<string, RoomState>();
  readonly #joined = new Set<string>();
  readonly #slots = new Set<string>();
  readonly #listeners = new Set<(message: PushToExaminer) => void>();
  readonly #subscriptions = new Map<string, Subscription>();
  #closed = false;

  private constructor(platformUrl: string, token: string, username: string, options: SignInOptions) {
    this.api = new ExaminerApi(platformUrl, token);
    this.username = username;
    this.#toneHz = options.toneHz ?? 1000;
    const url = new URL(`${API_PREFIX}/realtime`, platformUrl);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    this.#socket = new ExaminerSocket(url.toString(), token, {
      message: (message) => this.#onMessage(message),
      online: (again) => {
        if (again) this.#rejoin();
      },
      lost: () => {
        for (const subscription of this.#subscriptions.values()) subscription.drop();
      },
    });
  }

  /** Signs in and opens the realtime socket; resolves once the platform greeted it. */
  static async signIn(platformUrl: string, username: string, password: string, options: SignInOptions = {}): Promise<SimulatedExaminer> {
    const response = await fetch(`${platformUrl}${API_PREFIX}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    if (!response.ok) throw new Error(`sign-in as ${username} failed: HTTP ${response.status}`);
    const { token } = LoginResponse.parse(await response.json());
    const examiner = new SimulatedExaminer(platformUrl, token, username, options);
    await examiner.#socket.start();
    return examiner;
  }

  onMessage(listener: (message: PushToExaminer) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  // ── the queue ─────────────────────────────────────────────────────────────────────

  /** Subscribes to a slot's queue; resolves once the platform sent its entries. */
  async subscribe(slotId: string): Promise<void> {
    const first = this.untilEntry((entry) => entry.slotId === slotId);
    this.#slots.add(slotId);
    this.#send({ type: 'subscribe', slotId });
    await first;
  }

  /** The latest entry this examiner was told of. */
  entry(entryId: string): QueueEntry | null {
    return this.#entries.get(entryId) ?? null;
  }

  /** Every entry this examiner was told of, latest revision each. */
  entries(): QueueEntry[] {
    return [...this.#entries.values()];
  }

  /** Resolves with the first entry (already known or pushed later) that satisfies `predicate`. */
  untilEntry(predicate: (entry: QueueEntry) => boolean): Promise<QueueEntry> {
    const known = [...this.#entries.values()].find(predicate);
    if (known) return Promise.resolve(known);
    return this.#until((message) => (message.type === 'queue' && predicate(message.entry) ? message.entry : undefined));
  }

  // ── the lead's controls (403 not_lead for anyone else: PlatformRefusal) ───────────

  call(slotId: string, entryId: string): Promise<QueueEntry> {
    return this.api.call(slotId, entryId);
  }

  callNext(slotId: string): Promise<QueueEntry> {
    return this.api.callNext(slotId);
  }

  finish(slotId: string, entryId: string): Promise<QueueEntry> {
    return this.api.finish(slotId, entryId);
  }

  extend(slotId: string, entryId: string, minutes: 1 | 2 | 5): Promise<QueueEntry> {
    return this.api.extend(slotId, entryId, minutes);
  }

  absent(slotId: string, entryId: string): Promise<QueueEntry> {
    return this.api.absent(slotId, entryId);
  }

  // ── the room ──────────────────────────────────────────────────────────────────────

  /** Enters the panel room of a called or live candidate; resolves with its first state (rejects on a refusal). */
  joinRoom(entryId: string): Promise<RoomState> {
    this.#joined.add(entryId);
    const state = this.#until<RoomState>((message) => {
      if (message.type === 'room' && message.room.entryId === entryId) return message.room;
      if (message.type === 'error' && message.peerId === undefined && ['not_found', 'room_closed'].includes(message.code)) {
        throw new Error(`room_join ${entryId} refused: ${message.code}: ${message.message}`);
      }
      return undefined;
    });
    this.#send({ type: 'room_join', entryId });
    return state;
  }

  leaveRoom(entryId: string): void {
    this.#joined.delete(entryId);
    for (const subscription of [...this.#subscriptions.values()]) if (subscription.entryId === entryId) this.#end(subscription, true);
    this.#send({ type: 'room_leave', entryId });
  }

  /** The room's state as last pushed (highest revision). */
  room(entryId: string): RoomState | null {
    return this.#rooms.get(entryId) ?? null;
  }

  /** Resolves with the room's state once `predicate` holds (now or after a push). */
  untilRoom(entryId: string, predicate: (room: RoomState) => boolean): Promise<RoomState> {
    const known = this.#rooms.get(entryId);
    if (known && predicate(known)) return Promise.resolve(known);
    return this.#until((message) => (message.type === 'room' && message.room.entryId === entryId && predicate(message.room) ? message.room : undefined));
  }

  prompt(entryId: string, text: string): void {
    this.#send({ type: 'prompt', entryId, text });
  }

  /**
   * Receives one of the candidate's feeds: `feed_subscribe` with a fresh peer id, the platform
   * offers, this side answers (it sends nothing). Join the room first.
   */
  watch(entryId: string, device: Device, options: { readonly decode?: boolean } = {}): WatchedFeed {
    // A feed that is received but not decoded costs its receiver little: the benchmark's many
    // panel members, of whom one probe decodes, fit on one machine.
    const decode = options.decode ?? true;
    let probe: FeedProbe | null = null;
    let resolveVideo: (probe: FeedProbe) => void = () => undefined;
    const video = new Promise<FeedProbe>((resolve) => (resolveVideo = resolve));
    let resolveConnected: () => void = () => undefined;
    const connected = new Promise<void>((resolve) => (resolveConnected = resolve));
    let count = 0;
    const subscription = this.#subscription(entryId, 'feed', (peerId) => {
      count++;
      const peer = new SimplePeer({ initiator: false, wrtc: peerWrtc, trickle: true, config: this.#peerConfig(entryId) });
      peer.on('track', (track: { kind: string }) => {
        if (track.kind !== 'video' || !decode) return;
        if (probe) probe.switchTo(asWrtcTrack(track));
        else {
          probe = new FeedProbe(asWrtcTrack(track));
          resolveVideo(probe);
        }
      });
      whenIceConnected(peer, resolveConnected);
      this.#send({ type: 'feed_subscribe', entryId, device, peerId });
      return peer;
    });
    return {
      entryId,
      device,
      peerId: () => subscription.peerId,
      subscriptions: () => count,
      video,
      connected,
      error: () => subscription.failure,
      close: () => {
        this.#end(subscription, true);
        probe?.stop();
      },
    };
  }

  /** The room's ICE servers (none before its state came), replacing simple-peer's default public STUN servers. */
  #peerConfig(entryId: string): { iceServers: IceServer[] } {
    return { iceServers: [...(this.#rooms.get(entryId)?.iceServers ?? [])] };
  }

  /** Speaks to the candidate: `voice_publish`, then this side offers a tone as its microphone. */
  talk(entryId: string): TalkBack {
    const tone = startTone(this.#toneHz);
    const stream = new wrtc.MediaStream([tone.track]);
    let resolveConnected: () => void = () => undefined;
    const connected = new Promise<void>((resolve) => (resolveConnected = resolve));
    const subscription = this.#subscription(entryId, 'voice', (peerId) => {
      const peer = new SimplePeer({ initiator: true, wrtc: peerWrtc, trickle: true, stream: asPeerStream(stream), config: this.#peerConfig(entryId) });
      whenIceConnected(peer, resolveConnected);
      this.#send({ type: 'voice_publish', entryId, peerId });
      return peer;
    });
    this.#send({ type: 'talking', entryId, talking: true });
    return {
      entryId,
      toneHz: this.#toneHz,
      peerId: () => subscription.peerId,
      connected,
      error: () => subscription.failure,
      stop: () => {
        this.#end(subscription, true);
        this.#send({ type: 'talking', entryId, talking: false });
        tone.stop();
      },
    };
  }

  // ── scores ────────────────────────────────────────────────────────────────────────

  /**
   * Scores the candidate of a live entry: this examiner's assignment for it, a sheet giving
   * `fraction` of each criterion's maximum (the subject's rubric from the exam), first version.
   */
  async scoreEntry(entryId: string, fraction: number, comment = ''): Promise<ScoreReceipt> {
    const assignment = (await this.api.assignments()).find((item) => item.entryId === entryId);
    if (!assignment) throw new Error(`${this.username} has no assignment for entry ${entryId}`);
    const exam = await this.api.exam(assignment.examId);
    const subject = exam.subjects.find((item) => item.id === assignment.subjectId);
    if (!subject) throw new Error(`exam ${exam.id} has no subject ${assignment.subjectId}`);
    const current = await this.api.score(assignment.assignmentId);
    return this.api.submitScore(assignment.assignmentId, sheetFor(subject.rubric.criteria, fraction, comment), current.version);
  }

  close(): void {
    this.#closed = true;
    for (const subscription of [...this.#subscriptions.values()]) this.#end(subscription, false);
    this.#socket.close();
  }

  // ── inside ────────────────────────────────────────────────────────────────────────

  #subscription(entryId: string, kind: 'feed' | 'voice', open: (peerId: string) => SimplePeer.Instance): Subscription {
    const subscription: Subscription = {
      entryId,
      kind,
      peerId: '',
      peer: null,
      ended: false,
      failure: null,
      restart: () => {
        subscription.drop();
        if (subscription.ended || this.#closed) return;
        this.#subscriptions.delete(subscription.peerId);
        subscription.peerId = `${kind}-${randomUUID()}`;
        this.#subscriptions.set(subscription.peerId, subscription);
        const peerId = subscription.peerId;
        const peer = open(peerId);
        subscription.peer = peer;
        peer.on('signal', (data) => this.#send({ type: 'signal', entryId, peerId, data: { ...data } }));
        peer.on('error', (error) => {
          if (subscription.peer === peer) subscription.failure = error;
        });
        peer.on('close', () => {
          // Ended on this side (ICE failed): tell the platform, and set it up again.
          if (subscription.peer !== peer) return;
          subscription.peer = null;
          this.#send({ type: 'peer_close', entryId, peerId });
          this.#later(() => subscription.restart(), RETRY_MS);
        });
      },
      drop: () => {
        const peer = subscription.peer;
        subscription.peer = null;
        peer?.destroy();
      },
    };
    subscription.restart();
    return subscription;
  }

  /** Ends a feed or voice for good; `tell` sends `peer_close` for its open peer. */
  #end(subscription: Subscription, tell: boolean): void {
    subscription.ended = true;
    if (tell && subscription.peer) this.#send({ type: 'peer_close', entryId: subscription.entryId, peerId: subscription.peerId });
    subscription.drop();
    this.#subscriptions.delete(subscription.peerId);
  }

  /** Back after a reconnect: the platform forgot this socket's rooms and peers. */
  #rejoin(): void {
    for (const slotId of this.#slots) this.#send({ type: 'subscribe', slotId });
    for (const entryId of this.#joined) this.#send({ type: 'room_join', entryId });
    for (const subscription of [...this.#subscriptions.values()]) subscription.restart();
  }

  #onMessage(message: PushToExaminer): void {
    switch (message.type) {
      case 'queue': {
        const known = this.#entries.get(message.entry.entryId);
        if (!known || known.revision <= message.entry.revision) this.#entries.set(message.entry.entryId, message.entry);
        break;
      }
      case 'room': {
        const known = this.#rooms.get(message.room.entryId);
        if (!known || known.revision <= message.room.revision) this.#rooms.set(message.room.entryId, message.room);
        break;
      }
      case 'signal': {
        const subscription = this.#subscriptions.get(message.peerId);
        if (subscription?.peer && subscription.entryId === message.entryId) subscription.peer.signal(message.data as unknown as SimplePeer.SignalData);
        break;
      }
      case 'peer_closed': {
        const subscription = this.#subscriptions.get(message.peerId);
        if (!subscription) break;
        subscription.drop();
        if (RECOVERABLE.has(message.reason)) subscription.restart();
        else {
          subscription.failure = new Error(`the platform closed ${message.peerId}: ${message.reason}`);
          this.#end(subscription, false);
        }
        break;
      }
      case 'error': {
        const subscription = message.peerId === undefined ? undefined : this.#subscriptions.get(message.peerId);
        if (!subscription) break;
        subscription.drop();
        if (RETRY_LATER.has(message.code)) {
          this.#later(() => subscription.restart(), RETRY_MS);
        } else {
          subscription.failure = new Error(`${message.code}: ${message.message}`);
          this.#end(subscription, false);
        }
        break;
      }
      default:
        break;
    }
    for (const listener of [...this.#listeners]) listener(message);
  }

  /** Resolves with the first pushed message `pick` maps to a value; rejects if `pick` throws. */
  #until<T>(pick: (message: PushToExaminer) => T | undefined): Promise<T> {
    return new Promise((resolve, reject) => {
      const unsubscribe = this.onMessage((message) => {
        let value: T | undefined;
        try {
          value = pick(message);
        } catch (error) {
          unsubscribe();
          reject(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        if (value === undefined) return;
        unsubscribe();
        resolve(value);
      });
    });
  }

  #later(callback: () => void, ms: number): void {
    setTimeout(() => {
      if (!this.#closed) callback();
    }, ms).unref();
  }

  #send(message: ExaminerMessage): boolean {
    return this.#socket.send(message);
  }
}

/**
 * Calls `connected` once the peer's ICE connected. Not simple-peer's 'connect': that waits for a
 * data channel as well, and the SFU's offers carry none.
 */
function whenIceConnected(peer: SimplePeer.Instance, connected: () => void): void {
  const onState = (ice: string) => {
    if (ice !== 'connected' && ice !== 'completed') return;
    peer.off('iceStateChange', onState);
    connected();
  };
  peer.on('iceStateChange', onState);
}
