import { isIPv6 } from 'node:net';
import type { Clock } from '../clock';

/** How failed sign-ins are made to wait; LOGIN_BACKOFF is the platform's. */
export interface BackoffPolicy {
  readonly account: { readonly freeFailures: number };
  readonly address: { readonly freeFailures: number };
  readonly firstWaitMs: number;
  readonly maxWaitMs: number;
  /** Longer than the cap, so a count at the cap is not forgotten between two guesses. */
  readonly forgetAfterMs: number;
  /** Counts kept at most (names need not exist, so an attacker can make many); the stalest go first. */
  readonly maxEntries: number;
}

/**
 * Back-off on failed sign-ins, so that passwords cannot be guessed at the speed of scrypt.
 *
 * Failures are counted per account name (as typed, whether or not such an account exists, so
 * the answer never tells) and per address. After `freeFailures` of them every further attempt
 * waits: `firstWaitMs` after the last free one, doubling with each failure, up to `maxWaitMs`.
 * While a name or an address waits, its attempts are refused before the password is checked
 * (429 with Retry-After), so they neither cost scrypt nor tell a right password from a wrong one.
 *
 * A successful sign-in clears its account's count; an address's count is cleared only by
 * `forgetAfterMs` without a failure, or one valid account would let its holder reset the
 * address between guesses at others'. An address is allowed more failures than an account: an
 * exam centre puts a whole room of examiners behind one address.
 *
 * At the cap an account takes four guesses an hour. Timed on the platform's clock, so tests drive
 * it with a ManualClock instead of waiting.
 */
export const LOGIN_BACKOFF: BackoffPolicy = {
  account: { freeFailures: 5 },
  address: { freeFailures: 20 },
  firstWaitMs: 1_000,
  maxWaitMs: 15 * 60_000,
  forgetAfterMs: 24 * 3600_000,
  maxEntries: 100_000,
};

/** How long to wait after the `failures`-th failure: nothing while free, then doubling up to the cap. */
export function waitAfter(failures: number, freeFailures: number, policy: Pick<BackoffPolicy, 'firstWaitMs' | 'maxWaitMs'>): number {
  if (failures < freeFailures) return 0;
  // Capped exponent: 2 ** 1000 is Infinity, which min() handles, but there is no need to get there.
  const doublings = Math.min(failures - freeFailures, 40);
  return Math.min(policy.firstWaitMs * 2 ** doublings, policy.maxWaitMs);
}

/**
 * The address a count is kept for: IPv4 as it is (an IPv4-mapped IPv6 address as its IPv4), IPv6
 * by its /64, the smallest block a home or a phone is given (one host holds all of it).
 */
export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1] !== undefined) return mapped[1];
  if (!isIPv6(ip)) return ip;
  const prefix = ipv6Groups(ip.replace(/%.*$/, '')).slice(0, 4);
  return `${prefix.map((group) => group.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/** The eight groups of an IPv6 address, `::` filled with zeros (an embedded IPv4 counts as two). */
function ipv6Groups(ip: string): string[] {
  const [head = '', tail] = ip.split('::');
  const left = head === '' ? [] : head.split(':');
  if (tail === undefined) return left;
  const right = tail === '' ? [] : tail.split(':');
  const width = right.reduce((sum, group) => sum + (group.includes('.') ? 2 : 1), 0);
  return [...left, ...Array<string>(Math.max(0, 8 - left.length - width)).fill('0'), ...right];
}

interface Count {
  failures: number;
  lastFailureAt: number;
  /** No attempt before this (ms); 0: none waiting. */
  until: number;
}

export class LoginThrottle {
  readonly #counts = new Map<string, Count>();

  constructor(
    private readonly clock: Clock,
    private readonly policy: BackoffPolicy = LOGIN_BACKOFF,
  ) {}

  /** How long this attempt must wait (ms); 0: it may go ahead. */
  waitFor(username: string, ip: string): number {
    const now = this.clock.now().getTime();
    return Math.max(0, ...this.#keys(username, ip).map((key) => (this.#live(key, now)?.until ?? 0) - now));
  }

  failed(username: string, ip: string): void {
    const now = this.clock.now().getTime();
    const [account, address] = this.#keys(username, ip);
    this.#fail(account, now, this.policy.account.freeFailures);
    this.#fail(address, now, this.policy.address.freeFailures);
  }

  /** The account's count starts again; the address's does not (see LOGIN_BACKOFF). */
  succeeded(username: string): void {
    this.#counts.delete(this.#keys(username, '')[0]);
  }

  #keys(username: string, ip: string): [string, string] {
    // Lower case: a platform whose names match without case must not give each spelling a count of its own.
    return [`account\u0000${username.toLowerCase()}`, `address\u0000${addressKey(ip)}`];
  }

  /** The count of `key`, unless it was forgotten. */
  #live(key: string, now: number): Count | undefined {
    const count = this.#counts.get(key);
    if (count && now - count.lastFailureAt >= this.policy.forgetAfterMs) {
      this.#counts.delete(key);
      return undefined;
    }
    return count;
  }

  #fail(key: string, now: number, freeFailures: number): void {
    const failures = (this.#live(key, now)?.failures ?? 0) + 1;
    const wait = waitAfter(failures, freeFailures, this.policy);
    // Moved to the end: the map's first entries are the stalest, dropped first when it is full.
    this.#counts.delete(key);
    this.#counts.set(key, { failures, lastFailureAt: now, until: wait === 0 ? 0 : now + wait });
    while (this.#counts.size > this.policy.maxEntries) {
      const stalest = this.#counts.keys().next();
      if (stalest.done === true) break;
      this.#counts.delete(stalest.value);
    }
  }
}
