import type { Band, Criterion, Rubric, ScoreSheet } from '@common/platform';
import { checkScores } from '@common/scoring/bands';

/**
 * A sheet the rubric accepts, made without knowing the exam: each value in the middle of its
 * criterion; for a band-first rubric, the first band whose ranges some values fit, each value
 * from the band's lowest and raised until the total reaches the band's. Checked with the rules
 * the platform and the workstation share (common/scoring/bands.ts); if none fits, the middle
 * values go, and the platform's refusal is what the check reports.
 */
export function sheetFor(rubric: Rubric, comment: string): ScoreSheet {
  const base = { comment, violation: { flagged: false, note: null } };
  for (const band of rubric.bands ?? []) {
    const values = valuesInBand(rubric, band);
    if (checkScores(rubric, values, band.id).problems.length === 0) return { ...base, values, band: band.id };
  }
  const middle = Object.fromEntries(rubric.criteria.map((criterion) => [criterion.id, onStep(criterion, criterion.max / 2, 'down')]));
  const band = rubric.bands?.[0];
  return band ? { ...base, values: middle, band: band.id } : { ...base, values: middle };
}

function valuesInBand(rubric: Rubric, band: Band): Record<string, number> {
  const ranges = rubric.criteria.map((criterion) => {
    const range = band.criteria?.[criterion.id] ?? { min: 0, max: criterion.max };
    return { criterion, low: onStep(criterion, range.min, 'up'), high: onStep(criterion, Math.min(range.max, criterion.max), 'down') };
  });
  const values: Record<string, number> = Object.fromEntries(ranges.map(({ criterion, low }) => [criterion.id, low]));
  let short = (band.total?.min ?? 0) - Object.values(values).reduce((sum, value) => sum + value, 0);
  for (const { criterion, high } of ranges) {
    if (short <= 0) break;
    const current = values[criterion.id] ?? 0;
    const raised = Math.min(high, onStep(criterion, current + short, 'up'));
    short -= raised - current;
    values[criterion.id] = raised;
  }
  return values;
}

/** `value` moved to a whole multiple of the criterion's step, within 0..max. */
function onStep(criterion: Criterion, value: number, direction: 'up' | 'down'): number {
  const steps = direction === 'up' ? Math.ceil(value / criterion.step - 1e-9) : Math.floor(value / criterion.step + 1e-9);
  const rounded = Number((steps * criterion.step).toFixed(6));
  return Math.min(Math.max(rounded, 0), Number((Math.floor(criterion.max / criterion.step + 1e-9) * criterion.step).toFixed(6)));
}
