import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyError } from 'fastify';
import { API_PREFIX, type HealthResponse } from '@common/platform/wire';
import { DEMO_ACCOUNTS } from './demo';
import { HttpError, sendError } from './http';
import { authRoutes } from './routes/auth';
import { Accounts, type AccountSeed } from './state/accounts';

export const PLATFORM_SERVICE = 'reference-exam-platform';
export const PLATFORM_VERSION = '0.1.0';

export interface PlatformOptions {
  /** 0 picks a free port. */
  readonly port?: number;
  /** Loopback only unless a test's network namespace says otherwise. */
  readonly host?: string;
  readonly accounts?: readonly AccountSeed[];
  readonly tokenTtlMs?: number;
}

export interface RunningPlatform {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * The reference exam platform: a real HTTP server on loopback that implements the API the
 * workstation speaks (platform/openapi.yaml). `npm start` embeds it with demo data; every
 * integration and end-to-end test runs against it.
 */
export async function startPlatform(options: PlatformOptions = {}): Promise<RunningPlatform> {
  const accounts = new Accounts(options.accounts ?? DEMO_ACCOUNTS, options.tokenTtlMs ?? 12 * 3600_000);
  // forceCloseConnections: a stopped platform is gone at once, as a real outage would be.
  const app = Fastify({ logger: false, bodyLimit: 256 * 1024, forceCloseConnections: true });

  app.setErrorHandler((error: FastifyError | HttpError, _request, reply) => {
    if (error instanceof HttpError) return sendError(reply, error.status, error.code, error.message);
    if (error.statusCode === 413) return sendError(reply, 413, 'payload_too_large', 'request body too large');
    if (error.statusCode !== undefined && error.statusCode < 500) {
      return sendError(reply, error.statusCode, 'bad_request', error.message);
    }
    return sendError(reply, 500, 'internal', 'the platform failed');
  });
  app.setNotFoundHandler((_request, reply) => sendError(reply, 404, 'not_found', 'no such endpoint'));

  await app.register(
    (api, _opts, done) => {
      api.get('/health', async (): Promise<HealthResponse> => ({
        status: 'ok',
        service: PLATFORM_SERVICE,
        version: PLATFORM_VERSION,
        time: new Date().toISOString(),
      }));
      authRoutes(api, accounts);
      done();
    },
    { prefix: API_PREFIX },
  );

  await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  const { port, address } = app.server.address() as AddressInfo;
  return { url: `http://${address}:${port}`, port, close: () => app.close() };
}
