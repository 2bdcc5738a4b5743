import type { CombineRule, Rubric } from '../platform/exams';

/** Why a sheet's values do not fit its rubric, per criterion. */
export type ValueProblem = 'missing' | 'unknown_criterion' | 'over_max' | 'negative' | 'off_step' | 'not_finite';

export interface SheetCheck {
  readonly problems: readonly { criterionId: string; problem: ValueProblem }[];
  /** The sum of the values, rounded to the rubric's finest step; null while incomplete or invalid. */
  readonly total: number | null;
}

// Steps such as 0.1 are not exact in binary floating point: compare in units of the step.
const EPSILON = 1e-9;

function decimals(step: number): number {
  const text = String(step);
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

export function isOnStep(value: number, step: number): boolean {
  const units = value / step;
  return Math.abs(units - Math.round(units)) < EPSILON * Math.max(1, Math.abs(units));
}

/**
 * Checks criterion values against a rubric: every required criterion present, no unknown ones,
 * each value within 0..max and a whole multiple of its step. The total counts only when there
 * are no problems; a draft may be incomplete, so `missing` is reported but other values stand.
 */
export function checkValues(rubric: Rubric, values: Readonly<Record<string, number>>): SheetCheck {
  const problems: { criterionId: string; problem: ValueProblem }[] = [];
  const known = new Set(rubric.criteria.map((criterion) => criterion.id));
  for (const id of Object.keys(values)) {
    if (!known.has(id)) problems.push({ criterionId: id, problem: 'unknown_criterion' });
  }
  let total = 0;
  let places = 0;
  for (const criterion of rubric.criteria) {
    places = Math.max(places, decimals(criterion.step));
    const value = Object.hasOwn(values, criterion.id) ? values[criterion.id] : undefined;
    if (value === undefined) {
      if (criterion.required) problems.push({ criterionId: criterion.id, problem: 'missing' });
      continue;
    }
    if (!Number.isFinite(value)) problems.push({ criterionId: criterion.id, problem: 'not_finite' });
    else if (value < 0) problems.push({ criterionId: criterion.id, problem: 'negative' });
    else if (value > criterion.max + EPSILON) problems.push({ criterionId: criterion.id, problem: 'over_max' });
    else if (!isOnStep(value, criterion.step)) problems.push({ criterionId: criterion.id, problem: 'off_step' });
    else total += value;
  }
  return { problems, total: problems.length === 0 ? roundTo(total, places) : null };
}

/** The highest total the rubric allows. */
export function maxTotal(rubric: Rubric): number {
  return roundTo(
    rubric.criteria.reduce((sum, criterion) => sum + criterion.max, 0),
    Math.max(0, ...rubric.criteria.map((criterion) => decimals(criterion.step))),
  );
}

export function roundTo(value: number, places: number): number {
  const factor = 10 ** places;
  return Math.round(value * factor) / factor;
}

/**
 * A panel's combined score from its members' accepted totals, or null with no totals.
 * trimmed_mean drops `drop` highest and `drop` lowest values (ties drop only that many) and
 * averages the rest; with too few totals to drop from both ends it averages all of them.
 */
export function combineTotals(rule: CombineRule, totals: readonly number[]): number | null {
  if (totals.length === 0) return null;
  const sorted = [...totals].sort((a, b) => a - b);
  const kept = rule.kind === 'trimmed_mean' && sorted.length >= rule.drop * 2 + 1 ? sorted.slice(rule.drop, -rule.drop) : sorted;
  return roundTo(kept.reduce((sum, value) => sum + value, 0) / kept.length, 4);
}

/** How far one total is from the combined score. */
export function deviationFrom(total: number, combined: number): number {
  return roundTo(Math.abs(total - combined), 4);
}
