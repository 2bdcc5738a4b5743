import { ContractFailure } from '@common/contract';
import { API_PREFIX, ErrorBody } from '@common/platform/wire';
import type { z } from 'zod';
import { ERROR_RESPONSE_BYTES, responseCap } from './response-limits';

export interface PlatformRequest<S extends z.ZodType> {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path below the API prefix, e.g. `/health`. */
  readonly path: string;
  readonly schema: S;
  readonly body?: unknown;
  readonly token?: string | null;
  readonly timeoutMs?: number;
  /** How a 401 reads to the user: a failed sign-in, or a session that has ended. */
  readonly unauthorizedAs?: 'invalid_credentials' | 'session_expired';
  /** The ETag of what we hold: a 304 then answers `notModified` instead of a body. */
  readonly etag?: string | null;
  /** More request headers (e.g. the audit chain's head on a submission). */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface PlatformResponse<T> {
  readonly status: number;
  readonly data: T;
  readonly etag: string | null;
  /** All of them, for an answer that says something there (`idempotent-replayed` on a replayed submission). */
  readonly headers: Headers;
}

export interface CachedResponse<T> {
  readonly notModified: boolean;
  /** Undefined when notModified. */
  readonly data: T | undefined;
  readonly etag: string | null;
}

const DEFAULT_TIMEOUT_MS = 8_000;

/**
 * The workstation's only HTTP door to the platform. Every response is read up to a cap
 * (response-limits.ts) and checked against the shared wire schema, and every failure becomes a
 * ContractFailure with a code the UI can explain: unreachable, refused credentials, expired
 * session, or a platform error (PlatformResponseTooLarge among them).
 */
export class PlatformClient {
  readonly origin: string | null;

  constructor(
    baseUrl: string | null,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {
    this.origin = baseUrl === null ? null : new URL(baseUrl).origin;
  }

  async request<S extends z.ZodType>(request: PlatformRequest<S>): Promise<PlatformResponse<z.output<S>>> {
    if (this.origin === null) {
      throw new ContractFailure('platform_not_configured', 'no platform URL is configured');
    }
    const url = `${this.origin}${API_PREFIX}${request.path}`;
    const headers: Record<string, string> = { ...request.headers, accept: 'application/json' };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    if (request.token) headers.authorization = `Bearer ${request.token}`;
    if (request.etag) headers['if-none-match'] = request.etag;

    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        method: request.method,
        headers,
        body: request.body === undefined ? null : JSON.stringify(request.body),
        signal: AbortSignal.timeout(request.timeoutMs ?? DEFAULT_TIMEOUT_MS),
        redirect: 'error',
      });
    } catch (error) {
      throw new ContractFailure('platform_unreachable', `${request.method} ${request.path}: ${reason(error)}`, {
        cause: error,
      });
    }

    if (response.status === 304 && request.etag) {
      await response.body?.cancel();
      throw new NotModified(response.headers.get('etag') ?? request.etag);
    }
    if (!response.ok) {
      // The status says what happened; an error body too large to read is left unread, not taken for the answer.
      const text = await readBody(response, request, ERROR_RESPONSE_BYTES).catch((error: unknown) => {
        if (error instanceof PlatformResponseTooLarge) return '';
        throw error;
      });
      throw failureFor(response, parseJson(text), request);
    }
    const json = parseJson(await readBody(response, request, responseCap(request.schema)));

    const parsed = request.schema.safeParse(json);
    if (!parsed.success) {
      throw new ContractFailure(
        'platform_error',
        `${request.method} ${request.path}: response does not match the platform schema`,
      );
    }
    return { status: response.status, data: parsed.data, etag: response.headers.get('etag'), headers: response.headers };
  }
}

class NotModified {
  constructor(readonly etag: string) {}
}

/** A GET that may be answered 304 against the ETag of what the caller holds. */
export async function requestCached<S extends z.ZodType>(
  client: PlatformClient,
  request: PlatformRequest<S> & { method: 'GET' },
): Promise<CachedResponse<z.output<S>>> {
  try {
    const response = await client.request(request);
    return { notModified: false, data: response.data, etag: response.etag };
  } catch (error) {
    if (error instanceof NotModified) return { notModified: true, data: undefined, etag: error.etag };
    throw error;
  }
}

/** The platform answered with more than the workstation reads (a broken platform, or something posing as one). */
export class PlatformResponseTooLarge extends ContractFailure {
  constructor(
    where: string,
    readonly limitBytes: number,
  ) {
    super('platform_error', `${where}: the answer is larger than the ${limitBytes} bytes this workstation reads, and was refused`);
  }
}

/**
 * The body as text, read as a stream and given up (the connection closed) as soon as it passes
 * `limit` bytes; a declared Content-Length over it is refused before any of it is read.
 */
async function readBody(response: Response, request: PlatformRequest<z.ZodType>, limit: number): Promise<string> {
  const where = `${request.method} ${request.path}`;
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > limit) {
    await response.body?.cancel().catch(() => undefined);
    throw new PlatformResponseTooLarge(where, limit);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => undefined);
        throw new PlatformResponseTooLarge(where, limit);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof PlatformResponseTooLarge) throw error;
    throw new ContractFailure('platform_unreachable', `${where}: ${reason(error)}`, { cause: error });
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

/**
 * What a refusal carries beside its error under `key` (a 409's record as it stands, a 400's
 * problems), checked against `schema`; null when it is absent or does not match.
 */
export function refusalDetail<S extends z.ZodType>(refusal: PlatformRefusal, key: string, schema: S): z.output<S> | null {
  const body = refusal.body;
  if (typeof body !== 'object' || body === null || !Object.hasOwn(body, key)) return null;
  const parsed = schema.safeParse((body as Record<string, unknown>)[key]);
  return parsed.success ? parsed.data : null;
}

function parseJson(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The platform refused a request; keeps its HTTP status and error code for callers that handle
 * some, and the refusal's JSON body (error answers are read up to ERROR_RESPONSE_BYTES), for a
 * refusal that carries more than its code (a 409 with the record as it stands, a 400's problems).
 * Callers validate what they take from it.
 */
export class PlatformRefusal extends ContractFailure {
  constructor(
    code: ContractFailure['code'],
    message: string,
    readonly status: number,
    readonly platformCode: string | null,
    retryAfterSeconds?: number,
    readonly body: unknown = null,
  ) {
    super(code, message, retryAfterSeconds === undefined ? undefined : { retryAfterSeconds });
  }
}

function failureFor(response: Response, json: unknown, request: PlatformRequest<z.ZodType>): ContractFailure {
  const { status } = response;
  const body = ErrorBody.safeParse(json);
  const platformCode = body.success ? body.data.error.code : null;
  const detail = body.success ? `${body.data.error.code}: ${body.data.error.message}` : `HTTP ${status}`;
  const where = `${request.method} ${request.path}`;
  if (status === 401) return new PlatformRefusal(request.unauthorizedAs ?? 'session_expired', `${where}: ${detail}`, status, platformCode);
  if (status === 429) {
    const wait = retryAfterSeconds(response.headers.get('retry-after'), Date.now());
    return new PlatformRefusal('rate_limited', `${where}: refused for now (${detail})`, status, platformCode, wait);
  }
  if (status >= 500) return new PlatformRefusal('platform_error', `${where}: platform failed (${detail})`, status, platformCode);
  return new PlatformRefusal('platform_error', `${where}: refused (${detail})`, status, platformCode, undefined, json ?? null);
}

/** The longest wait taken from a Retry-After header: a day, past which it is a broken header, not advice. */
const MAX_RETRY_AFTER_S = 86_400;

/**
 * Retry-After as whole seconds from `nowMs` (RFC 9110: delta-seconds, or an HTTP date), at least
 * one and at most a day; undefined when the header is absent or unreadable.
 */
export function retryAfterSeconds(header: string | null, nowMs: number): number | undefined {
  const value = header?.trim() ?? '';
  if (value === '') return undefined;
  let seconds: number;
  if (/^\d+$/.test(value)) seconds = Number(value);
  else {
    // An HTTP date names its month; Date.parse alone would take '-5' or '1.5' for a date.
    const at = /[A-Za-z]{3}/.test(value) ? Date.parse(value) : Number.NaN;
    if (Number.isNaN(at)) return undefined;
    seconds = Math.ceil((at - nowMs) / 1000);
  }
  return Math.min(Math.max(seconds, 1), MAX_RETRY_AFTER_S);
}

function reason(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'timed out';
    const cause = (error as { cause?: { code?: string } }).cause;
    return cause?.code ? `${error.message} (${cause.code})` : error.message;
  }
  return String(error);
}
