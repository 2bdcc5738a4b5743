import { describe, expect, it } from 'vitest';
import type { Rubric } from '@common/platform';
import { checkValues, combineTotals, deviationFrom, isOnStep, maxTotal } from '@common/scoring/rubric';

const rubric: Rubric = {
  id: 'vocal',
  version: 1,
  criteria: [
    { id: 'pitch', label: { zh: '音准', en: 'Pitch' }, max: 30, step: 0.5, required: true },
    { id: 'rhythm', label: { zh: '节奏', en: 'Rhythm' }, max: 30, step: 0.5, required: true },
    { id: 'tone', label: { zh: '音色', en: 'Tone' }, max: 20, step: 0.1, required: true },
    { id: 'stage', label: { zh: '台风', en: 'Stage presence' }, max: 20, step: 1, required: false },
  ],
};

describe('checkValues', () => {
  it('totals a valid sheet exactly, even with 0.1 steps', () => {
    expect(checkValues(rubric, { pitch: 27.5, rhythm: 28, tone: 17.3, stage: 18 })).toEqual({ problems: [], total: 90.8 });
    expect(checkValues(rubric, { pitch: 0.5, rhythm: 0.5, tone: 0.1 + 0.2 })).toEqual({ problems: [], total: 1.3 });
  });

  it.each([
    ['a missing required criterion', { pitch: 1, rhythm: 1 }, 'tone', 'missing'],
    ['an unknown criterion', { pitch: 1, rhythm: 1, tone: 1, charm: 3 }, 'charm', 'unknown_criterion'],
    ['a value over the max', { pitch: 30.5, rhythm: 1, tone: 1 }, 'pitch', 'over_max'],
    ['a negative value', { pitch: -0.5, rhythm: 1, tone: 1 }, 'pitch', 'negative'],
    ['an off-step value', { pitch: 27.25, rhythm: 1, tone: 1 }, 'pitch', 'off_step'],
    ['an off-step value of a whole-number criterion', { pitch: 1, rhythm: 1, tone: 1, stage: 2.5 }, 'stage', 'off_step'],
    ['NaN', { pitch: Number.NaN, rhythm: 1, tone: 1 }, 'pitch', 'not_finite'],
  ])('reports %s and gives no total', (_label, values, criterionId, problem) => {
    const check = checkValues(rubric, values);
    expect(check.problems).toContainEqual({ criterionId, problem });
    expect(check.total).toBeNull();
  });

  it('accepts the max and zero, and an omitted optional criterion', () => {
    expect(checkValues(rubric, { pitch: 30, rhythm: 0, tone: 20 })).toEqual({ problems: [], total: 50 });
  });

  it('knows the highest possible total', () => {
    expect(maxTotal(rubric)).toBe(100);
  });

  it.each([
    [0.3, 0.1, true],
    [17.3, 0.1, true],
    [0.35, 0.1, false],
    [2.5, 0.5, true],
    [2.25, 0.5, false],
    [100, 0.25, true],
  ])('isOnStep(%s, %s) is %s', (value, step, expected) => {
    expect(isOnStep(value, step)).toBe(expected);
  });
});

describe('combineTotals', () => {
  const trimmed = { kind: 'trimmed_mean', drop: 1 } as const;
  it.each([
    ['drops the highest and the lowest', [80, 90, 85, 70, 95], 85],
    ['with ties drops only one of each', [90, 90, 80, 80, 85], 85],
    ['all equal', [88, 88, 88], 88],
    ['three scores: keeps the middle', [60, 90, 75], 75],
    ['two scores: too few to trim, averages both', [80, 90], 85],
    ['one score', [77.5], 77.5],
    ['non-integer mean', [80, 81, 82, 90], 81.5],
  ])('trimmed mean %s', (_label, totals, expected) => {
    expect(combineTotals(trimmed, totals)).toBe(expected);
  });

  it('averages everything under the mean rule', () => {
    expect(combineTotals({ kind: 'mean' }, [80, 90, 100])).toBe(90);
  });

  it('has nothing to combine without scores', () => {
    expect(combineTotals(trimmed, [])).toBeNull();
  });

  it('measures deviation as a distance', () => {
    expect(deviationFrom(70, 85)).toBe(15);
    expect(deviationFrom(92.5, 85)).toBe(7.5);
  });
});
