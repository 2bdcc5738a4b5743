import type { Device, QueueEntry } from '@common/platform/queue';
import { PushToCandidate, type CandidateMessage, type QuickMessageId } from '@common/platform/realtime';
import { CandidateApi, type CandidateAction } from './api';
import type { DeviceEnvironment, PeerLike, PeerSignal, SocketLike } from './ports';
import { untilSnapshot } from './until';

export type Connection = 'connecting' | 'online' | 'dropped' | 'reconnecting' | 'replaced' | 'stopped';
export type PeerState = 'none' | 'connecting' | 'connected';

export interface Prompt {
  readonly text: string;
  readonly at: string;
}

export interface DeviceSnapshot {
  readonly connection: Connection;
  readonly entry: QueueEntry | null;
  readonly prompts: readonly Prompt[];
  readonly peer: PeerState;
  /** The last refusal or failure, for the candidate to read. */
  readonly problem: string | null;
}

export interface CandidateDeviceOptions {
  /** The platform's origin, e.g. `http://127.0.0.1:4100`. */
  readonly platformUrl: string;
  readonly token: string;
  readonly device: Device;
  /** Face verification attempts that fail before one matches (main device; 3 reach manual review). */
  readonly faceFailures: number;
}

/** Retry of a refused join while the other device is still connecting, and the first wait to reconnect a lost socket. */
export const RETRY_MS = 1000;
export const MAX_RECONNECT_MS = 5000;
/**
 * The platform closes a device's socket with this code when a newer connection of the same
 * device took over (platform/realtime/hub.ts): reconnecting would take it back, and the two
 * would push each other out for ever.
 */
export const CLOSE_REPLACED = 4000;
const SOCKET_OPEN = 1;
const NOTHING_SCHEDULED = () => undefined;

/**
 * One candidate device, as the candidate manuals describe it, for the candidate page (a
 * browser) and the headless simulator (Node) alike: its realtime socket is its presence; the
 * main device walks the queue (check-in → face verification → ready → join when called); both
 * devices answer the examiner's WebRTC offers with their camera. The examiner initiates; each
 * offer names a peer id, and a new id (after an interruption) means a new connection, so the
 * old one is torn down.
 */
export class CandidateDevice {
  readonly device: Device;
  readonly #options: CandidateDeviceOptions;
  readonly #environment: DeviceEnvironment;
  readonly #api: CandidateApi;
  readonly #listeners = new Set<() => void>();
  #snapshot: DeviceSnapshot = { connection: 'connecting', entry: null, prompts: [], peer: 'none', problem: null };
  #socket: SocketLike | null = null;
  #peer: { readonly id: string; readonly instance: PeerLike } | null = null;
  /** Peers that were torn down: late ICE candidates for them must not start a new connection. */
  readonly #retiredPeers = new Set<string>();
  #onlineWaiters: (() => void)[] = [];
  #faceAttempts = 0;
  #advancing = false;
  #advanceAgain = false;
  #reconnectDelay = RETRY_MS;
  #cancelReconnect: () => void = NOTHING_SCHEDULED;
  #cancelRetry: () => void = NOTHING_SCHEDULED;

  constructor(options: CandidateDeviceOptions, environment: DeviceEnvironment) {
    this.device = options.device;
    this.#options = options;
    this.#environment = environment;
    this.#api = new CandidateApi(environment.fetch, options.platformUrl, options.token);
  }

  get snapshot(): DeviceSnapshot {
    return this.#snapshot;
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves once `predicate` holds for the device's snapshot (now or after a change). */
  until(predicate: (snapshot: DeviceSnapshot) => boolean): Promise<DeviceSnapshot> {
    return untilSnapshot(this, predicate);
  }

  /** Connects; resolves once the platform greeted the device. */
  start(): Promise<void> {
    const online = this.#whenOnline();
    this.#connect();
    return online;
  }

  /** An interruption: the device loses its connection for `seconds`, then comes back. */
  drop(seconds: number): Promise<void> {
    this.#cancelReconnect();
    this.#update({ connection: 'dropped' });
    this.#closeSocket();
    this.#closePeer();
    const back = this.#whenOnline();
    this.#cancelReconnect = this.#environment.schedule(() => this.#connect(), Math.max(0, seconds) * 1000);
    return back;
  }

  quickMessage(messageId: QuickMessageId): boolean {
    return this.#send({ type: 'quick_message', messageId });
  }

  stop(): void {
    this.#cancelReconnect();
    this.#cancelRetry();
    this.#update({ connection: 'stopped' });
    this.#closeSocket();
    this.#closePeer();
  }

  #connect(): void {
    this.#cancelReconnect();
    if (this.#snapshot.connection === 'stopped') return;
    if (this.#snapshot.connection !== 'connecting') this.#update({ connection: 'reconnecting' });
    const socket: SocketLike = this.#environment.openSocket(this.#api.realtimeUrl(), {
      message: (text) => {
        if (this.#socket === socket) this.#onMessage(text);
      },
      close: (code) => {
        if (this.#socket !== socket) return;
        this.#socket = null;
        this.#closePeer();
        if (code === CLOSE_REPLACED) {
          this.#update({ connection: 'replaced' });
          return;
        }
        this.#update({ connection: 'reconnecting' });
        this.#cancelReconnect = this.#environment.schedule(() => this.#connect(), this.#reconnectDelay);
        this.#reconnectDelay = Math.min(MAX_RECONNECT_MS, this.#reconnectDelay * 2);
      },
    });
    this.#socket = socket;
  }

  #onMessage(raw: string): void {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return;
    }
    const parsed = PushToCandidate.safeParse(json);
    if (!parsed.success) return;
    const message = parsed.data;
    switch (message.type) {
      case 'hello':
        this.#reconnectDelay = RETRY_MS;
        this.#update({ connection: 'online', problem: null });
        for (const resolve of this.#onlineWaiters.splice(0)) resolve();
        void this.#refresh();
        return;
      case 'state':
        this.#setEntry(message.entry);
        return;
      case 'call':
        // The call and the entry's new state are separate pushes: read the state, then join.
        void this.#refresh();
        return;
      case 'signal':
        this.#onSignal(message.peerId, message.data);
        return;
      case 'prompt':
        this.#update({ prompts: [...this.#snapshot.prompts, { text: message.text, at: message.at }] });
        return;
      case 'error':
        this.#update({ problem: `${message.code}: ${message.message}` });
        return;
    }
  }

  #onSignal(peerId: string, data: PeerSignal): void {
    if (this.#retiredPeers.has(peerId)) return;
    if (this.#peer?.id !== peerId) {
      this.#closePeer();
      const instance = this.#environment.openPeer();
      const peer = { id: peerId, instance };
      this.#peer = peer;
      this.#update({ peer: 'connecting' });
      instance.on('signal', (signal) => this.#send({ type: 'signal', peerId, data: { ...signal } }));
      instance.on('connect', () => {
        if (this.#peer === peer) this.#update({ peer: 'connected' });
      });
      instance.on('close', () => {
        if (this.#peer !== peer) return;
        this.#retiredPeers.add(peerId);
        this.#peer = null;
        this.#update({ peer: 'none' });
      });
      instance.on('error', (error) => this.#update({ problem: `WebRTC: ${error.message}` }));
    }
    this.#peer?.instance.signal(data);
  }

  /** Keeps the newest entry (highest revision); the main device then takes its next step. */
  #setEntry(entry: QueueEntry): void {
    const current = this.#snapshot.entry;
    if (current && current.entryId === entry.entryId && current.revision > entry.revision) return;
    this.#update({ entry });
    if (this.device === 'main') void this.#advance();
  }

  async #refresh(): Promise<void> {
    const result = await this.#api.state();
    if (result.ok) this.#setEntry(result.entry);
    else this.#update({ problem: `${result.code}: ${result.message}` });
  }

  /** Runs the main device's steps one at a time; a change while one runs runs it again after. */
  async #advance(): Promise<void> {
    if (this.#advancing) {
      this.#advanceAgain = true;
      return;
    }
    this.#advancing = true;
    try {
      do {
        this.#advanceAgain = false;
        await this.#step();
      } while (this.#advanceAgain);
    } finally {
      this.#advancing = false;
    }
  }

  async #step(): Promise<void> {
    if (this.#snapshot.connection !== 'online') return;
    switch (this.#snapshot.entry?.state) {
      case 'scheduled':
        return this.#act('check-in');
      case 'checked_in': {
        const matched = this.#faceAttempts >= this.#options.faceFailures;
        this.#faceAttempts++;
        return this.#act('face', { matched });
      }
      case 'face_verified':
        return this.#act('ready');
      case 'called':
        return this.#act('join');
      default:
        return;
    }
  }

  async #act(action: CandidateAction, body?: unknown): Promise<void> {
    const result = await this.#api.act(action, body);
    if (result.ok) {
      this.#update({ problem: null, entry: result.entry });
      this.#advanceAgain = true;
      return;
    }
    this.#update({ problem: `${result.code}: ${result.message}` });
    if (result.status === 409 || result.status === 0) {
      // The entry moved on meanwhile (or the network blinked): look again after a pause, since
      // a join waits for the side device to connect.
      this.#cancelRetry();
      this.#cancelRetry = this.#environment.schedule(() => void this.#refresh(), RETRY_MS);
    }
  }

  #send(message: CandidateMessage): boolean {
    if (this.#socket?.readyState !== SOCKET_OPEN) return false;
    this.#socket.send(JSON.stringify(message));
    return true;
  }

  #whenOnline(): Promise<void> {
    return new Promise((resolve) => this.#onlineWaiters.push(resolve));
  }

  #closeSocket(): void {
    const socket = this.#socket;
    this.#socket = null;
    socket?.close(1000, 'device dropped');
  }

  #closePeer(): void {
    const peer = this.#peer;
    if (!peer) return;
    this.#peer = null;
    this.#retiredPeers.add(peer.id);
    peer.instance.destroy();
    this.#update({ peer: 'none' });
  }

  #update(change: Partial<DeviceSnapshot>): void {
    this.#snapshot = { ...this.#snapshot, ...change };
    // A copy: a listener may unsubscribe itself (see `until`).
    for (const listener of [...this.#listeners]) listener();
  }
}
