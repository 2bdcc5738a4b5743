import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import type { z } from 'zod';
import { Device } from '@common/platform/queue';
import {
  CandidateMessage,
  ExaminerMessage,
  HEARTBEAT,
  MAX_SIGNAL_BYTES,
  PeerId,
  type PushToCandidate,
  type PushToExaminer,
} from '@common/platform/realtime';
import { systemClock, type Clock } from '../clock';
import type { Notifier, PlatformContext } from '../context';
import { HttpError, QUERY_TOKEN_REFUSED, bearerOf, deviceOf, queryTokenOf } from '../http';
import { devicesLogged, RoomLogStore } from '../room/log';
import type { PanelRooms } from '../room/rooms';
import type { DeviceDirectory } from '../room/room';
import { QueueStore } from '../state/queue';
import { send, sendError, type Client, type DeviceClient, type ExaminerClient } from './clients';
import { candidateEntry } from './entries';
import { Interruptions } from './interruptions';
import { onQuickMessage, onSlotSubscribe } from './messages';
import { QuickMessageLimiter } from './quick-message-limit';

type Identity = { role: 'examiner'; examinerId: string } | { role: 'candidate'; candidateId: string; device: Device };

interface Runtime {
  readonly ctx: PlatformContext;
  readonly store: QueueStore;
  readonly interruptions: Interruptions;
  readonly rooms: PanelRooms;
  readonly quickMessages: QuickMessageLimiter;
  readonly log: RoomLogStore;
}

/**
 * Why the room log says a device connected or dropped: `replaced`, a newer connection of the same
 * device took over from an older one (no drop: the device never left); `closed`, its socket
 * closed; `heartbeat`, it was silent for HEARTBEAT.deadAfterMs and the platform ended it.
 */
type DeviceLogReason = 'replaced' | 'closed' | 'heartbeat';

export interface HubOptions {
  /**
   * Times the heartbeat (HEARTBEAT in common/platform/realtime.ts). Wall time by default, not the
   * platform's clock: a test that moves queue time by minutes must not thereby kill every socket;
   * a test of the heartbeat itself passes a ManualClock here.
   */
  readonly heartbeatClock?: Clock;
}

const deviceKey = (candidateId: string, device: Device) => `${candidateId}\u0000${device}`;

/** Close codes of the platform's own choosing (4000–4999 is for applications). */
const CLOSE_REPLACED = 4000;
const CLOSE_UNAUTHORIZED = 4401;
const CLOSE_GOING_AWAY = 1001;

/** Pulls the peerId out of a refused message, where it names a valid one, for the error push. */
function peerIdOf(json: unknown): string | undefined {
  if (typeof json !== 'object' || json === null || !('peerId' in json)) return undefined;
  const parsed = PeerId.safeParse(json.peerId);
  return parsed.success ? parsed.data : undefined;
}

/**
 * The realtime side of the platform: one WebSocket per examiner or candidate device at
 * /api/v1/realtime (protocol in common/platform/realtime.ts). It relays signaling, quick
 * messages and prompts, pushes queue changes, and turns device presence into interruptions.
 *
 * Beyond the protocol file: a device gets `hello` then its current `state`; an examiner's
 * `subscribe` is answered with every entry of the slot as `queue` pushes; a second connection of
 * the same device closes the first with 4000 (no interruption); shutdown closes with 1001.
 * Every message about a panel room goes to the rooms (platform/room/rooms.ts). Every socket gets
 * `heartbeat` every HEARTBEAT.intervalMs and is terminated after HEARTBEAT.deadAfterMs of silence
 * (a device's then counts as dropped, as any closed socket).
 */
export class RealtimeHub implements Notifier, DeviceDirectory {
  readonly #examiners = new Set<ExaminerClient>();
  readonly #devices = new Map<string, DeviceClient>();
  /** When each open socket last sent anything, on the heartbeat clock. */
  readonly #heard = new Map<Client, number>();
  readonly #heartbeatClock: Clock;
  #stopHeartbeat: (() => void) | null = null;
  #runtime: Runtime | null = null;
  #context: (() => PlatformContext) | null = null;
  #rooms: PanelRooms | null = null;
  /** Sockets the heartbeat ended, so that their close is logged as such. */
  readonly #silenced = new WeakSet<Client>();
  /** Set at shutdown: sockets closing then are no interruptions. */
  #closing = false;

  constructor(options: HubOptions = {}) {
    this.#heartbeatClock = options.heartbeatClock ?? systemClock;
  }

  deviceClient(candidateId: string, device: Device): DeviceClient | null {
    const client = this.#devices.get(deviceKey(candidateId, device));
    return client && !client.replaced ? client : null;
  }

  toExaminer(examinerId: string, message: PushToExaminer): void {
    for (const client of this.#examiners) if (client.examinerId === examinerId) send(client.socket, message);
  }

  toSlot(slotId: string, build: (examinerId: string) => PushToExaminer | null): void {
    // Built once per examiner, whatever the number of their sockets.
    const built = new Map<string, PushToExaminer | null>();
    for (const client of this.#examiners) {
      if (!client.slots.has(slotId)) continue;
      if (!built.has(client.examinerId)) built.set(client.examinerId, build(client.examinerId));
      const message = built.get(client.examinerId);
      if (message) send(client.socket, message);
    }
  }

  toCandidate(candidateId: string, device: Device | 'both', message: PushToCandidate): void {
    for (const which of device === 'both' ? (['main', 'side'] as const) : [device]) {
      const client = this.#devices.get(deviceKey(candidateId, which));
      if (client) send(client.socket, message);
    }
  }

  isExaminerOnline(examinerId: string): boolean {
    for (const client of this.#examiners) if (client.examinerId === examinerId) return true;
    return false;
  }

  isOnline(candidateId: string, device: Device): boolean {
    return this.#devices.has(deviceKey(candidateId, device));
  }

  /** Registers the WebSocket route; `ctx` is complete by the time a client connects. */
  register(app: FastifyInstance, ctx: () => PlatformContext, rooms: PanelRooms): void {
    this.#context = ctx;
    this.#rooms = rooms;
    // Before the platform listens: settle interruptions that ran while it was down.
    app.addHook('onReady', async () => {
      this.#use().interruptions.recover();
      this.#beat();
    });
    app.get(
      '/realtime',
      {
        websocket: true,
        // Refused before the upgrade, as a plain 401, so a client can tell a bad token from a network fault.
        preValidation: async (request) => {
          const identity = this.#identify(request);
          if (identity !== null && 'refused' in identity) {
            throw new HttpError(401, identity.refused, 'an examiner\'s token is refused in the URL: send it in the Authorization header');
          }
          if (!identity) throw new HttpError(401, 'unauthorized', 'a valid examiner or device token is required');
        },
      },
      (socket, request) => {
        // The token was checked before the upgrade; it may have been revoked since.
        const identity = this.#identify(request);
        if (!identity || 'refused' in identity || this.#closing) {
          socket.close(this.#closing ? CLOSE_GOING_AWAY : CLOSE_UNAUTHORIZED);
          return;
        }
        this.#accept(socket, identity);
      },
    );
  }

  /** Closes every socket (at platform shutdown). */
  closeAll(): void {
    this.#closing = true;
    this.#stopHeartbeat?.();
    this.#stopHeartbeat = null;
    this.#runtime?.interruptions.cancelAll();
    this.#rooms?.closeAll();
    for (const client of this.#examiners) client.socket.close(CLOSE_GOING_AWAY, 'platform shutting down');
    for (const client of this.#devices.values()) client.socket.close(CLOSE_GOING_AWAY, 'platform shutting down');
    this.#examiners.clear();
    this.#devices.clear();
    this.#heard.clear();
  }

  /**
   * One heartbeat: every socket hears from the platform, and one that sent nothing for
   * deadAfterMs is terminated (no close handshake: its peer may be gone), which closes it as
   * any other close does.
   */
  #beat(): void {
    if (this.#closing) return;
    const now = this.#heartbeatClock.now().getTime();
    for (const [client, heard] of this.#heard) {
      if (now - heard >= HEARTBEAT.deadAfterMs) {
        this.#heard.delete(client);
        this.#silenced.add(client);
        client.socket.terminate();
      } else {
        send(client.socket, { type: 'heartbeat' });
      }
    }
    this.#stopHeartbeat = this.#heartbeatClock.schedule(HEARTBEAT.intervalMs, () => this.#beat());
  }

  #use(): Runtime {
    if (!this.#runtime) {
      if (!this.#context || !this.#rooms) throw new Error('the realtime hub is not registered');
      const ctx = this.#context();
      const store = new QueueStore(ctx.db, ctx.clock);
      const log = new RoomLogStore(ctx.db, ctx.clock, ctx.accounts);
      this.#runtime = {
        ctx,
        store,
        interruptions: new Interruptions(ctx, store, log),
        rooms: this.#rooms,
        quickMessages: new QuickMessageLimiter(),
        log,
      };
    }
    return this.#runtime;
  }

  /**
   * Who the socket is: an examiner only by the bearer header; a device by the header or, since
   * a browser cannot set headers on a WebSocket, by the `token` query. An examiner's token in the
   * query is refused even when valid (`query_token_refused`), so that it never lands in a URL.
   */
  #identify(request: FastifyRequest): Identity | { refused: typeof QUERY_TOKEN_REFUSED } | null {
    const { ctx } = this.#use();
    const header = bearerOf(request);
    const query = queryTokenOf(request);
    if (header !== null) {
      const examiner = ctx.accounts.authenticate(header);
      if (examiner) return { role: 'examiner', examinerId: examiner.id };
    }
    const token = header ?? query;
    const device = token === null ? null : deviceOf(ctx.db, token);
    if (device) return { role: 'candidate', ...device };
    if (query !== null && ctx.accounts.authenticate(query)) return { refused: QUERY_TOKEN_REFUSED };
    return null;
  }

  #accept(socket: WebSocket, identity: Identity): void {
    const client: Client =
      identity.role === 'examiner'
        ? { role: 'examiner', socket, examinerId: identity.examinerId, slots: new Set() }
        : { role: 'candidate', socket, candidateId: identity.candidateId, device: identity.device, replaced: false };
    this.#heard.set(client, this.#heartbeatClock.now().getTime());
    socket.on('message', (data: RawData, isBinary: boolean) => this.#guard(client, () => this.#onMessage(client, data, isBinary)));
    socket.on('close', () => this.#guard(client, () => this.#onClose(client)));
    if (client.role === 'examiner') {
      this.#examiners.add(client);
      send(socket, { type: 'hello', role: 'examiner', device: null });
    } else {
      this.#guard(client, () => this.#deviceConnected(client));
    }
  }

  #deviceConnected(client: DeviceClient): void {
    const { ctx, store, interruptions, rooms } = this.#use();
    const key = deviceKey(client.candidateId, client.device);
    const previous = this.#devices.get(key);
    this.#devices.set(key, client);
    this.#logDevice(client, 'device_connect', previous ? 'replaced' : null);
    if (previous) {
      // The same phone reconnecting (or a second login): the device never left, so no interruption;
      // but its peers were the old connection's, so they end and the room asks for new ones.
      previous.replaced = true;
      previous.socket.close(CLOSE_REPLACED, 'replaced by a newer connection of this device');
      rooms.deviceOffline(client.candidateId, client.device);
    }
    send(client.socket, { type: 'hello', role: 'candidate', device: client.device, iceServers: [...ctx.iceServers] });
    if (!previous) this.#pushPresence(client, true);
    const resumed = interruptions.deviceBack(client.candidateId);
    if (!resumed) {
      const row = store.currentEntryOf(client.candidateId);
      if (row) send(client.socket, { type: 'state', entry: candidateEntry(ctx, store, row) });
    }
    rooms.deviceOnline(client.candidateId, client.device);
  }

  #onClose(client: Client): void {
    this.#heard.delete(client);
    if (client.role === 'examiner') {
      this.#examiners.delete(client);
      if (!this.#closing) this.#use().rooms.examinerGone(client);
      return;
    }
    const key = deviceKey(client.candidateId, client.device);
    if (this.#devices.get(key) === client) this.#devices.delete(key);
    if (this.#closing || client.replaced) return;
    this.#logDevice(client, 'device_drop', this.#silenced.has(client) ? 'heartbeat' : 'closed');
    this.#pushPresence(client, false);
    this.#use().rooms.deviceOffline(client.candidateId, client.device);
    this.#use().interruptions.deviceDropped(client.candidateId);
  }

  #onMessage(client: Client, data: RawData, isBinary: boolean): void {
    if (this.#closing) return;
    // Any message at all proves the socket alive.
    if (this.#heard.has(client)) this.#heard.set(client, this.#heartbeatClock.now().getTime());
    const text = isBinary ? null : rawText(data);
    let json: unknown;
    try {
      json = text === null ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    const refuse = (code: string, message: string) => {
      const peerId = peerIdOf(json);
      send(client.socket, { type: 'error', code, message, ...(peerId !== undefined && { peerId }) });
    };
    if (text !== null && Buffer.byteLength(text) > MAX_SIGNAL_BYTES) {
      return refuse('too_large', `messages are at most ${MAX_SIGNAL_BYTES} bytes of JSON`);
    }
    const { ctx, store, rooms, quickMessages } = this.#use();
    if (client.role === 'examiner') {
      const parsed = ExaminerMessage.safeParse(json);
      if (!parsed.success) {
        if (isFeedOfNoDevice(json)) return refuse('unknown_feed', 'a candidate has two feeds: main and side');
        return refuse('bad_request', whyRefused(json, parsed.error));
      }
      const message = parsed.data;
      if (message.type === 'heartbeat') return;
      if (message.type === 'subscribe') return onSlotSubscribe(ctx, store, client, message);
      rooms.examinerMessage(client, message);
    } else {
      if (client.replaced) return;
      const parsed = CandidateMessage.safeParse(json);
      if (!parsed.success) return refuse('bad_request', whyRefused(json, parsed.error));
      const message = parsed.data;
      if (message.type === 'heartbeat') return;
      if (message.type === 'quick_message') return onQuickMessage(ctx, store, quickMessages, this.#use().log, client, message);
      rooms.deviceMessage(client, message);
    }
  }

  /**
   * A device's socket opening or closing, in the room log of its candidate's current entry while
   * the log covers devices (devicesLogged: from check-in until the entry ends). Before whatever
   * the change sets off (an interruption starting or ending), so the log reads in that order.
   */
  #logDevice(client: DeviceClient, action: 'device_connect' | 'device_drop', reason: DeviceLogReason | null): void {
    const { store, log } = this.#use();
    const row = store.currentEntryOf(client.candidateId);
    if (!row || !devicesLogged(row.state)) return;
    log.append(row.id, null, action, { device: client.device, ...(reason !== null && { reason }) });
  }

  /** Tells the examiners watching the candidate's slot that a device came or went. */
  #pushPresence(client: DeviceClient, online: boolean): void {
    const { store } = this.#use();
    const row = store.currentEntryOf(client.candidateId);
    if (!row) return;
    this.toSlot(row.slotId, () => ({ type: 'presence', slotId: row.slotId, entryId: row.id, device: client.device, online }));
  }

  /** One bad message or a failed write must not take the hub down: the client hears of it. */
  #guard(client: Client, run: () => void): void {
    try {
      run();
    } catch {
      sendError(client.socket, 'internal', 'the platform failed to handle this');
    }
  }
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(new Uint8Array(data)).toString('utf8');
}

/** A feed_subscribe naming a device a candidate does not have (told apart from other malformed messages). */
function isFeedOfNoDevice(json: unknown): boolean {
  return (
    typeof json === 'object' &&
    json !== null &&
    'type' in json &&
    json.type === 'feed_subscribe' &&
    'device' in json &&
    !Device.safeParse(json.device).success
  );
}

function whyRefused(json: unknown, error: z.ZodError): string {
  if (json === undefined) return 'messages are JSON text';
  const issue = error.issues[0];
  return issue ? `${issue.path.map(String).join('.') || '(message)'}: ${issue.message}` : 'not a message of this protocol';
}
