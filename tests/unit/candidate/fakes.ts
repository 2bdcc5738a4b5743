import { EventEmitter } from 'node:events';
import { CandidateDevice, type CandidateDeviceOptions } from '../../../platform/shared/candidate/device';
import type { FetchLike, PeerLike, PeerRole, RequestLike, ResponseLike, Schedule, SocketEvents, SocketLike } from '../../../platform/shared/candidate/ports';
import { MAX_FACE_ATTEMPTS, type Device, type QueueEntry, type QueueState } from '@common/platform/queue';
import { CandidateMessage, type PushToCandidate } from '@common/platform/realtime';
import type { IceServer } from '@common/platform/room';
import { API_PREFIX } from '@common/platform/wire';

/** Fakes of what the candidate page and the simulator pass to the shared device flow. */

export const PLATFORM_URL = 'http://127.0.0.1:4100';
export const AT = '2025-06-01T09:00:00.000Z';

export function queueEntry(state: QueueState, revision = 1): QueueEntry {
  return {
    entryId: 'entry-1',
    slotId: 'slot-1',
    candidateCode: 'A01',
    appointmentAt: AT,
    state,
    faceAttempts: 0,
    interruptions: 0,
    interruptedAt: null,
    devices: { main: true, side: true },
    checkedInAt: null,
    calledAt: null,
    enteredAt: null,
    finishedAt: null,
    failureReason: null,
    revision,
  };
}

export function response(status: number, body: unknown, statusText = 'Status'): ResponseLike {
  return { ok: status >= 200 && status < 300, status, statusText, json: () => Promise.resolve(body) };
}

/**
 * The candidate routes of one queue entry, as platform/routes/candidate.ts answers them: each
 * action moves the entry on or is refused with 409. `calls` records what the device asked.
 */
export class FakePlatform {
  readonly calls: string[] = [];
  entry: QueueEntry;
  readonly #refusals: { action: string; status: number }[] = [];

  constructor(state: QueueState, revision = 1) {
    this.entry = queueEntry(state, revision);
  }

  /** The examiner (or the platform itself) moves the entry. */
  set(state: QueueState): QueueEntry {
    this.entry = { ...this.entry, state, revision: this.entry.revision + 1 };
    return this.entry;
  }

  /** The next `action` fails with `status` (0: the network fails). */
  refuseNext(action: string, status: number): void {
    this.#refusals.push({ action, status });
  }

  readonly fetch: FetchLike = (url, init) => {
    const path = url.replace(`${PLATFORM_URL}${API_PREFIX}/candidate/`, '');
    const body: unknown = init.body === undefined ? undefined : JSON.parse(init.body);
    this.calls.push(`${init.method} ${path}${init.body === undefined ? '' : ` ${init.body}`}`);
    const refusal = this.#refusals.findIndex((candidate) => candidate.action === path);
    if (refusal >= 0) {
      const status = this.#refusals.splice(refusal, 1)[0]?.status;
      if (status === 0) return Promise.reject(new Error('connection refused'));
      return Promise.resolve(response(status ?? 500, { error: { code: 'refused', message: `${path} refused` } }));
    }
    return Promise.resolve(this.#answer(init.method, path, body));
  };

  #answer(method: RequestLike['method'], path: string, body: unknown): ResponseLike {
    if (method === 'GET' && path === 'state') return response(200, this.entry);
    const state = this.entry.state;
    const move = (next: QueueState) => response(200, this.set(next));
    if (path === 'check-in' && state === 'scheduled') return move('checked_in');
    if (path === 'face' && state === 'checked_in') {
      const faceAttempts = this.entry.faceAttempts + 1;
      const matched = (body as { matched: boolean }).matched;
      const next = matched ? 'face_verified' : faceAttempts >= MAX_FACE_ATTEMPTS ? 'manual_review' : 'checked_in';
      this.entry = { ...this.entry, faceAttempts };
      return move(next);
    }
    if (path === 'ready' && state === 'face_verified') return move('waiting');
    if (path === 'join' && state === 'called') return move('in_room');
    return response(409, { error: { code: 'conflict', message: `${path} in ${state}` } });
  }
}

/**
 * A realtime socket: open at once; the test pushes the platform's messages and closes it.
 * Heartbeats the device sends are counted apart, so `sent` holds what the flow said.
 */
export class FakeSocket implements SocketLike {
  readyState = 1;
  readonly sent: CandidateMessage[] = [];
  heartbeats = 0;
  closedWith: readonly [number, string] | null = null;

  constructor(
    readonly url: string,
    readonly events: SocketEvents,
  ) {}

  send(text: string): void {
    const message = CandidateMessage.parse(JSON.parse(text));
    if (message.type === 'heartbeat') this.heartbeats++;
    else this.sent.push(message);
  }

  close(code: number, reason: string): void {
    this.closedWith = [code, reason];
    this.readyState = 3;
  }

  push(message: PushToCandidate): void {
    this.events.message(JSON.stringify(message));
  }

  /** The platform (or the network) closes the socket. */
  end(code: number): void {
    this.readyState = 3;
    this.events.close(code);
  }
}

/** A media stream, as the environment would hand one over: only its name matters here. */
export interface FakeStream {
  readonly name: string;
}

/** A WebRTC peer: an event emitter like simple-peer's, recording the signals it was given. */
export class FakePeer extends EventEmitter implements PeerLike<FakeStream> {
  readonly received: (string | object)[] = [];
  destroyed = false;

  constructor(
    readonly role: PeerRole,
    readonly iceServers: readonly IceServer[],
  ) {
    super();
  }

  signal(data: string | object): void {
    this.received.push(data);
  }

  destroy(): void {
    this.destroyed = true;
    // simple-peer reports its end after a destroy too.
    this.emit('close');
  }
}

/** The browser's and Node's scheduler alike: vitest's fake timers stand in for the clock. */
export const schedule: Schedule = (callback, ms) => {
  const timer = setTimeout(callback, ms);
  return () => clearTimeout(timer);
};

/** Lets every pending promise chain finish: the fakes answer at once, so one turn is enough. */
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface Rig {
  readonly device: CandidateDevice<FakeStream>;
  readonly platform: FakePlatform;
  readonly sockets: FakeSocket[];
  readonly peers: FakePeer[];
  /** What the environment was told to play and stop, in order: `play p1 voice-a`, `stop p1`. */
  readonly voices: string[];
  /** The socket opened last. */
  socket(): FakeSocket;
  /** Starts the device and greets it on its first socket; resolves once it is online and settled. */
  online(): Promise<void>;
}

export function rig(
  options: { readonly device?: Device | undefined; readonly faceFailures?: number | undefined; readonly state?: QueueState; readonly iceServers?: readonly IceServer[] } = {},
): Rig {
  const platform = new FakePlatform(options.state ?? 'scheduled');
  const sockets: FakeSocket[] = [];
  const peers: FakePeer[] = [];
  const voices: string[] = [];
  const deviceOptions: CandidateDeviceOptions = { platformUrl: PLATFORM_URL, token: 'device-token', device: options.device ?? 'main', faceFailures: options.faceFailures ?? 0 };
  const device = new CandidateDevice(deviceOptions, {
    fetch: platform.fetch,
    openSocket: (url, events) => {
      const socket = new FakeSocket(url, events);
      sockets.push(socket);
      return socket;
    },
    openPeer: (role, iceServers) => {
      const peer = new FakePeer(role, iceServers);
      peers.push(peer);
      return peer;
    },
    schedule,
    playVoice: (peerId, stream) => voices.push(`play ${peerId} ${stream.name}`),
    stopVoice: (peerId) => voices.push(`stop ${peerId}`),
  });
  const socket = () => {
    const last = sockets.at(-1);
    if (!last) throw new Error('no socket was opened');
    return last;
  };
  return {
    device,
    platform,
    sockets,
    peers,
    voices,
    socket,
    online: async () => {
      const started = device.start();
      socket().push({ type: 'hello', role: 'candidate', device: deviceOptions.device, iceServers: [...(options.iceServers ?? [])] });
      await started;
      await settle();
    },
  };
}
