import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo, Socket } from 'node:net';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { MAX_SIGNAL_BYTES } from '@common/platform/realtime';
import { IceServers, type IceServer } from '@common/platform/room';
import { API_PREFIX, type HealthResponse } from '@common/platform/wire';
import { systemClock, type Clock } from './clock';
import type { Notifier, PlatformContext } from './context';
import { openPlatformDb } from './db/database';
import { ensureDemoRecordings, type DemoMediaOptions } from './demo/media';
import { seedDemo, type DemoSeedOptions } from './demo/seed';
import { seedTestExam } from './demo/test-exam';
import { installFaults, type FaultSettings } from './faults';
import { HttpError, refuseQueryTokens, sendError } from './http';
import { RealtimeHub } from './realtime/hub';
import { PanelRooms } from './room/rooms';
import { routeFor } from './room/media';
import { adminRoutes } from './routes/admin';
import { assignmentRoutes } from './routes/assignments';
import { authRoutes } from './routes/auth';
import { calibrationRoutes } from './routes/calibration';
import { candidateRoutes } from './routes/candidate';
import { ChiefDesk, chiefRoutes } from './routes/chief';
import { examRoutes } from './routes/exams';
import { queueRoutes } from './routes/queue';
import { recordingRoutes } from './routes/recordings';
import { recusalRoutes } from './routes/recusals';
import { scoreRoutes } from './routes/scores';
import { Accounts } from './state/accounts';
import { Calibration } from './state/calibration';
import { Catalog } from './state/catalog';
import { BlindCodes } from './state/codes';
import { LoginThrottle } from './state/login-throttle';
import { Recusals } from './state/recusals';
import type { Sfu } from './sfu/sfu';

/** The simulated candidate page (platform/web), built by `npm run build:platform-web`. */
export const CANDIDATE_PAGE_DIR = fileURLToPath(new URL('../dist/platform-web', import.meta.url));

export const PLATFORM_SERVICE = 'reference-exam-platform';
export const PLATFORM_VERSION = '0.2.0';

export interface PlatformOptions {
  /** 0 picks a free port. */
  readonly port?: number;
  /** Loopback unless a test's network namespace says otherwise. */
  readonly host?: string;
  /** Where the platform keeps its database and media; null (default) keeps state in memory. */
  readonly dataDir?: string | null;
  /** Seed the demo exam (default true); an object tunes its size. */
  readonly demo?: boolean | Omit<DemoSeedOptions, 'now'>;
  /**
   * Seed the test exam (platform/demo/test-exam.ts: `test: true`, for examiner1) that the vendor
   * conformance check writes into (default false). No ffmpeg: its recording is plain bytes.
   */
  readonly testExam?: boolean;
  /** Generate the demo recordings with ffmpeg (default false; needs dataDir); an object sets their length (tests: short clips). */
  readonly demoMedia?: boolean | Omit<DemoMediaOptions, 'tools'>;
  readonly clock?: Clock;
  readonly tokenTtlMs?: number;
  /** Faults from the start (tests); otherwise set through the admin endpoint. */
  readonly faults?: FaultSettings | null;
  /** Guards the admin endpoints besides loopback; default: a random one, see RunningPlatform. */
  readonly adminSecret?: string;
  /**
   * Test knob: hold each single score submission this long (on `clock`) between reserving its
   * idempotency key and deciding it, so a test can catch a request in flight. Default 0.
   */
  readonly scoreProcessingDelayMs?: number;
  /** Test knob: a smaller body limit for the score batch than the longest valid one, as a proxy may have. */
  readonly scoreBatchBodyLimit?: number;
  /**
   * Whether the platform grants chief examiners the candidate code → name mapping in the results
   * (`identities`); default false (the demo too): candidate codes only.
   */
  readonly chiefIdentities?: boolean;
  /** Replaces the realtime hub as the way pushes leave the platform (tests that watch them). */
  readonly notifier?: Notifier;
  /**
   * The SFU of the panel rooms. `auto` (default): start the platform's own Janus if it is
   * installed, else the direct route; `off`: the direct route; an object: Janus with this
   * binary and these ICE addresses (default loopback only).
   */
  readonly sfu?: 'auto' | 'off' | { readonly janusPath?: string; readonly iceAddresses?: readonly string[] };
  /** Told, in one line, which media route the rooms use and why (e.g. for `npm start` to print). */
  readonly onNotice?: (line: string) => void;
  /** Times the realtime heartbeat; wall time by default (see platform/realtime/hub.ts). */
  readonly heartbeatClock?: Clock;
  /**
   * The STUN/TURN servers the clients' peers use (checked by common/platform/room.ts IceServers).
   * None by default: on loopback host candidates are all there is, and a client is never sent
   * to a public server it was not told of.
   */
  readonly iceServers?: readonly IceServer[];
}

export interface RunningPlatform {
  readonly url: string;
  readonly port: number;
  /** The platform's state, for tests and tools that need to look behind the API. */
  readonly ctx: PlatformContext;
  readonly adminSecret: string;
  /** The server itself, for tests that need `inject` (e.g. a request from a non-loopback peer). */
  readonly app: FastifyInstance;
  /** The platform's SFU (its `status`, `onStatus`); null when the rooms use the direct route by choice or for want of one. */
  readonly sfu: Sfu | null;
  /** One line: the media route the rooms use and why (also given to `onNotice`). */
  readonly mediaNotice: string;
  close(): Promise<void>;
}

/** Starts the SFU the options ask for; null when there is none (the direct route). */
async function startSfu(option: PlatformOptions['sfu']): Promise<Sfu | null> {
  if (option === 'off') return null;
  const settings = typeof option === 'object' ? option : {};
  // Loaded only when wanted: a platform with the SFU off never touches Janus's code.
  const { startJanusSfu } = await import('./sfu/janus-sfu');
  return startJanusSfu({
    ...(settings.janusPath !== undefined && { binary: settings.janusPath }),
    ...(settings.iceAddresses !== undefined && { iceEnforceList: settings.iceAddresses }),
  });
}

/** The one line saying which route the panel rooms take and why. */
export function mediaNoticeOf(option: PlatformOptions['sfu'], sfu: Sfu | null): string {
  if (option === 'off') return 'Panel rooms: direct route (the SFU is turned off); at most 3 examiners receive the feeds.';
  const status = sfu?.status;
  if (status?.state === 'unavailable') {
    const why = status.why === 'not_installed' ? 'Janus is not installed' : 'Janus could not be started';
    return `Panel rooms: direct route (${why}: ${status.detail}); at most 3 examiners receive the feeds.`;
  }
  return routeFor(sfu).route === 'sfu' ? 'Panel rooms: through the platform\'s SFU (Janus).' : 'Panel rooms: direct route.';
}

/**
 * The reference exam platform: a real HTTP + WebSocket server on loopback that implements the
 * API the workstation speaks (platform/openapi.yaml). `npm start` embeds it with demo data;
 * every integration and end-to-end test runs against it.
 */
export async function startPlatform(options: PlatformOptions = {}): Promise<RunningPlatform> {
  const clock = options.clock ?? systemClock;
  const iceServers = IceServers.parse(options.iceServers ?? []);
  const dataDir = options.dataDir ?? null;
  const db = openPlatformDb(dataDir);
  const accounts = new Accounts(db, clock, options.tokenTtlMs ?? 12 * 3600_000);
  const catalog = new Catalog(db, accounts);
  const hub = new RealtimeHub(options.heartbeatClock ? { heartbeatClock: options.heartbeatClock } : {});
  const adminSecret = options.adminSecret ?? randomUUID();
  const sfu = await startSfu(options.sfu);
  const mediaNotice = mediaNoticeOf(options.sfu, sfu);
  options.onNotice?.(mediaNotice);
  // Janus unusable for good: the rooms take the direct route and Janus is not kept around.
  const usableSfu = sfu?.status.state === 'unavailable' ? null : sfu;
  if (usableSfu === null && sfu !== null) await sfu.stop();
  const rooms = new PanelRooms({ ctx: () => ctx, devices: hub, sfu: usableSfu });
  const ctx: PlatformContext = {
    db,
    clock,
    accounts,
    catalog,
    codes: new BlindCodes(db),
    notifier: options.notifier ?? hub,
    rooms,
    mediaDir: dataDir === null ? null : join(dataDir, 'media'),
    adminSecret,
    iceServers,
  };
  if (options.demo !== false) {
    seedDemo(db, catalog, accounts, { now: clock.now(), ...(typeof options.demo === 'object' ? options.demo : {}) });
  }
  if (options.demoMedia) await ensureDemoRecordings(ctx, typeof options.demoMedia === 'object' ? options.demoMedia : {});
  const testExam = options.testExam ? await seedTestExam(ctx, clock.now()) : null;

  // forceCloseConnections: a stopped platform is gone at once, as a real outage would be.
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024, forceCloseConnections: true });

  app.setErrorHandler((error: FastifyError | HttpError, _request, reply) => {
    if (error instanceof HttpError) return sendError(reply, error.status, error.code, error.message, error.extra);
    if (error.statusCode === 413) return sendError(reply, 413, 'payload_too_large', 'request body too large');
    if (error.statusCode !== undefined && error.statusCode < 500) {
      return sendError(reply, error.statusCode, 'bad_request', error.message);
    }
    return sendError(reply, 500, 'internal', 'the platform failed');
  });
  app.setNotFoundHandler((_request, reply) => sendError(reply, 404, 'not_found', 'no such endpoint'));

  // Twice the largest message the protocol allows: a larger one is refused by the hub with an
  // error (the socket stays open); only a far larger one ends the socket at the transport.
  await app.register(fastifyWebsocket, { options: { maxPayload: 2 * MAX_SIGNAL_BYTES } });
  // No auth on the page itself: its device token travels in the URL fragment, which never
  // reaches the server (nor its logs), and the page sends it only to the API.
  await app.register(fastifyStatic, { root: CANDIDATE_PAGE_DIR, prefix: '/candidate/' });
  // Only a candidate device's realtime socket may carry its token in the URL (the hub checks whose it is).
  refuseQueryTokens(app, (request) => request.routeOptions.url === `${API_PREFIX}/realtime`);
  installFaults(app, ctx, options.faults ?? null);
  await app.register(
    (api, _opts, done) => {
      api.get('/health', async (): Promise<HealthResponse> => ({
        status: 'ok',
        service: PLATFORM_SERVICE,
        version: PLATFORM_VERSION,
        time: clock.now().toISOString(),
      }));
      authRoutes(api, accounts, new LoginThrottle(clock));
      examRoutes(api, ctx);
      queueRoutes(api, ctx);
      candidateRoutes(api, ctx);
      // Fair scoring: a recusal and calibration not done refuse a submission whatever it holds.
      const recusals = new Recusals(db, clock, catalog, accounts);
      const calibration = new Calibration(db, catalog, accounts, clock);
      assignmentRoutes(api, ctx, { recusals, calibration });
      recordingRoutes(api, ctx, calibration);
      const desk = new ChiefDesk(ctx, { identities: options.chiefIdentities ?? false });
      scoreRoutes(api, ctx, desk, [recusals.gate(), calibration.gate()], {
        processingDelayMs: options.scoreProcessingDelayMs ?? 0,
        ...(options.scoreBatchBodyLimit !== undefined && { batchBodyLimit: options.scoreBatchBodyLimit }),
      });
      chiefRoutes(api, ctx, desk);
      recusalRoutes(api, ctx, desk, recusals);
      calibrationRoutes(api, ctx, calibration);
      adminRoutes(api, ctx);
      hub.register(api, () => ctx, rooms);
      done();
    },
    { prefix: API_PREFIX },
  );

  // Upgraded sockets leave the HTTP server's tracking; end them all on close.
  const sockets = new Set<Socket>();
  app.server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  const { port, address } = app.server.address() as AddressInfo;
  let closed: Promise<void> | null = null;
  return {
    url: `http://${address}:${port}`,
    port,
    ctx,
    adminSecret,
    app,
    sfu: usableSfu,
    mediaNotice,
    close: () => {
      closed ??= (async () => {
        hub.closeAll();
        const closing = app.close();
        for (const socket of sockets) socket.destroy();
        await closing;
        await usableSfu?.stop();
        db.close();
        await testExam?.close();
      })();
      return closed;
    },
  };
}
