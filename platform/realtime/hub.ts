import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import type { z } from 'zod';
import type { Device } from '@common/platform/queue';
import { CandidateMessage, ExaminerMessage, type PushToCandidate, type PushToExaminer } from '@common/platform/realtime';
import type { Notifier, PlatformContext } from '../context';
import { HttpError, bearerOf } from '../http';
import { QueueStore } from '../state/queue';
import { send, sendError, type Client, type DeviceClient, type ExaminerClient } from './clients';
import { candidateEntry } from './entries';
import { Interruptions } from './interruptions';
import { onDeviceMessage, onExaminerMessage } from './messages';

type Identity = { role: 'examiner'; examinerId: string } | { role: 'candidate'; candidateId: string; device: Device };

interface Runtime {
  readonly ctx: PlatformContext;
  readonly store: QueueStore;
  readonly interruptions: Interruptions;
}

const deviceKey = (candidateId: string, device: Device) => `${candidateId}\u0000${device}`;

/** Close codes of the platform's own choosing (4000–4999 is for applications). */
const CLOSE_REPLACED = 4000;
const CLOSE_UNAUTHORIZED = 4401;
const CLOSE_GOING_AWAY = 1001;

/**
 * The realtime side of the platform: one WebSocket per examiner or candidate device at
 * /api/v1/realtime (protocol in common/platform/realtime.ts). It relays signaling, quick
 * messages and prompts, pushes queue changes, and turns device presence into interruptions.
 *
 * Beyond the protocol file: a device gets `hello` then its current `state`; an examiner's
 * `subscribe` is answered with every entry of the slot as `queue` pushes; a second connection of
 * the same device closes the first with 4000 (no interruption); shutdown closes with 1001.
 */
export class RealtimeHub implements Notifier {
  readonly #examiners = new Set<ExaminerClient>();
  readonly #devices = new Map<string, DeviceClient>();
  #runtime: Runtime | null = null;
  #context: (() => PlatformContext) | null = null;
  /** Set at shutdown: sockets closing then are no interruptions. */
  #closing = false;

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

  isOnline(candidateId: string, device: Device): boolean {
    return this.#devices.has(deviceKey(candidateId, device));
  }

  /** Registers the WebSocket route; `ctx` is complete by the time a client connects. */
  register(app: FastifyInstance, ctx: () => PlatformContext): void {
    this.#context = ctx;
    // Before the platform listens: settle interruptions that ran while it was down.
    app.addHook('onReady', async () => {
      this.#use().interruptions.recover();
    });
    app.get(
      '/realtime',
      {
        websocket: true,
        // Refused before the upgrade, as a plain 401, so a client can tell a bad token from a network fault.
        preValidation: async (request) => {
          if (!this.#identify(request)) throw new HttpError(401, 'unauthorized', 'a valid examiner or device token is required');
        },
      },
      (socket, request) => {
        // The token was checked before the upgrade; it may have been revoked since.
        const identity = this.#identify(request);
        if (!identity || this.#closing) {
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
    this.#runtime?.interruptions.cancelAll();
    for (const client of this.#examiners) client.socket.close(CLOSE_GOING_AWAY, 'platform shutting down');
    for (const client of this.#devices.values()) client.socket.close(CLOSE_GOING_AWAY, 'platform shutting down');
    this.#examiners.clear();
    this.#devices.clear();
  }

  #use(): Runtime {
    if (!this.#runtime) {
      if (!this.#context) throw new Error('the realtime hub is not registered');
      const ctx = this.#context();
      const store = new QueueStore(ctx.db, ctx.clock);
      this.#runtime = { ctx, store, interruptions: new Interruptions(ctx, store) };
    }
    return this.#runtime;
  }

  #identify(request: FastifyRequest): Identity | null {
    const token = bearerOf(request);
    if (!token) return null;
    const { ctx } = this.#use();
    const examiner = ctx.accounts.authenticate(token);
    if (examiner) return { role: 'examiner', examinerId: examiner.id };
    const device = ctx.db.prepare('SELECT candidate_id, device FROM device_tokens WHERE token = ?').get(token) as
      | { candidate_id: string; device: Device }
      | undefined;
    return device ? { role: 'candidate', candidateId: device.candidate_id, device: device.device } : null;
  }

  #accept(socket: WebSocket, identity: Identity): void {
    const client: Client =
      identity.role === 'examiner'
        ? { role: 'examiner', socket, examinerId: identity.examinerId, slots: new Set() }
        : { role: 'candidate', socket, candidateId: identity.candidateId, device: identity.device, replaced: false };
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
    const { ctx, store, interruptions } = this.#use();
    const key = deviceKey(client.candidateId, client.device);
    const previous = this.#devices.get(key);
    this.#devices.set(key, client);
    if (previous) {
      // The same phone reconnecting (or a second login): the device never left, so no interruption.
      previous.replaced = true;
      previous.socket.close(CLOSE_REPLACED, 'replaced by a newer connection of this device');
    }
    send(client.socket, { type: 'hello', role: 'candidate', device: client.device });
    if (!previous) this.#pushPresence(client, true);
    const resumed = interruptions.deviceBack(client.candidateId);
    if (!resumed) {
      const row = store.currentEntryOf(client.candidateId);
      if (row) send(client.socket, { type: 'state', entry: candidateEntry(ctx, store, row) });
    }
  }

  #onClose(client: Client): void {
    if (client.role === 'examiner') {
      this.#examiners.delete(client);
      return;
    }
    const key = deviceKey(client.candidateId, client.device);
    if (this.#devices.get(key) === client) this.#devices.delete(key);
    if (this.#closing || client.replaced) return;
    this.#pushPresence(client, false);
    this.#use().interruptions.deviceDropped(client.candidateId);
  }

  #onMessage(client: Client, data: RawData, isBinary: boolean): void {
    if (this.#closing) return;
    let json: unknown;
    try {
      json = isBinary ? undefined : JSON.parse(rawText(data));
    } catch {
      json = undefined;
    }
    const { ctx, store } = this.#use();
    if (client.role === 'examiner') {
      const parsed = ExaminerMessage.safeParse(json);
      if (!parsed.success) return sendError(client.socket, 'bad_request', whyRefused(json, parsed.error));
      onExaminerMessage(ctx, store, client, parsed.data);
    } else {
      if (client.replaced) return;
      const parsed = CandidateMessage.safeParse(json);
      if (!parsed.success) return sendError(client.socket, 'bad_request', whyRefused(json, parsed.error));
      onDeviceMessage(ctx, store, client, parsed.data);
    }
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

function whyRefused(json: unknown, error: z.ZodError): string {
  if (json === undefined) return 'messages are JSON text';
  const issue = error.issues[0];
  return issue ? `${issue.path.map(String).join('.') || '(message)'}: ${issue.message}` : 'not a message of this protocol';
}
