import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { z } from 'zod';
import { QueueEntry } from '@common/platform/queue';
import { DIRECT_ROUTE_CAPACITY } from '@common/platform/room';
import SimplePeer from 'simple-peer';
import { startSimulatedCamera, type SimulatedCamera } from '../../platform/sim/camera';
import { asPeerStream, asWrtcTrack, peerWrtc, wrtc } from '../../platform/sim/wrtc';
import { PushToCandidate, PushToExaminer } from '@common/platform/realtime';
import { LoginResponse } from '@common/platform/wire';
import { ManualClock } from '../../platform/clock';
import { DEMO_LIVE_SLOT_ID } from '../../platform/demo/exam';
import { startPlatform, type PlatformOptions, type RunningPlatform } from '../../platform/server';

const SLOT = DEMO_LIVE_SLOT_ID;
const START = '2026-06-01T01:00:00.000Z';

type ExaminerPush = z.infer<typeof PushToExaminer>;
type CandidatePush = z.infer<typeof PushToCandidate>;

/**
 * A realtime client as the workstation or a candidate's phone holds one. Every message it
 * receives is checked against the protocol and kept in `log`; `next` waits for the next message
 * of a type (after the last one it returned), so a test waits for events, never for time.
 */
class Peer<M extends { type: string }> {
  readonly log: M[] = [];
  readonly invalid: unknown[] = [];
  /** A client that stopped answering (its network died without a close). */
  silent = false;
  #cursor = 0;
  #waiters: (() => void)[] = [];
  readonly closed: Promise<number>;

  constructor(
    readonly socket: WebSocket,
    schema: z.ZodType<M>,
  ) {
    socket.on('message', (data) => {
      const json: unknown = JSON.parse(data.toString());
      const parsed = schema.safeParse(json);
      if (parsed.success) this.log.push(parsed.data);
      else this.invalid.push(json);
      // As every real client does: answer the platform's heartbeat, or be taken for dead.
      if (parsed.success && parsed.data.type === 'heartbeat' && !this.silent) this.send({ type: 'heartbeat' });
      for (const wake of this.#waiters.splice(0)) wake();
    });
    this.closed = new Promise((resolve) => socket.once('close', (code) => resolve(code)));
  }

  /** The next message of `type` (matching `match`) after the last one returned. */
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

  /** Messages of `type` received so far. */
  all<T extends M['type']>(type: T): Extract<M, { type: T }>[] {
    return this.log.filter((message): message is Extract<M, { type: T }> => message.type === type);
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' || Buffer.isBuffer(message) ? message : JSON.stringify(message));
  }

  async close(): Promise<void> {
    if (this.socket.readyState !== WebSocket.CLOSED) this.socket.close();
    await this.closed;
  }
}

type Examiner = Peer<ExaminerPush>;
type Device = Peer<CandidatePush>;

interface Candidate {
  readonly entryId: string;
  readonly candidateId: string;
  readonly main: string;
  readonly side: string;
}

const peers: Peer<{ type: string }>[] = [];
const platforms: RunningPlatform[] = [];
const dataDirs: string[] = [];

afterEach(async () => {
  const open = peers.splice(0);
  for (const peer of open) expect(peer.invalid, 'messages outside the protocol').toEqual([]);
  await Promise.all(open.map((peer) => peer.close()));
  await Promise.all(platforms.splice(0).map((platform) => platform.close()));
  for (const dir of dataDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh platform on a ManualClock, with helpers to drive it. */
async function setUp(options: PlatformOptions = {}) {
  const clock = options.clock instanceof ManualClock ? options.clock : new ManualClock(START);
  const platform = await startPlatform({ demo: { liveCandidates: 6, recordedPerSlot: 1 }, sfu: 'off', ...options, clock });
  platforms.push(platform);
  const api = (path: string, init: RequestInit = {}) => fetch(`${platform.url}/api/v1${path}`, init);
  const post = async (path: string, token: string, body?: unknown): Promise<Response> =>
    api(path, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  const ok = async (response: Promise<Response>): Promise<QueueEntry> => {
    const answer = await response;
    const body: unknown = await answer.json();
    expect(answer.status, JSON.stringify(body)).toBe(200);
    return QueueEntry.parse(body);
  };
  const login = async (username: string): Promise<string> => {
    const response = await api('/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: 'demo1234' }),
    });
    return LoginResponse.parse(await response.json()).token;
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

  const open = <M extends { type: string }>(token: string, schema: z.ZodType<M>): Promise<Peer<M>> => {
    const socket = new WebSocket(`ws://127.0.0.1:${platform.port}/api/v1/realtime?token=${encodeURIComponent(token)}`);
    const peer = new Peer(socket, schema);
    peers.push(peer as unknown as Peer<{ type: string }>);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(peer));
      socket.once('error', reject);
    });
  };
  const examiner = async (username: string): Promise<Examiner> => {
    const peer = await open(await login(username), PushToExaminer);
    await peer.next('hello');
    return peer;
  };
  /** Connects a device and waits for its hello and the state that follows. */
  const device = async (token: string): Promise<Device> => {
    const peer = await open(token, PushToCandidate);
    await peer.next('hello');
    await peer.next('state');
    return peer;
  };
  const subscribe = async (peer: Examiner, entryId: string) => {
    peer.send({ type: 'subscribe', slotId: SLOT });
    // The slot's entries follow a subscription, which also says it holds.
    return peer.next('queue', (message) => message.entry.entryId === entryId);
  };
  const toWaiting = async (c: Candidate) => {
    await ok(post('/candidate/check-in', c.main));
    await ok(post('/candidate/face', c.main, { matched: true }));
    return ok(post('/candidate/ready', c.main));
  };
  /** The candidate called by `caller` (a logged-in token) and in the room, with both devices connected. */
  const inRoom = async (c: Candidate, callerToken: string) => {
    await toWaiting(c);
    const main = await device(c.main);
    const side = await device(c.side);
    await ok(post(`/slots/${SLOT}/queue/${c.entryId}/call`, callerToken));
    await ok(post('/candidate/join', c.main));
    return { main, side };
  };
  const stateOf = (c: Candidate) => ok(api('/candidate/state', { headers: { authorization: `Bearer ${c.side}` } }));

  const get = (path: string, token: string) => api(path, { headers: { authorization: `Bearer ${token}` } });
  return { platform, clock, api, post, get, ok, login, candidate, open, examiner, device, subscribe, toWaiting, inRoom, stateOf };
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A candidate device as the phone runs it: publishes its camera on every `publish`, offering. */
function publishOnRequest(device: Device, which: 'main' | 'side'): void {
  const peers = new Map<string, SimplePeer.Instance>();
  const camera: SimulatedCamera = startSimulatedCamera({ device: which, width: 320, height: 240, fps: 15, toneHz: null });
  cleanups.push(() => {
    for (const peer of peers.values()) peer.destroy();
    camera.stop();
  });
  const handle = (message: CandidatePush) => {
    if (message.type === 'publish') {
      const peer = new SimplePeer({ initiator: true, trickle: true, wrtc: peerWrtc, stream: asPeerStream(camera.stream), config: { iceServers: [] } });
      peer.on('signal', (data) => device.send({ type: 'signal', peerId: message.peerId, data }));
      peer.on('error', () => undefined);
      peers.set(message.peerId, peer);
    } else if (message.type === 'signal') {
      peers.get(message.peerId)?.signal(message.data as unknown as SimplePeer.SignalData);
    } else if (message.type === 'peer_closed') {
      peers.get(message.peerId)?.destroy();
      peers.delete(message.peerId);
    }
  };
  // On the SFU route the platform asks for the camera as soon as its room opens on Janus, which
  // can be before this phone is wired up: a `publish` already received is acted on first.
  for (const early of device.all('publish')) handle(early);
  device.socket.on('message', (raw) => handle(PushToCandidate.parse(JSON.parse(raw.toString()))));
}

/** An examiner receiving one feed: answers the device's offer; resolves at the first decoded frame. */
function receiveFeed(examiner: Examiner, entryId: string, device: 'main' | 'side', peerId: string): Promise<{ width: number; height: number }> {
  const peer = new SimplePeer({ initiator: false, trickle: true, wrtc: peerWrtc, config: { iceServers: [] } });
  const sinks: { stop(): void }[] = [];
  cleanups.push(() => {
    for (const sink of sinks) sink.stop();
    peer.destroy();
  });
  peer.on('signal', (data) => examiner.send({ type: 'signal', entryId, peerId, data }));
  peer.on('error', () => undefined);
  examiner.socket.on('message', (raw) => {
    const message = PushToExaminer.parse(JSON.parse(raw.toString()));
    if (message.type === 'signal' && message.peerId === peerId) peer.signal(message.data as unknown as SimplePeer.SignalData);
  });
  const frame = new Promise<{ width: number; height: number }>((resolve) => {
    peer.on('track', (track: unknown) => {
      const received = asWrtcTrack(track);
      if (received.kind !== 'video') return;
      const sink = new wrtc.nonstandard.RTCVideoSink(received);
      sinks.push(sink);
      sink.onframe = ({ frame: { width, height } }) => {
        if (width > 0) resolve({ width, height });
      };
    });
  });
  examiner.send({ type: 'feed_subscribe', entryId, device, peerId });
  return frame;
}

describe('reference platform: the direct route', () => {
  it('relays a device\'s own offer to each examiner who subscribes, media flowing, up to its capacity', async () => {
    const t = await setUp();
    const c = t.candidate(0);
    const { main, side } = await t.inRoom(c, await t.login('chief'));
    publishOnRequest(main, 'main');
    publishOnRequest(side, 'side');
    const members = [await t.examiner('examiner1'), await t.examiner('examiner2'), await t.examiner('chief'), await t.examiner('examiner3')];
    for (const member of members) {
      member.send({ type: 'room_join', entryId: c.entryId });
      await member.next('room');
    }
    const [ex1, ex2, chief, ex3] = members as [Examiner, Examiner, Examiner, Examiner];
    expect(await receiveFeed(ex1, c.entryId, 'main', 'feed-main')).toEqual({ width: 320, height: 240 });
    expect(await receiveFeed(ex1, c.entryId, 'side', 'feed-side')).toEqual({ width: 320, height: 240 });
    // The examiner's own ids never reach the device.
    expect(JSON.stringify(main.log)).not.toContain('feed-main');
    expect(JSON.stringify(main.log)).not.toMatch(/ex-0|ch-0/);

    ex2.send({ type: 'feed_subscribe', entryId: c.entryId, device: 'main', peerId: 'ex2-main' });
    chief.send({ type: 'feed_subscribe', entryId: c.entryId, device: 'main', peerId: 'chief-main' });
    await main.next('publish');
    await main.next('publish');
    // A 4th member would cost the phone another uplink: refused, naming the capacity.
    ex3.send({ type: 'feed_subscribe', entryId: c.entryId, device: 'main', peerId: 'ex3-main' });
    const refused = await ex3.next('error');
    expect(refused).toMatchObject({ code: 'direct_route_full', peerId: 'ex3-main' });
    expect(refused.message).toContain(String(DIRECT_ROUTE_CAPACITY));
    // A member already holding feeds may still open more.
    ex2.send({ type: 'feed_subscribe', entryId: c.entryId, device: 'side', peerId: 'ex2-side' });
    await side.next('publish');
  });
});

describe('reference platform: the SFU route (the platform\'s own Janus)', () => {
  it('has each device publish once to the SFU and every examiner subscribe, media flowing', async (context) => {
    const t = await setUp({ sfu: 'auto' });
    if (t.platform.sfu === null) context.skip(`Janus is not usable on this machine: ${t.platform.mediaNotice}`);
    expect(t.platform.mediaNotice).toContain('SFU');
    const c = t.candidate(0);
    const { main, side } = await t.inRoom(c, await t.login('chief'));
    publishOnRequest(main, 'main');
    publishOnRequest(side, 'side');
    const members = [await t.examiner('examiner1'), await t.examiner('examiner2'), await t.examiner('examiner3'), await t.examiner('chief')];
    for (const member of members) {
      member.send({ type: 'room_join', entryId: c.entryId });
      expect((await member.next('room')).room).toMatchObject({ route: 'sfu', routeReason: 'sfu' });
    }
    const [ex1, ex2, ex3, chief] = members as [Examiner, Examiner, Examiner, Examiner];
    // Four examiners on the main feed (more than the direct route carries), two on the side.
    const frames = await Promise.all([
      receiveFeed(ex1, c.entryId, 'main', 'm1'),
      receiveFeed(ex2, c.entryId, 'main', 'm2'),
      receiveFeed(ex3, c.entryId, 'main', 'm3'),
      receiveFeed(chief, c.entryId, 'main', 'm4'),
      receiveFeed(ex1, c.entryId, 'side', 's1'),
      receiveFeed(chief, c.entryId, 'side', 's4'),
    ]);
    for (const frame of frames) expect(frame).toEqual({ width: 320, height: 240 });
    // Each device published once, whatever the panel's size.
    expect(main.all('publish')).toHaveLength(1);
    expect(side.all('publish')).toHaveLength(1);
    expect(JSON.stringify(main.log)).not.toMatch(/ex-0|ch-0|"m1"/);
  });
});
