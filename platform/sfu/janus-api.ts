import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import {
  janusMessageSchema,
  pluginErrorSchema,
  type JanusCandidate,
  type JanusHandleEvent,
  type JanusMessage,
  type Jsep,
  type PluginData,
} from './janus-messages';

/**
 * A small client of Janus's API over its WebSocket transport: requests are transactions with a
 * timeout, a session keeps itself alive, and what Janus says of a handle on its own (webrtcup,
 * hangup, media, plugin events, its ICE candidates) goes to that handle's listeners.
 */

export class JanusError extends Error {
  constructor(
    readonly code: 'timeout' | 'closed' | 'janus' | 'plugin' | 'protocol',
    message: string,
    /** Janus's or the plugin's numeric error code, when it gave one. */
    readonly janusCode?: number,
  ) {
    super(message);
    this.name = 'JanusError';
  }
}

const REQUEST_TIMEOUT_MS = 10_000;
/** Janus ends a session after session_timeout (60 s) without a request; we speak well before. */
const KEEPALIVE_MS = 25_000;

type Request = Record<string, unknown> & { janus: string };

interface Pending {
  /** Plugin messages: an `ack` only says Janus queued it, the answer is the `event` that follows. */
  readonly waitsForEvent: boolean;
  resolve(message: JanusMessage): void;
  reject(error: JanusError): void;
  timer: NodeJS.Timeout;
}

export class JanusConnection {
  readonly #socket: WebSocket;
  readonly #pending = new Map<string, Pending>();
  readonly #handles = new Map<number, JanusHandle>();
  readonly #sessions = new Map<number, JanusSession>();
  readonly #closeListeners = new Set<(why: string) => void>();
  #closed = false;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.on('message', (raw: WebSocket.RawData) => this.#receive(raw));
    socket.on('close', () => this.#end('the connection to Janus closed'));
    socket.on('error', (error) => this.#end(`the connection to Janus failed: ${error.message}`));
  }

  /** Opens the WebSocket (subprotocol janus-protocol); rejects if it is not open within the timeout. */
  static connect(url: string, timeoutMs = REQUEST_TIMEOUT_MS): Promise<JanusConnection> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, 'janus-protocol', { handshakeTimeout: timeoutMs });
      const fail = (error: Error) => {
        socket.removeAllListeners();
        socket.on('error', () => undefined);
        socket.terminate();
        reject(new JanusError('closed', `cannot reach Janus at ${url}: ${error.message}`));
      };
      socket.once('error', fail);
      socket.once('open', () => {
        socket.off('error', fail);
        resolve(new JanusConnection(socket));
      });
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Told once when the connection ends (Janus died or close() was called). */
  onClose(listener: (why: string) => void): () => void {
    this.#closeListeners.add(listener);
    return () => this.#closeListeners.delete(listener);
  }

  /** Janus's `info` (needs no token): proves the server answers. */
  async info(): Promise<{ version: number; name?: string | undefined }> {
    const answer = await this.request({ janus: 'info' });
    if (answer.janus !== 'server_info') throw new JanusError('protocol', `Janus answered info with ${answer.janus}`);
    return { version: answer.version, name: answer.name };
  }

  /** A new Janus session; `token` gives the signed token each request carries. */
  async createSession(token: () => string): Promise<JanusSession> {
    const answer = await this.request({ janus: 'create', token: token() });
    const sessionId = answer.janus === 'success' ? answer.data?.id : undefined;
    if (sessionId === undefined) throw new JanusError('protocol', 'Janus created a session without an id');
    const session = new JanusSession(this, sessionId, token);
    this.#sessions.set(sessionId, session);
    return session;
  }

  close(): void {
    this.#end('closed by the platform');
    this.#socket.terminate();
  }

  /** Sends one request and waits for its answer (the plugin's event, for plugin messages). */
  request(body: Request, waitsForEvent = false, timeoutMs = REQUEST_TIMEOUT_MS): Promise<JanusMessage> {
    if (this.#closed) return Promise.reject(new JanusError('closed', 'the connection to Janus is closed'));
    const transaction = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(transaction);
        reject(new JanusError('timeout', `Janus did not answer ${body.janus} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(transaction, { waitsForEvent, resolve, reject, timer });
      this.#socket.send(JSON.stringify({ ...body, transaction }), (error) => {
        if (!error) return;
        const pending = this.#pending.get(transaction);
        if (!pending) return;
        this.#settle(transaction, pending);
        reject(new JanusError('closed', `cannot send to Janus: ${error.message}`));
      });
    });
  }

  /** @internal JanusSession registers its handles here so events find them. */
  registerHandle(handle: JanusHandle): void {
    this.#handles.set(handle.id, handle);
  }

  /** @internal */
  forgetHandle(handleId: number): void {
    this.#handles.delete(handleId);
  }

  /** @internal */
  forgetSession(sessionId: number): void {
    this.#sessions.delete(sessionId);
  }

  #settle(transaction: string, pending: Pending): void {
    clearTimeout(pending.timer);
    this.#pending.delete(transaction);
  }

  #receive(raw: WebSocket.RawData): void {
    let json: unknown;
    try {
      json = JSON.parse(raw.toString());
    } catch {
      return; // Not JSON: nothing of ours can be waiting for it.
    }
    const parsed = janusMessageSchema.safeParse(json);
    if (!parsed.success) return; // A kind we do not use (or a malformed one): ignored, never trusted.
    const message = parsed.data;
    const pending = message.transaction === undefined ? undefined : this.#pending.get(message.transaction);
    if (pending && message.transaction !== undefined) {
      if (message.janus === 'ack' && pending.waitsForEvent) return;
      if (message.janus === 'error') {
        this.#settle(message.transaction, pending);
        pending.reject(new JanusError('janus', message.error.reason ?? `Janus error ${message.error.code}`, message.error.code));
        return;
      }
      this.#settle(message.transaction, pending);
      pending.resolve(message);
      return;
    }
    if (message.janus === 'timeout' && message.session_id !== undefined) {
      this.#sessions.get(message.session_id)?.expire();
      return;
    }
    if (message.sender === undefined) return;
    const handle = this.#handles.get(message.sender);
    if (!handle) return;
    switch (message.janus) {
      case 'event':
      case 'webrtcup':
      case 'hangup':
      case 'detached':
      case 'media':
      case 'slowlink':
      case 'trickle':
        handle.dispatch(message);
        return;
      default:
        return;
    }
  }

  #end(why: string): void {
    if (this.#closed) return;
    this.#closed = true;
    // Close listeners first: they learn Janus went away before any handle reports itself gone.
    for (const listener of [...this.#closeListeners]) listener(why);
    this.#closeListeners.clear();
    for (const [transaction, pending] of this.#pending) {
      this.#settle(transaction, pending);
      pending.reject(new JanusError('closed', why));
    }
    for (const session of [...this.#sessions.values()]) session.expire();
  }
}

export class JanusSession {
  readonly #keepalive: NodeJS.Timeout;
  readonly #handles = new Set<JanusHandle>();
  #ended = false;

  constructor(
    readonly connection: JanusConnection,
    readonly id: number,
    readonly token: () => string,
  ) {
    this.#keepalive = setInterval(() => {
      // A failed keepalive shows as the connection's close or the session's timeout.
      this.send({ janus: 'keepalive' }).catch(() => undefined);
    }, KEEPALIVE_MS);
    this.#keepalive.unref();
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** A request on this session (session id and token added). */
  send(body: Request, waitsForEvent = false): Promise<JanusMessage> {
    if (this.#ended) return Promise.reject(new JanusError('closed', 'the Janus session has ended'));
    return this.connection.request({ ...body, session_id: this.id, token: this.token() }, waitsForEvent);
  }

  async attach(plugin: string): Promise<JanusHandle> {
    const answer = await this.send({ janus: 'attach', plugin });
    const handleId = answer.janus === 'success' ? answer.data?.id : undefined;
    if (handleId === undefined) throw new JanusError('protocol', 'Janus attached a handle without an id');
    const handle = new JanusHandle(this, handleId);
    this.#handles.add(handle);
    this.connection.registerHandle(handle);
    return handle;
  }

  /** @internal */
  forgetHandle(handle: JanusHandle): void {
    this.#handles.delete(handle);
    this.connection.forgetHandle(handle.id);
  }

  /** Destroys the session on Janus (its handles go with it). */
  async destroy(): Promise<void> {
    if (this.#ended) return;
    await this.send({ janus: 'destroy' }).catch(() => undefined);
    this.expire();
  }

  /** @internal The session is gone (destroyed, timed out, or the connection closed). */
  expire(): void {
    if (this.#ended) return;
    this.#ended = true;
    clearInterval(this.#keepalive);
    this.connection.forgetSession(this.id);
    for (const handle of [...this.#handles]) handle.gone();
  }
}

/** A plugin's answer to a message: its data, and the SDP it sent along, if any. */
export interface PluginAnswer {
  readonly data: PluginData['data'];
  readonly jsep?: Jsep | undefined;
}

export class JanusHandle {
  readonly #listeners = new Set<(event: JanusHandleEvent | { janus: 'gone' }) => void>();
  #detached = false;

  constructor(
    readonly session: JanusSession,
    readonly id: number,
  ) {}

  /**
   * Everything Janus says of this handle on its own, and `gone` once when the handle can say
   * nothing more (detached, its session ended, or the connection closed).
   */
  onEvent(listener: (event: JanusHandleEvent | { janus: 'gone' }) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** A plugin message (with an SDP when given); resolves with the plugin's answer or rejects with its error. */
  async message(body: Record<string, unknown>, jsep?: Jsep): Promise<PluginAnswer> {
    const answer = await this.#send({ janus: 'message', body, ...(jsep ? { jsep } : {}) }, true);
    if ((answer.janus !== 'success' && answer.janus !== 'event') || !answer.plugindata) {
      throw new JanusError('protocol', `Janus answered a plugin message with ${answer.janus}`);
    }
    const data = answer.plugindata.data;
    const error = pluginErrorSchema.safeParse(data);
    if (error.success) throw new JanusError('plugin', error.data.error ?? `plugin error ${error.data.error_code}`, error.data.error_code);
    return { data, jsep: answer.janus === 'event' ? answer.jsep : undefined };
  }

  /** One of the client's ICE candidates, or the end of them. */
  async trickle(candidate: JanusCandidate): Promise<void> {
    await this.#send({ janus: 'trickle', candidate });
  }

  /** Ends the handle's PeerConnection (the handle stays). */
  async hangup(): Promise<void> {
    await this.#send({ janus: 'hangup' });
  }

  /** Ends the handle on Janus (idempotent; a dead connection counts as detached). */
  async detach(): Promise<void> {
    if (this.#detached) return;
    try {
      await this.#send({ janus: 'detach' });
    } catch {
      // Already gone on Janus (or Janus is): nothing left to end.
    }
    this.gone();
  }

  /** @internal */
  dispatch(event: JanusHandleEvent): void {
    for (const listener of [...this.#listeners]) listener(event);
    if (event.janus === 'detached') this.gone();
  }

  /** @internal */
  gone(): void {
    if (this.#detached) return;
    this.#detached = true;
    this.session.forgetHandle(this);
    for (const listener of [...this.#listeners]) listener({ janus: 'gone' });
    this.#listeners.clear();
  }

  #send(body: Request, waitsForEvent = false): Promise<JanusMessage> {
    if (this.#detached) return Promise.reject(new JanusError('closed', 'the Janus handle is detached'));
    return this.session.send({ ...body, handle_id: this.id }, waitsForEvent);
  }
}
