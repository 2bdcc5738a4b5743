import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo, Socket } from 'node:net';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { CONTRACT_LIMITS } from '@common/contract';
import type { Logger } from '../log';
import { registerMediaRoute } from '../media/http-route';
import { SECURITY_HEADERS } from '../security/csp';
import { isLoopbackAddress } from '../security/loopback';
import type { Workstation } from '../workstation';
import { handleContractSocket } from './contract-socket';

export const HOST_COOKIE = 'examiner_host';
export const CONTRACT_PATH = '/contract';
/** The query parameter of a launch address. */
export const LAUNCH_CODE_PARAM = 'code';

export interface BrowserHostOptions {
  readonly workstation: Workstation;
  /** The built renderer (vite's output). */
  readonly rendererDir: string;
  readonly log: Logger;
  /** 0 picks a free port. */
  readonly port?: number;
}

export interface BrowserHost {
  readonly origin: string;
  /**
   * A launch address to open (or print): its code opens the workstation once, traded for a
   * session cookie; the address works no more after that. Each call makes a new one.
   */
  newLaunchUrl(): string;
  /**
   * A new session, as its cookie's value (`examiner_host=<value>`), for a client that is no
   * browser (tests, tools) and so cannot follow a launch address.
   */
  openSession(): string;
  readonly port: number;
  /** The underlying server, for tests that must inject requests no loopback socket can make. */
  readonly app: FastifyInstance;
  close(): Promise<void>;
}

type Refusal = { status: number; code: string; message: string };

/**
 * What lets a request in: launch codes, each good once, and the sessions they were traded for.
 * Both are random 256-bit values, kept only as their hashes, so a lookup's timing says nothing
 * of a value and a memory dump holds none.
 */
export class HostKeys {
  readonly #codes = new Set<string>();
  readonly #sessions = new Set<string>();

  newCode(): string {
    const code = randomBytes(32).toString('base64url');
    this.#codes.add(hashOf(code));
    return code;
  }

  /** True once for a code this host made; false for any other, and for the same code again. */
  useCode(code: string): boolean {
    return this.#codes.delete(hashOf(code));
  }

  newSession(): string {
    const session = randomBytes(32).toString('base64url');
    this.#sessions.add(hashOf(session));
    return session;
  }

  isSession(session: string | null): boolean {
    return session !== null && this.#sessions.has(hashOf(session));
  }
}

const hashOf = (value: string) => createHash('sha256').update(value).digest('base64url');

const sessionCookie = (session: string) => `${HOST_COOKIE}=${session}; HttpOnly; SameSite=Strict; Path=/`;

/**
 * The workstation served to a browser: the built renderer over HTTP and the contract over a
 * WebSocket, on 127.0.0.1 only, for one launch's sessions only. A session begins with a launch
 * address (`/?code=…`, printed by `npm start`) whose code is good once. It is the same dispatcher
 * and the same validation as the Electron shell's IPC.
 */
export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const keys = new HostKeys();
  // On close, drop every connection at once: a stopping host must not wait on a browser's keep-alive.
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024, trustProxy: false, forceCloseConnections: true });
  let port = options.port ?? 0;

  const refuse = (reply: FastifyReply, refusal: Refusal) =>
    reply.code(refusal.status).header('cache-control', 'no-store').send({ error: { code: refusal.code, message: refusal.message } });

  app.addHook('onRequest', async (request, reply) => {
    const refusal = checkRequest(request, port) ?? checkSession(request, keys);
    if (refusal === 'launch') {
      // Trade the launch code for a session cookie and drop the code from the address bar.
      const url = new URL(request.url, 'http://host');
      url.searchParams.delete(LAUNCH_CODE_PARAM);
      return reply
        .code(303)
        .header('set-cookie', sessionCookie(keys.newSession()))
        .header('cache-control', 'no-store')
        .redirect(`${url.pathname}${url.search}`);
    }
    if (refusal) {
      options.log.warn('browser host refused a request', {
        url: request.url.replace(/([?&]code=)[^&]*/, '$1…'),
        remote: request.socket.remoteAddress,
        code: refusal.code,
      });
      return refuse(reply, refusal);
    }
    return undefined;
  });

  app.addHook('onSend', async (_request, reply, payload) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
    return payload;
  });

  await app.register(fastifyWebsocket, { options: { maxPayload: CONTRACT_LIMITS.maxMessageBytes } });
  app.get(CONTRACT_PATH, { websocket: true }, (socket: WebSocket) => {
    handleContractSocket(socket, options.workstation, options.log);
  });
  // Recordings and review artefacts by media id, with byte ranges, behind the same checks as every route.
  registerMediaRoute(app, options.workstation.media);
  await app.register(fastifyStatic, {
    root: options.rendererDir,
    index: 'index.html',
    setHeaders: (res, path) => {
      if (path.endsWith('.html')) res.header('cache-control', 'no-store');
    },
  });

  // Upgraded and refused-upgrade sockets leave the HTTP server's own tracking, so a client that
  // holds one open would stall close(); keep our own list and end them all on close.
  const sockets = new Set<Socket>();
  app.server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await app.listen({ host: '127.0.0.1', port });
  port = (app.server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    newLaunchUrl: () => `${origin}/?${LAUNCH_CODE_PARAM}=${keys.newCode()}`,
    openSession: () => keys.newSession(),
    port,
    app,
    close: async () => {
      const closing = app.close();
      for (const socket of sockets) socket.destroy();
      await closing;
    },
  };
}

/** Why a request must be refused whoever asks, or null. Exported for tests of requests no socket can make here. */
export function checkRequest(request: FastifyRequest, port: number): Refusal | null {
  if (!isLoopbackAddress(request.socket.remoteAddress)) {
    return { status: 403, code: 'forbidden', message: 'the workstation host only answers this computer' };
  }
  // A page on another site that rebinds its DNS name to 127.0.0.1 still sends its own Host.
  const host = request.headers.host;
  if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
    return { status: 403, code: 'forbidden', message: 'unexpected Host header' };
  }
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== `http://${host}`) {
    return { status: 403, code: 'forbidden', message: 'foreign origin' };
  }
  const isUpgrade = request.headers.upgrade?.toLowerCase() === 'websocket';
  if (isUpgrade && origin === undefined) {
    return { status: 403, code: 'forbidden', message: 'a WebSocket needs an Origin' };
  }
  return null;
}

/**
 * Whether the request belongs to a session: null when its cookie names one, `launch` when it
 * brings a launch code not used before (a page load, never a WebSocket), a 401 otherwise. A
 * launch code is spent even beside a good cookie, so that a printed address opens nothing twice.
 */
function checkSession(request: FastifyRequest, keys: HostKeys): Refusal | 'launch' | null {
  const code = new URL(request.url, 'http://host').searchParams.get(LAUNCH_CODE_PARAM);
  const isPageLoad = request.method === 'GET' && request.headers.upgrade === undefined;
  if (code !== null && isPageLoad && keys.useCode(code)) return 'launch';
  if (keys.isSession(readCookie(request.headers.cookie, HOST_COOKIE))) return null;
  if (code !== null) {
    return { status: 401, code: 'unauthorized', message: 'this launch address was used already: each opens the workstation once; start it again for a new one' };
  }
  return { status: 401, code: 'unauthorized', message: 'open the workstation with the address printed at start' };
}

function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}
