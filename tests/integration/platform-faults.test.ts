import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { ADMIN_SECRET_HEADER, FaultStatus, type FaultMode, type FaultSettings } from '@common/platform/admin';
import { LoginResponse } from '@common/platform/wire';
import { DEMO_PASSWORD } from '../../platform/demo';
import { faultInjectorOf, type InjectedFault } from '../../platform/faults';
import { startPlatform, type RunningPlatform } from '../../platform/server';

/**
 * Fault injection on the real platform. `POST /auth/login` commits a row to `tokens`, so
 * counting rows tells a fault that struck before the handler from one that struck after it.
 */

let platform: RunningPlatform;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(async () => {
  await platform.close();
});
afterEach(async () => {
  expect((await admin('DELETE', '/faults')).status).toBe(200);
});

const api = (path: string, init: RequestInit = {}) => fetch(`${platform.url}/api/v1${path}`, init);
const admin = (method: string, path: string, body?: unknown) =>
  api(`/admin${path}`, {
    method,
    headers: { [ADMIN_SECRET_HEADER]: platform.adminSecret, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

async function putFaults(settings: z.input<typeof FaultSettings>): Promise<FaultStatus> {
  const response = await admin('PUT', '/faults', settings);
  expect(response.status).toBe(200);
  return FaultStatus.parse(await response.json());
}

async function faultStatus(): Promise<FaultStatus> {
  const response = await admin('GET', '/faults');
  expect(response.status).toBe(200);
  return FaultStatus.parse(await response.json());
}

const login = (init: RequestInit = {}) =>
  api('/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'examiner1', password: DEMO_PASSWORD }),
    ...init,
  });

const tokenRows = () => (platform.ctx.db.prepare('SELECT count(*) AS n FROM tokens').get() as { n: number }).n;

/** The next fault of `mode` that takes effect on the platform. */
function nextFault(mode: FaultMode): Promise<InjectedFault> {
  return new Promise((resolve) => {
    const stop = faultInjectorOf(platform.ctx).onInjected((fault) => {
      if (fault.mode !== mode) return;
      stop();
      resolve(fault);
    });
  });
}

describe('fault injection: what each fault does to a committing request', () => {
  it.each<[FaultMode, string]>([
    ['error_500', 'is answered 500 injected_fault'],
    ['reset', 'loses its connection'],
  ])('%s: the request %s before the handler runs, and nothing is committed', async (mode) => {
    await putFaults({ rate: 1, modes: [mode], paths: ['/auth/login'] });
    const before = tokenRows();

    if (mode === 'error_500') {
      const response = await login();
      expect(response.status).toBe(500);
      expect(await response.json()).toMatchObject({ error: { code: 'injected_fault' } });
    } else {
      await expect(login()).rejects.toThrow(TypeError);
    }

    expect(tokenRows()).toBe(before);
    expect((await faultStatus()).counters.injected[mode]).toBe(1);
  });

  it('timeout_after_commit: the connection dies after the handler committed', async () => {
    await putFaults({ rate: 1, modes: ['timeout_after_commit'], paths: ['/auth/login'], delayMs: 50 });
    const before = tokenRows();
    // The platform destroys the connection only after the handler ran, so the row must be there.
    await expect(login()).rejects.toThrow(TypeError);
    expect(tokenRows()).toBe(before + 1);
    expect((await faultStatus()).counters.injected.timeout_after_commit).toBe(1);
  });

  it('timeout_after_commit: a client that gives up first still had its work done', async () => {
    await putFaults({ rate: 1, modes: ['timeout_after_commit'], paths: ['/auth/login'], delayMs: 60_000 });
    const before = tokenRows();
    const withheld = nextFault('timeout_after_commit');
    await expect(login({ signal: AbortSignal.timeout(300) })).rejects.toMatchObject({ name: 'TimeoutError' });
    // Heard once the handler has committed and the answer is being withheld.
    expect(await withheld).toEqual({ mode: 'timeout_after_commit', method: 'POST', path: '/auth/login' });
    expect(tokenRows()).toBe(before + 1);
  });

  it('delay: the request is held, then handled and answered normally', async () => {
    await putFaults({ rate: 1, modes: ['delay'], paths: ['/auth/login'], delayMs: 100 });
    const before = tokenRows();
    const response = await login();
    expect(response.status).toBe(200);
    LoginResponse.parse(await response.json());
    expect(tokenRows()).toBe(before + 1);
    expect((await faultStatus()).counters.injected.delay).toBe(1);
  });

  it('duplicate: the request is processed twice and the client gets the second answer', async () => {
    await putFaults({ rate: 1, modes: ['duplicate'], paths: ['/auth/login'] });
    const before = tokenRows();
    const response = await login();
    expect(response.status).toBe(200);
    const { token } = LoginResponse.parse(await response.json());
    expect(tokenRows()).toBe(before + 2);
    // The replay committed last, so its token is the newest row.
    const newest = platform.ctx.db.prepare('SELECT token_hash FROM tokens ORDER BY rowid DESC LIMIT 1').get() as { token_hash: string };
    expect(newest.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
    const status = await faultStatus();
    // The replay itself was not faulted again (nor even considered).
    expect(status.counters).toEqual({ considered: 1, injected: { error_500: 0, timeout_after_commit: 0, reset: 0, delay: 0, duplicate: 1, no_replay: 0 } });
  });
});

describe('fault injection: rate, scope and replay', () => {
  const statusesOfMe = async (count: number) => {
    const statuses: number[] = [];
    // One at a time: the seeded sequence is consumed in arrival order.
    for (let i = 0; i < count; i++) statuses.push((await api('/me')).status);
    return statuses;
  };

  it('faults the given share of requests, as the counters report, and a seed replays the same sequence', async () => {
    const settings: z.input<typeof FaultSettings> = { rate: 0.3, modes: ['error_500'], paths: ['/me'], seed: 42 };
    await putFaults(settings);
    const first = await statusesOfMe(200);
    const failed = first.filter((status) => status === 500).length;
    expect(new Set(first)).toEqual(new Set([401, 500]));
    const { counters } = await faultStatus();
    expect(counters.considered).toBe(200);
    expect(counters.injected.error_500).toBe(failed);
    expect(failed).toBeGreaterThanOrEqual(30);
    expect(failed).toBeLessThanOrEqual(90);

    await putFaults(settings);
    expect(await statusesOfMe(200)).toEqual(first);

    await putFaults({ ...settings, seed: 43 });
    expect(await statusesOfMe(200)).not.toEqual(first);
  });

  it('draws each mode from the list', async () => {
    await putFaults({ rate: 1, modes: ['error_500', 'delay'], paths: ['/me'], delayMs: 0, seed: 7 });
    const statuses = await statusesOfMe(40);
    const { counters } = await faultStatus();
    expect(counters.injected.error_500).toBe(statuses.filter((status) => status === 500).length);
    expect(counters.injected.delay).toBe(statuses.filter((status) => status === 401).length);
    expect(counters.injected.error_500).toBeGreaterThan(0);
    expect(counters.injected.delay).toBeGreaterThan(0);
  });

  it('never faults health, admin or requests outside the API when no paths are given', async () => {
    await putFaults({ rate: 1, modes: ['error_500'] });
    expect((await api('/me')).status).toBe(500);
    expect((await api('/health')).status).toBe(200);
    expect((await admin('GET', '/faults')).status).toBe(200);
    expect((await fetch(`${platform.url}/elsewhere`)).status).toBe(404);
  });

  it('never faults admin even when its path is named', async () => {
    await putFaults({ rate: 1, modes: ['reset'], paths: ['/admin', '/me'] });
    await expect(api('/me')).rejects.toThrow(TypeError);
    expect((await admin('GET', '/faults')).status).toBe(200);
  });

  it('only faults the named paths', async () => {
    await putFaults({ rate: 1, modes: ['error_500'], paths: ['/exams'] });
    expect((await api('/me')).status).toBe(401);
    expect((await api('/exams')).status).toBe(500);
    expect((await api('/exams/anything')).status).toBe(500);
  });
});

describe('fault settings through the admin endpoint', () => {
  it('puts, reads and deletes the settings; counters restart on put and survive delete', async () => {
    expect(await faultStatus()).toMatchObject({ settings: null });

    const put = await putFaults({ rate: 1, modes: ['error_500'], paths: ['/me'] });
    expect(put).toEqual({
      settings: { rate: 1, modes: ['error_500'], paths: ['/me'], delayMs: 2_000, seed: 1 },
      counters: { considered: 0, injected: { error_500: 0, timeout_after_commit: 0, reset: 0, delay: 0, duplicate: 0, no_replay: 0 } },
    });
    expect((await api('/me')).status).toBe(500);
    const read = await faultStatus();
    expect(read.settings).toEqual(put.settings);
    expect(read.counters).toMatchObject({ considered: 1, injected: { error_500: 1 } });

    const deleted = await admin('DELETE', '/faults');
    expect(deleted.status).toBe(200);
    expect(FaultStatus.parse(await deleted.json())).toEqual({ settings: null, counters: read.counters });
    expect((await api('/me')).status).toBe(401);
    expect((await faultStatus()).counters).toEqual(read.counters);
  });

  it('starts with the faults given to startPlatform', async () => {
    const faulty = await startPlatform({ faults: { rate: 1, modes: ['error_500'], paths: [], delayMs: 0, seed: 1 } });
    try {
      expect((await fetch(`${faulty.url}/api/v1/me`)).status).toBe(500);
      expect((await fetch(`${faulty.url}/api/v1/health`)).status).toBe(200);
    } finally {
      await faulty.close();
    }
  });
});
