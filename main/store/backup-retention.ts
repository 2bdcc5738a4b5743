/**
 * Which backups to keep: the newest few (one every 10 minutes), and beside them the newest of
 * each of the last hours and days that have one, so a fault noticed late (a score that went
 * wrong this morning, a file damaged yesterday) still has a backup from before it. Buckets are
 * UTC hours and days: no daylight-saving hour can merge or split one.
 */
export interface RetentionPolicy {
  /** The newest backups, whatever their age. */
  readonly recent: number;
  /** The newest backup of each of the last `hourly` hours that have one. */
  readonly hourly: number;
  /** The newest backup of each of the last `daily` days that have one. */
  readonly daily: number;
}

/** An hour of 10-minute backups, then hourly for half a day, then daily for a week. */
export const DEFAULT_RETENTION: RetentionPolicy = { recent: 6, hourly: 12, daily: 7 };

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The times (ms since the epoch) of the backups to keep, out of `times`. */
export function backupsToKeep(times: readonly number[], policy: RetentionPolicy = DEFAULT_RETENTION): Set<number> {
  const newestFirst = [...new Set(times)].sort((a, b) => b - a);
  const keep = new Set(newestFirst.slice(0, Math.max(0, policy.recent)));
  for (const [count, bucketMs] of [
    [policy.hourly, HOUR_MS],
    [policy.daily, DAY_MS],
  ] as const) {
    const seen = new Set<number>();
    for (const time of newestFirst) {
      if (seen.size >= count) break;
      const bucket = Math.floor(time / bucketMs);
      if (seen.has(bucket)) continue;
      seen.add(bucket);
      keep.add(time);
    }
  }
  return keep;
}
