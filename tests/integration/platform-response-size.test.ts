import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ContractFailure } from '@common/contract';
import { ExamList } from '@common/platform/exams';
import { LoginResponse } from '@common/platform/wire';
import { PlatformClient, PlatformResponseTooLarge } from '../../main/platform/client';
import { DEFAULT_RESPONSE_BYTES, FIXED_RESPONSE_BYTES } from '../../main/platform/response-limits';

/**
 * The workstation's HTTP client against a server on loopback that answers with more than it
 * should: an endless body, a declared length past the cap, a valid answer padded to the cap's
 * edge. Not the reference platform, which never does this; a broken platform, or whatever poses
 * as one (a proxy, a captive portal), might.
 */

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => {
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      return closed;
    }),
  );
});

async function serve(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Writes JSON-looking chunks for as long as the client reads; resolves with what it wrote once the client hangs up. */
function endless(response: ServerResponse, status = 200): Promise<number> {
  const chunk = Buffer.alloc(16 * 1024, 'x');
  let written = 0;
  return new Promise((resolve) => {
    response.once('close', () => resolve(written));
    const pump = () => {
      while (!response.destroyed) {
        written += chunk.length;
        if (!response.write(chunk)) return void response.once('drain', pump);
      }
    };
    response.writeHead(status, { 'content-type': 'application/json' });
    response.write('{"token":"');
    pump();
  });
}

const signIn = (client: PlatformClient) =>
  client.request({ method: 'POST', path: '/auth/login', body: { username: 'examiner1', password: 'demo1234' }, schema: LoginResponse, unauthorizedAs: 'invalid_credentials' });

const validLogin = { token: 't'.repeat(32), expiresAt: '2026-06-01T13:00:00.000Z', examiner: { id: 'ex-01', displayName: '王老师', roles: ['examiner'] } };

/** A valid sign-in answer of exactly `bytes` bytes: a field a newer platform might add, padded. */
function loginOfBytes(bytes: number): string {
  const bare = JSON.stringify({ ...validLogin, padding: '' });
  return JSON.stringify({ ...validLogin, padding: 'p'.repeat(bytes - Buffer.byteLength(bare)) });
}

describe("the workstation's client and an answer larger than it reads", () => {
  it('stops reading an endless answer at the cap, hangs up, and refuses it with a typed error', async () => {
    let hungUp: Promise<number> = Promise.resolve(0);
    const url = await serve((_request, response) => {
      hungUp = endless(response);
    });
    const refusal = await signIn(new PlatformClient(url)).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(PlatformResponseTooLarge);
    expect(refusal).toBeInstanceOf(ContractFailure);
    expect(refusal).toMatchObject({ code: 'platform_error', limitBytes: FIXED_RESPONSE_BYTES });
    // The server learns that the client is gone: it would write for ever otherwise.
    expect(await hungUp).toBeGreaterThan(FIXED_RESPONSE_BYTES);
  });

  it('refuses a declared Content-Length over the cap before reading any of it', async () => {
    const url = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(DEFAULT_RESPONSE_BYTES + 1) });
      // Headers only: a client that waited for this body would wait until its timeout.
      response.flushHeaders();
    });
    const client = new PlatformClient(url);
    const refusal = await client.request({ method: 'GET', path: '/exams', schema: ExamList, token: 'x', timeoutMs: 60_000 }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(PlatformResponseTooLarge);
    expect(refusal).toMatchObject({ code: 'platform_error', limitBytes: DEFAULT_RESPONSE_BYTES });
  });

  it('reads an answer of exactly the cap, and refuses one a byte longer', async () => {
    let bytes = FIXED_RESPONSE_BYTES;
    const url = await serve((_request, response) => {
      // Chunked, with no length declared: the cap is counted as the body streams in.
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(loginOfBytes(bytes));
    });
    const client = new PlatformClient(url);
    expect((await signIn(client)).data.examiner.id).toBe('ex-01');
    bytes = FIXED_RESPONSE_BYTES + 1;
    await expect(signIn(client)).rejects.toBeInstanceOf(PlatformResponseTooLarge);
  });

  it('still reads a refusal by its status when its body is too large to read', async () => {
    const url = await serve((_request, response) => {
      void endless(response, 401);
    });
    await expect(signIn(new PlatformClient(url))).rejects.toMatchObject({ code: 'invalid_credentials', status: 401 });
  });
});
