import { describe, expect, it } from 'vitest';
import type { QueueEntry } from '@common/platform';
import { answeringTimeLeft, formatCountdown, interruptionView, type InterruptionView } from '../../../renderer/src/live/interruption';

const at = (iso: string) => Date.parse(iso);
const entry = (change: Partial<QueueEntry>): Pick<QueueEntry, 'state' | 'interruptions' | 'interruptedAt' | 'failureReason'> => ({
  state: 'in_room',
  interruptions: 0,
  interruptedAt: null,
  failureReason: null,
  ...change,
});

describe('interruptionView: the 2-minute / 3-interruption rule', () => {
  it.each<[string, Parameters<typeof entry>[0], string, InterruptionView]>([
    ['in the room, never interrupted', {}, '2026-03-14T02:00:00Z', { kind: 'none', count: 0, max: 3 }],
    ['back in the room after one', { interruptions: 1 }, '2026-03-14T02:00:00Z', { kind: 'none', count: 1, max: 3 }],
    [
      'the first interruption, 15 s in',
      { state: 'interrupted', interruptions: 1, interruptedAt: '2026-03-14T02:00:00.000Z' },
      '2026-03-14T02:00:15Z',
      { kind: 'interrupted', count: 1, max: 3, remainingMs: 105_000, deadline: at('2026-03-14T02:02:00Z'), lastAllowed: false },
    ],
    [
      'the third: the last the rule allows',
      { state: 'interrupted', interruptions: 3, interruptedAt: '2026-03-14T02:00:00.000Z' },
      '2026-03-14T02:01:59.500Z',
      { kind: 'interrupted', count: 3, max: 3, remainingMs: 500, deadline: at('2026-03-14T02:02:00Z'), lastAllowed: true },
    ],
    [
      'past two minutes: zero left, the platform decides',
      { state: 'interrupted', interruptions: 2, interruptedAt: '2026-03-14T02:00:00.000Z' },
      '2026-03-14T02:02:05Z',
      { kind: 'interrupted', count: 2, max: 3, remainingMs: 0, deadline: at('2026-03-14T02:02:00Z'), lastAllowed: false },
    ],
    [
      'a clock behind the platform’s still shows at most two minutes',
      { state: 'interrupted', interruptions: 1, interruptedAt: '2026-03-14T02:00:00.000Z' },
      '2026-03-14T01:59:58Z',
      { kind: 'interrupted', count: 1, max: 3, remainingMs: 120_000, deadline: at('2026-03-14T02:02:00Z'), lastAllowed: false },
    ],
    [
      'failed by a fourth interruption',
      { state: 'failed', interruptions: 4, failureReason: 'too_many_interruptions' },
      '2026-03-14T02:00:00Z',
      { kind: 'failed', count: 4, max: 3, reason: 'too_many_interruptions' },
    ],
    [
      'failed by the time running out',
      { state: 'failed', interruptions: 1, failureReason: 'interruption_timeout' },
      '2026-03-14T02:00:00Z',
      { kind: 'failed', count: 1, max: 3, reason: 'interruption_timeout' },
    ],
    [
      'interrupted without a start time: treated as over',
      { state: 'interrupted', interruptions: 1, interruptedAt: null },
      '2026-03-14T02:00:00Z',
      { kind: 'interrupted', count: 1, max: 3, remainingMs: 0, deadline: at('2026-03-14T02:00:00Z'), lastAllowed: false },
    ],
  ])('%s', (_label, change, now, expected) => {
    expect(interruptionView(entry(change), at(now))).toEqual(expected);
  });

  it('counts down second by second', () => {
    const interrupted = entry({ state: 'interrupted', interruptions: 1, interruptedAt: '2026-03-14T02:00:00.000Z' });
    const shown = [0, 1_000, 59_400, 119_001, 120_000, 130_000].map((offset) => {
      const view = interruptionView(interrupted, at('2026-03-14T02:00:00Z') + offset);
      return view.kind === 'interrupted' ? formatCountdown(view.remainingMs) : view.kind;
    });
    expect(shown).toEqual(['2:00', '1:59', '1:01', '0:01', '0:00', '0:00']);
  });
});

describe('answeringTimeLeft', () => {
  it.each([
    ['not in the room yet', null, 480, '2026-03-14T02:00:00Z', null, null],
    ['a minute in, of eight', '2026-03-14T02:00:00.000Z', 480, '2026-03-14T02:01:00Z', null, 420_000],
    ['thirty seconds over', '2026-03-14T02:00:00.000Z', 480, '2026-03-14T02:08:30Z', null, -30_000],
    ['stopped when the interview ended', '2026-03-14T02:00:00.000Z', 480, '2026-03-14T02:30:00Z', '2026-03-14T02:05:00.000Z', 180_000],
  ])('%s', (_label, enteredAt, seconds, now, endedAt, expected) => {
    expect(answeringTimeLeft(enteredAt, seconds, at(now), endedAt)).toBe(expected);
  });
});
