import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthResponse, LoginResponse } from '@common/platform/wire';
import { startPlatform, type RunningPlatform } from '../../platform/server';

let platform: RunningPlatform;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(async () => {
  await platform.close();
});

const api = (path: string, init: RequestInit = {}) => fetch(`${platform.url}/api/v1${path}`, init);
const postJson = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  api(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('reference platform: health and sign-in', () => {
  it('listens on loopback and answers health with the shared schema', async () => {
    expect(platform.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await api('/health');
    expect(response.status).toBe(200);
    expect(HealthResponse.safeParse(await response.json()).success).toBe(true);
  });

  it('issues a token for good credentials that then authenticates /me', async () => {
    const response = await postJson('/auth/login', { username: 'examiner1', password: 'demo1234' });
    expect(response.status).toBe(200);
    const login = LoginResponse.parse(await response.json());
    expect(login.examiner.id).toBe('ex-01');
    const me = await api('/me', { headers: { authorization: `Bearer ${login.token}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ id: 'ex-01' });
  });

  it.each([
    ['a wrong password', { username: 'examiner1', password: 'nope' }, 401, 'invalid_credentials'],
    ['an unknown user', { username: 'nobody', password: 'demo1234' }, 401, 'invalid_credentials'],
    ['an unknown field', { username: 'examiner1', password: 'demo1234', role: 'chief' }, 400, 'bad_request'],
    ['a missing field', { username: 'examiner1' }, 400, 'bad_request'],
    ['a wrong type', { username: ['examiner1'], password: 'demo1234' }, 400, 'bad_request'],
  ])('refuses %s', async (_label, body, status, code) => {
    const response = await postJson('/auth/login', body);
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ error: { code } });
  });

  it('refuses malformed JSON, an oversize body, and unknown endpoints with machine-readable errors', async () => {
    const malformed = await api('/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":' });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: 'bad_request' } });

    const huge = await postJson('/auth/login', { username: 'examiner1', password: 'x'.repeat(1100 * 1024) });
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({ error: { code: 'payload_too_large' } });

    const missing = await api('/nothing-here');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it.each([
    ['no token', {}],
    ['a made-up token', { authorization: 'Bearer made-up-token-value' }],
    ['a malformed header', { authorization: 'Token abc' }],
  ])('refuses /me with %s', async (_label, headers) => {
    const response = await api('/me', { headers });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 'unauthorized' } });
  });
});
