import { useEffect, useState, useSyncExternalStore } from 'react';
import type { ContractError } from '@common/contract';
import type { SignOff } from '@common/platform/chief';
import { asContractError, call } from '../app/call';
import { examiner } from '../bridge';
import { MatrixFeed, type MatrixSnapshot } from './matrix-feed';

export interface ChiefMatrix extends MatrixSnapshot {
  readonly loading: boolean;
  readonly error: ContractError | null;
  /** False while the matrix is what the platform said last, because it cannot be reached. */
  readonly fresh: boolean;
  readonly feed: MatrixFeed;
  /** The chief's own sign-off, shown before its push arrives. */
  signedOffNow(signOff: SignOff): void;
}

interface LoadState {
  readonly loading: boolean;
  readonly error: ContractError | null;
  readonly fresh: boolean;
}

/**
 * One slot's score matrix: its snapshot, then every `chief.matrix` push. It loads again when the
 * realtime connection comes back, to catch up. Give the component a key per slot.
 */
export function useChiefMatrix(slotId: string): ChiefMatrix {
  const [feed] = useState(() => new MatrixFeed(slotId));
  const snapshot = useSyncExternalStore(feed.subscribe, feed.getSnapshot);
  const [state, setState] = useState<LoadState>({ loading: true, error: null, fresh: true });

  useEffect(() => {
    let live = true;
    const load = async () => {
      feed.expect();
      try {
        const view = await call('chief.getMatrix', { slotId: feed.slotId });
        if (!live) return;
        feed.load(view.matrix);
        setState({ loading: false, error: null, fresh: view.freshness.fresh });
      } catch (failure) {
        feed.resume();
        if (live) setState({ loading: false, error: asContractError(failure), fresh: false });
      }
    };
    const api = examiner();
    const offs = [
      api.on('chief.matrix', (push) => feed.push(push)),
      api.on('live.connection', (connection) => {
        if (connection.state === 'connected') void load();
      }),
    ];
    void load();
    return () => {
      live = false;
      for (const off of offs) off();
      feed.dispose();
    };
  }, [feed]);

  return { ...snapshot, ...state, feed, signedOffNow: (signOff) => feed.signedOff(signOff) };
}
