import { describe, expect, it } from 'vitest';
import type { Rubric } from '@common/platform/exams';
import { bandDefinitionProblems, bandOfKey, checkBand, criterionRange, findBand, type BandIssue } from '@common/scoring/bands';

const criterion = (id: string, max: number) => ({ id, label: { zh: id, en: id }, max, step: 1, required: true });

/** The demo dance rubric: technique 40, expression 30, rhythm 20, appearance 10; three bands. */
const dance: Rubric = {
  id: 'rubric-dance',
  version: 1,
  criteria: [criterion('technique', 40), criterion('expression', 30), criterion('rhythm', 20), criterion('appearance', 10)],
  bands: [
    { id: 'upper', label: { zh: '上档', en: 'Upper' }, total: { min: 80, max: 100 }, criteria: { technique: { min: 32, max: 40 } } },
    { id: 'middle', label: { zh: '中档', en: 'Middle' }, total: { min: 60, max: 79 }, criteria: { technique: { min: 24, max: 31 } } },
    { id: 'lower', label: { zh: '下档', en: 'Lower' }, total: { min: 0, max: 59 }, criteria: { technique: { min: 0, max: 23 } } },
  ],
};
const { bands: _bands, ...plain } = dance;
void _bands;

const values = (technique: number, expression = 20, rhythm = 15, appearance = 7) => ({ technique, expression, rhythm, appearance });

describe('checkBand', () => {
  const cases: [string, Rubric, string | null | undefined, Record<string, number>, number | null, BandIssue[]][] = [
    ['a sheet inside its band', dance, 'middle', values(28), 70, []],
    ['both ends of a band are inside it', dance, 'upper', values(32, 30, 20, 10), 92, []],
    ['no band on a band-first rubric (null)', dance, null, values(28), 70, [{ criterionId: '@band', problem: 'band_missing' }]],
    ['no band on a band-first rubric (left out)', dance, undefined, values(28), 70, [{ criterionId: '@band', problem: 'band_missing' }]],
    ['a band the rubric does not have', dance, 'top', values(28), 70, [{ criterionId: '@band', problem: 'band_unknown' }]],
    ['a band on a rubric without bands', plain, 'upper', values(28), 70, [{ criterionId: '@band', problem: 'band_not_used' }]],
    ['no band on a rubric without bands', plain, null, values(28), 70, []],
    ['a criterion below its band', dance, 'upper', values(31, 30, 20, 10), 91, [{ criterionId: 'technique', problem: 'outside_band' }]],
    ['a criterion above its band', dance, 'lower', values(24, 10, 10, 5), 49, [{ criterionId: 'technique', problem: 'outside_band' }]],
    ['the total below its band', dance, 'upper', values(32, 20, 15, 5), 72, [{ criterionId: '@total', problem: 'total_outside_band' }]],
    ['the total above its band', dance, 'middle', values(31, 30, 15, 5), 81, [{ criterionId: '@total', problem: 'total_outside_band' }]],
    [
      'a criterion and the total both outside',
      dance,
      'upper',
      values(25, 20, 15, 5),
      65,
      [
        { criterionId: 'technique', problem: 'outside_band' },
        { criterionId: '@total', problem: 'total_outside_band' },
      ],
    ],
    ['an incomplete draft: the total unknown, present values checked', dance, 'upper', { technique: 20 }, null, [{ criterionId: 'technique', problem: 'outside_band' }]],
    ['an incomplete draft: a missing value is not outside', dance, 'upper', { expression: 30 }, null, []],
  ];
  it.each(cases)('%s', (_name, rubric, band, sheetValues, total, expected) => {
    expect(checkBand(rubric, band, sheetValues, total)).toEqual(expected);
  });

  it('finds bands by id and by number key, and the range of a criterion inside a band', () => {
    expect(findBand(dance, 'middle')?.id).toBe('middle');
    expect(findBand(dance, 'top')).toBeNull();
    expect(findBand(dance, null)).toBeNull();
    expect(bandOfKey(dance, '1')?.id).toBe('upper');
    expect(bandOfKey(dance, '3')?.id).toBe('lower');
    expect(bandOfKey(dance, '4')).toBeNull();
    expect(bandOfKey(dance, '0')).toBeNull();
    expect(bandOfKey(plain, '1')).toBeNull();
    expect(criterionRange(dance, findBand(dance, 'upper'), 'technique')).toEqual({ min: 32, max: 40 });
    expect(criterionRange(dance, findBand(dance, 'upper'), 'rhythm')).toEqual({ min: 0, max: 20 });
    expect(criterionRange(dance, null, 'expression')).toEqual({ min: 0, max: 30 });
    expect(criterionRange(dance, null, 'nothing')).toBeNull();
  });
});

describe('bandDefinitionProblems', () => {
  const withBands = (bands: NonNullable<Rubric['bands']>): Rubric => ({ ...dance, bands });
  const band = (id: string, extra: Partial<NonNullable<Rubric['bands']>[number]> = {}) => ({ id, label: { zh: id, en: id }, ...extra });
  const cases: [string, Rubric, string[]][] = [
    ['the demo rubric is coherent', dance, []],
    ['a rubric without bands has nothing wrong', plain, []],
    ['a total at the highest total is fine', withBands([band('a', { total: { min: 50, max: 100 } }), band('b')]), []],
    ['a band defined twice', withBands([band('a'), band('a')]), ['band a is defined twice']],
    ['a total range above the highest total', withBands([band('a', { total: { min: 90, max: 101 } }), band('b')]), ['band a: total range above 100']],
    ['a range of a criterion the rubric does not have', withBands([band('a', { criteria: { power: { min: 0, max: 5 } } }), band('b')]), ['band a: no criterion power']],
    ['a criterion range above its max', withBands([band('a'), band('b', { criteria: { rhythm: { min: 10, max: 21 } } })]), ['band b: rhythm above its max 20']],
  ];
  it.each(cases)('%s', (_name, rubric, expected) => {
    expect(bandDefinitionProblems(rubric)).toEqual(expected);
  });
});
