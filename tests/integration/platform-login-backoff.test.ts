import { afterEach, describe, expect, it } from 'vitest';
import { ContractError } from '@common/contract';
import { LoginResponse } from '@common/platform/wire';
import { ManualClock } from '../../platform/clock';
import { DEMO_PASSWORD } from '../../platform/demo';
import { startPlatform, type RunningPlatform } from '../../platform/server';
import { LOGIN_BACKOFF } from '../../platform/state/login-throttle';
import { startWorkstation } from '../support/workstation';

/**
 * Password guessing against the platform on loopback: after a few failures every attempt waits,
 * longer after each failure, and the platform says so with 429 and Retry-After, the same for an
 * account that exists and one that does not. Time is the platform's ManualClock: the test moves
 * it by exactly the Retry-After it was told.
 */

const platforms: RunningPlatform[] = [];
afterEach(async () => {
  await Promise.all(platforms.splice(0).map((platform) => platform.close()));
});

async function platformOnClock() {
  const clock = new ManualClock();
  const platform = await startPlatform({ clock, sfu: 'off' });
  platforms.push(platform);
  return { platform, clock };
}

interface Answer {
  readonly status: number;
  readonly code: string | null;
  readonly retryAfter: number | null;
  readonly body: unknown;
}

async function attempt(platform: RunningPlatform, username: string, password: string): Promise<Answer> {
  const response = await fetch(`${platform.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const body = (await response.json()) as { error?: { code?: string } };
  const retryAfter = response.headers.get('retry-after');
  return { status: response.status, code: body.error?.code ?? null, retryAfter: retryAfter === null ? null : Number(retryAfter), body };
}

/** Guesses until refused, waiting out each Retry-After; the Retry-After of each refusal in turn. */
async function guessThrough(platform: RunningPlatform, clock: ManualClock, username: string, refusals: number): Promise<{ statuses: number[]; waits: number[] }> {
  const statuses: number[] = [];
  const waits: number[] = [];
  while (waits.length < refusals) {
    if (statuses.length > 4 * LOGIN_BACKOFF.address.freeFailures) throw new Error(`${statuses.length} guesses and not refused ${refusals} times`);
    const answer = await attempt(platform, username, 'guess-' + String(statuses.length));
    statuses.push(answer.status);
    if (answer.status === 429) {
      expect(answer.code).toBe('too_many_attempts');
      expect(answer.retryAfter).not.toBeNull();
      waits.push(answer.retryAfter ?? 0);
      clock.advance((answer.retryAfter ?? 0) * 1000);
    } else {
      expect(answer.status).toBe(401);
    }
  }
  return { statuses, waits };
}

describe('reference platform: password guessing', () => {
  it('refuses with 429 and Retry-After after a few failures, doubling each time, and the right password still works after the wait', async () => {
    const { platform, clock } = await platformOnClock();
    const free = LOGIN_BACKOFF.account.freeFailures;
    for (let i = 0; i < free; i++) expect((await attempt(platform, 'examiner1', `guess-${i}`)).status).toBe(401);

    // Waiting: even the right password is refused now, before it is checked.
    const refused = await attempt(platform, 'examiner1', DEMO_PASSWORD);
    expect(refused).toMatchObject({ status: 429, code: 'too_many_attempts', retryAfter: 1 });
    // Half the wait does not do.
    clock.advance(500);
    expect((await attempt(platform, 'examiner1', DEMO_PASSWORD)).status).toBe(429);
    clock.advance(500);

    // Each further failure doubles the wait.
    const { statuses, waits } = await guessThrough(platform, clock, 'examiner1', 4);
    expect(statuses).toEqual([401, 429, 401, 429, 401, 429, 401, 429]);
    expect(waits).toEqual([2, 4, 8, 16]);

    // After the wait the right password works, and the count starts again.
    const signedIn = await attempt(platform, 'examiner1', DEMO_PASSWORD);
    expect(signedIn.status).toBe(200);
    expect(LoginResponse.safeParse(signedIn.body).success).toBe(true);
    for (let i = 0; i < free; i++) expect((await attempt(platform, 'examiner1', `again-${i}`)).status).toBe(401);
    expect((await attempt(platform, 'examiner1', DEMO_PASSWORD)).status).toBe(429);
  });

  it('caps the wait', async () => {
    const { platform, clock } = await platformOnClock();
    const { waits } = await guessThrough(platform, clock, 'examiner2', 13);
    expect(waits.at(-1)).toBe(LOGIN_BACKOFF.maxWaitMs / 1000);
    expect(Math.max(...waits)).toBe(LOGIN_BACKOFF.maxWaitMs / 1000);
  });

  it('answers alike for an account that exists and one that does not', async () => {
    const { platform, clock } = await platformOnClock();
    const known = await guessThrough(platform, clock, 'examiner3', 3);
    const unknown = await guessThrough(platform, clock, 'nobody-here', 3);
    expect(unknown).toEqual(known);
    const [refusedKnown, refusedUnknown] = [await attempt(platform, 'examiner3', 'x'), await attempt(platform, 'nobody-here', 'x')];
    expect(refusedUnknown).toEqual(refusedKnown);
  });

  it('counts one address across accounts, and another address apart', async () => {
    const { platform } = await platformOnClock();
    const perAccount = LOGIN_BACKOFF.account.freeFailures - 1;
    const names = Array.from({ length: Math.ceil(LOGIN_BACKOFF.address.freeFailures / perAccount) }, (_, i) => `spray-${i}`);
    let failures = 0;
    for (const name of names) {
      for (let i = 0; i < perAccount && failures < LOGIN_BACKOFF.address.freeFailures; i++, failures++) {
        expect((await attempt(platform, name, 'guess')).status).toBe(401);
      }
    }
    // This address now waits, whatever account it names, even one it never tried.
    expect(await attempt(platform, 'examiner1', DEMO_PASSWORD)).toMatchObject({ status: 429, retryAfter: 1 });

    // Another address (an examiner elsewhere) signs in as usual.
    const elsewhere = await platform.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress: '203.0.113.7',
      payload: { username: 'examiner1', password: DEMO_PASSWORD },
    });
    expect(elsewhere.statusCode).toBe(200);
  });
});

describe('the workstation signing in against a platform that makes it wait', () => {
  it('answers rate_limited with the seconds to wait, and signs in once they are over', async () => {
    const { platform, clock } = await platformOnClock();
    const ws = startWorkstation(platform.url);
    try {
      const login = (password: string) => ws.workstation.dispatch('session.login', { username: 'examiner1', password }, { transport: 'test' });
      for (let i = 0; i < LOGIN_BACKOFF.account.freeFailures; i++) {
        expect(await login(`guess-${i}`)).toMatchObject({ ok: false, error: { code: 'invalid_credentials' } });
      }
      const refused = await login(DEMO_PASSWORD);
      expect(refused).toMatchObject({ ok: false, error: { code: 'rate_limited', retryAfterSeconds: 1 } });
      // The contract's error schema carries the wait to the renderer as it is.
      expect(refused.ok ? null : ContractError.safeParse(refused.error).success).toBe(true);
      clock.advance(1_000);
      expect(await login(DEMO_PASSWORD)).toMatchObject({ ok: true, value: { examiner: { id: 'ex-01' } } });
    } finally {
      ws.stop();
    }
  });
});
