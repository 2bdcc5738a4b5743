import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { ExaminerProfile, PlatformErrorCode } from '@common/platform/wire';
import type { Accounts } from './state/accounts';

/** A refusal with an HTTP status and a machine-readable code; the error handler renders it. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: PlatformErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function sendError(reply: FastifyReply, status: number, code: PlatformErrorCode, message: string): FastifyReply {
  return reply.code(status).send({ error: { code, message } });
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
  const token = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
  const examiner = token ? accounts.authenticate(token) : null;
  if (!examiner) throw new HttpError(401, 'unauthorized', 'a valid bearer token is required');
  return examiner;
}
