import type { MatrixMember, MatrixRow } from '../platform/chief';
import type { CombineRule } from '../platform/exams';
import { combineTotals } from './rubric';

/**
 * How one panel member scores compared with the rest of the panel, from the accepted totals of a
 * score matrix. These figures inform the chief examiner; they never change a score.
 *
 * - `scored`: accepted totals; `mean` and `sd` (sample standard deviation, n − 1) over them.
 * - The panel, for each candidate the member scored, is the combined score of the OTHER members'
 *   accepted totals by the exam's rule (so a member is never compared with themselves); a candidate
 *   no other member has scored yet is left out of every figure below (`compared` counts the rest).
 * - `meanDifference`: the average of (member − panel): below zero severe, above zero lenient.
 * - `correlation`: Pearson's r between the member's totals and the panel's; null with fewer than
 *   two pairs or when either side does not vary.
 * - `withinThreshold`: the share of candidates where |member − panel| ≤ the deviation threshold.
 * - `driftPer10`: the least-squares slope of (member − panel) over the member's scoring order (by
 *   when each sheet was first accepted, 0, 1, 2…), times 10: how much the member's difference from
 *   the panel moves every ten candidates (later candidates scored higher if positive).
 */
export interface RaterQuality {
  readonly memberId: string;
  readonly displayName: string;
  readonly scored: number;
  readonly mean: number | null;
  readonly sd: number | null;
  readonly compared: number;
  readonly meanDifference: number | null;
  readonly correlation: number | null;
  readonly withinThreshold: number | null;
  readonly driftPer10: number | null;
  /** (member − panel) in the member's scoring order, for a chart of the drift. */
  readonly differences: readonly number[];
}

export interface RaterQualityInput {
  readonly members: readonly Pick<MatrixMember, 'memberId' | 'displayName'>[];
  readonly rows: readonly Pick<MatrixRow, 'cells'>[];
  readonly combineRule: CombineRule;
  readonly deviationThreshold: number;
}

// Floating point: a difference this close to the threshold counts as within it.
const EPSILON = 1e-9;

export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** Sample standard deviation (n − 1); null with fewer than two values. */
export function sampleSd(values: readonly number[]): number | null {
  const m = mean(values);
  if (m === null || values.length < 2) return null;
  return Math.sqrt(values.reduce((sum, value) => sum + (value - m) ** 2, 0) / (values.length - 1));
}

/** Pearson's correlation; null with fewer than two pairs or when either side is constant. */
export function pearson(xs: readonly number[], ys: readonly number[]): number | null {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return null;
  const mx = mean(xs.slice(0, n)) ?? 0;
  const my = mean(ys.slice(0, n)) ?? 0;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] ?? 0) - mx;
    const dy = (ys[i] ?? 0) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx < EPSILON || syy < EPSILON) return null;
  return sxy / Math.sqrt(sxx * syy);
}

/** The least-squares slope of ys over 0, 1, 2…; null with fewer than two values. */
export function slopeOverOrder(ys: readonly number[]): number | null {
  const n = ys.length;
  if (n < 2) return null;
  const mx = (n - 1) / 2;
  const my = mean(ys) ?? 0;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (i - mx) * ((ys[i] ?? 0) - my);
    sxx += (i - mx) ** 2;
  }
  return sxy / sxx;
}

interface Pair {
  readonly own: number;
  readonly panel: number;
  readonly at: string;
}

export function raterQuality({ members, rows, combineRule, deviationThreshold }: RaterQualityInput): RaterQuality[] {
  const totals = new Map<string, number[]>(members.map((member) => [member.memberId, []]));
  const pairs = new Map<string, Pair[]>(members.map((member) => [member.memberId, []]));
  for (const row of rows) {
    const accepted = row.cells.filter((cell) => cell.state === 'accepted' && cell.total !== null);
    for (const cell of accepted) {
      const own = cell.total as number;
      totals.get(cell.memberId)?.push(own);
      const others = accepted.filter((other) => other.memberId !== cell.memberId).map((other) => other.total as number);
      const panel = combineTotals(combineRule, others);
      if (panel !== null) pairs.get(cell.memberId)?.push({ own, panel, at: cell.firstAcceptedAt ?? cell.acceptedAt ?? '' });
    }
  }
  return members.map((member) => {
    const own = totals.get(member.memberId) ?? [];
    // Stable: sheets accepted at the same instant keep the matrix's (appointment) order.
    const compared = [...(pairs.get(member.memberId) ?? [])].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    const differences = compared.map((pair) => pair.own - pair.panel);
    const drift = slopeOverOrder(differences);
    return {
      memberId: member.memberId,
      displayName: member.displayName,
      scored: own.length,
      mean: mean(own),
      sd: sampleSd(own),
      compared: compared.length,
      meanDifference: mean(differences),
      correlation: pearson(
        compared.map((pair) => pair.own),
        compared.map((pair) => pair.panel),
      ),
      withinThreshold: compared.length === 0 ? null : differences.filter((difference) => Math.abs(difference) <= deviationThreshold + EPSILON).length / compared.length,
      driftPer10: drift === null ? null : drift * 10,
      differences,
    };
  });
}
