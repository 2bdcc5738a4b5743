import { describe, expect, it } from 'vitest';
import type { MatrixCell, MatrixRow, SheetState } from '@common/platform/chief';
import { pearson, raterQuality, sampleSd, slopeOverOrder } from '@common/scoring/rater-quality';

const MEMBERS = [
  { memberId: 'a', displayName: 'A' },
  { memberId: 'b', displayName: 'B' },
  { memberId: 'c', displayName: 'C' },
];

function cell(memberId: string, state: SheetState, total: number | null = null, firstAcceptedAt: string | null = null): MatrixCell {
  return {
    assignmentId: `${memberId}-x`,
    memberId,
    state,
    total,
    version: total === null ? 0 : 1,
    locked: false,
    acceptedAt: firstAcceptedAt,
    firstAcceptedAt,
    deviation: null,
    flagged: false,
    reReview: 'none',
    recusal: null,
    technicalIssues: 0,
  };
}

const at = (hhmm: string) => `2026-05-01T${hhmm}:00.000Z`;

function row(order: number, cells: MatrixCell[]): Pick<MatrixRow, 'cells'> {
  return { cells: cells.map((c) => ({ ...c, assignmentId: `${c.memberId}-${order}` })) };
}

/*
 * Worked by hand (rule: mean; threshold 5):
 *   row 1: A 80 (09:00)  B 70  C 90
 *   row 2: A 60 (09:20)  B 60  C 75
 *   row 3: A 90 (09:10)  B 80  C not scored
 *   row 4: A 70 (09:30)  B recused  C not scored   (A alone: no panel to compare with)
 * A: totals 80 60 90 70, mean 75, squares 25 225 225 25 → sd √(500/3).
 *    panel (others' mean): 80, 67.5, 80 → differences 0, −7.5, +10; mean 2.5/3.
 *    r over (80,80) (60,67.5) (90,80): sxy 625/3, sxx 1400/3, syy 625/6 → r = √(781250/875000).
 *    within 5: 1 of 3. Scoring order by time: rows 1, 3, 2 → differences 0, 10, −7.5:
 *    slope Σ(x−1)(y−5/6)/2 = (5/6 − 50/6)/2 = −3.75 → −37.5 per 10.
 * B: totals 70 60 80 → mean 70, sd 10. panel 85, 67.5, 90 → differences −15, −7.5, −10 (severe),
 *    mean −32.5/3; r: sxy 225, sxx 200, syy 10050/36. within 5: none.
 * C: totals 90 75 → mean 82.5, sd √112.5. panel 75, 60 → +15, +15 (lenient); r = 1; no drift.
 */
const ROWS = [
  row(1, [cell('a', 'accepted', 80, at('09:00')), cell('b', 'accepted', 70, at('09:01')), cell('c', 'accepted', 90, at('09:02'))]),
  row(2, [cell('a', 'accepted', 60, at('09:20')), cell('b', 'accepted', 60, at('09:21')), cell('c', 'accepted', 75, at('09:22'))]),
  row(3, [cell('a', 'accepted', 90, at('09:10')), cell('b', 'accepted', 80, at('09:11')), cell('c', 'not_scored')]),
  row(4, [cell('a', 'accepted', 70, at('09:30')), cell('b', 'recused'), cell('c', 'saved')]),
];

describe('raterQuality', () => {
  const [a, b, c] = raterQuality({ members: MEMBERS, rows: ROWS, combineRule: { kind: 'mean' }, deviationThreshold: 5 });

  it('counts, averages and spreads each member’s own accepted totals', () => {
    expect(a).toMatchObject({ memberId: 'a', displayName: 'A', scored: 4, mean: 75, compared: 3 });
    expect(a?.sd).toBeCloseTo(Math.sqrt(500 / 3), 9);
    expect(b).toMatchObject({ scored: 3, mean: 70, compared: 3 });
    expect(b?.sd).toBeCloseTo(10, 9);
    expect(c).toMatchObject({ scored: 2, mean: 82.5, compared: 2 });
    expect(c?.sd).toBeCloseTo(Math.sqrt(112.5), 9);
  });

  it('compares each member with the OTHER members’ combined score: severe below zero, lenient above', () => {
    expect(a?.meanDifference).toBeCloseTo(2.5 / 3, 9);
    expect(b?.meanDifference).toBeCloseTo(-32.5 / 3, 9);
    expect(c?.meanDifference).toBeCloseTo(15, 9);
  });

  it('measures agreement as Pearson’s r and the share within the deviation threshold', () => {
    expect(a?.correlation).toBeCloseTo(Math.sqrt(781250 / 875000), 9);
    expect(b?.correlation).toBeCloseTo(225 / Math.sqrt((200 * 10050) / 36), 9);
    expect(c?.correlation).toBeCloseTo(1, 9);
    expect(a?.withinThreshold).toBeCloseTo(1 / 3, 9);
    expect(b?.withinThreshold).toBe(0);
    expect(c?.withinThreshold).toBe(0);
  });

  it('orders the drift by when each sheet was first accepted, not by the matrix row', () => {
    expect(a?.differences).toEqual([0, 10, -7.5]);
    expect(a?.driftPer10).toBeCloseTo(-37.5, 9);
    expect(c?.driftPer10).toBeCloseTo(0, 9);
  });

  it('gives no figures for a member who has scored nothing', () => {
    const [, , none] = raterQuality({
      members: MEMBERS,
      rows: [row(1, [cell('a', 'accepted', 80, at('09:00')), cell('b', 'accepted', 70, at('09:01')), cell('c', 'submitted')])],
      combineRule: { kind: 'mean' },
      deviationThreshold: 5,
    });
    expect(none).toMatchObject({ scored: 0, mean: null, sd: null, compared: 0, meanDifference: null, correlation: null, withinThreshold: null, driftPer10: null });
  });

  it('combines the others by the exam’s rule (a trimmed mean drops their highest and lowest)', () => {
    const members = [...MEMBERS, { memberId: 'd', displayName: 'D' }];
    // Others of A: 70, 90, 100 → trimmed (drop 1) = 90; a plain mean would be 86.667.
    const [first] = raterQuality({
      members,
      rows: [row(1, [cell('a', 'accepted', 80, at('09:00')), cell('b', 'accepted', 70), cell('c', 'accepted', 90), cell('d', 'accepted', 100)])],
      combineRule: { kind: 'trimmed_mean', drop: 1 },
      deviationThreshold: 15,
    });
    expect(first?.meanDifference).toBeCloseTo(-10, 9);
    expect(first?.withinThreshold).toBe(1);
  });
});

describe('the arithmetic underneath', () => {
  it('sample SD, Pearson and slope on small hand-worked series', () => {
    expect(sampleSd([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(Math.sqrt(32 / 7), 9);
    expect(sampleSd([3])).toBeNull();
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 9);
    expect(pearson([1, 2, 3], [5, 5, 5])).toBeNull();
    expect(slopeOverOrder([1, 3, 5, 7])).toBeCloseTo(2, 9);
    expect(slopeOverOrder([4])).toBeNull();
  });
});
