import { expect } from 'vitest';
import WebSocket from 'ws';
import type { z } from 'zod';
import SimplePeer from 'simple-peer';
import { QueueEntry, type Device } from '@common/platform/queue';
import { PushToCandidate, PushToExaminer } from '@common/platform/realtime';
import { ManualClock } from '../../platform/clock';
import { DEMO_LIVE_SLOT_ID } from '../../platform/demo/exam';
import { startPlatform, type PlatformOptions, type RunningPlatform } from '../../platform/server';
import { startSimulatedCamera, startTone } from '../../platform/sim/camera';
import { asPeerStream, asWrtcTrack, peerWrtc, wrtc } from '../../platform/sim/wrtc';
import { inboundPackets } from './janus';
import { platformHttp } from './platform-http';

/**
 * The clients of the platform's panel room as the tests drive them, over real sockets and real
 * WebRTC (@roamhq/wrtc + simple-peer): the workstation's examiner (its feeds, its voice) and the
 * candidate's phones (publishing on `publish`, playing the panel's voice on `receive`). Every
 * message a client receives is checked against the protocol and kept, so a test waits for
 * events, never for time.
 */

export const SLOT = DEMO_LIVE_SLOT_ID;
/** Where each platform's ManualClock starts. */
export const START = '2026-06-01T01:00:00.000Z';

export type ExaminerPush = z.infer<typeof PushToExaminer>;
export type CandidatePush = z.infer<typeof PushToCandidate>;
export type PeerClosedReason = Extract<ExaminerPush, { type: 'peer_closed' }>['reason'];

/** A realtime socket: every message checked and logged; `next` waits for the next of a type. */
export class RealtimeClient<M extends { type: string }> {
  readonly log: M[] = [];
  /** Every message as it came over the wire (the schemas drop keys they do not know; this keeps them). */
  readonly raw: string[] = [];
  readonly invalid: unknown[] = [];
  /** A client that stopped answering the heartbeat (its network died without a close). */
  silent = false;
  #cursor = 0;
  readonly #waiters: (() => void)[] = [];
  readonly #watchers = new Set<(message: M) => void>();
  readonly closed: Promise<number>;

  constructor(
    readonly socket: WebSocket,
    schema: z.ZodType<M>,
  ) {
    socket.on('message', (data) => {
      const text = data.toString();
      this.raw.push(text);
      const json: unknown = JSON.parse(text);
      const parsed = schema.safeParse(json);
      if (!parsed.success) {
        this.invalid.push(json);
        return;
      }
      this.log.push(parsed.data);
      // As every real client does: answer the platform's heartbeat, or be taken for dead.
      if (parsed.data.type === 'heartbeat' && !this.silent) this.send({ type: 'heartbeat' });
      for (const watcher of [...this.#watchers]) watcher(parsed.data);
      for (const wake of this.#waiters.splice(0)) wake();
    });
    this.closed = new Promise((resolve) => socket.once('close', (code) => resolve(code)));
  }

  /** The next message of `type` (matching `match`) after the last one `next` returned. */
  next<T extends M['type']>(type: T, match: (message: Extract<M, { type: T }>) => boolean = () => true): Promise<Extract<M, { type: T }>> {
    return new Promise((resolve) => {
      const look = () => {
        for (let i = this.#cursor; i < this.log.length; i++) {
          const message = this.log[i] as M;
          if (message.type === type && match(message as Extract<M, { type: T }>)) {
            this.#cursor = i + 1;
            resolve(message as Extract<M, { type: T }>);
            return;
          }
        }
        this.#waiters.push(look);
      };
      look();
    });
  }

  /** Resolves once some message received so far (or later) matches; does not move `next`'s place. */
  seen<T extends M['type']>(type: T, match: (message: Extract<M, { type: T }>) => boolean = () => true): Promise<Extract<M, { type: T }>> {
    return new Promise((resolve) => {
      const look = () => {
        const found = this.all(type).find(match);
        if (found) resolve(found);
        else this.#waiters.push(look);
      };
      look();
    });
  }

  /** Messages of `type` received so far. */
  all<T extends M['type']>(type: T): Extract<M, { type: T }>[] {
    return this.log.filter((message): message is Extract<M, { type: T }> => message.type === type);
  }

  /**
   * Every message, those already received first (a `publish` may come before a test's phone
   * is wired up), then each as it comes; returns how to stop.
   */
  watch(listener: (message: M) => void): () => void {
    for (const message of [...this.log]) listener(message);
    this.#watchers.add(listener);
    return () => this.#watchers.delete(listener);
  }

  /** A message as JSON; a string or bytes go as they are (what a test of malformed input sends). */
  send(message: unknown): void {
    this.socket.send(typeof message === 'string' || Buffer.isBuffer(message) ? message : JSON.stringify(message));
  }

  async close(): Promise<void> {
    if (this.socket.readyState !== WebSocket.CLOSED) this.socket.close();
    await this.closed;
  }
}

export type ExaminerClient = RealtimeClient<ExaminerPush>;
export type DeviceClient = RealtimeClient<CandidatePush>;

export interface Candidate {
  readonly entryId: string;
  readonly candidateId: string;
  readonly main: string;
  readonly side: string;
}

/** Something a test started that must end with it (a peer, a camera, a socket). */
interface Stoppable {
  stop(): void;
}

/**
 * Platforms and clients for one test file: `setUp` starts a platform and gives helpers to drive
 * it; `cleanUp` (the file's afterEach) ends every peer, socket and platform the test made and
 * checks that no client received a message outside the protocol.
 */
export function roomHarness() {
  const clients: RealtimeClient<{ type: string }>[] = [];
  const platforms: RunningPlatform[] = [];
  const media: Stoppable[] = [];
  const own = <T extends Stoppable>(thing: T): T => {
    media.push(thing);
    return thing;
  };

  const cleanUp = async () => {
    for (const thing of media.splice(0)) thing.stop();
    const open = clients.splice(0);
    for (const client of open) expect(client.invalid, 'messages outside the protocol').toEqual([]);
    await Promise.all(open.map((client) => client.close()));
    await Promise.all(platforms.splice(0).map((platform) => platform.close()));
  };

  /** A fresh platform on a ManualClock (demo data, the direct route unless `sfu` says otherwise). */
  const setUp = async (options: PlatformOptions = {}) => {
    const clock = options.clock instanceof ManualClock ? options.clock : new ManualClock(START);
    const platform = await startPlatform({ demo: { liveCandidates: 6, recordedPerSlot: 1 }, sfu: 'off', ...options, clock });
    platforms.push(platform);
    const { api, post, get, login } = platformHttp(platform);
    const ok = async (response: Promise<Response>): Promise<QueueEntry> => {
      const answer = await response;
      const body: unknown = await answer.json();
      expect(answer.status, JSON.stringify(body)).toBe(200);
      return QueueEntry.parse(body);
    };
    const candidates = platform.ctx.db
      .prepare(
        `SELECT q.id AS entryId, q.candidate_id AS candidateId, m.token AS main, s.token AS side
         FROM queue_entries q
         JOIN device_tokens m ON m.candidate_id = q.candidate_id AND m.device = 'main'
         JOIN device_tokens s ON s.candidate_id = q.candidate_id AND s.device = 'side'
         WHERE q.slot_id = ? ORDER BY q.appointment_at, q.id`,
      )
      .all(SLOT) as Candidate[];
    const candidate = (index: number): Candidate => {
      const found = candidates[index];
      if (!found) throw new Error(`no candidate ${index}`);
      return found;
    };
    /**
     * A realtime socket on `token`, open, before anything was received on it. As the real clients
     * do: the workstation sends its token in the header, a phone's browser in the query.
     */
    const open = <M extends { type: string }>(token: string, schema: z.ZodType<M>, via: 'header' | 'query'): Promise<RealtimeClient<M>> => {
      const base = `ws://127.0.0.1:${platform.port}/api/v1/realtime`;
      const socket =
        via === 'header'
          ? new WebSocket(base, { headers: { authorization: `Bearer ${token}` } })
          : new WebSocket(`${base}?token=${encodeURIComponent(token)}`);
      const client = new RealtimeClient(socket, schema);
      clients.push(client as unknown as RealtimeClient<{ type: string }>);
      return new Promise((resolve, reject) => {
        socket.once('open', () => resolve(client));
        socket.once('error', reject);
      });
    };
    /** An examiner's workstation socket, signed in as `username`. */
    const examiner = async (username: string): Promise<ExaminerClient> => {
      const client = await open(await login(username), PushToExaminer, 'header');
      await client.next('hello');
      return client;
    };
    /** A candidate device's socket, after its hello and the state that follows. */
    const device = async (token: string): Promise<DeviceClient> => {
      const client = await open(token, PushToCandidate, 'query');
      await client.next('hello');
      await client.next('state');
      return client;
    };
    /** An examiner watching the slot; resolves at the entry of `entryId` that follows the subscription. */
    const subscribe = async (member: ExaminerClient, entryId: string) => {
      member.send({ type: 'subscribe', slotId: SLOT });
      // The slot's entries follow a subscription, which also says it holds.
      return member.next('queue', (message) => message.entry.entryId === entryId);
    };
    /** The candidate checked in, face matched, ready: waiting to be called. */
    const toWaiting = async (c: Candidate) => {
      await ok(post('/candidate/check-in', c.main));
      await ok(post('/candidate/face', c.main, { matched: true }));
      return ok(post('/candidate/ready', c.main));
    };
    /** The waiting candidate called by `callerToken`, and joining. */
    const callIn = async (c: Candidate, callerToken: string) => {
      await ok(post(`/slots/${SLOT}/queue/${c.entryId}/call`, callerToken));
      await ok(post('/candidate/join', c.main));
    };
    /**
     * The candidate waiting, both devices connected (each a phone from the start, so no
     * `publish` is missed), called by `callerToken` and in the room.
     */
    const inRoom = async (c: Candidate, callerToken: string, phoneOptions: PhoneOptions = {}) => {
      await toWaiting(c);
      const main = await device(c.main);
      const side = await device(c.side);
      const phones = { main: own(new CandidatePhone(main, 'main', phoneOptions)), side: own(new CandidatePhone(side, 'side', phoneOptions)) };
      await callIn(c, callerToken);
      return { main, side, phones };
    };
    /** As `inRoom`, the devices bare sockets: nothing acts on `publish`, `receive` or a signal but the test itself. */
    const inRoomByHand = async (c: Candidate, callerToken: string) => {
      await toWaiting(c);
      const main = await device(c.main);
      const side = await device(c.side);
      await callIn(c, callerToken);
      return { main, side };
    };
    /** The entry as the candidate's side device is told it. */
    const stateOf = (c: Candidate) => ok(get('/candidate/state', c.side));
    /** Examiners signed in and joined to the room of `entryId`, each after its first `room`. */
    const panel = async (entryId: string, usernames: readonly string[]): Promise<ExaminerClient[]> => {
      const members: ExaminerClient[] = [];
      for (const username of usernames) {
        const member = await examiner(username);
        member.send({ type: 'room_join', entryId });
        await member.next('room');
        members.push(member);
      }
      return members;
    };
    const view = (member: ExaminerClient, entryId: string, which: Device, name: string) => own(new FeedViewer(member, entryId, which, name));
    const talk = (member: ExaminerClient, entryId: string, peerId: string, toneHz: number) => own(new TalkBack(member, entryId, peerId, toneHz));
    return { platform, clock, api, post, get, ok, login, candidate, open, examiner, device, subscribe, toWaiting, inRoom, inRoomByHand, stateOf, panel, view, talk };
  };

  return { setUp, cleanUp };
}

// ── audio ───────────────────────────────────────────────────────────────────────────

/** What wrtc decodes to; the rate its sinks hand audio out at. */
const SAMPLE_RATE = 48_000;

/** What a phone heard on one receiving peer: enough audio to tell a tone from noise. */
export interface HeardVoice {
  readonly peerId: string;
  /** RTP audio packets the peer connection received (from its stats). */
  readonly packets: number;
  /** Root mean square of the loudest 10 ms chunk, in 16-bit sample units (a silent line is ~0). */
  readonly rms: number;
  /** The pitch estimated from zero crossings over the samples kept, in Hz. */
  readonly hz: number;
}

/** Samples kept before judging what was heard: half a second of mono audio. */
const HEARD_SAMPLES = SAMPLE_RATE / 2;
/** A chunk whose RMS is below this is taken for silence (or comfort noise) and not kept. */
const SILENCE_RMS = 300;

// ── the candidate's phone ───────────────────────────────────────────────────────────

export interface PhoneOptions {
  /** The camera's tone (none by default: the tests listen to the panel's voice, not the candidate's). */
  readonly toneHz?: number | null;
}

/**
 * A candidate device as the phone runs it: on `publish` it opens a sending peer with its
 * (simulated) camera and offers; on `receive` it opens a receive-only peer, answers the offer
 * that follows and plays what comes (here: listens to it); `peer_closed` ends the peer.
 */
export class CandidatePhone {
  /** The peer ids of every `publish` it acted on, in order. */
  readonly published: string[] = [];
  /** The peer ids of every `receive` it acted on, in order. */
  readonly receiving: string[] = [];
  readonly #peers = new Map<string, SimplePeer.Instance>();
  readonly #sinks: { stop(): void }[] = [];
  readonly #camera;
  readonly #unwatch: () => void;
  /** What each receiving peer heard, once judged; and who waits for which (null: any). */
  readonly #heard: HeardVoice[] = [];
  readonly #heardWaiters: { peerId: string | null; wake: (heard: HeardVoice) => void }[] = [];

  constructor(
    readonly client: DeviceClient,
    readonly which: Device,
    options: PhoneOptions = {},
  ) {
    this.#camera = startSimulatedCamera({ device: which, width: 320, height: 240, fps: 15, toneHz: options.toneHz ?? null });
    this.#unwatch = client.watch((message) => this.#onMessage(message));
  }

  /** Resolves once a receiving peer (that one, when given) carried half a second of audible sound. */
  heard(peerId: string | null = null): Promise<HeardVoice> {
    const found = this.#heard.find((heard) => peerId === null || heard.peerId === peerId);
    if (found) return Promise.resolve(found);
    return new Promise((wake) => this.#heardWaiters.push({ peerId, wake }));
  }

  stop(): void {
    this.#unwatch();
    for (const sink of this.#sinks.splice(0)) sink.stop();
    for (const peer of this.#peers.values()) peer.destroy();
    this.#peers.clear();
    this.#camera.stop();
  }

  #onMessage(message: CandidatePush): void {
    switch (message.type) {
      case 'publish':
        this.published.push(message.peerId);
        this.#open(message.peerId, new SimplePeer({ initiator: true, trickle: true, wrtc: peerWrtc, stream: asPeerStream(this.#camera.stream), config: { iceServers: [] } }));
        return;
      case 'receive':
        this.receiving.push(message.peerId);
        this.#listen(message.peerId, this.#open(message.peerId, new SimplePeer({ initiator: false, trickle: true, wrtc: peerWrtc, config: { iceServers: [] } })));
        return;
      case 'signal': {
        const peer = this.#peers.get(message.peerId);
        if (peer && !peer.destroyed) peer.signal(message.data as unknown as SimplePeer.SignalData);
        return;
      }
      case 'peer_closed':
        this.#peers.get(message.peerId)?.destroy();
        this.#peers.delete(message.peerId);
        return;
      default:
        return;
    }
  }

  #open(peerId: string, peer: SimplePeer.Instance): SimplePeer.Instance {
    peer.on('signal', (data) => this.client.send({ type: 'signal', peerId, data }));
    // A peer the platform ends (an SFU restart, say) is an expected outcome here.
    peer.on('error', () => undefined);
    this.#peers.set(peerId, peer);
    return peer;
  }

  #listen(peerId: string, peer: SimplePeer.Instance): void {
    const kept: number[] = [];
    let loudest = 0;
    peer.on('track', (track: unknown) => {
      const received = asWrtcTrack(track);
      if (received.kind !== 'audio') return;
      const sink = new wrtc.nonstandard.RTCAudioSink(received);
      this.#sinks.push(sink);
      sink.ondata = (data) => {
        if (kept.length >= HEARD_SAMPLES) return;
        // The first channel only: enough to judge loudness and pitch.
        const mono: number[] = [];
        for (let i = 0; i < data.numberOfFrames; i++) mono.push(data.samples[i * data.channelCount] ?? 0);
        const rms = Math.sqrt(mono.reduce((sum, sample) => sum + sample * sample, 0) / Math.max(1, mono.length));
        if (rms < SILENCE_RMS) return;
        loudest = Math.max(loudest, rms);
        kept.push(...mono);
        if (kept.length < HEARD_SAMPLES) return;
        sink.ondata = null;
        void inboundPackets(peer, 'audio').then((packets) => {
          const heard = { peerId, packets, rms: Math.round(loudest), hz: Math.round(pitchOf(kept, data.sampleRate)) };
          this.#heard.push(heard);
          for (const waiter of this.#heardWaiters.filter((w) => w.peerId === null || w.peerId === peerId)) {
            this.#heardWaiters.splice(this.#heardWaiters.indexOf(waiter), 1);
            waiter.wake(heard);
          }
        });
      };
    });
  }
}

/** The pitch of a steady tone: half the zero crossings per second. */
function pitchOf(samples: readonly number[], sampleRate: number): number {
  let crossings = 0;
  for (let i = 1; i < samples.length; i++) {
    const before = samples[i - 1] ?? 0;
    const now = samples[i] ?? 0;
    if ((before < 0 && now >= 0) || (before >= 0 && now < 0)) crossings++;
  }
  return crossings / 2 / (samples.length / sampleRate);
}

// ── the examiner's workstation ──────────────────────────────────────────────────────

/** One subscription of a FeedViewer: its peer id, the frames it decoded, and how it ended. */
export interface Subscription {
  readonly peerId: string;
  readonly frame: Promise<{ width: number; height: number }>;
  /** The platform's reason, when it ended the peer. */
  closedWith: PeerClosedReason | null;
  /** Ended by the viewer itself (`peer_close`) because the room's epoch grew. */
  renewed: boolean;
}

/**
 * One of the candidate's feeds as the workstation holds it (renderer/src/live/session): subscribed
 * with a fresh peer id, answering the platform's offer; on `peer_closed` subscribed again at once
 * with a new peer id; and when the room's epoch grows, its peer of the older epoch closed
 * (`peer_close`) and replaced by a new one.
 */
export class FeedViewer {
  readonly subscriptions: Subscription[] = [];
  #peer: SimplePeer.Instance | null = null;
  readonly #sinks: { stop(): void }[] = [];
  readonly #unwatch: () => void;
  #stopped = false;
  #epoch: number | null = null;

  constructor(
    readonly examiner: ExaminerClient,
    readonly entryId: string,
    readonly which: Device,
    readonly name: string,
  ) {
    this.#unwatch = examiner.watch((message) => this.#onMessage(message));
    this.#subscribe();
  }

  get current(): Subscription {
    const last = this.subscriptions.at(-1);
    if (!last) throw new Error('never subscribed');
    return last;
  }

  stop(): void {
    this.#stopped = true;
    this.#unwatch();
    for (const sink of this.#sinks.splice(0)) sink.stop();
    this.#peer?.destroy();
  }

  #subscribe(): void {
    const peerId = `${this.name}-${this.subscriptions.length + 1}`;
    const peer = new SimplePeer({ initiator: false, trickle: true, wrtc: peerWrtc, config: { iceServers: [] } });
    this.#peer = peer;
    peer.on('signal', (data) => this.examiner.send({ type: 'signal', entryId: this.entryId, peerId, data }));
    peer.on('error', () => undefined);
    const frame = new Promise<{ width: number; height: number }>((resolve) => {
      peer.on('track', (track: unknown) => {
        const received = asWrtcTrack(track);
        if (received.kind !== 'video') return;
        const sink = new wrtc.nonstandard.RTCVideoSink(received);
        this.#sinks.push(sink);
        sink.onframe = ({ frame: { width, height } }) => {
          if (width > 0) resolve({ width, height });
        };
      });
    });
    this.subscriptions.push({ peerId, frame, closedWith: null, renewed: false });
    this.examiner.send({ type: 'feed_subscribe', entryId: this.entryId, device: this.which, peerId });
  }

  #onMessage(message: ExaminerPush): void {
    if (this.#stopped) return;
    if (message.type === 'room' && message.room.entryId === this.entryId) {
      const previous = this.#epoch;
      this.#epoch = message.room.epoch;
      if (previous === null || message.room.epoch <= previous || this.subscriptions.length === 0) return;
      this.current.renewed = true;
      this.examiner.send({ type: 'peer_close', entryId: this.entryId, peerId: this.current.peerId });
      this.#peer?.destroy();
      this.#subscribe();
      return;
    }
    if (this.subscriptions.length === 0) return;
    const current = this.current;
    if (message.type === 'signal' && message.peerId === current.peerId) {
      this.#peer?.signal(message.data as unknown as SimplePeer.SignalData);
    } else if (message.type === 'peer_closed' && message.peerId === current.peerId) {
      current.closedWith = message.reason;
      this.#peer?.destroy();
      this.#subscribe();
    }
  }
}

/** An examiner speaking to the candidate: `voice_publish`, then an audio-only offer of a tone. */
export class TalkBack {
  readonly peer: SimplePeer.Instance;
  readonly #microphone;
  readonly #unwatch: () => void;

  constructor(
    readonly examiner: ExaminerClient,
    readonly entryId: string,
    readonly peerId: string,
    toneHz: number,
  ) {
    // A microphone playing a sine (platform/sim/camera.ts), as an audio-only stream.
    this.#microphone = startTone(toneHz);
    examiner.send({ type: 'voice_publish', entryId, peerId });
    const stream = new wrtc.MediaStream([this.#microphone.track]);
    this.peer = new SimplePeer({ initiator: true, trickle: true, wrtc: peerWrtc, stream: asPeerStream(stream), config: { iceServers: [] } });
    this.peer.on('signal', (data) => examiner.send({ type: 'signal', entryId, peerId, data }));
    this.peer.on('error', () => undefined);
    this.#unwatch = examiner.watch((message) => {
      if (message.type === 'signal' && message.peerId === peerId && !this.peer.destroyed) this.peer.signal(message.data as unknown as SimplePeer.SignalData);
    });
  }

  stop(): void {
    this.#unwatch();
    this.peer.destroy();
    this.#microphone.stop();
  }
}

/**
 * Waits until the hub has handled everything sent on this socket so far (it answers a malformed
 * message, and a socket keeps order), so what the client holds then is all it will get of it.
 */
export async function settled<M extends { type: string }>(client: RealtimeClient<M>): Promise<void> {
  const before = client.log.length;
  client.send('ping');
  await new Promise<void>((resolve) => {
    let index = 0;
    // Replays what came before the ping first; only an answer after it counts.
    const stop = client.watch((message) => {
      if (index++ < before || message.type !== 'error' || (message as { code?: unknown }).code !== 'bad_request') return;
      stop();
      resolve();
    });
  });
}
