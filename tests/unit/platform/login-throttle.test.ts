import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../platform/clock';
import { addressKey, LOGIN_BACKOFF, LoginThrottle, waitAfter } from '../../../platform/state/login-throttle';

const policy = { firstWaitMs: 1_000, maxWaitMs: 15 * 60_000 };

describe('the sign-in back-off', () => {
  it.each([
    [1, 0],
    [4, 0],
    [5, 1_000],
    [6, 2_000],
    [7, 4_000],
    [14, 512_000],
    [15, 900_000],
    [1_000, 900_000],
  ])('after failure %i of an account with 5 free, waits %i ms', (failures, wait) => {
    expect(waitAfter(failures, 5, policy)).toBe(wait);
  });

  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['::1', '0:0:0:0::/64'],
    ['2001:db8:1:2:aaaa::1', '2001:db8:1:2::/64'],
    ['2001:0DB8:0001:0002:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['64:ff9b::203.0.113.7', '64:ff9b:0:0::/64'],
  ])('keeps the count of %s under %s', (ip, key) => {
    expect(addressKey(ip)).toBe(key);
  });

  it('forgets an address after a day without failures, and an account at its next sign-in', () => {
    const clock = new ManualClock();
    const throttle = new LoginThrottle(clock);
    for (let i = 0; i < LOGIN_BACKOFF.address.freeFailures; i++) throttle.failed(`name-${i}`, '198.51.100.1');
    expect(throttle.waitFor('anyone', '198.51.100.1')).toBe(1_000);
    clock.advance(LOGIN_BACKOFF.forgetAfterMs);
    expect(throttle.waitFor('anyone', '198.51.100.1')).toBe(0);
    // Forgotten means counted from nothing again, not from where it stopped.
    throttle.failed('name-0', '198.51.100.1');
    expect(throttle.waitFor('anyone', '198.51.100.1')).toBe(0);

    for (let i = 0; i < LOGIN_BACKOFF.account.freeFailures - 1; i++) throttle.failed('Examiner1', '198.51.100.2');
    // Another spelling is the same name.
    throttle.failed('examiner1', '198.51.100.3');
    expect(throttle.waitFor('EXAMINER1', '198.51.100.4')).toBe(1_000);
    clock.advance(1_000);
    throttle.succeeded('examiner1');
    throttle.failed('examiner1', '198.51.100.3');
    expect(throttle.waitFor('examiner1', '198.51.100.4')).toBe(0);
  });

  it('keeps at most maxEntries counts, dropping the stalest', () => {
    const clock = new ManualClock();
    const throttle = new LoginThrottle(clock, { ...LOGIN_BACKOFF, account: { freeFailures: 1 }, address: { freeFailures: 1_000 }, maxEntries: 4 });
    throttle.failed('first', '192.0.2.1');
    clock.advance(10);
    throttle.failed('second', '192.0.2.1');
    throttle.failed('third', '192.0.2.1');
    expect(throttle.waitFor('first', '192.0.2.9')).toBeGreaterThan(0);
    // One address and three names fill it; a fourth name pushes out the stalest count, `first`'s.
    throttle.failed('fourth', '192.0.2.1');
    expect(throttle.waitFor('first', '192.0.2.9')).toBe(0);
    expect(throttle.waitFor('fourth', '192.0.2.9')).toBeGreaterThan(0);
  });
});
