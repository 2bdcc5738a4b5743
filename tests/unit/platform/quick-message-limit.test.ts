import { describe, expect, it } from 'vitest';
import { fullBucket, QuickMessageLimiter, take, type Bucket } from '../../../platform/realtime/quick-message-limit';

const rate = { burst: 3, refillMs: 3_000 };

describe('the quick-message token bucket', () => {
  it.each<[string, Bucket, number, boolean, number | null]>([
    ['a full bucket allows', { creditMs: 9_000, at: 0 }, 0, true, null],
    ['the last token allows', { creditMs: 3_000, at: 0 }, 0, true, null],
    ['an empty bucket refuses for a whole refill', { creditMs: 0, at: 0 }, 0, false, 3_000],
    ['half a refill later, it refuses for the other half', { creditMs: 0, at: 0 }, 1_500, false, 1_500],
    ['one refill later it allows', { creditMs: 0, at: 0 }, 3_000, true, null],
    ['a clock that went back refills nothing', { creditMs: 1_500, at: 10_000 }, 4_000, false, 1_500],
  ])('%s', (_label, bucket, now, allowed, retryAfterMs) => {
    const result = take(bucket, now, rate);
    expect(result.allowed).toBe(allowed);
    expect(result.allowed ? null : result.retryAfterMs).toBe(retryAfterMs);
  });

  it('never holds more than the burst, however long the device was quiet', () => {
    let bucket = fullBucket(rate, 0);
    const allowed: boolean[] = [];
    for (let i = 0; i < 5; i++) {
      const result = take(bucket, 24 * 3600_000, rate);
      bucket = result.bucket;
      allowed.push(result.allowed);
    }
    expect(allowed).toEqual([true, true, true, false, false]);
  });

  it('does not let refusals push the next allowed message further away', () => {
    let bucket: Bucket = { creditMs: 0, at: 0 };
    for (let now = 0; now < 3_000; now += 100) bucket = take(bucket, now, rate).bucket;
    expect(take(bucket, 3_000, rate).allowed).toBe(true);
    // Nor does a clock that went back and came forward again refill twice.
    const back = take(take({ creditMs: 0, at: 10_000 }, 4_000, rate).bucket, 10_000, rate);
    expect(back.allowed).toBe(false);
  });

  it('keeps one bucket per device', () => {
    const limiter = new QuickMessageLimiter({ burst: 1, refillMs: 1_000 });
    expect(limiter.take('c1', 'main', 0).allowed).toBe(true);
    expect(limiter.take('c1', 'main', 0)).toEqual({ allowed: false, retryAfterMs: 1_000, first: true });
    expect(limiter.take('c1', 'side', 0).allowed).toBe(true);
    expect(limiter.take('c2', 'main', 0).allowed).toBe(true);
    expect(limiter.take('c1', 'main', 1_000).allowed).toBe(true);
  });

  it('calls a refusal first only after an allowed message (what the room log notes of a flood)', () => {
    const limiter = new QuickMessageLimiter({ burst: 1, refillMs: 1_000 });
    const firsts = (now: number, times: number) =>
      Array.from({ length: times }, () => limiter.take('c1', 'main', now)).map((answer) => (answer.allowed ? 'allowed' : answer.first));
    expect(firsts(0, 4)).toEqual(['allowed', true, false, false]);
    expect(firsts(500, 2)).toEqual([false, false]);
    expect(firsts(1_000, 3)).toEqual(['allowed', true, false]);
    // Another device's run is its own.
    expect(limiter.take('c1', 'side', 1_000).allowed).toBe(true);
    expect(limiter.take('c1', 'side', 1_000)).toMatchObject({ allowed: false, first: true });
  });
});
