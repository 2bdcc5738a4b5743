import { randomUUID } from 'node:crypto';
import SimplePeer from 'simple-peer';
import WebSocket from 'ws';
import { QueueEntry, type Device } from '@common/platform/queue';
import { PushToExaminer, type ExaminerMessage } from '@common/platform/realtime';
import { API_PREFIX, LoginResponse } from '@common/platform/wire';
import { FeedProbe } from './feed-probe';
import { asWrtcTrack, peerWrtc } from './wrtc';

/**
 * An examiner in Node, for tests and the load benchmark: signs in, watches a slot's queue over
 * the realtime socket, calls candidates in and receives their cameras over WebRTC (simple-peer
 * with @roamhq/wrtc), decoding every frame's stamp. The workstation does the same in its
 * renderer; this one only receives.
 */
export interface WatchedFeed {
  readonly entryId: string;
  readonly device: Device;
  readonly peerId: string;
  /** Resolves with the probe of the candidate's video once its track arrives. */
  readonly video: Promise<FeedProbe>;
  readonly connected: Promise<void>;
  /** The connection's last error, if it failed. */
  error(): Error | null;
  close(): void;
}

export class SimulatedExaminer {
  readonly #platformUrl: string;
  readonly #token: string;
  readonly #socket: WebSocket;
  readonly #entries = new Map<string, QueueEntry>();
  readonly #listeners = new Set<(message: PushToExaminer) => void>();
  readonly #feeds = new Map<string, { feed: WatchedFeed; peer: SimplePeer.Instance }>();

  private constructor(platformUrl: string, token: string, socket: WebSocket) {
    this.#platformUrl = platformUrl;
    this.#token = token;
    this.#socket = socket;
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      let json: unknown;
      try {
        json = JSON.parse(String(data));
      } catch {
        return;
      }
      const parsed = PushToExaminer.safeParse(json);
      if (parsed.success) this.#onMessage(parsed.data);
    });
  }

  /** Signs in and opens the realtime socket; resolves once the platform greeted it. */
  static async signIn(platformUrl: string, username: string, password: string): Promise<SimulatedExaminer> {
    const response = await fetch(`${platformUrl}${API_PREFIX}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    if (!response.ok) throw new Error(`sign-in as ${username} failed: HTTP ${response.status}`);
    const { token } = LoginResponse.parse(await response.json());
    const url = new URL(`${API_PREFIX}/realtime`, platformUrl);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('token', token);
    const socket = new WebSocket(url);
    const examiner = new SimulatedExaminer(platformUrl, token, socket);
    await new Promise<void>((resolve, reject) => {
      const unsubscribe = examiner.onMessage((message) => {
        if (message.type !== 'hello') return;
        unsubscribe();
        resolve();
      });
      socket.once('error', reject);
    });
    return examiner;
  }

  onMessage(listener: (message: PushToExaminer) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Subscribes to a slot's queue; resolves once the platform sent its entries. */
  async subscribe(slotId: string): Promise<void> {
    const first = this.untilEntry((entry) => entry.slotId === slotId);
    this.#send({ type: 'subscribe', slotId });
    await first;
  }

  /** The latest entry this examiner was told of. */
  entry(entryId: string): QueueEntry | null {
    return this.#entries.get(entryId) ?? null;
  }

  /** Resolves with the first entry (already known or pushed later) that satisfies `predicate`. */
  untilEntry(predicate: (entry: QueueEntry) => boolean): Promise<QueueEntry> {
    const known = [...this.#entries.values()].find(predicate);
    if (known) return Promise.resolve(known);
    return new Promise((resolve) => {
      const unsubscribe = this.onMessage((message) => {
        if (message.type !== 'queue' || !predicate(message.entry)) return;
        unsubscribe();
        resolve(message.entry);
      });
    });
  }

  /** Calls a waiting candidate in (the platform then tells both their devices). */
  async call(slotId: string, entryId: string): Promise<QueueEntry> {
    const response = await fetch(`${this.#platformUrl}${API_PREFIX}/slots/${slotId}/queue/${entryId}/call`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.#token}` },
    });
    if (!response.ok) throw new Error(`call ${entryId} failed: HTTP ${response.status} ${await response.text()}`);
    return QueueEntry.parse(await response.json());
  }

  prompt(entryId: string, text: string): void {
    this.#send({ type: 'prompt', entryId, text });
  }

  /**
   * Opens a WebRTC connection to one device of a called candidate, as its initiator: a fresh
   * peer id, an offer that asks for audio and video, signals through the realtime hub.
   */
  watch(entryId: string, device: Device): WatchedFeed {
    const peerId = `peer-${randomUUID()}`;
    const peer = new SimplePeer({
      initiator: true,
      wrtc: peerWrtc,
      trickle: true,
      offerOptions: { offerToReceiveAudio: true, offerToReceiveVideo: true },
    });
    peer.on('signal', (data) => this.#send({ type: 'signal', entryId, device, peerId, data: { ...data } }));
    let failure: Error | null = null;
    peer.on('error', (error) => {
      failure = error;
    });
    const video = new Promise<FeedProbe>((resolve) => {
      peer.on('track', (track: { kind: string }) => {
        if (track.kind === 'video') resolve(new FeedProbe(asWrtcTrack(track)));
      });
    });
    const connected = new Promise<void>((resolve) => peer.once('connect', () => resolve()));
    const feed: WatchedFeed = {
      entryId,
      device,
      peerId,
      video,
      connected,
      error: () => failure,
      close: () => {
        this.#feeds.delete(peerId);
        void video.then((probe) => probe.stop());
        peer.destroy();
      },
    };
    this.#feeds.set(peerId, { feed, peer });
    return feed;
  }

  close(): void {
    for (const { feed } of [...this.#feeds.values()]) feed.close();
    this.#socket.close();
  }

  #onMessage(message: PushToExaminer): void {
    if (message.type === 'queue') {
      const known = this.#entries.get(message.entry.entryId);
      if (!known || known.revision <= message.entry.revision) this.#entries.set(message.entry.entryId, message.entry);
    }
    if (message.type === 'signal') {
      const watched = this.#feeds.get(message.peerId);
      if (watched && watched.feed.entryId === message.entryId && watched.feed.device === message.device) {
        watched.peer.signal(message.data as unknown as SimplePeer.SignalData);
      }
    }
    for (const listener of [...this.#listeners]) listener(message);
  }

  #send(message: ExaminerMessage): void {
    if (this.#socket.readyState === WebSocket.OPEN) this.#socket.send(JSON.stringify(message));
  }
}
