import type { Device, QueueEntry } from '@common/platform/queue';
import { HEARTBEAT, PushToCandidate, type CandidateMessage, type QuickMessageId } from '@common/platform/realtime';
import { CandidateApi, type CandidateAction } from './api';
import { DevicePeers, NO_PEERS, type PeerCounts } from './peers';
import type { DeviceEnvironment, SocketLike } from './ports';
import { untilSnapshot } from './until';

export type { PeerCounts, PeerState } from './peers';
export type Connection = 'connecting' | 'online' | 'dropped' | 'reconnecting' | 'replaced' | 'stopped';

export interface Prompt {
  readonly text: string;
  readonly at: string;
}

export interface DeviceSnapshot extends PeerCounts {
  readonly connection: Connection;
  readonly entry: QueueEntry | null;
  readonly prompts: readonly Prompt[];
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

/** Retry of a refused join while the other device is still connecting. */
export const RETRY_MS = 1000;
/**
 * Waits before reconnecting a lost socket: the first, then doubling up to the most. Short on
 * purpose: the feed must be back within seconds after the network returns.
 */
export const RECONNECT_MS = 250;
export const MAX_RECONNECT_MS = 1000;
/**
 * A connect attempt not greeted (`hello`) within this long is abandoned and tried again: a
 * connection opened while the network was gone hangs in TCP's own retries far longer.
 */
export const GREETING_TIMEOUT_MS = 2000;
/** The code the device closes a socket with that it took for dead (silent, or never greeted). */
export const CLOSE_SILENT = 4001;
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
 * main device walks the queue (check-in → face verification → ready → join when called). The
 * platform drives the media (common/platform/realtime.ts): `publish` opens a peer that offers
 * the camera, `receive` one that answers a panel voice, `peer_closed` ends one. Heartbeats go
 * both ways; a socket silent for HEARTBEAT.deadAfterMs is taken for dead and replaced.
 */
export class CandidateDevice<Stream = unknown> {
  readonly device: Device;
  readonly #options: CandidateDeviceOptions;
  readonly #environment: DeviceEnvironment<Stream>;
  readonly #api: CandidateApi;
  readonly #peers: DevicePeers<Stream>;
  readonly #listeners = new Set<() => void>();
  #snapshot: DeviceSnapshot = { connection: 'connecting', entry: null, prompts: [], ...NO_PEERS, problem: null };
  #socket: SocketLike | null = null;
  #onlineWaiters: (() => void)[] = [];
  #faceAttempts = 0;
  #advancing = false;
  #advanceAgain = false;
  #reconnectDelay = RECONNECT_MS;
  #cancelReconnect: () => void = NOTHING_SCHEDULED;
  #cancelRetry: () => void = NOTHING_SCHEDULED;
  /** The greeting deadline of a connect attempt, then the silence deadline of a live socket. */
  #cancelWatchdog: () => void = NOTHING_SCHEDULED;
  #cancelHeartbeat: () => void = NOTHING_SCHEDULED;

  constructor(options: CandidateDeviceOptions, environment: DeviceEnvironment<Stream>) {
    this.device = options.device;
    this.#options = options;
    this.#environment = environment;
    this.#api = new CandidateApi(environment.fetch, options.platformUrl, options.token);
    this.#peers = new DevicePeers(environment, {
      send: (message) => this.#send(message),
      changed: (counts) => this.#update(counts),
      problem: (text) => this.#update({ problem: text }),
    });
  }

  /** The peer ids of the device's open peers of one role (the page sums their statistics). */
  peerIds(role: 'publish' | 'receive'): string[] {
    return this.#peers.ids(role);
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
    this.#closeSocket(1000, 'device dropped');
    this.#peers.closeAll();
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
    this.#closeSocket(1000, 'device dropped');
    this.#peers.closeAll();
  }

  #connect(): void {
    this.#cancelReconnect();
    if (this.#snapshot.connection === 'stopped') return;
    if (this.#snapshot.connection !== 'connecting') this.#update({ connection: 'reconnecting' });
    const socket: SocketLike = this.#environment.openSocket(this.#api.realtimeUrl(), {
      message: (text) => {
        if (this.#socket !== socket) return;
        // Any message shows the socket alive.
        if (this.#snapshot.connection === 'online') this.#armWatchdog(HEARTBEAT.deadAfterMs);
        this.#onMessage(text);
      },
      close: (code) => {
        if (this.#socket !== socket) return;
        this.#socket = null;
        this.#lost(code === CLOSE_REPLACED ? 'replaced' : 'reconnecting');
      },
    });
    this.#socket = socket;
    this.#armWatchdog(GREETING_TIMEOUT_MS);
  }

  /**
   * The socket is gone (closed, or taken for dead): its peers end with it; the device comes
   * back after a short wait, unless a newer connection of the same device took over.
   */
  #lost(next: 'replaced' | 'reconnecting'): void {
    this.#cancelWatchdog();
    this.#cancelHeartbeat();
    this.#peers.closeAll();
    this.#update({ connection: next });
    if (next === 'replaced') return;
    this.#cancelReconnect = this.#environment.schedule(() => this.#connect(), this.#reconnectDelay);
    this.#reconnectDelay = Math.min(MAX_RECONNECT_MS, this.#reconnectDelay * 2);
  }

  /** Takes the socket for dead after `ms` without a message (or without a greeting). */
  #armWatchdog(ms: number): void {
    this.#cancelWatchdog();
    const socket = this.#socket;
    this.#cancelWatchdog = this.#environment.schedule(() => {
      if (this.#socket !== socket || socket === null) return;
      this.#socket = null;
      socket.close(CLOSE_SILENT, 'no answer from the platform');
      this.#lost('reconnecting');
    }, ms);
  }

  #beat(): void {
    this.#send({ type: 'heartbeat' });
    this.#cancelHeartbeat = this.#environment.schedule(() => this.#beat(), HEARTBEAT.intervalMs);
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
        this.#peers.useIceServers(message.iceServers);
        this.#reconnectDelay = RECONNECT_MS;
        this.#update({ connection: 'online', problem: null });
        this.#armWatchdog(HEARTBEAT.deadAfterMs);
        this.#cancelHeartbeat();
        this.#cancelHeartbeat = this.#environment.schedule(() => this.#beat(), HEARTBEAT.intervalMs);
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
      case 'publish':
        this.#peers.open(message.peerId, 'publish');
        return;
      case 'receive':
        this.#peers.open(message.peerId, 'receive');
        return;
      case 'signal':
        this.#peers.signal(message.peerId, message.data);
        return;
      case 'peer_closed':
        this.#peers.closedByPlatform(message.peerId);
        return;
      case 'heartbeat':
        return;
      case 'prompt':
        this.#update({ prompts: [...this.#snapshot.prompts, { text: message.text, at: message.at }] });
        return;
      case 'error':
        this.#update({ problem: `${message.code}: ${message.message}` });
        return;
    }
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

  #closeSocket(code: number, reason: string): void {
    this.#cancelWatchdog();
    this.#cancelHeartbeat();
    const socket = this.#socket;
    this.#socket = null;
    socket?.close(code, reason);
  }

  #update(change: Partial<DeviceSnapshot>): void {
    this.#snapshot = { ...this.#snapshot, ...change };
    // A copy: a listener may unsubscribe itself (see `until`).
    for (const listener of [...this.#listeners]) listener();
  }
}
