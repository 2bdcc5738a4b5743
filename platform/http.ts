import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Device } from '@common/platform/queue';
import type { ExaminerProfile } from '@common/platform/wire';
import type { PlatformDb } from './db/database';
import type { Accounts } from './state/accounts';

/** A refusal with an HTTP status and a machine-readable code; the error handler renders it. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra top-level fields of the error body (e.g. `current` on a 412). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export function sendError(reply: FastifyReply, status: number, code: string, message: string, extra: Record<string, unknown> = {}): FastifyReply {
  return reply.code(status).send({ error: { code, message }, ...extra });
}

/** Parses a request body with a shared wire schema; unknown fields and bad values are a 400. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const detail = parsed.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.map(String).join('.') || '(body)'}: ${issue.message}`)
      .join('; ');
    throw new HttpError(400, 'bad_request', detail);
  }
  return parsed.data;
}

/** The examiner behind the request's bearer token; a 401 otherwise. */
export function requireExaminer(request: FastifyRequest, accounts: Accounts): ExaminerProfile {
  const token = bearerOf(request);
  const examiner = token ? accounts.authenticate(token) : null;
  if (!examiner) throw new HttpError(401, 'unauthorized', 'a valid bearer token is required');
  return examiner;
}

/** The candidate device behind a device token in the bearer header. */
export function requireDevice(request: FastifyRequest, db: PlatformDb): { candidateId: string; device: Device } {
  const token = bearerOf(request);
  const row = token ? deviceOf(db, token) : null;
  if (!row) throw new HttpError(401, 'unauthorized', 'a valid device token is required');
  return row;
}

export function deviceOf(db: PlatformDb, token: string): { candidateId: string; device: Device } | null {
  const row = db.prepare('SELECT candidate_id, device FROM device_tokens WHERE token = ?').get(token) as
    | { candidate_id: string; device: Device }
    | undefined;
  return row ? { candidateId: row.candidate_id, device: row.device } : null;
}

/** The token of the `Authorization: Bearer …` header; a token anywhere else is no token. */
export function bearerOf(request: FastifyRequest): string | null {
  return /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1] ?? null;
}

/** The `token` query parameter, which only a candidate device's realtime socket may use. */
export function queryTokenOf(request: FastifyRequest): string | null {
  const query = request.query as Record<string, unknown> | undefined;
  return typeof query?.token === 'string' && query.token.length > 0 ? query.token : null;
}

export const QUERY_TOKEN_REFUSED = 'query_token_refused';

/**
 * Refuses a request with a `token` in its query, except where `allowed` says so (a candidate
 * device's realtime socket: browsers cannot set headers on a WebSocket). A token in a URL ends up
 * in logs, proxies and the history, so everywhere else it is a 401 even when it is valid.
 */
export function refuseQueryTokens(app: FastifyInstance, allowed: (request: FastifyRequest) => boolean): void {
  app.addHook('onRequest', async (request) => {
    const query = request.query as Record<string, unknown> | undefined;
    if (query !== undefined && 'token' in query && !allowed(request)) {
      throw new HttpError(401, QUERY_TOKEN_REFUSED, 'a token in the URL is refused here: send it in the Authorization header');
    }
  });
}

/**
 * Sends a JSON body with a strong ETag, or 304 when the client's If-None-Match already has it.
 * The tag is a hash of exactly what this examiner would receive.
 */
export function sendCached(request: FastifyRequest, reply: FastifyReply, body: unknown): FastifyReply {
  const json = JSON.stringify(body);
  const etag = `"${createHash('sha256').update(json).digest('base64url').slice(0, 32)}"`;
  reply.header('etag', etag).header('cache-control', 'private, no-cache');
  const match = request.headers['if-none-match'];
  if (match !== undefined && match.split(',').some((tag) => tag.trim() === etag || tag.trim() === '*')) {
    return reply.code(304).send();
  }
  return reply.type('application/json').send(json);
}
