import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_SECRET_HEADER, AdminCandidateList, FaultStatus } from '@common/platform/admin';
import { DEMO_LIVE_SLOT_ID, DEMO_RECORDED_SLOT_IDS } from '../../platform/demo/exam';
import { startPlatform, type RunningPlatform } from '../../platform/server';

let platform: RunningPlatform;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(async () => {
  await platform.close();
});

const api = (path: string, init: RequestInit = {}) => fetch(`${platform.url}/api/v1${path}`, init);
const withSecret = (extra: Record<string, string> = {}) => ({ [ADMIN_SECRET_HEADER]: platform.adminSecret, ...extra });

describe('admin endpoints: who gets an answer', () => {
  it.each([
    ['no secret', {}],
    ['a wrong secret of the same length', { [ADMIN_SECRET_HEADER]: 'x'.repeat(36) }],
    ['a wrong secret of another length', { [ADMIN_SECRET_HEADER]: 'nope' }],
    ['the secret in the wrong header', { authorization: 'Bearer secret' }],
  ])('refuses a loopback peer with %s (401)', async (_label, headers) => {
    for (const [method, path] of [
      ['GET', '/admin/faults'],
      ['DELETE', '/admin/faults'],
      ['GET', `/admin/candidates?slotId=${DEMO_LIVE_SLOT_ID}`],
    ] as const) {
      const response = await api(path, { method, headers });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: { code: 'unauthorized' } });
    }
  });

  it('refuses a PUT with a wrong secret and sets nothing', async () => {
    const response = await api('/admin/faults', {
      method: 'PUT',
      headers: { [ADMIN_SECRET_HEADER]: 'wrong', 'content-type': 'application/json' },
      body: JSON.stringify({ rate: 1, modes: ['error_500'] }),
    });
    expect(response.status).toBe(401);
    // Nothing was set: the right secret reads no settings.
    const status = FaultStatus.parse(await (await api('/admin/faults', { headers: withSecret() })).json());
    expect(status.settings).toBeNull();
  });

  it.each([
    ['IPv4 loopback', '127.0.0.1', 200],
    ['elsewhere in 127/8', '127.8.9.10', 200],
    ['IPv6 loopback', '::1', 200],
    ['IPv4-mapped loopback', '::ffff:127.0.0.1', 200],
    ['a documentation address', '192.0.2.1', 403],
    ['a private LAN address', '10.0.0.7', 403],
    ['an IPv4-mapped remote address', '::ffff:192.0.2.1', 403],
    ['a remote IPv6 address', '2001:db8::1', 403],
    ['an address that only looks like loopback', '127.example.com', 403],
  ])('answers %s (%s) with %i even with the right secret', async (_label, remoteAddress, status) => {
    const response = await platform.app.inject({ method: 'GET', url: '/api/v1/admin/faults', remoteAddress, headers: withSecret() });
    expect(response.statusCode).toBe(status);
    if (status === 403) expect(response.json()).toMatchObject({ error: { code: 'forbidden' } });
    else FaultStatus.parse(response.json());
  });
});

describe('admin endpoints: candidates of a slot for the simulator', () => {
  const candidates = (query: string) => api(`/admin/candidates${query}`, { headers: withSecret() });

  it("lists the live slot's 32 candidates by appointment, with both devices' tokens", async () => {
    const response = await candidates(`?slotId=${DEMO_LIVE_SLOT_ID}`);
    expect(response.status).toBe(200);
    const list = AdminCandidateList.parse(await response.json()).candidates;
    expect(list).toHaveLength(32);
    const times = list.map((candidate) => candidate.appointmentAt);
    expect(times).toEqual([...times].sort());
    expect(new Set(list.map((candidate) => candidate.candidateId)).size).toBe(32);
    expect(list.every((candidate) => candidate.state === 'scheduled')).toBe(true);

    const tokens = platform.ctx.db.prepare('SELECT candidate_id, device, token FROM device_tokens').all() as {
      candidate_id: string;
      device: 'main' | 'side';
      token: string;
    }[];
    const tokenOf = (candidateId: string, device: 'main' | 'side') =>
      tokens.find((row) => row.candidate_id === candidateId && row.device === device)?.token;
    for (const candidate of list) {
      expect(candidate.mainToken).toBe(tokenOf(candidate.candidateId, 'main'));
      expect(candidate.sideToken).toBe(tokenOf(candidate.candidateId, 'side'));
      expect(candidate.mainToken).not.toBe(candidate.sideToken);
    }
    const entries = platform.ctx.db.prepare('SELECT id, candidate_id FROM queue_entries WHERE slot_id = ?').all(DEMO_LIVE_SLOT_ID) as {
      id: string;
      candidate_id: string;
    }[];
    expect(new Map(list.map((candidate) => [candidate.entryId, candidate.candidateId]))).toEqual(
      new Map(entries.map((entry) => [entry.id, entry.candidate_id])),
    );
  });

  it('lists no one for a recorded slot, which has no queue', async () => {
    const response = await candidates(`?slotId=${DEMO_RECORDED_SLOT_IDS[0]}`);
    expect(response.status).toBe(200);
    expect(AdminCandidateList.parse(await response.json())).toEqual({ candidates: [] });
  });

  it.each([
    ['an unknown slot', '?slotId=slot-nowhere', 404, 'not_found'],
    ['no slot', '', 400, 'bad_request'],
    ['a malformed slot id', '?slotId=a%20b', 400, 'bad_request'],
    ['an unknown parameter', `?slotId=${DEMO_LIVE_SLOT_ID}&all=1`, 400, 'bad_request'],
  ])('refuses %s', async (_label, query, status, code) => {
    const response = await candidates(query);
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ error: { code } });
  });
});

describe('admin endpoints: fault settings are validated', () => {
  it.each([
    ['an unknown field', { rate: 0.5, modes: ['error_500'], chaos: true }],
    ['a rate above 1', { rate: 1.5, modes: ['error_500'] }],
    ['a negative rate', { rate: -0.1, modes: ['error_500'] }],
    ['no modes', { rate: 0.5, modes: [] }],
    ['an unknown mode', { rate: 0.5, modes: ['explode'] }],
    ['a fractional delay', { rate: 0.5, modes: ['delay'], delayMs: 1.5 }],
    ['a delay over two minutes', { rate: 0.5, modes: ['delay'], delayMs: 120_001 }],
    ['paths that are not a list', { rate: 0.5, modes: ['error_500'], paths: '/me' }],
    ['a fractional seed', { rate: 0.5, modes: ['error_500'], seed: 0.5 }],
    ['a missing rate', { modes: ['error_500'] }],
    ['a body that is not an object', ['error_500']],
  ])('refuses %s (400) and keeps the settings', async (_label, body) => {
    const response = await api('/admin/faults', {
      method: 'PUT',
      headers: withSecret({ 'content-type': 'application/json' }),
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'bad_request' } });
    const status = FaultStatus.parse(await (await api('/admin/faults', { headers: withSecret() })).json());
    expect(status.settings).toBeNull();
  });

  it('refuses malformed JSON and a missing body', async () => {
    for (const init of [
      { headers: withSecret({ 'content-type': 'application/json' }), body: '{"rate":' },
      { headers: withSecret() },
    ]) {
      const response = await api('/admin/faults', { method: 'PUT', ...init });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: 'bad_request' } });
    }
  });
});
