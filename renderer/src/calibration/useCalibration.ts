import { useCallback, useEffect, useState } from 'react';
import type { CalibrationView, ContractError } from '@common/contract';
import { asContractError, call } from '../app/call';

export interface CalibrationRead {
  readonly view: CalibrationView | null;
  readonly error: ContractError | null;
  readonly loading: boolean;
  /** Reads it again (after a submission). */
  reload(): void;
}

/** The examiner's calibration (试评) in a subject, from `calibration.get`. */
export function useCalibration(subjectId: string, enabled = true): CalibrationRead {
  const [version, setVersion] = useState(0);
  const [answer, setAnswer] = useState<{ key: string; view: CalibrationView | null; error: ContractError | null }>({ key: '', view: null, error: null });
  const key = `${subjectId}:${String(version)}`;
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    call('calibration.get', { subjectId }).then(
      (view) => {
        if (live) setAnswer({ key, view, error: null });
      },
      (failure: unknown) => {
        if (live) setAnswer((current) => ({ key, view: current.view, error: asContractError(failure) }));
      },
    );
    return () => {
      live = false;
    };
  }, [subjectId, key, enabled]);
  const reload = useCallback(() => setVersion((current) => current + 1), []);
  return { view: answer.view, error: answer.error, loading: answer.key !== key, reload };
}

/** How many of the anchors offered are not scored yet. */
export function anchorsLeft(view: CalibrationView): number {
  const scored = new Set(view.status.results.map((result) => result.anchorId));
  return view.status.anchorIds.filter((anchorId) => !scored.has(anchorId)).length;
}
