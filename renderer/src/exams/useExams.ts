import { useEffect, useState } from 'react';
import type { ContractError, ExamListView, ExamView } from '@common/contract';
import { asContractError, call } from '../app/call';

export interface Loaded<T> {
  readonly value: T | null;
  readonly error: ContractError | null;
}

/** The signed-in examiner's exams (as the platform said last when it cannot be reached). */
export function useExamList(): Loaded<ExamListView> {
  const [state, setState] = useState<Loaded<ExamListView>>({ value: null, error: null });
  useEffect(() => {
    let live = true;
    void call('exams.list', {}).then(
      (value) => {
        if (live) setState({ value, error: null });
      },
      (failure: unknown) => {
        if (live) setState({ value: null, error: asContractError(failure) });
      },
    );
    return () => {
      live = false;
    };
  }, []);
  return state;
}

/** One exam with its subjects, rubrics and slots. Give the component a key per exam. */
export function useExam(examId: string): Loaded<ExamView> {
  const [state, setState] = useState<Loaded<ExamView>>({ value: null, error: null });
  useEffect(() => {
    let live = true;
    void call('exams.get', { examId }).then(
      (value) => {
        if (live) setState({ value, error: null });
      },
      (failure: unknown) => {
        if (live) setState({ value: null, error: asContractError(failure) });
      },
    );
    return () => {
      live = false;
    };
  }, [examId]);
  return state;
}
