import { useEffect, useState } from 'react';
import type { AssignmentRecordings, CacheUsage, ContractError } from '@common/contract';
import { examiner } from '../bridge';
import { asContractError, call } from '../app/call';

export interface RecordingsOverviewState {
  /** Download state by assignment id; an assignment never asked for is absent. */
  readonly byAssignment: ReadonlyMap<string, AssignmentRecordings>;
  readonly usage: CacheUsage | null;
  readonly error: ContractError | null;
}

/**
 * The download state of every recorded assignment and how full the media cache is: loaded once,
 * then kept current by `recordings.progress`. The usage is asked again when a download settles.
 */
export function useRecordingsOverview(): RecordingsOverviewState {
  const [state, setState] = useState<RecordingsOverviewState>({ byAssignment: new Map(), usage: null, error: null });
  useEffect(() => {
    let live = true;
    const load = () =>
      void call('recordings.overview', {}).then(
        (overview) => {
          if (!live) return;
          setState((current) => {
            const byAssignment = new Map(current.byAssignment);
            // Events that arrived while the overview was on its way are newer: keep them.
            for (const item of overview.assignments) if (!current.byAssignment.has(item.assignmentId)) byAssignment.set(item.assignmentId, item);
            return { byAssignment, usage: overview.usage, error: null };
          });
        },
        (failure: unknown) => {
          if (live) setState((current) => ({ ...current, error: asContractError(failure) }));
        },
      );
    const off = examiner().on('recordings.progress', (item) => {
      if (!live) return;
      setState((current) => {
        const byAssignment = new Map(current.byAssignment);
        byAssignment.set(item.assignmentId, item);
        return { ...current, byAssignment };
      });
      if (item.state === 'ready' || item.state === 'failed') load();
    });
    load();
    return () => {
      live = false;
      off();
    };
  }, []);
  return state;
}
