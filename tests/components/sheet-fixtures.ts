import type { SheetInput, SheetState } from '@common/contract';
import type { Rubric } from '@common/platform';
import { checkValues } from '@common/scoring/rubric';
import { DEMO_SUBJECTS } from '../../platform/demo/exam';
import type { FakeExaminer } from './fake-examiner';

export function demoRubric(subjectId: 'vocal' | 'instrumental' | 'acting'): Rubric {
  const subject = DEMO_SUBJECTS.find((candidate) => candidate.id === subjectId);
  if (!subject) throw new Error(`no demo subject ${subjectId}`);
  return subject.rubric;
}

/**
 * Answers the sheet commands the way main's SheetService does for one assignment: checked
 * against the rubric, a draft until submitted, the revision growing with every save.
 */
export function serveSheet(fake: FakeExaminer, assignmentId: string, rubric: Rubric, initial: SheetState | null = null): { current(): SheetState | null } {
  let state = initial;
  const at = '2026-05-01T06:00:00.000Z';
  fake.handle('sheets.get', () => state);
  fake.handle('sheets.save', (input: SheetInput) => {
    const check = checkValues(rubric, input.values);
    state = {
      assignmentId,
      values: { ...input.values },
      comment: input.comment,
      violation: { flagged: input.violation.flagged, note: input.violation.note },
      marks: [...(input.marks ?? state?.marks ?? [])],
      total: check.total,
      problems: check.problems.map((problem) => ({ ...problem })),
      status: state?.status === 'conflict' ? 'conflict' : 'draft',
      baseVersion: state?.baseVersion ?? 0,
      acceptedVersion: state?.acceptedVersion ?? null,
      revision: (state?.revision ?? 0) + 1,
      updatedAt: at,
      submittedAt: null,
      acceptedAt: null,
      conflict: state?.conflict ?? null,
      error: null,
    };
    return state;
  });
  fake.handle('sheets.submit', () => {
    if (!state) throw new Error('submitted before anything was saved');
    state = { ...state, status: 'submitted', submittedAt: at };
    return state;
  });
  return { current: () => state };
}
