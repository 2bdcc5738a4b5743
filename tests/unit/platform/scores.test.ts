import { describe, expect, it } from 'vitest';
import type { Rubric } from '@common/platform/exams';
import type { ScoreSheet } from '@common/platform/scores';
import { HttpError } from '../../../platform/http';
import { baseVersionOf, idempotencyKeyOf } from '../../../platform/routes/scores';
import { deviatingTotals } from '../../../platform/state/panel-scores';
import { requestHash, sheetProblems } from '../../../platform/state/scores';

describe('requestHash', () => {
  const sheet: ScoreSheet = {
    values: { pitch: 27.5, rhythm: 18 },
    comment: '好',
    violation: { flagged: false, note: null },
    auditHead: null,
  };
  const base = { assignmentId: 'as-1', baseVersion: 0, sheet };

  it('is the same for the same request in any key order', () => {
    const reordered = {
      sheet: { auditHead: null, violation: { note: null, flagged: false }, comment: '好', values: { rhythm: 18, pitch: 27.5 } },
      baseVersion: 0,
      assignmentId: 'as-1',
    };
    expect(requestHash(reordered)).toBe(requestHash(base));
    expect(requestHash(base)).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ['another assignment', { ...base, assignmentId: 'as-2' }],
    ['another base version', { ...base, baseVersion: 1 }],
    ['another value', { ...base, sheet: { ...sheet, values: { pitch: 27, rhythm: 18 } } }],
    ['another comment', { ...base, sheet: { ...sheet, comment: '好。' } }],
    ['a flagged violation', { ...base, sheet: { ...sheet, violation: { flagged: true, note: 'x' } } }],
  ])('differs for %s', (_label, other) => {
    expect(requestHash(other)).not.toBe(requestHash(base));
  });
});

describe('sheetProblems', () => {
  const rubric: Rubric = {
    id: 'r',
    version: 1,
    criteria: [
      { id: 'pitch', label: { zh: '音准', en: 'Pitch' }, max: 30, step: 0.5, required: true },
      { id: 'tone', label: { zh: '音色', en: 'Tone' }, max: 20, step: 0.1, required: true },
    ],
  };
  const sheet = (values: Record<string, number>, flagged = false, note: string | null = null): ScoreSheet => ({
    values,
    comment: '',
    violation: { flagged, note },
    auditHead: null,
  });

  it.each([
    ['a clean sheet, totalled as checkValues rounds it', sheet({ pitch: 0.5, tone: 0.1 + 0.2 }), [], 0.8],
    ['a flagged violation with a note', sheet({ pitch: 1, tone: 1 }, true, '离开画面'), [], 2],
    ['an unflagged violation with no note', sheet({ pitch: 1, tone: 1 }, false, null), [], 2],
    ['a flagged violation without a note', sheet({ pitch: 1, tone: 1 }, true, null), [{ field: 'violation.note', problem: 'missing' }], null],
    ['a flagged violation with a blank note', sheet({ pitch: 1, tone: 1 }, true, ' \n'), [{ field: 'violation.note', problem: 'missing' }], null],
    [
      'rubric problems and the note together',
      sheet({ pitch: 31 }, true, ''),
      [
        { criterionId: 'pitch', problem: 'over_max' },
        { criterionId: 'tone', problem: 'missing' },
        { field: 'violation.note', problem: 'missing' },
      ],
      null,
    ],
  ])('%s', (_label, input, problems, total) => {
    expect(sheetProblems(rubric, input)).toEqual({ problems, total });
  });
});

describe('deviatingTotals', () => {
  const trimmed = { kind: 'trimmed_mean', drop: 1 } as const;
  const totals = (...values: number[]) => values.map((total, index) => ({ assignmentId: `as-${String(index)}`, total }));

  it.each([
    ['nobody below three totals, however far apart', trimmed, totals(100, 0), []],
    ['the outlier of three (combined = the median 80)', trimmed, totals(80, 60, 82), [{ assignmentId: 'as-1', deviation: 20 }]],
    ['nobody exactly at the threshold', trimmed, totals(80, 70, 82), []],
    ['an outlier just past it', trimmed, totals(80, 69.5, 82), [{ assignmentId: 'as-1', deviation: 10.5 }]],
    ['outliers on both sides of four (combined 80.5)', trimmed, totals(60, 80, 81, 95), [
      { assignmentId: 'as-0', deviation: 20.5 },
      { assignmentId: 'as-3', deviation: 14.5 },
    ]],
    ['with the plain mean, everyone far from it', { kind: 'mean' } as const, totals(50, 50, 80), [{ assignmentId: 'as-2', deviation: 20 }]],
  ])('finds %s', (_label, rule, input, expected) => {
    expect(deviatingTotals(rule, 10, input)).toEqual(expected);
  });
});

describe('submission headers', () => {
  const refusal = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      if (error instanceof HttpError) return [error.status, error.code];
      throw error;
    }
    return null;
  };

  it.each([
    ['"0"', 0],
    ['"12"', 12],
    [' "3" ', 3],
    ['"999999999999999"', 999_999_999_999_999],
  ])('reads If-Match %s as base version %s', (header, version) => {
    expect(baseVersionOf(header)).toBe(version);
  });

  it.each([
    [undefined, 428, 'precondition_required'],
    ['0', 400, 'bad_if_match'],
    ['W/"0"', 400, 'bad_if_match'],
    ['"01"', 400, 'bad_if_match'],
    ['"-1"', 400, 'bad_if_match'],
    ['"1.5"', 400, 'bad_if_match'],
    ['"1", "2"', 400, 'bad_if_match'],
    ['*', 400, 'bad_if_match'],
    ['"1000000000000000"', 400, 'bad_if_match'],
    [['"1"', '"2"'], 400, 'bad_if_match'],
  ])('refuses If-Match %j', (header, status, code) => {
    expect(refusal(() => baseVersionOf(header))).toEqual([status, code]);
  });

  it.each([
    [undefined, 400, 'idempotency_key_required'],
    ['short', 400, 'bad_idempotency_key'],
    ['with space 123', 400, 'bad_idempotency_key'],
    ['x'.repeat(129), 400, 'bad_idempotency_key'],
    [['key-00000001', 'key-00000002'], 400, 'bad_idempotency_key'],
  ])('refuses Idempotency-Key %j', (header, status, code) => {
    expect(refusal(() => idempotencyKeyOf(header))).toEqual([status, code]);
  });

  it('takes a well-formed Idempotency-Key as it is', () => {
    expect(idempotencyKeyOf('sheet:as-1.v0_7f3a')).toBe('sheet:as-1.v0_7f3a');
  });
});
