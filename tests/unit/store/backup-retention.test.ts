import { describe, expect, it } from 'vitest';
import { backupsToKeep, DEFAULT_RETENTION, type RetentionPolicy } from '../../../main/store/backup-retention';

const at = (iso: string) => Date.parse(iso);
const iso = (time: number) => new Date(time).toISOString().slice(0, 16);

/** Backups every `minutes` from `from` to `to` inclusive, as the workstation's timer takes them. */
function every(minutes: number, from: string, to: string): number[] {
  const times: number[] = [];
  for (let time = at(from); time <= at(to); time += minutes * 60_000) times.push(time);
  return times;
}

const kept = (times: readonly number[], policy?: RetentionPolicy) => [...backupsToKeep(times, policy)].sort((a, b) => a - b).map(iso);

describe('backupsToKeep', () => {
  it('keeps the newest six, the newest of each of the last 12 hours and of each of the last 7 days, by default', () => {
    expect(DEFAULT_RETENTION).toEqual({ recent: 6, hourly: 12, daily: 7 });
    // Three days of a workstation left running: 432 backups.
    const times = every(10, '2026-03-12T00:00Z', '2026-03-14T23:50Z');
    expect(times).toHaveLength(432);
    expect(kept(times)).toEqual([
      // daily: the last of each earlier day
      '2026-03-12T23:50',
      '2026-03-13T23:50',
      // hourly: the last of each of the 12 newest hours (23:50 is also recent)
      ...Array.from({ length: 11 }, (_, index) => `2026-03-14T${String(12 + index).padStart(2, '0')}:50`),
      // recent: the last hour, every 10 minutes
      '2026-03-14T23:00',
      '2026-03-14T23:10',
      '2026-03-14T23:20',
      '2026-03-14T23:30',
      '2026-03-14T23:40',
      '2026-03-14T23:50',
    ]);
  });

  it.each<[string, number[], RetentionPolicy, string[]]>([
    ['fewer backups than the policy keeps: all of them', every(10, '2026-03-14T08:00Z', '2026-03-14T08:30Z'), DEFAULT_RETENTION, ['2026-03-14T08:00', '2026-03-14T08:10', '2026-03-14T08:20', '2026-03-14T08:30']],
    [
      'hours and days that have a backup, reaching back over a weekend the workstation was off',
      [...every(10, '2026-03-13T16:00Z', '2026-03-13T17:50Z'), ...every(10, '2026-03-16T08:00Z', '2026-03-16T08:20Z')],
      { recent: 2, hourly: 3, daily: 2 },
      ['2026-03-13T16:50', '2026-03-13T17:50', '2026-03-16T08:10', '2026-03-16T08:20'],
    ],
    [
      'UTC days: a minute either side of midnight are two days',
      [at('2026-03-13T23:59Z'), at('2026-03-14T00:01Z')],
      { recent: 0, hourly: 0, daily: 2 },
      ['2026-03-13T23:59', '2026-03-14T00:01'],
    ],
    ['only the recent ones when hourly and daily are 0', every(10, '2026-03-14T08:00Z', '2026-03-14T10:00Z'), { recent: 3, hourly: 0, daily: 0 }, ['2026-03-14T09:40', '2026-03-14T09:50', '2026-03-14T10:00']],
    ['one time given twice is one backup', [at('2026-03-14T08:00Z'), at('2026-03-14T08:00Z')], { recent: 1, hourly: 0, daily: 0 }, ['2026-03-14T08:00']],
    ['nothing from nothing', [], DEFAULT_RETENTION, []],
  ])('%s', (_label, times, policy, expected) => {
    expect(kept(times, policy)).toEqual(expected);
  });
});
