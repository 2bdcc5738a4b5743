import { randomBytes } from 'node:crypto';
import type { AddressInfo, Socket } from 'node:net';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { CONTRACT_LIMITS } from '@common/contract';
import type { Logger } from '../log';
import { registerMediaRoute } from '../media/http-route';
import { SECURITY_HEADERS } from '../security/csp';
import { isLoopbackAddress, secretsEqual } from '../security/loopback';
import type { Workstation } from '../workstation';
import { handleContractSocket } from './contract-socket';

export const HOST_COOKIE = 'examiner_host';
export const CONTRACT_PATH = '/contract';

export interface BrowserHostOptions {
  readonly workstation: Workstation;
  /** The built renderer (vite's output). */
  readonly rendererDir: string;
  readonly log: Logger;
  /** 0 picks a free port. */
  readonly port?: number;
  /** Given by tests; otherwise a fresh random one per launch. */
  readonly secret?: string;
}

export interface BrowserHost {
  readonly origin: string;
  /** The URL to open: it carries the secret once, which the host trades for a cookie. */
  readonly launchUrl: string;
  readonly port: number;
  readonly secret: string;
  /** The underlying server, for tests that must inject requests no loopback socket can make. */
  readonly app: FastifyInstance;
  close(): Promise<void>;
}

type Refusal = { status: number; code: string; message: string };

/**
 * The workstation served to a browser: the built renderer over HTTP and the contract over a
 * WebSocket, on 127.0.0.1 only, for one launch's secret only. It is the same dispatcher and
 * the same validation as the Electron shell's IPC.
 */
export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const secret = options.secret ?? randomBytes(32).toString('base64url');
  // On close, drop every connection at once: a stopping host must not wait on a browser's keep-alive.
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024, trustProxy: false, forceCloseConnections: true });
  let port = options.port ?? 0;

  const refuse = (reply: FastifyReply, refusal: Refusal) =>
    reply.code(refusal.status).header('cache-control', 'no-store').send({ error: { code: refusal.code, message: refusal.message } });

  app.addHook('onRequest', async (request, reply) => {
    const refusal = checkRequest(request, port, secret);
    if (refusal) {
      options.log.warn('browser host refused a request', {
        url: request.url.replace(/secret=[^&]*/, 'secret=…'),
        remote: request.socket.remoteAddress,
        code: refusal.code,
      });
      return refuse(reply, refusal);
    }
    const given = new URL(request.url, 'http://host').searchParams.get('secret');
    if (given !== null && request.headers.upgrade === undefined) {
      // Trade the one-time URL secret for an HttpOnly cookie and drop it from the address bar.
      const url = new URL(request.url, 'http://host');
      url.searchParams.delete('secret');
      return reply
        .code(303)
        .header('set-cookie', `${HOST_COOKIE}=${secret}; HttpOnly; SameSite=Strict; Path=/`)
        .header('cache-control', 'no-store')
        .redirect(`${url.pathname}${url.search}`);
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
    launchUrl: `${origin}/?secret=${secret}`,
    port,
    secret,
    app,
    close: async () => {
      const closing = app.close();
      for (const socket of sockets) socket.destroy();
      await closing;
    },
  };
}

/** Why a request must be refused, or null. Exported for tests of requests no socket can make here. */
export function checkRequest(request: FastifyRequest, port: number, secret: string): Refusal | null {
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
  const urlSecret = new URL(request.url, 'http://host').searchParams.get('secret');
  const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
  const authorised =
    secretsEqual(readCookie(request.headers.cookie, HOST_COOKIE), secret) ||
    secretsEqual(bearer, secret) ||
    (urlSecret !== null && secretsEqual(urlSecret, secret));
  if (!authorised) {
    return { status: 401, code: 'unauthorized', message: 'open the workstation with the URL printed at start' };
  }
  return null;
}

function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}
