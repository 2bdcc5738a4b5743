import { describe, expect, it } from 'vitest';
import { QueueState } from '@common/platform/queue';
import { transition, type QueueEvent, type QueueRow } from '../../../platform/state/queue';

const NOW = new Date('2026-06-01T02:00:00.000Z');
const before = (seconds: number) => new Date(NOW.getTime() - seconds * 1000).toISOString();

function entry(state: QueueState, change: Partial<QueueRow> = {}): QueueRow {
  return {
    id: 'q-1',
    slotId: 'slot-vocal-live',
    candidateId: 'cand-001',
    appointmentAt: '2026-06-01T01:30:00.000Z',
    state,
    faceAttempts: 0,
    interruptions: 0,
    interruptedAt: state === 'interrupted' ? before(60) : null,
    checkedInAt: null,
    calledAt: null,
    calledBy: null,
    enteredAt: null,
    finishedAt: null,
    failureReason: null,
    revision: 7,
    extraSeconds: 0,
    ...change,
  };
}

/** Every event the machine knows, with the state it leads to from a fresh row. */
const EVENTS: readonly [string, QueueEvent, QueueState][] = [
  ['check_in', { kind: 'check_in' }, 'checked_in'],
  ['face matched', { kind: 'face', matched: true }, 'face_verified'],
  ['face failed', { kind: 'face', matched: false }, 'checked_in'],
  ['review approve', { kind: 'review', approve: true }, 'face_verified'],
  ['review refuse', { kind: 'review', approve: false }, 'failed'],
  ['ready', { kind: 'ready' }, 'waiting'],
  ['call', { kind: 'call', examinerId: 'ex-01' }, 'called'],
  ['join', { kind: 'join', devices: { main: true, side: true } }, 'in_room'],
  ['finish', { kind: 'finish' }, 'finished'],
  ['absent', { kind: 'absent' }, 'absent'],
  ['device_dropped', { kind: 'device_dropped' }, 'interrupted'],
  ['devices_back', { kind: 'devices_back' }, 'in_room'],
  ['interruption_expired', { kind: 'interruption_expired' }, 'failed'],
  ['readmit', { kind: 'readmit' }, 'waiting'],
];

/** The legal moves of common/platform/queue.ts, written out independently of the machine. */
const LEGAL_FROM: Readonly<Record<string, readonly QueueState[]>> = {
  check_in: ['scheduled'],
  'face matched': ['checked_in'],
  'face failed': ['checked_in'],
  'review approve': ['manual_review'],
  'review refuse': ['manual_review'],
  ready: ['face_verified'],
  call: ['waiting'],
  join: ['called'],
  finish: ['in_room'],
  absent: ['scheduled', 'checked_in', 'face_verified', 'waiting', 'manual_review'],
  device_dropped: ['in_room'],
  devices_back: ['interrupted'],
  interruption_expired: ['interrupted'],
  readmit: ['failed'],
};

const at = NOW.toISOString();

describe('queue state machine: legal transitions', () => {
  it.each<[string, QueueRow, QueueEvent, Partial<QueueRow>]>([
    ['check-in', entry('scheduled'), { kind: 'check_in' }, { state: 'checked_in', checkedInAt: at }],
    ['a matched face', entry('checked_in', { faceAttempts: 2 }), { kind: 'face', matched: true }, { state: 'face_verified', faceAttempts: 2 }],
    ['a 1st failed face', entry('checked_in'), { kind: 'face', matched: false }, { state: 'checked_in', faceAttempts: 1 }],
    ['a 2nd failed face', entry('checked_in', { faceAttempts: 1 }), { kind: 'face', matched: false }, { state: 'checked_in', faceAttempts: 2 }],
    ['a 3rd failed face', entry('checked_in', { faceAttempts: 2 }), { kind: 'face', matched: false }, { state: 'manual_review', faceAttempts: 3 }],
    ['an approved review', entry('manual_review', { faceAttempts: 3 }), { kind: 'review', approve: true }, { state: 'face_verified' }],
    [
      'a refused review',
      entry('manual_review', { faceAttempts: 3 }),
      { kind: 'review', approve: false },
      { state: 'failed', failureReason: 'face_verification', finishedAt: at },
    ],
    ['ready', entry('face_verified'), { kind: 'ready' }, { state: 'waiting' }],
    ['a call', entry('waiting'), { kind: 'call', examinerId: 'ex-02' }, { state: 'called', calledBy: 'ex-02', calledAt: at }],
    ['a join', entry('called'), { kind: 'join', devices: { main: true, side: true } }, { state: 'in_room', enteredAt: at }],
    ['a finish', entry('in_room'), { kind: 'finish' }, { state: 'finished', finishedAt: at }],
    ...(['scheduled', 'checked_in', 'face_verified', 'waiting', 'manual_review'] as const).map(
      (state): [string, QueueRow, QueueEvent, Partial<QueueRow>] => [`absent from ${state}`, entry(state), { kind: 'absent' }, { state: 'absent', finishedAt: at }],
    ),
    ['a 1st interruption', entry('in_room'), { kind: 'device_dropped' }, { state: 'interrupted', interruptions: 1, interruptedAt: at }],
    ['a 3rd interruption', entry('in_room', { interruptions: 2 }), { kind: 'device_dropped' }, { state: 'interrupted', interruptions: 3, interruptedAt: at }],
    [
      'a 4th interruption',
      entry('in_room', { interruptions: 3 }),
      { kind: 'device_dropped' },
      { state: 'failed', interruptions: 4, interruptedAt: null, failureReason: 'too_many_interruptions', finishedAt: at },
    ],
    ['devices back after 60 s', entry('interrupted', { interruptions: 1 }), { kind: 'devices_back' }, { state: 'in_room', interruptedAt: null }],
    ['devices back just before 120 s', entry('interrupted', { interruptedAt: before(119.999) }), { kind: 'devices_back' }, { state: 'in_room', interruptedAt: null }],
    [
      'devices back at 120 s, before the timer ran',
      entry('interrupted', { interruptedAt: before(120) }),
      { kind: 'devices_back' },
      { state: 'failed', failureReason: 'interruption_timeout', interruptedAt: null, finishedAt: at },
    ],
    [
      'the interruption timer at 120 s',
      entry('interrupted', { interruptedAt: before(120) }),
      { kind: 'interruption_expired' },
      { state: 'failed', failureReason: 'interruption_timeout', interruptedAt: null, finishedAt: at },
    ],
    [
      'the interruption timer long after (platform was down)',
      entry('interrupted', { interruptedAt: before(3600) }),
      { kind: 'interruption_expired' },
      { state: 'failed', failureReason: 'interruption_timeout', interruptedAt: null, finishedAt: at },
    ],
    ...(['too_many_interruptions', 'interruption_timeout'] as const).map((failureReason): [string, QueueRow, QueueEvent, Partial<QueueRow>] => [
      `a readmission after ${failureReason}`,
      entry('failed', { failureReason, interruptions: 4, finishedAt: before(30), calledAt: before(600), calledBy: 'ch-01', enteredAt: before(590) }),
      { kind: 'readmit' },
      { state: 'waiting', failureReason: null, interruptions: 0, finishedAt: null, calledAt: null, calledBy: null, enteredAt: null },
    ]),
  ])('%s', (_label, row, event, expected) => {
    const copy = structuredClone(row);
    const result = transition(row, event, NOW);
    expect(result).toEqual({ ok: true, row: { ...row, ...expected, revision: row.revision + 1 } });
    expect(row).toEqual(copy);
  });
});

describe('queue state machine: refusals', () => {
  const cases = QueueState.options.flatMap((state) =>
    EVENTS.filter(([name]) => !LEGAL_FROM[name]?.includes(state)).map(([name, event, to]) => [state, name, event, to] as const),
  );

  it('has illegal moves from every state, and only final states refuse everything but a readmission', () => {
    for (const state of QueueState.options) {
      const refused = cases.filter(([from]) => from === state).length;
      expect(refused).toBeGreaterThan(0);
      expect(refused === EVENTS.length).toBe(['finished', 'absent'].includes(state));
      if (state === 'failed') expect(refused).toBe(EVENTS.length - 1);
    }
  });

  it.each(['face_verification', 'examiner', null] as const)('refuses to readmit a candidate failed for %s', (failureReason) => {
    expect(transition(entry('failed', { failureReason }), { kind: 'readmit' }, NOW)).toEqual({
      ok: false,
      refusal: { code: 'not_readmittable', failureReason },
    });
  });

  it.each(cases)('refuses from %s: %s', (state, _name, event, to) => {
    expect(transition(entry(state), event, NOW)).toEqual({ ok: false, refusal: { code: 'illegal_transition', from: state, to } });
  });

  it('names the state a refused face failure would have led to', () => {
    expect(transition(entry('waiting', { faceAttempts: 2 }), { kind: 'face', matched: false }, NOW)).toEqual({
      ok: false,
      refusal: { code: 'illegal_transition', from: 'waiting', to: 'manual_review' },
    });
  });

  it.each([
    [{ main: true, side: false }, ['side']],
    [{ main: false, side: true }, ['main']],
    [{ main: false, side: false }, ['main', 'side']],
  ])('refuses to join with devices %j offline: %j', (devices, offline) => {
    expect(transition(entry('called'), { kind: 'join', devices }, NOW)).toEqual({ ok: false, refusal: { code: 'devices_offline', offline } });
  });

  it('does not let an early interruption timer fail a candidate who still has time', () => {
    expect(transition(entry('interrupted', { interruptedAt: before(60) }), { kind: 'interruption_expired' }, NOW)).toEqual({
      ok: false,
      refusal: { code: 'interruption_not_expired', deadline: new Date(NOW.getTime() + 60_000).toISOString() },
    });
  });
});
