import type { Band, Rubric, ScoreRange } from '../platform/exams';
import { checkValues, type ValueProblem } from './rubric';

/**
 * Band-first scoring (分档 → 档内打分): a sheet of a band-first rubric names one of its bands,
 * and its values (and total) lie inside that band's ranges. The platform refuses a sheet with any
 * of these problems; the workstation shows them and will not submit. A sheet of a rubric without
 * bands must not name one.
 */
export type BandProblem =
  /** The rubric is band-first and no band is chosen. */
  | 'band_missing'
  /** The band is not one of the rubric's. */
  | 'band_unknown'
  /** A band was given for a rubric without bands. */
  | 'band_not_used'
  /** A criterion's value is outside the band's range for it. */
  | 'outside_band'
  /** The total is outside the band's range for the total. */
  | 'total_outside_band';

/** Where a band problem is: a criterion, or these two ids (never a criterion's: ids have no '@'). */
export const BAND_FIELD = '@band';
export const TOTAL_FIELD = '@total';

export interface BandIssue {
  readonly criterionId: string;
  readonly problem: BandProblem;
}

const EPSILON = 1e-9;

export function inRange(value: number, range: ScoreRange): boolean {
  return value >= range.min - EPSILON && value <= range.max + EPSILON;
}

export function findBand(rubric: Rubric, bandId: string | null | undefined): Band | null {
  if (bandId === null || bandId === undefined) return null;
  return rubric.bands?.find((band) => band.id === bandId) ?? null;
}

/** The band picked with a number key (1 is the first band), or null for a key with no band. */
export function bandOfKey(rubric: Rubric, key: string): Band | null {
  if (!/^[1-9]$/.test(key)) return null;
  return rubric.bands?.[Number(key) - 1] ?? null;
}

/** A criterion's range inside a band: the band's own, or the whole scale (0..max) where it names none. */
export function criterionRange(rubric: Rubric, band: Band | null, criterionId: string): ScoreRange | null {
  const criterion = rubric.criteria.find((candidate) => candidate.id === criterionId);
  if (!criterion) return null;
  return band?.criteria?.[criterionId] ?? { min: 0, max: criterion.max };
}

/**
 * Checks a sheet's band against its values. `values` are checked only where present (a draft may
 * be incomplete); `total` is checked when known (null while the sheet is incomplete).
 */
export function checkBand(
  rubric: Rubric,
  bandId: string | null | undefined,
  values: Readonly<Record<string, number>>,
  total: number | null,
): BandIssue[] {
  const chosen = bandId ?? null;
  if (!rubric.bands) return chosen === null ? [] : [{ criterionId: BAND_FIELD, problem: 'band_not_used' }];
  if (chosen === null) return [{ criterionId: BAND_FIELD, problem: 'band_missing' }];
  const band = findBand(rubric, chosen);
  if (!band) return [{ criterionId: BAND_FIELD, problem: 'band_unknown' }];
  const issues: BandIssue[] = [];
  for (const criterion of rubric.criteria) {
    const range = band.criteria?.[criterion.id];
    const value = Object.hasOwn(values, criterion.id) ? values[criterion.id] : undefined;
    if (range && value !== undefined && Number.isFinite(value) && !inRange(value, range)) {
      issues.push({ criterionId: criterion.id, problem: 'outside_band' });
    }
  }
  if (band.total && total !== null && !inRange(total, band.total)) issues.push({ criterionId: TOTAL_FIELD, problem: 'total_outside_band' });
  return issues;
}

/**
 * Whether a rubric's bands are coherent: every range names a criterion of the rubric and lies in
 * 0..its max (the total's in 0..the rubric's highest total). Returns what is wrong, empty when fine.
 */
export function bandDefinitionProblems(rubric: Rubric): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  const highest = rubric.criteria.reduce((sum, criterion) => sum + criterion.max, 0);
  for (const band of rubric.bands ?? []) {
    if (ids.has(band.id)) problems.push(`band ${band.id} is defined twice`);
    ids.add(band.id);
    if (band.total && band.total.max > highest + EPSILON) problems.push(`band ${band.id}: total range above ${String(highest)}`);
    for (const [criterionId, range] of Object.entries(band.criteria ?? {})) {
      const criterion = rubric.criteria.find((candidate) => candidate.id === criterionId);
      if (!criterion) problems.push(`band ${band.id}: no criterion ${criterionId}`);
      else if (range.max > criterion.max + EPSILON) problems.push(`band ${band.id}: ${criterionId} above its max ${String(criterion.max)}`);
    }
  }
  return problems;
}

/**
 * A sheet's values and its band in one, as the platform's intake, its calibration and the
 * workstation's sheets all check them: every value problem (checkValues) and every band problem,
 * the band checked against the values' total. `valuesTotal` is that total (null while the values
 * are incomplete or wrong); `total` only when nothing at all is wrong.
 */
export function checkScores(
  rubric: Rubric,
  values: Readonly<Record<string, number>>,
  bandId: string | null | undefined,
): { problems: ({ criterionId: string; problem: ValueProblem } | BandIssue)[]; valuesTotal: number | null; total: number | null } {
  const check = checkValues(rubric, values);
  const problems = [...check.problems, ...checkBand(rubric, bandId, values, check.total)];
  return { problems, valuesTotal: check.total, total: problems.length === 0 ? check.total : null };
}
