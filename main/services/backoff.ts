/**
 * Exponential back-off with full jitter (AWS architecture blog, "Exponential Backoff And
 * Jitter"): the wait before retry n is uniform in [0, min(cap, base · 2^(n−1))). Spreading
 * retries out keeps many workstations that lost the network together from returning together.
 */
export function fullJitterDelay(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}
