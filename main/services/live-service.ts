import WebSocket from 'ws';
import {
  ContractFailure,
  type FeedSubscribeInput,
  type LiveConnection,
  type LiveSignal,
  type PeerCloseInput,
  type QueueView,
  type ReReviewListView,
  type TalkingInput,
  type VoicePublishInput,
} from '@common/contract';
import { HEARTBEAT, MAX_PUSH_BYTES, QueueEntry, QueueSnapshot, PushToExaminer, ReReviewList, RoomLog, type ExaminerMessage, type MoveEntry } from '@common/platform';
import { PlatformRefusal } from '../platform/client';
import { Disposables } from '../util/disposables';
import { SocketHeartbeat } from './socket-heartbeat';
import type { SheetLocks } from './sheet-locks';
import type { PlatformAccess } from './platform-access';

/** The platform closes an examiner's socket with this code when the token is no longer good. */
const CLOSE_UNAUTHORIZED = 4401;
/**
 * Retries stay short while signed in: a live interview waits on this socket, and a platform that
 * is really down costs one refused connection a second.
 */
const FIRST_RETRY_MS = 250;
const MAX_RECONNECT_MS = 1_000;

export interface LiveServiceOptions {
  /** The heartbeat's timing (common/platform/realtime.ts HEARTBEAT); tests make it shorter. */
  readonly heartbeat?: { readonly intervalMs: number; readonly deadAfterMs: number };
}

export interface LiveServiceDeps extends PlatformAccess {
  /** Where a chief's lock of this examiner's sheet goes (the sheet form shows it). */
  readonly sheetLocks?: Pick<SheetLocks, 'apply' | 'refreshLocked'> | null;
}

/**
 * The examiner's live side of the platform, held in main because main holds the token: one
 * realtime WebSocket while signed in (kept alive by a heartbeat both ways, reconnecting at once
 * when it dies), the queue of the slots the renderer looks at, the panel rooms it has joined
 * (joined again after a reconnect), the lead's controls, and the relay of WebRTC signals,
 * prompts and quick messages between the renderer's peers and the platform.
 */
export class LiveService {
  #socket: WebSocket | null = null;
  #heartbeat: SocketHeartbeat | null = null;
  #state: LiveConnection['state'] = 'signed_out';
  #retryMs = FIRST_RETRY_MS;
  #timer: NodeJS.Timeout | null = null;
  #stopped = true;
  readonly #slots = new Set<string>();
  /** Entries whose panel room the renderer has open. */
  readonly #rooms = new Set<string>();
  readonly #subscriptions = new Disposables();

  constructor(
    private readonly deps: LiveServiceDeps,
    private readonly options: LiveServiceOptions = {},
  ) {}

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#subscriptions.add(
      this.deps.session.onChange((session) => {
        this.#disconnect();
        this.#slots.clear();
        this.#rooms.clear();
        if (session) this.#connect();
        else this.#setState('signed_out');
      }),
      this.deps.health.onChange((health) => {
        if (health.state === 'online' && this.#socket === null) this.#connect();
      }),
    );
    this.#connect();
  }

  stop(): void {
    this.#stopped = true;
    this.#subscriptions.dispose();
    this.#disconnect();
  }

  connection(): LiveConnection {
    return { state: this.#state, slots: [...this.#slots] };
  }

  async getQueue(slotId: string): Promise<QueueView> {
    const { data, freshness } = await this.deps.cache.fetch('queue', slotId, `/slots/${encodeURIComponent(slotId)}/queue`, QueueSnapshot);
    if (!this.#slots.has(slotId)) {
      this.#slots.add(slotId);
      this.#send({ type: 'subscribe', slotId });
    }
    return { queue: data, freshness };
  }

  call(slotId: string, entryId: string): Promise<QueueEntry> {
    return this.#queueAction(slotId, `${encodeURIComponent(entryId)}/call`);
  }

  callNext(slotId: string): Promise<QueueEntry | null> {
    return this.#queueAction(slotId, 'call-next', (refusal) => (refusal.platformCode === 'queue_empty' ? null : undefined));
  }

  finish(slotId: string, entryId: string): Promise<QueueEntry> {
    return this.#queueAction(slotId, `${encodeURIComponent(entryId)}/finish`);
  }

  markAbsent(slotId: string, entryId: string): Promise<QueueEntry> {
    return this.#queueAction(slotId, `${encodeURIComponent(entryId)}/absent`);
  }

  extend(slotId: string, entryId: string, minutes: 1 | 2 | 5, reason?: string): Promise<QueueEntry> {
    return this.#queueAction(slotId, `${encodeURIComponent(entryId)}/extend`, undefined, { minutes, ...(reason !== undefined && { reason }) });
  }

  readmit(slotId: string, entryId: string, reason: string): Promise<QueueEntry> {
    return this.#queueAction(slotId, `${encodeURIComponent(entryId)}/readmit`, undefined, { reason });
  }

  move(slotId: string, entryId: string, move: MoveEntry): Promise<QueueEntry> {
    return this.#queueAction(slotId, `${encodeURIComponent(entryId)}/move`, undefined, move);
  }

  async roomLog(slotId: string, entryId: string): Promise<RoomLog> {
    try {
      const { data } = await this.deps.client.request({
        method: 'GET',
        path: `/slots/${encodeURIComponent(slotId)}/queue/${encodeURIComponent(entryId)}/log`,
        schema: RoomLog,
        token: this.deps.session.requireToken(),
      });
      return data;
    } catch (error) {
      throw refusalToFailure(error);
    }
  }

  /** Enters the panel room; remembered, so it is joined again on every new socket. */
  roomJoin(entryId: string): void {
    this.#rooms.add(entryId);
    this.#send({ type: 'room_join', entryId });
  }

  /** Leaves the panel room (the interview goes on). Not being connected is fine: the platform dropped us already. */
  roomLeave(entryId: string): void {
    this.#rooms.delete(entryId);
    this.#send({ type: 'room_leave', entryId });
  }

  feedSubscribe(input: FeedSubscribeInput): void {
    this.#sendOrFail({ type: 'feed_subscribe', ...input });
  }

  voicePublish(input: VoicePublishInput): void {
    this.#sendOrFail({ type: 'voice_publish', ...input });
  }

  talking(input: TalkingInput): void {
    this.#sendOrFail({ type: 'talking', ...input });
  }

  peerClose(input: PeerCloseInput): void {
    // A peer of a dead socket is gone on the platform's side already.
    this.#send({ type: 'peer_close', ...input });
  }

  signal(signal: LiveSignal): void {
    this.#sendOrFail({ type: 'signal', ...signal });
  }

  prompt(entryId: string, text: string): void {
    this.#sendOrFail({ type: 'prompt', entryId, text });
  }

  async reReviews(): Promise<ReReviewListView> {
    const { data, freshness } = await this.deps.cache.fetch('reReviews', 'all', '/re-reviews', ReReviewList);
    return { requests: data.requests, freshness };
  }

  async #queueAction(slotId: string, action: string, handle?: undefined, body?: unknown): Promise<QueueEntry>;
  async #queueAction<T>(slotId: string, action: string, handle: (refusal: PlatformRefusal) => T | undefined): Promise<QueueEntry | T>;
  async #queueAction<T>(slotId: string, action: string, handle?: (refusal: PlatformRefusal) => T | undefined, body?: unknown): Promise<QueueEntry | T> {
    try {
      const { data } = await this.deps.client.request({
        method: 'POST',
        path: `/slots/${encodeURIComponent(slotId)}/queue/${action}`,
        schema: QueueEntry,
        token: this.deps.session.requireToken(),
        ...(body === undefined ? {} : { body }),
      });
      this.deps.events.emit('live.queueEntry', data);
      return data;
    } catch (error) {
      const handled = error instanceof PlatformRefusal ? handle?.(error) : undefined;
      if (handled !== undefined) return handled;
      throw refusalToFailure(error);
    }
  }

  #connect(): void {
    if (this.#stopped || this.#socket !== null || this.deps.client.origin === null) return;
    let token: string;
    try {
      token = this.deps.session.requireToken();
    } catch {
      this.#setState('signed_out');
      return;
    }
    this.#setState('connecting');
    const url = `${this.deps.client.origin.replace(/^http/, 'ws')}/api/v1/realtime`;
    const timing = this.options.heartbeat ?? HEARTBEAT;
    const socket = new WebSocket(url, {
      // In a header, never the URL: a URL ends up in logs, and the platform refuses an examiner's token there.
      headers: { authorization: `Bearer ${token}` },
      // A connection attempt into a network that is gone must give up about as soon as a live socket would.
      handshakeTimeout: Math.max(timing.deadAfterMs, 1_000),
      // ws's default is 100 MiB: a broken platform's push must not take main's memory with it.
      maxPayload: MAX_PUSH_BYTES,
    });
    this.#socket = socket;
    const heartbeat = new SocketHeartbeat(
      () => this.#send({ type: 'heartbeat' }),
      () => {
        if (this.#socket !== socket) return;
        this.deps.log.warn('the platform was silent too long: reconnecting', { deadAfterMs: timing.deadAfterMs });
        // Reconnect at once: the close handler schedules it with this delay.
        this.#retryMs = 0;
        socket.terminate();
      },
      timing,
    );
    this.#heartbeat = heartbeat;
    socket.on('open', () => {
      this.#retryMs = FIRST_RETRY_MS;
      heartbeat.start();
      this.#setState('connected');
      for (const slotId of this.#slots) this.#send({ type: 'subscribe', slotId });
      for (const entryId of this.#rooms) this.#send({ type: 'room_join', entryId });
      // Pushes are not replayed: a lock lifted while the socket was down is asked about again.
      void this.deps.sheetLocks?.refreshLocked();
    });
    socket.on('message', (data) => {
      heartbeat.heard();
      this.#receive(data.toString());
    });
    socket.on('unexpected-response', (request, response) => {
      request.destroy();
      if (response.statusCode === 401) this.deps.session.expire();
    });
    socket.on('error', (error) => this.deps.log.warn('realtime connection error', { error: error.message }));
    socket.on('close', (code) => {
      heartbeat.stop();
      if (this.#socket !== socket) return;
      this.#socket = null;
      this.#heartbeat = null;
      if (code === CLOSE_UNAUTHORIZED) {
        this.deps.session.expire();
        return;
      }
      if (this.#stopped || this.deps.session.session === null) return;
      this.#setState('offline');
      this.#timer = setTimeout(() => this.#connect(), this.#retryMs);
      this.#timer.unref();
      this.#retryMs = Math.min(Math.max(this.#retryMs * 2, FIRST_RETRY_MS), MAX_RECONNECT_MS);
    });
  }

  #disconnect(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#heartbeat?.stop();
    this.#heartbeat = null;
    const socket = this.#socket;
    this.#socket = null;
    socket?.removeAllListeners('close');
    socket?.on('error', () => undefined);
    socket?.close();
  }

  #receive(text: string): void {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      this.deps.log.warn('realtime message is not JSON');
      return;
    }
    const parsed = PushToExaminer.safeParse(json);
    if (!parsed.success) {
      this.deps.log.warn('realtime message breaks the protocol', { issues: parsed.error.issues.slice(0, 3) });
      return;
    }
    const message = parsed.data;
    switch (message.type) {
      case 'queue':
        this.deps.events.emit('live.queueEntry', message.entry);
        break;
      case 'presence':
        this.deps.events.emit('live.presence', { slotId: message.slotId, entryId: message.entryId, device: message.device, online: message.online });
        break;
      case 'signal':
        this.deps.events.emit('live.signal', { entryId: message.entryId, peerId: message.peerId, data: message.data });
        break;
      case 'room':
        this.deps.events.emit('live.room', message.room);
        break;
      case 'peer_closed':
        this.deps.events.emit('live.peerClosed', { entryId: message.entryId, peerId: message.peerId, reason: message.reason });
        break;
      case 'quick_message':
        this.deps.events.emit('live.quickMessage', {
          slotId: message.slotId,
          entryId: message.entryId,
          device: message.device,
          messageId: message.messageId,
          text: { zh: message.text.zh, en: message.text.en },
          at: message.at,
        });
        break;
      case 're_review':
        this.deps.events.emit('reReview.requested', message.request);
        break;
      case 'matrix':
        // Rows of a slot's matrix that changed, for a chief examiner's desk.
        this.deps.events.emit('chief.matrix', { slotId: message.slotId, rows: message.rows, signedOff: message.signedOff });
        break;
      case 'sheet_lock':
        this.deps.sheetLocks?.apply(message);
        break;
      case 'error':
        this.deps.log.warn('the platform refused a realtime message', { code: message.code, message: message.message });
        this.deps.events.emit('live.refused', { code: message.code.slice(0, 100), message: message.message.slice(0, 2000), peerId: message.peerId ?? null });
        break;
      case 'hello':
      case 'heartbeat':
        break;
    }
  }

  #send(message: ExaminerMessage): boolean {
    if (this.#socket?.readyState !== WebSocket.OPEN) return false;
    this.#socket.send(JSON.stringify(message));
    return true;
  }

  #sendOrFail(message: ExaminerMessage): void {
    if (!this.#send(message)) throw new ContractFailure('platform_unreachable', 'the realtime connection to the platform is down');
  }

  #setState(state: LiveConnection['state']): void {
    if (state === this.#state) return;
    this.#state = state;
    this.deps.events.emit('live.connection', this.connection());
  }
}

/** The platform's refusals of a queue action, as the contract's codes. */
function refusalToFailure(error: unknown): unknown {
  if (!(error instanceof PlatformRefusal)) return error;
  if (error.status === 403 && error.platformCode === 'not_lead') return new ContractFailure('not_lead', error.message);
  if (error.status === 409) return new ContractFailure('queue_changed', error.message);
  if (error.status === 404) return new ContractFailure('not_found', error.message);
  return error;
}
