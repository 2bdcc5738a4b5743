import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTRACT_LIMITS } from '@common/contract';
import { HOST_COOKIE } from '../../main/host/browser-host';
import { connectContract } from '../support/contract-socket';
import { startStack, type Stack } from '../support/servers';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack.stop();
});

const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${stack.host.origin}${path}`, { headers, redirect: 'manual' });
const withCookie = () => ({ cookie: `${HOST_COOKIE}=${stack.host.openSession()}` });
/** The code of a new launch address, and its path. */
const launchPath = () => {
  const url = new URL(stack.host.newLaunchUrl());
  return `${url.pathname}${url.search}`;
};

describe('browser host: who may ask', () => {
  it('listens on 127.0.0.1 only', () => {
    const address = stack.host.app.server.address();
    expect(address).toMatchObject({ address: '127.0.0.1', family: 'IPv4' });
    expect(stack.host.origin).toBe(`http://127.0.0.1:${stack.host.port}`);
  });

  it.each([
    ['no cookie', '/', {}],
    ['a wrong code in the URL', '/?code=wrong', {}],
    ['a wrong cookie', '/', { cookie: `${HOST_COOKIE}=nope` }],
    ['a bearer header', '/index.html', { authorization: 'Bearer nope' }],
    ['an asset without a cookie', '/icon.svg', {}],
  ])('refuses a request with %s (401, no cookie, no page)', async (_label, path, headers) => {
    const response = await get(path, headers);
    expect(response.status).toBe(401);
    expect(response.headers.get('set-cookie')).toBeNull();
    const body = (await response.json()) as { error: { code: string } };
    expect(body.error.code).toBe('unauthorized');
  });

  it('trades a launch code, once, for a random HttpOnly, SameSite=Strict session cookie and drops it from the URL', async () => {
    const path = launchPath();
    const code = new URLSearchParams(path.slice(path.indexOf('?'))).get('code') ?? '';
    expect(code).toMatch(/^[\w-]{43}$/);
    const response = await get(path);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/');
    const cookie = response.headers.get('set-cookie') ?? '';
    const session = /^examiner_host=([^;]+);/.exec(cookie)?.[1] ?? '';
    expect(session).toMatch(/^[\w-]{43}$/);
    // The cookie is a session of its own, not the printed code.
    expect(session).not.toBe(code);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(cookie).toMatch(/; Path=\//);

    const page = await get('/', { cookie: `${HOST_COOKIE}=${session}` });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');

    // The same address a second time opens nothing, and makes no session.
    const again = await get(path);
    expect(again.status).toBe(401);
    expect(again.headers.get('set-cookie')).toBeNull();
    expect(await again.json()).toMatchObject({ error: { code: 'unauthorized' } });
    // Nor does a code that is no launch code: a session's value.
    expect((await get(`/?code=${session}`)).status).toBe(401);
  });

  it('spends a launch code used beside a good cookie, and a code is no key to the contract socket', async () => {
    const path = launchPath();
    const withSession = await get(path, withCookie());
    expect(withSession.status).toBe(303);
    expect((await get(path)).status).toBe(401);

    const code = new URL(stack.host.newLaunchUrl()).searchParams.get('code') ?? '';
    await expect(connectContract(stack.host, { cookie: null, path: `/contract?code=${code}` })).rejects.toThrow(/HTTP 401/);
    // Refused there, it is still good for the page it was made for.
    expect((await get(`/?code=${code}`)).status).toBe(303);
  });

  it('gives each launch address a session of its own', async () => {
    const first = (await get(launchPath())).headers.get('set-cookie');
    const second = (await get(launchPath())).headers.get('set-cookie');
    expect(first).not.toBeNull();
    expect(first).not.toBe(second);
  });

  it('refuses a foreign Host header even with the secret (DNS rebinding)', async () => {
    const response = await stack.host.app.inject({
      method: 'GET',
      url: '/',
      headers: { host: 'evil.example', ...withCookie() },
    });
    expect(response.statusCode).toBe(403);
  });

  it('refuses a request from a non-loopback address even with the secret', async () => {
    // No socket on this machine can reach 127.0.0.1 from elsewhere, so the request is injected
    // through the host's real hooks with the remote address it would have had.
    const response = await stack.host.app.inject({
      method: 'GET',
      url: '/',
      remoteAddress: '192.0.2.10',
      headers: { host: `127.0.0.1:${stack.host.port}`, ...withCookie() },
    });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ error: { code: 'forbidden' } });
  });

  it('refuses a request with a foreign Origin', async () => {
    const response = await get('/', { ...withCookie(), origin: 'https://evil.example' });
    expect(response.status).toBe(403);
  });
});

describe('browser host: the contract over WebSocket', () => {
  it.each([
    ['no cookie', { cookie: null }, /HTTP 401/],
    ['a foreign origin', { origin: 'https://evil.example' }, /HTTP 403/],
    ['no origin', { origin: null }, /HTTP 403/],
  ] as const)('refuses an upgrade with %s', async (_label, options, error) => {
    await expect(connectContract(stack.host, options)).rejects.toThrow(error);
  });

  it('answers a call through the shared dispatcher', async () => {
    const client = await connectContract(stack.host);
    const result = await client.call('app.getInfo', {});
    expect(result).toMatchObject({ ok: true, value: { host: 'browser', platformOrigin: stack.platform?.url } });
    client.socket.close();
  });

  it('answers malformed calls with typed errors and keeps serving', async () => {
    const client = await connectContract(stack.host);
    expect(await client.send('{not json')).toMatchObject({ id: null, result: { ok: false, error: { code: 'bad_request' } } });
    expect(await client.send(JSON.stringify({ id: 7, name: 'app.getInfo' }))).toMatchObject({
      id: 7,
      result: { ok: false, error: { code: 'bad_request' } },
    });
    expect(await client.send(Buffer.from([1, 2, 3]))).toMatchObject({ result: { error: { code: 'bad_request' } } });
    expect(await client.call('session.sudo', {})).toMatchObject({ ok: false, error: { code: 'unknown_command' } });
    expect(await client.call('session.login', { username: 'examiner1', password: 'x', role: 'chief' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    const proto = '{"id":9,"name":"session.login","input":{"username":"a","password":"b","__proto__":{"admin":true}}}';
    expect(await client.send(proto)).toMatchObject({ id: 9, result: { ok: false, error: { code: 'invalid_input' } } });
    // After all that, the same socket still works.
    expect(await client.call('session.get', {})).toEqual({ ok: true, value: null });
    client.socket.close();
  });

  it('closes a socket that sends an oversize message, and the host keeps running', async () => {
    const client = await connectContract(stack.host);
    const closed = client.closed();
    client.socket.send(JSON.stringify({ id: 1, name: 'app.getInfo', input: { x: 'y'.repeat(CONTRACT_LIMITS.maxMessageBytes) } }));
    expect(await closed).toBe(1009);
    const again = await connectContract(stack.host);
    expect(await again.call('app.getInfo', {})).toMatchObject({ ok: true });
    again.socket.close();
  });

  it('signs in, pushes session events, and never sends the token to the renderer', async () => {
    const client = await connectContract(stack.host);
    const changed = client.nextEvent('session.changed');
    const login = (await client.call('session.login', { username: 'examiner1', password: 'demo1234' })) as {
      ok: boolean;
      value: Record<string, unknown>;
    };
    expect(login.ok).toBe(true);
    expect(login.value).toMatchObject({ examiner: { id: 'ex-01', displayName: '王老师' } });
    expect(Object.keys(login.value).sort()).toEqual(['examiner', 'expiresAt', 'signedInAt']);
    expect(await changed).toMatchObject({ examiner: { id: 'ex-01' } });

    const wrong = await client.call('session.login', { username: 'examiner1', password: 'wrong' });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'invalid_credentials' } });

    const signedOut = client.nextEvent('session.changed');
    expect(await client.call('session.logout', {})).toEqual({ ok: true, value: null });
    expect(await signedOut).toBeNull();
    client.socket.close();
  });
});
