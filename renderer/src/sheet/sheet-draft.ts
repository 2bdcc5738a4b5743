import type { SheetInput, SheetState } from '@common/contract';
import type { Criterion, ReviewMark, Rubric, TechnicalIssue } from '@common/platform';
import { BAND_FIELD, checkBand, TOTAL_FIELD, type BandProblem } from '@common/scoring/bands';
import { isOnStep, roundTo } from '@common/scoring/rubric';

/** What the grading form holds: each score as typed, so a half-typed "8." is not lost. */
export interface SheetDraft {
  readonly values: Readonly<Record<string, string>>;
  readonly comment: string;
  readonly violation: { readonly flagged: boolean; readonly note: string };
  /** The review player's timestamped notes and violation marks (absent: none yet). */
  readonly marks?: readonly ReviewMark[];
  /** The band of a band-first rubric (null or absent: none chosen yet). */
  readonly band?: string | null;
  /** Technical-issue marks, never part of the total (absent: none yet). */
  readonly technicalIssues?: readonly TechnicalIssue[];
}

/** `outside_band`: the value fits the rubric but not the chosen band's range for it. */
export type FieldProblem = 'missing' | 'not_number' | 'negative' | 'over_max' | 'off_step' | 'outside_band';

export interface DraftCheck {
  /** Per criterion id; absent when the field is fine. */
  readonly fields: Readonly<Record<string, FieldProblem>>;
  /** The values that parse and fit the rubric. */
  readonly values: Readonly<Record<string, number>>;
  /** The sum of the values that fit so far (the running total). */
  readonly total: number;
  /** Nothing outside the rubric: the draft may be autosaved (it may still be incomplete). */
  readonly savable: boolean;
  readonly noteMissing: boolean;
  /** The band's own problem (band-first rubrics): none chosen, or one the rubric does not have. */
  readonly band: Extract<BandProblem, 'band_missing' | 'band_unknown' | 'band_not_used'> | null;
  /** The sheet is complete and its total lies outside the chosen band's total range. */
  readonly totalOutsideBand: boolean;
  /** Complete and consistent: the sheet may be submitted. */
  readonly submittable: boolean;
}

export const EMPTY_DRAFT: SheetDraft = { values: {}, comment: '', violation: { flagged: false, note: '' } };

// Chinese input methods type full-width digits and stops; they mean the same numbers.
function normalise(text: string): string {
  return text.trim().replace(/[０-９．－]/g, (char) => String.fromCharCode(char.charCodeAt(0) - 0xfee0));
}

export function parseScore(text: string, criterion: Criterion): { value?: number; problem?: FieldProblem } {
  const plain = normalise(text);
  if (plain === '') return criterion.required ? { problem: 'missing' } : {};
  if (/^-\s*\d/.test(plain)) return { problem: 'negative' };
  if (!/^\d+(\.\d+)?$/.test(plain) && !/^\d+\.$/.test(plain)) return { problem: 'not_number' };
  const value = Number(plain);
  if (value > criterion.max) return { problem: 'over_max' };
  if (!isOnStep(value, criterion.step)) return { problem: 'off_step' };
  return { value };
}

function decimals(step: number): number {
  const text = String(step);
  return text.includes('.') ? text.length - text.indexOf('.') - 1 : 0;
}

export function checkDraft(rubric: Rubric, draft: SheetDraft): DraftCheck {
  const fields: Record<string, FieldProblem> = {};
  const values: Record<string, number> = {};
  let total = 0;
  for (const criterion of rubric.criteria) {
    const parsed = parseScore(draft.values[criterion.id] ?? '', criterion);
    if (parsed.problem) fields[criterion.id] = parsed.problem;
    if (parsed.value !== undefined) {
      values[criterion.id] = parsed.value;
      total += parsed.value;
    }
  }
  const places = Math.max(0, ...rubric.criteria.map((criterion) => decimals(criterion.step)));
  const rounded = roundTo(total, places);
  // The band is checked against the values that fit the rubric; the total once nothing is missing.
  const complete = Object.keys(fields).length === 0;
  let band: DraftCheck['band'] = null;
  let totalOutsideBand = false;
  for (const issue of checkBand(rubric, draft.band ?? null, values, complete ? rounded : null)) {
    if (issue.criterionId === BAND_FIELD && issue.problem !== 'outside_band' && issue.problem !== 'total_outside_band') band = issue.problem;
    else if (issue.criterionId === TOTAL_FIELD) totalOutsideBand = true;
    else fields[issue.criterionId] ??= 'outside_band';
  }
  const problems = Object.values(fields);
  // A value outside the band fits the rubric: it is kept (choosing another band may fit it).
  const savable = problems.every((problem) => problem === 'missing' || problem === 'outside_band');
  const noteMissing = draft.violation.flagged && draft.violation.note.trim() === '';
  const submittable = problems.length === 0 && !noteMissing && band === null && !totalOutsideBand;
  return { fields, values, total: rounded, savable, noteMissing, band, totalOutsideBand, submittable };
}

export function draftFromSheet(sheet: SheetState | null): SheetDraft {
  if (!sheet) return EMPTY_DRAFT;
  return {
    values: Object.fromEntries(Object.entries(sheet.values).map(([id, value]) => [id, String(value)])),
    comment: sheet.comment,
    violation: { flagged: sheet.violation.flagged, note: sheet.violation.note ?? '' },
    marks: sheet.marks,
    band: sheet.band,
    technicalIssues: sheet.technicalIssues,
  };
}

export function sheetInput(assignmentId: string, draft: SheetDraft, check: DraftCheck): SheetInput {
  return {
    assignmentId,
    values: { ...check.values },
    comment: draft.comment,
    violation: { flagged: draft.violation.flagged, note: draft.violation.flagged ? draft.violation.note : null },
    marks: [...(draft.marks ?? [])],
    ...(draft.band !== undefined && { band: draft.band }),
    technicalIssues: [...(draft.technicalIssues ?? [])],
  };
}

/** One step up or down from what is typed, kept within 0..max (the arrow keys). */
export function stepScore(text: string, criterion: Criterion, direction: 1 | -1): string {
  const current = Number(normalise(text));
  const base = Number.isFinite(current) ? current : 0;
  const units = Math.round(base / criterion.step) + direction;
  const next = Math.min(criterion.max, Math.max(0, units * criterion.step));
  return String(roundTo(next, decimals(criterion.step)));
}
