import type { RecuseInput, SheetInput, SheetState } from '@common/contract';
import { ContractFailure } from '@common/contract';
import type { Recusal, Rubric } from '@common/platform';
import { checkBand } from '@common/scoring/bands';
import { checkValues } from '@common/scoring/rubric';
import { DEMO_SUBJECTS } from '../../platform/demo/exam';
import type { FakeExaminer } from './fake-examiner';

export function demoRubric(subjectId: 'vocal' | 'instrumental' | 'acting' | 'dance'): Rubric {
  const subject = DEMO_SUBJECTS.find((candidate) => candidate.id === subjectId);
  if (!subject) throw new Error(`no demo subject ${subjectId}`);
  return subject.rubric;
}

/** The demo's band-first rubric (舞蹈, `rubric-dance` v1): bands 上/中/下 bound the total and 技术技巧. */
export function danceRubric(): Rubric {
  return demoRubric('dance');
}

const AT = '2026-05-01T06:00:00.000Z';

/** A sheet as main stores it, with nothing in it yet. */
export function blankSheet(assignmentId: string, change: Partial<SheetState> = {}): SheetState {
  return {
    assignmentId,
    values: {},
    comment: '',
    violation: { flagged: false, note: null },
    marks: [],
    band: null,
    technicalIssues: [],
    recusal: null,
    total: null,
    problems: [],
    status: 'draft',
    baseVersion: 0,
    acceptedVersion: null,
    revision: 1,
    updatedAt: AT,
    submittedAt: null,
    acceptedAt: null,
    conflict: null,
    error: null,
    ...change,
  };
}

/**
 * Answers the sheet commands the way main's SheetService does for one assignment: checked
 * against the rubric (and its band), a draft until submitted, the revision growing with every
 * save; `sheets.recuse` makes it void and read-only, refused once submitted.
 */
export function serveSheet(fake: FakeExaminer, assignmentId: string, rubric: Rubric, initial: SheetState | null = null): { current(): SheetState | null } {
  let state = initial;
  fake.handle('sheets.get', () => state);
  fake.handle('sheets.save', (input: SheetInput) => {
    if (state?.status === 'recused') throw new ContractFailure('recused', 'recused');
    const check = checkValues(rubric, input.values);
    const band = input.band === undefined ? (state?.band ?? null) : input.band;
    const bandIssues = checkBand(rubric, band, input.values, check.total);
    const next: SheetState = blankSheet(assignmentId, {
      values: { ...input.values },
      comment: input.comment,
      violation: { flagged: input.violation.flagged, note: input.violation.note },
      marks: [...(input.marks ?? state?.marks ?? [])],
      band,
      technicalIssues: [...(input.technicalIssues ?? state?.technicalIssues ?? [])],
      total: check.total,
      problems: [...check.problems.map((problem) => ({ ...problem })), ...bandIssues.map((issue) => ({ ...issue }))],
      status: state?.status === 'conflict' ? 'conflict' : 'draft',
      baseVersion: state?.baseVersion ?? 0,
      acceptedVersion: state?.acceptedVersion ?? null,
      revision: (state?.revision ?? 0) + 1,
      conflict: state?.conflict ?? null,
    });
    state = next;
    return next;
  });
  fake.handle('sheets.submit', () => {
    if (!state) throw new Error('submitted before anything was saved');
    if (state.problems.length > 0) throw new ContractFailure('incomplete_sheet', 'the sheet has problems');
    state = { ...state, status: 'submitted', submittedAt: AT };
    return state;
  });
  fake.handle('sheets.recuse', (input: RecuseInput) => {
    if (state?.status === 'submitted' || state?.status === 'accepted') throw new ContractFailure('recusal_after_submit', 'submitted');
    const recusal: Recusal = { assignmentId, reason: input.reason, note: input.note ?? null, declaredAt: AT, declaredBy: 'self' };
    state = { ...(state ?? blankSheet(assignmentId, { revision: 0 })), status: 'recused', recusal, revision: (state?.revision ?? 0) + 1 };
    return state;
  });
  return { current: () => state };
}
