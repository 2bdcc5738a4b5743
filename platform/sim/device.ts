import SimplePeer from 'simple-peer';
import WebSocket from 'ws';
import type { Device, QueueEntry } from '@common/platform/queue';
import { PushToCandidate, type CandidateMessage, type QuickMessageId } from '@common/platform/realtime';
import { CandidateApi, type CandidateAction } from './api';
import { asPeerStream, peerWrtc, type WrtcStream } from './wrtc';

export type Connection = 'connecting' | 'online' | 'dropped' | 'reconnecting' | 'replaced' | 'stopped';
export type PeerState = 'none' | 'connecting' | 'connected';

export interface DeviceSnapshot {
  readonly connection: Connection;
  readonly entry: QueueEntry | null;
  readonly prompts: readonly string[];
  readonly peer: PeerState;
  /** The last refusal or failure. */
  readonly problem: string | null;
}

export interface DeviceOptions {
  readonly platformUrl: string;
  readonly token: string;
  readonly device: Device;
  readonly stream: WrtcStream;
  /** Face verification attempts that fail before one matches (main device). */
  readonly faceFailures?: number;
}

const RETRY_MS = 1000;
const MAX_RECONNECT_MS = 5000;
/**
 * The platform closes a device's socket with this code when a newer connection of the same
 * device took over (platform/realtime/hub.ts): reconnecting would take it back, and the two
 * would push each other out for ever.
 */
const CLOSE_REPLACED = 4000;

/**
 * One simulated candidate device in Node, doing what the candidate page does in a browser
 * (platform/web/candidate/device.ts): its realtime socket is its presence; the main device
 * walks the queue (check-in → face verification → ready → join when called); both answer the
 * examiner's WebRTC offers, one connection per peer id, a new id tearing down the old one.
 */
export class SimulatedDevice {
  readonly device: Device;
  readonly #options: DeviceOptions;
  readonly #api: CandidateApi;
  readonly #listeners = new Set<() => void>();
  #snapshot: DeviceSnapshot = { connection: 'connecting', entry: null, prompts: [], peer: 'none', problem: null };
  #socket: WebSocket | null = null;
  #peer: { readonly id: string; readonly instance: SimplePeer.Instance } | null = null;
  readonly #retiredPeers = new Set<string>();
  #onlineWaiters: (() => void)[] = [];
  #faceAttempts = 0;
  #advancing = false;
  #advanceAgain = false;
  #reconnectDelay = RETRY_MS;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #retryTimer: NodeJS.Timeout | undefined;

  constructor(options: DeviceOptions) {
    this.device = options.device;
    this.#options = options;
    this.#api = new CandidateApi(options.platformUrl, options.token);
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
    return new Promise((resolve) => {
      const check = () => {
        if (!predicate(this.#snapshot)) return false;
        unsubscribe();
        resolve(this.#snapshot);
        return true;
      };
      const unsubscribe = this.subscribe(check);
      check();
    });
  }

  /** Connects; resolves once the platform greeted the device. */
  start(): Promise<void> {
    const online = this.#whenOnline();
    this.#connect();
    return online;
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

  stop(): void {
    clearTimeout(this.#reconnectTimer);
    clearTimeout(this.#retryTimer);
    this.#update({ connection: 'stopped' });
    this.#closeSocket();
    this.#closePeer();
  }

  #connect(): void {
    clearTimeout(this.#reconnectTimer);
    if (this.#snapshot.connection === 'stopped') return;
    if (this.#snapshot.connection !== 'connecting') this.#update({ connection: 'reconnecting' });
    const socket = new WebSocket(this.#api.realtimeUrl());
    this.#socket = socket;
    socket.on('message', (data, isBinary) => {
      if (this.#socket === socket && !isBinary) this.#onMessage(String(data));
    });
    // A refused or failed connection ends in 'close' too, which retries.
    socket.on('error', () => {});
    socket.on('close', (code) => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      this.#closePeer();
      if (code === CLOSE_REPLACED) {
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
        this.#update({ prompts: [...this.#snapshot.prompts, message.text] });
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
      const instance = new SimplePeer({ initiator: false, wrtc: peerWrtc, stream: asPeerStream(this.#options.stream), trickle: true });
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
        const matched = this.#faceAttempts >= (this.#options.faceFailures ?? 0);
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
      // The entry moved on meanwhile, or a join waits for the side device: look again shortly.
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
    for (const listener of [...this.#listeners]) listener();
  }
}
