import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
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

/** The candidate device behind a device token (bearer header, or `token` query for WebSockets). */
export function requireDevice(request: FastifyRequest, db: PlatformDb): { candidateId: string; device: Device } {
  const token = bearerOf(request);
  const row = token
    ? (db.prepare('SELECT candidate_id, device FROM device_tokens WHERE token = ?').get(token) as
        | { candidate_id: string; device: Device }
        | undefined)
    : undefined;
  if (!row) throw new HttpError(401, 'unauthorized', 'a valid device token is required');
  return { candidateId: row.candidate_id, device: row.device };
}

export function bearerOf(request: FastifyRequest): string | null {
  const header = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
  if (header) return header;
  const query = request.query as Record<string, unknown> | undefined;
  return typeof query?.token === 'string' && query.token.length > 0 ? query.token : null;
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
