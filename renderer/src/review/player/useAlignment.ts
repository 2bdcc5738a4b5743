import { useCallback, useEffect, useState } from 'react';
import type { Alignment, ContractError } from '@common/contract';
import { examiner } from '../../bridge';
import { asContractError, call, tryCall } from '../../app/call';

export interface AlignmentState {
  /** Null until main answers (or when it cannot). */
  readonly alignment: Alignment | null;
  readonly busy: boolean;
  /** The last set or reset that failed. */
  readonly error: ContractError | null;
  set(offsetMs: number): void;
  reset(): void;
}

/**
 * An assignment's alignment of the side angle on the main's clock: read when the player opens,
 * kept current by `media.alignment` (the sound found it, the grader set it here or elsewhere),
 * set and reset by the grader. `assignmentId` null: no alignment (one angle, or evidence).
 */
export function useAlignment(assignmentId: string | null): AlignmentState {
  // Kept with the assignment it is of: another assignment's is never shown.
  const [kept, setKept] = useState<Alignment | null>(null);
  const alignment = kept !== null && kept.assignmentId === assignmentId ? kept : null;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ContractError | null>(null);

  useEffect(() => {
    if (assignmentId === null) return;
    let live = true;
    let heard = false;
    const off = examiner().on('media.alignment', (item) => {
      if (!live || item.assignmentId !== assignmentId) return;
      heard = true;
      setKept(item);
    });
    void tryCall('media.getAlignment', { assignmentId }).then((item) => {
      // An event may already have brought a newer one.
      if (live && item && !heard) setKept(item);
    });
    return () => {
      live = false;
      off();
    };
  }, [assignmentId]);

  const run = useCallback(
    (request: () => Promise<Alignment>) => {
      setBusy(true);
      setError(null);
      request().then(
        (item) => {
          setKept(item);
          setBusy(false);
        },
        (failure: unknown) => {
          setError(asContractError(failure));
          setBusy(false);
        },
      );
    },
    [],
  );
  const set = useCallback(
    (offsetMs: number) => {
      if (assignmentId !== null) run(() => call('media.setAlignment', { assignmentId, offsetMs }));
    },
    [assignmentId, run],
  );
  const reset = useCallback(() => {
    if (assignmentId !== null) run(() => call('media.resetAlignment', { assignmentId }));
  }, [assignmentId, run]);

  return { alignment, busy, error, set, reset };
}
