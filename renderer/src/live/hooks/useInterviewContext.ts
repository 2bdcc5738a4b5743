import { useEffect, useState } from 'react';
import type { ContractError } from '@common/contract';
import type { Assignment, Panel, Subject } from '@common/platform';
import { examiner } from '../../bridge';

export interface InterviewContext {
  readonly assignment: Assignment;
  readonly subject: Subject;
  /** The lead (主考) of the slot's panel, as the exam says; null when it names none. */
  readonly panelLead: Panel['lead'];
}

export type InterviewContextState =
  | { readonly status: 'loading' }
  | { readonly status: 'ready'; readonly context: InterviewContext }
  | { readonly status: 'failed'; readonly error: ContractError };

/**
 * What the interview needs besides the queue entry: the examiner's assignment for it (where the
 * score and the evidence belong) and the subject (answering time, preset prompts, rubric), from
 * the cached assignments and exam, so it opens offline too.
 */
export function useInterviewContext(entryId: string, assignmentId: string | null): InterviewContextState {
  const [state, setState] = useState<InterviewContextState>({ status: 'loading' });
  useEffect(() => {
    let live = true;
    const api = examiner();
    const fail = (error: ContractError) => live && setState({ status: 'failed', error });
    void (async () => {
      const assignments = await api.invoke('assignments.list', {});
      if (!assignments.ok) return fail(assignments.error);
      const assignment = assignments.value.assignments
        .map((view) => view.assignment)
        .find((candidate) => (assignmentId !== null ? candidate.assignmentId === assignmentId : candidate.entryId === entryId));
      if (!assignment) return fail({ code: 'not_found', message: `no assignment for entry ${entryId}` });
      const exam = await api.invoke('exams.get', { examId: assignment.examId });
      if (!exam.ok) return fail(exam.error);
      const subject = exam.value.exam.subjects.find((candidate) => candidate.id === assignment.subjectId);
      if (!subject) return fail({ code: 'not_found', message: `no subject ${assignment.subjectId}` });
      const panelId = exam.value.exam.slots.find((slot) => slot.id === assignment.slotId)?.panelId;
      // Read defensively: a platform (or a cache) from before panel leads has none.
      const panelLead = exam.value.exam.panels.find((panel) => panel.id === panelId)?.lead ?? null;
      if (live) setState({ status: 'ready', context: { assignment, subject, panelLead } });
    })();
    return () => {
      live = false;
    };
  }, [entryId, assignmentId]);
  return state;
}
