import { useEffect, useState } from 'react';
import type { AssignmentListView, ContractError } from '@common/contract';
import { examiner } from '../bridge';
import { asContractError, call } from '../app/call';

export interface Assignments {
  readonly view: AssignmentListView | null;
  readonly error: ContractError | null;
}

/** The examiner's assignments with each sheet's status, kept current as sheets are accepted or conflict. */
export function useAssignments(): Assignments {
  const [state, setState] = useState<Assignments>({ view: null, error: null });
  useEffect(() => {
    let live = true;
    void call('assignments.list', {}).then(
      (view) => {
        if (live) setState({ view, error: null });
      },
      (failure: unknown) => {
        if (live) setState({ view: null, error: asContractError(failure) });
      },
    );
    const off = examiner().on('sheet.changed', (sheet) => {
      if (!live) return;
      setState((current) =>
        current.view
          ? {
              ...current,
              view: {
                ...current.view,
                assignments: current.view.assignments.map((item) =>
                  item.assignment.assignmentId === sheet.assignmentId ? { ...item, sheetStatus: sheet.status } : item,
                ),
              },
            }
          : current,
      );
    });
    return () => {
      live = false;
      off();
    };
  }, []);
  return state;
}
