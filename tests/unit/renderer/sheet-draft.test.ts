import { describe, expect, it } from 'vitest';
import type { Criterion, Rubric } from '@common/platform';
import { checkDraft, parseScore, stepScore, type SheetDraft } from '../../../renderer/src/sheet/sheet-draft';

const half: Criterion = { id: 'pitch', label: { zh: '音准', en: 'Pitch' }, max: 30, step: 0.5, required: true };
const optional: Criterion = { id: 'overall', label: { zh: '综合', en: 'Overall' }, max: 10, step: 1, required: false };
const rubric: Rubric = { id: 'r', version: 1, criteria: [half, optional] };

describe('a typed score against its criterion', () => {
  it.each([
    ['', half, { problem: 'missing' }],
    ['', optional, {}],
    ['28.5', half, { value: 28.5 }],
    ['30', half, { value: 30 }],
    ['  7 ', half, { value: 7 }],
    ['８．５', half, { value: 8.5 }],
    ['8.', half, { value: 8 }],
    ['30.5', half, { problem: 'over_max' }],
    ['12.3', half, { problem: 'off_step' }],
    ['2.5', optional, { problem: 'off_step' }],
    ['-1', half, { problem: 'negative' }],
    ['1e1', half, { problem: 'not_number' }],
    ['abc', half, { problem: 'not_number' }],
  ] as const)('%j on %o', (text, criterion, expected) => {
    expect(parseScore(text, criterion)).toEqual(expected);
  });
});

describe('a draft sheet', () => {
  const draft = (values: Record<string, string>, violation = { flagged: false, note: '' }): SheetDraft => ({ values, comment: '', violation });

  it('is savable while incomplete, submittable only when complete and consistent', () => {
    expect(checkDraft(rubric, draft({}))).toMatchObject({ savable: true, submittable: false, total: 0, fields: { pitch: 'missing' } });
    expect(checkDraft(rubric, draft({ pitch: '20.5' }))).toMatchObject({ savable: true, submittable: true, total: 20.5, values: { pitch: 20.5 } });
    expect(checkDraft(rubric, draft({ pitch: '20.5', overall: '11' }))).toMatchObject({ savable: false, submittable: false, total: 20.5 });
  });

  it('needs a note for a flagged violation', () => {
    expect(checkDraft(rubric, draft({ pitch: '1' }, { flagged: true, note: '  ' }))).toMatchObject({ noteMissing: true, submittable: false, savable: true });
    expect(checkDraft(rubric, draft({ pitch: '1' }, { flagged: true, note: '他人入镜' }))).toMatchObject({ noteMissing: false, submittable: true });
  });

  it('keeps the running total exact with fractional steps', () => {
    const tenths: Rubric = { id: 't', version: 1, criteria: ['a', 'b', 'c'].map((id) => ({ ...half, id, step: 0.1 })) };
    expect(checkDraft(tenths, draft({ a: '0.1', b: '0.2', c: '0.4' })).total).toBe(0.7);
  });
});

describe('the arrow keys', () => {
  it.each([
    ['', 1, '0.5'],
    ['10', 1, '10.5'],
    ['10', -1, '9.5'],
    ['0', -1, '0'],
    ['30', 1, '30'],
    ['abc', 1, '0.5'],
  ] as const)('step %j by %i to %j', (text, direction, expected) => {
    expect(stepScore(text, half, direction)).toBe(expected);
  });
});
