import WebSocket from 'ws';
import { ContractFailure, type LiveConnection, type LiveSignal, type QueueView, type ReReviewListView } from '@common/contract';
import { QueueEntry, QueueSnapshot, PushToExaminer, ReReviewList } from '@common/platform';
import type { EventHub } from '../contract/event-hub';
import type { Logger } from '../log';
import { PlatformRefusal, type PlatformClient } from '../platform/client';
import type { PlatformCache } from './cache';
import type { PlatformHealthMonitor } from './health';
import type { SessionService } from './session';

/** The platform closes an examiner's socket with this code when the token is no longer good. */
const CLOSE_UNAUTHORIZED = 4401;
const MAX_RECONNECT_MS = 5_000;

/**
 * The examiner's live side of the platform, held in main because main holds the token: one
 * realtime WebSocket while signed in (reconnecting when the platform returns), the queue of the
 * slots the renderer looks at, calling candidates in, and the relay of WebRTC signals, prompts
 * and quick messages between the renderer's peers and the candidates' devices.
 */
export class LiveService {
  #socket: WebSocket | null = null;
  #state: LiveConnection['state'] = 'signed_out';
  #retryMs = 250;
  #timer: NodeJS.Timeout | null = null;
  #stopped = true;
  readonly #slots = new Set<string>();
  readonly #unsubscribe: (() => void)[] = [];

  constructor(
    private readonly client: PlatformClient,
    private readonly session: SessionService,
    private readonly health: PlatformHealthMonitor,
    private readonly cache: PlatformCache,
    private readonly events: EventHub,
    private readonly log: Logger,
  ) {}

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#unsubscribe.push(
      this.session.onChange((session) => {
        this.#disconnect();
        this.#slots.clear();
        if (session) this.#connect();
        else this.#setState('signed_out');
      }),
      this.health.onChange((health) => {
        if (health.state === 'online' && this.#socket === null) this.#connect();
      }),
    );
    this.#connect();
  }

  stop(): void {
    this.#stopped = true;
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    this.#disconnect();
  }

  connection(): LiveConnection {
    return { state: this.#state, slots: [...this.#slots] };
  }

  async getQueue(slotId: string): Promise<QueueView> {
    const { data, freshness } = await this.cache.fetch('queue', slotId, `/slots/${encodeURIComponent(slotId)}/queue`, QueueSnapshot);
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

  signal(signal: LiveSignal): void {
    this.#sendOrFail({ type: 'signal', ...signal });
  }

  prompt(entryId: string, text: string): void {
    this.#sendOrFail({ type: 'prompt', entryId, text });
  }

  async reReviews(): Promise<ReReviewListView> {
    const { data, freshness } = await this.cache.fetch('reReviews', 'all', '/re-reviews', ReReviewList);
    return { requests: data.requests, freshness };
  }

  async #queueAction(slotId: string, action: string): Promise<QueueEntry>;
  async #queueAction<T>(slotId: string, action: string, handle: (refusal: PlatformRefusal) => T | undefined): Promise<QueueEntry | T>;
  async #queueAction<T>(slotId: string, action: string, handle?: (refusal: PlatformRefusal) => T | undefined): Promise<QueueEntry | T> {
    try {
      const { data } = await this.client.request({
        method: 'POST',
        path: `/slots/${encodeURIComponent(slotId)}/queue/${action}`,
        schema: QueueEntry,
        token: this.session.requireToken(),
      });
      this.events.emit('live.queueEntry', data);
      return data;
    } catch (error) {
      const handled = error instanceof PlatformRefusal ? handle?.(error) : undefined;
      if (handled !== undefined) return handled;
      if (error instanceof PlatformRefusal && error.status === 409) throw new ContractFailure('queue_changed', error.message);
      if (error instanceof PlatformRefusal && error.status === 404) throw new ContractFailure('not_found', error.message);
      throw error;
    }
  }

  #connect(): void {
    if (this.#stopped || this.#socket !== null || this.client.origin === null) return;
    let token: string;
    try {
      token = this.session.requireToken();
    } catch {
      this.#setState('signed_out');
      return;
    }
    this.#setState('connecting');
    const url = `${this.client.origin.replace(/^http/, 'ws')}/api/v1/realtime?token=${encodeURIComponent(token)}`;
    const socket = new WebSocket(url, { handshakeTimeout: 5_000 });
    this.#socket = socket;
    socket.on('open', () => {
      this.#retryMs = 250;
      this.#setState('connected');
      for (const slotId of this.#slots) this.#send({ type: 'subscribe', slotId });
    });
    socket.on('message', (data) => this.#receive(data.toString()));
    socket.on('unexpected-response', (request, response) => {
      request.destroy();
      if (response.statusCode === 401) this.session.expire();
    });
    socket.on('error', (error) => this.log.warn('realtime connection error', { error: error.message }));
    socket.on('close', (code) => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      if (code === CLOSE_UNAUTHORIZED) {
        this.session.expire();
        return;
      }
      if (this.#stopped || this.session.session === null) return;
      this.#setState('offline');
      this.#timer = setTimeout(() => this.#connect(), this.#retryMs);
      this.#timer.unref();
      this.#retryMs = Math.min(this.#retryMs * 2, MAX_RECONNECT_MS);
    });
  }

  #disconnect(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
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
      this.log.warn('realtime message is not JSON');
      return;
    }
    const parsed = PushToExaminer.safeParse(json);
    if (!parsed.success) {
      this.log.warn('realtime message breaks the protocol', { issues: parsed.error.issues.slice(0, 3) });
      return;
    }
    const message = parsed.data;
    switch (message.type) {
      case 'queue':
        this.events.emit('live.queueEntry', message.entry);
        break;
      case 'presence':
        this.events.emit('live.presence', { slotId: message.slotId, entryId: message.entryId, device: message.device, online: message.online });
        break;
      case 'signal':
        this.events.emit('live.signal', { entryId: message.entryId, device: message.device, peerId: message.peerId, data: message.data });
        break;
      case 'quick_message':
        this.events.emit('live.quickMessage', {
          slotId: message.slotId,
          entryId: message.entryId,
          device: message.device,
          messageId: message.messageId,
          text: { zh: message.text.zh, en: message.text.en },
          at: message.at,
        });
        break;
      case 're_review':
        this.events.emit('reReview.requested', message.request);
        break;
      case 'error':
        this.log.warn('the platform refused a realtime message', { code: message.code, message: message.message });
        break;
      case 'hello':
        break;
    }
  }

  #send(message: Record<string, unknown>): boolean {
    if (this.#socket?.readyState !== WebSocket.OPEN) return false;
    this.#socket.send(JSON.stringify(message));
    return true;
  }

  #sendOrFail(message: Record<string, unknown>): void {
    if (!this.#send(message)) throw new ContractFailure('platform_unreachable', 'the realtime connection to the platform is down');
  }

  #setState(state: LiveConnection['state']): void {
    if (state === this.#state) return;
    this.#state = state;
    this.events.emit('live.connection', this.connection());
  }
}
