import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Readable, Transform, pipeline } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { FaultSettings, type FaultMode, type FaultStatus } from '@common/platform/admin';
import { API_PREFIX } from '@common/platform/wire';
import type { PlatformContext } from './context';
import { sendError } from './http';

export { FaultMode, FaultSettings } from '@common/platform/admin';

/** A fault that took effect, as listeners of a FaultInjector hear of it. */
export interface InjectedFault {
  readonly mode: FaultMode;
  readonly method: string;
  /** The path below /api/v1, without the query. */
  readonly path: string;
}

const noFaults = (): Record<FaultMode, number> => ({ error_500: 0, timeout_after_commit: 0, reset: 0, delay: 0, duplicate: 0, no_replay: 0 });

/** Requests the `no_replay` fault was drawn for: their score submissions are not replayed. */
const forgetful = new WeakSet<FastifyRequest>();

/**
 * Whether the `no_replay` fault was drawn for this request, so the score intake is to process
 * a repeated idempotency key as a new submission instead of replaying its recorded answer.
 */
export function replayForgotten(request: FastifyRequest): boolean {
  return forgetful.has(request);
}

/** mulberry32: tiny, fast, and the same sequence for the same seed on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const isUnder = (path: string, base: string) => path === base || path.startsWith(`${base}/`);

/**
 * Which requests get which fault, and how many did. Deterministic for a seed: every matching
 * request draws twice from the seeded sequence (whether it is faulted, which mode), so the same
 * settings and the same order of requests give the same faults.
 */
export class FaultInjector {
  #settings: FaultSettings | null = null;
  #random: () => number = () => 1;
  #considered = 0;
  #injected = noFaults();
  readonly #listeners = new Set<(fault: InjectedFault) => void>();

  /** New settings restart the seeded sequence and the counters; null stops injecting (counters stay). */
  set(settings: FaultSettings | null): FaultStatus {
    this.#settings = settings;
    if (settings) {
      this.#random = seededRandom(settings.seed);
      this.#considered = 0;
      this.#injected = noFaults();
    }
    return this.status();
  }

  status(): FaultStatus {
    return { settings: this.#settings, counters: { considered: this.#considered, injected: { ...this.#injected } } };
  }

  /** The fault for a request to `path` (below /api/v1), or null. */
  draw(path: string): FaultMode | null {
    const settings = this.#settings;
    // Admin stays reachable whatever the settings, or a test could not turn faults off again.
    if (!settings || isUnder(path, '/admin')) return null;
    const matches =
      settings.paths.length === 0
        ? !isUnder(path, '/health') && !isUnder(path, '/realtime')
        : settings.paths.some((prefix) => path.startsWith(prefix));
    if (!matches) return null;
    this.#considered++;
    const hit = this.#random() < settings.rate;
    const pick = this.#random();
    return hit ? (settings.modes[Math.floor(pick * settings.modes.length)] ?? null) : null;
  }

  record(fault: InjectedFault): void {
    this.#injected[fault.mode]++;
    for (const listener of this.#listeners) listener(fault);
  }

  /** Hears every fault as it takes effect (a withheld response once its handler has committed). */
  onInjected(listener: (fault: InjectedFault) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get delayMs(): number {
    return this.#settings?.delayMs ?? 0;
  }
}

const injectors = new WeakMap<PlatformContext, FaultInjector>();

/** The injector installFaults set up for this platform (the admin routes drive it). */
export function faultInjectorOf(ctx: PlatformContext): FaultInjector {
  const injector = injectors.get(ctx);
  if (!injector) throw new Error('installFaults was not called for this platform');
  return injector;
}

interface PendingFault {
  readonly mode: 'timeout_after_commit' | 'duplicate';
  readonly path: string;
  readonly body: Buffer[];
}

// Not forwarded to a replay: they describe the client's connection, not its request.
const CONNECTION_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'expect', 'upgrade', 'date']);

/**
 * Installs the fault hooks; `initial` null: no faults until the admin endpoint sets some.
 *
 * - error_500: answered 500 `injected_fault` before the handler runs (nothing committed);
 * - reset: the connection is destroyed before the handler runs (nothing committed);
 * - delay: held `delayMs`, then handled and answered normally;
 * - timeout_after_commit: handled (and committed), then the answer is withheld `delayMs` and
 *   the connection destroyed, so the client sees a timeout or reset for work that was done;
 * - duplicate: handled, then replayed once as a retrying proxy would, and the client gets the
 *   replay's answer;
 * - no_replay: handled with the score intake's idempotency replay off (replayForgotten): a key
 *   seen before with the same body is processed again. Counted when drawn, whether or not the
 *   request repeated a key.
 * WebSocket upgrades are never faulted.
 */
export function installFaults(app: FastifyInstance, ctx: PlatformContext, initial: FaultSettings | null): void {
  const injector = new FaultInjector();
  injector.set(initial === null ? null : FaultSettings.parse(initial));
  injectors.set(ctx, injector);

  // Marks a duplicate's replay so it is processed, not faulted again; secret so no client can skip faults.
  const replayHeader = 'x-reference-platform-replay';
  const replayNonce = randomBytes(16).toString('hex');
  const pending = new WeakMap<FastifyRequest, PendingFault>();
  const closing = new AbortController();
  app.addHook('onClose', async () => closing.abort());

  app.addHook('onRequest', async (request, reply) => {
    if (request.headers[replayHeader] === replayNonce || request.headers.upgrade !== undefined) return;
    const url = request.url.split('?')[0] ?? '';
    if (!url.startsWith(`${API_PREFIX}/`)) return;
    const path = url.slice(API_PREFIX.length);
    const mode = injector.draw(path);
    const fault = { method: request.method, path };
    switch (mode) {
      case null:
        return;
      case 'error_500':
        injector.record({ mode, ...fault });
        return sendError(reply, 500, 'injected_fault', 'fault injected by the reference platform');
      case 'reset':
        injector.record({ mode, ...fault });
        abandon(request, reply);
        return;
      case 'delay':
        injector.record({ mode, ...fault });
        await hold(injector.delayMs, closing.signal, null);
        if (closing.signal.aborted) abandon(request, reply);
        return;
      case 'no_replay':
        injector.record({ mode, ...fault });
        forgetful.add(request);
        return;
      case 'timeout_after_commit':
      case 'duplicate':
        pending.set(request, { mode, path, body: [] });
        return;
    }
  });

  // A retrying proxy resends the bytes it got, not a re-serialisation of them: so does the replay.
  app.addHook('preParsing', async (request, _reply, payload) => {
    const fault = pending.get(request);
    if (fault?.mode !== 'duplicate') return payload;
    const copy = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        fault.body.push(chunk);
        done(null, chunk);
      },
    });
    return pipeline(payload, copy, () => undefined);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const fault = pending.get(request);
    if (!fault) return payload;
    pending.delete(request);
    if (fault.mode === 'timeout_after_commit') {
      injector.record({ mode: fault.mode, method: request.method, path: fault.path });
      await hold(injector.delayMs, closing.signal, request);
      if (payload instanceof Readable) payload.destroy();
      request.raw.socket.destroy();
      return payload;
    }
    const replay = await app.inject({
      method: request.method,
      url: request.url,
      headers: { ...forwardable(request.headers), [replayHeader]: replayNonce },
      payload: Buffer.concat(fault.body),
      ...(request.socket.remoteAddress === undefined ? {} : { remoteAddress: request.socket.remoteAddress }),
    });
    injector.record({ mode: fault.mode, method: request.method, path: fault.path });
    if (payload instanceof Readable) payload.destroy();
    replaceAnswer(reply, replay.statusCode, replay.headers);
    return replay.rawPayload;
  });
}

/** Drops the request on the floor: no answer, the connection destroyed. */
function abandon(request: FastifyRequest, reply: FastifyReply): void {
  reply.hijack();
  request.raw.socket.destroy();
}

/** Waits `ms`, less if the platform closes or (when given) the request's connection does. */
function hold(ms: number, closing: AbortSignal, request: FastifyRequest | null): Promise<void> {
  return new Promise((resolve) => {
    const socket = request?.raw.socket;
    const done = () => {
      clearTimeout(timer);
      socket?.off('close', done);
      closing.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    timer.unref();
    socket?.once('close', done);
    closing.addEventListener('abort', done, { once: true });
  });
}

function forwardable(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const forwarded: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !CONNECTION_HEADERS.has(name)) forwarded[name] = value;
  }
  return forwarded;
}

function replaceAnswer(reply: FastifyReply, status: number, headers: Record<string, string | string[] | number | undefined>): void {
  reply.code(status);
  for (const name of Object.keys(reply.getHeaders())) reply.removeHeader(name);
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !CONNECTION_HEADERS.has(name)) reply.header(name, value);
  }
  // HEAD answers carry the length of the body they do not send.
  if (headers['content-length'] !== undefined && reply.request.method === 'HEAD') reply.header('content-length', headers['content-length']);
}
