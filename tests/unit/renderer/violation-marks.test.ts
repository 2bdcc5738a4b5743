import { describe, expect, it } from 'vitest';
import type { ReviewMark } from '@common/platform';
import { withMarks } from '../../../renderer/src/review/violation-marks';
import type { SheetDraft } from '../../../renderer/src/sheet/sheet-draft';

const draft = (change: Partial<SheetDraft> = {}): SheetDraft => ({ values: { pitch: '20' }, comment: '', violation: { flagged: false, note: '' }, ...change });
const mark = (id: string, kind: ReviewMark['kind'], atMs: number, text: string): ReviewMark => ({ id, kind, atMs, text });

describe('a violation mark ticks the sheet', () => {
  it('flags the violation and notes the moment and the words of a new violation mark', () => {
    const next = withMarks(draft(), [mark('m1', 'violation', 125_400, '画面外有人提示')]);
    expect(next.violation).toEqual({ flagged: true, note: '2:05 画面外有人提示' });
    expect(next.marks).toHaveLength(1);
  });

  it('adds to a note the grader wrote, one line a mark', () => {
    const before = draft({ violation: { flagged: true, note: '疑似替考' }, marks: [mark('m1', 'violation', 5_000, '第一处')] });
    const next = withMarks(before, [...(before.marks ?? []), mark('m2', 'violation', 61_000, '第二处')]);
    expect(next.violation.note).toBe('疑似替考\n1:01 第二处');
  });

  it('leaves the violation alone for a note mark, and for a violation mark already known or removed', () => {
    expect(withMarks(draft(), [mark('n1', 'note', 1_000, '音准偏高')]).violation).toEqual({ flagged: false, note: '' });
    const flagged = draft({ violation: { flagged: true, note: '0:01 x' }, marks: [mark('m1', 'violation', 1_000, 'x')] });
    expect(withMarks(flagged, flagged.marks ?? []).violation).toEqual(flagged.violation);
    expect(withMarks(flagged, []).violation).toEqual(flagged.violation);
  });

  it('keeps the note within the sheet’s 2,000 characters', () => {
    const next = withMarks(draft({ violation: { flagged: true, note: 'x'.repeat(1990) } }), [mark('m1', 'violation', 0, '超出的说明文字很长')]);
    expect(next.violation.note).toHaveLength(2000);
  });
});
