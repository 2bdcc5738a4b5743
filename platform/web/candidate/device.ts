import SimplePeer from 'simple-peer/simplepeer.min.js';
import type { QueueEntry } from '@common/platform/queue';
import { PushToCandidate, type CandidateMessage, type QuickMessageId } from '@common/platform/realtime';
import type { CandidateAction, CandidateApi } from './api';
import type { PageSettings } from './settings';

export type Connection = 'connecting' | 'online' | 'dropped' | 'reconnecting' | 'replaced';
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

/** Retry of a refused join while the other device is still connecting, and of a lost socket. */
const RETRY_MS = 1000;
const MAX_RECONNECT_MS = 5000;
/**
 * The platform closes a device's socket with this code when a newer connection of the same
 * device took over (platform/realtime/hub.ts): reconnecting would take it back, and the two
 * would push each other out for ever.
 */
const CLOSE_REPLACED = 4000;

/**
 * One candidate device, as the candidate manuals describe it: its realtime socket is its
 * presence; the main device walks the queue (check-in → face verification → ready → join when
 * called); both devices answer the examiner's WebRTC offers with their camera. The examiner
 * initiates; each offer names a peer id, and a new id (after an interruption) means a new
 * connection, so the old one is torn down.
 */
export class CandidateDevice {
  readonly #settings: PageSettings;
  readonly #api: CandidateApi;
  readonly #stream: MediaStream;
  readonly #listeners = new Set<() => void>();
  #snapshot: DeviceSnapshot = { connection: 'connecting', entry: null, prompts: [], peer: 'none', problem: null };
  #socket: WebSocket | null = null;
  #peer: { readonly id: string; readonly instance: SimplePeer.Instance } | null = null;
  /** Peers that were torn down: late ICE candidates for them must not start a new connection. */
  readonly #retiredPeers = new Set<string>();
  #onlineWaiters: (() => void)[] = [];
  #faceAttempts = 0;
  #advancing = false;
  #advanceAgain = false;
  #reconnectDelay = RETRY_MS;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(settings: PageSettings, api: CandidateApi, stream: MediaStream) {
    this.#settings = settings;
    this.#api = api;
    this.#stream = stream;
  }

  get snapshot(): DeviceSnapshot {
    return this.#snapshot;
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  start(): Promise<void> {
    this.#connect();
    return this.#whenOnline();
  }

  /** An interruption: the device loses its connection for `seconds`, then comes back. */
  drop(seconds: number): Promise<void> {
    clearTimeout(this.#reconnectTimer);
    this.#update({ connection: 'dropped' });
    this.#closeSocket();
    this.#closePeer();
    const back = this.#whenOnline();
    this.#reconnectTimer = setTimeout(() => this.#connect(), Math.max(0, seconds) * 1000);
    return back;
  }

  quickMessage(messageId: QuickMessageId): boolean {
    return this.#send({ type: 'quick_message', messageId });
  }

  #connect(): void {
    clearTimeout(this.#reconnectTimer);
    this.#update({ connection: this.#snapshot.connection === 'connecting' ? 'connecting' : 'reconnecting' });
    const socket = new WebSocket(this.#api.realtimeUrl());
    this.#socket = socket;
    socket.addEventListener('message', (event) => {
      if (this.#socket === socket && typeof event.data === 'string') this.#onMessage(event.data);
    });
    socket.addEventListener('close', (event) => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      this.#closePeer();
      if (event.code === CLOSE_REPLACED) {
        this.#update({ connection: 'replaced' });
        return;
      }
      this.#update({ connection: 'reconnecting' });
      this.#reconnectTimer = setTimeout(() => this.#connect(), this.#reconnectDelay);
      this.#reconnectDelay = Math.min(MAX_RECONNECT_MS, this.#reconnectDelay * 2);
    });
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

  #onSignal(peerId: string, data: Record<string, unknown>): void {
    if (this.#retiredPeers.has(peerId)) return;
    if (this.#peer?.id !== peerId) {
      this.#closePeer();
      const instance = new SimplePeer({ initiator: false, stream: this.#stream, trickle: true });
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
    this.#peer?.instance.signal(data as unknown as SimplePeer.SignalData);
  }

  /** Keeps the newest entry (highest revision); the main device then takes its next step. */
  #setEntry(entry: QueueEntry): void {
    const current = this.#snapshot.entry;
    if (current && current.entryId === entry.entryId && current.revision > entry.revision) return;
    this.#update({ entry });
    if (this.#settings.device === 'main') void this.#advance();
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
        const matched = this.#faceAttempts >= this.#settings.faceFailures;
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
      clearTimeout(this.#retryTimer);
      this.#retryTimer = setTimeout(() => void this.#refresh(), RETRY_MS);
    }
  }

  #send(message: CandidateMessage): boolean {
    if (this.#socket?.readyState !== WebSocket.OPEN) return false;
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
    for (const listener of this.#listeners) listener();
  }
}
