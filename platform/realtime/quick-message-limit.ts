import type { Device } from '@common/platform/queue';

/**
 * How fast one candidate device may send quick messages (快捷语): a token bucket of `burst`
 * tokens, one back every `refillMs`.
 *
 * The six presets are the whole vocabulary. A candidate in trouble taps two or three of them in a
 * row ("听不到考官声音", "网络不稳定", "设备出现问题"), so the burst is 3; after that one every 3 s
 * is still faster than a panel can read and answer, while a stuck button or a script gets at most
 * 20 a minute per device through to every examiner watching the slot (5–11 of them).
 */
export const QUICK_MESSAGE_RATE = { burst: 3, refillMs: 3_000 } as const;

export interface Rate {
  readonly burst: number;
  readonly refillMs: number;
}

/**
 * A device's bucket, counted in milliseconds of credit rather than fractional tokens (one token
 * is `refillMs` of credit), so that refills add up exactly.
 */
export interface Bucket {
  readonly creditMs: number;
  /** When `creditMs` was counted (ms); never moves back. */
  readonly at: number;
}

export type Take = { readonly allowed: true; readonly bucket: Bucket } | { readonly allowed: false; readonly bucket: Bucket; readonly retryAfterMs: number };

/** A full bucket: a device that has sent nothing may send a whole burst. */
export const fullBucket = (rate: Rate, now: number): Bucket => ({ creditMs: rate.burst * rate.refillMs, at: now });

/**
 * Takes one token at `now` if there is one. A refused message costs nothing (the bucket only
 * refills), so a flood does not push the next allowed message further away.
 */
export function take(bucket: Bucket, now: number, rate: Rate): Take {
  // A clock that went back refills nothing, and the time it went back is not refilled twice.
  const at = Math.max(bucket.at, now);
  const creditMs = Math.min(rate.burst * rate.refillMs, bucket.creditMs + (at - bucket.at));
  if (creditMs >= rate.refillMs) return { allowed: true, bucket: { creditMs: creditMs - rate.refillMs, at } };
  return { allowed: false, bucket: { creditMs, at }, retryAfterMs: rate.refillMs - creditMs };
}

/**
 * A refusal says whether it is the first since the device's last allowed message (`first`): the
 * room log notes that one only, so a flood adds at most one line per message let through.
 */
export type LimiterAnswer = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterMs: number; readonly first: boolean };

/**
 * One bucket per candidate device, kept across its reconnections (a reconnect must not refill
 * it); as many entries as devices that ever sent a quick message, which the exam bounds.
 */
export class QuickMessageLimiter {
  readonly #buckets = new Map<string, Bucket>();
  /** Devices refused since their last allowed message. */
  readonly #refusing = new Set<string>();

  constructor(private readonly rate: Rate = QUICK_MESSAGE_RATE) {}

  /** Whether this device may send one now; if not, how long until it may. */
  take(candidateId: string, device: Device, now: number): LimiterAnswer {
    const key = `${candidateId}\u0000${device}`;
    const result = take(this.#buckets.get(key) ?? fullBucket(this.rate, now), now, this.rate);
    this.#buckets.set(key, result.bucket);
    if (result.allowed) {
      this.#refusing.delete(key);
      return { allowed: true };
    }
    const first = !this.#refusing.has(key);
    this.#refusing.add(key);
    return { allowed: false, retryAfterMs: result.retryAfterMs, first };
  }
}
