import { useEffect, useState } from 'react';
import type { CommandName, CommandOutput, ContractError } from '@common/contract';
import { asContractError, call } from '../app/call';

type SlotCommand = 'chief.getReReviews' | 'chief.getActions' | 'chief.getRoomLog';

export interface SlotRead<T> {
  readonly value: T | null;
  readonly error: ContractError | null;
  readonly loading: boolean;
}

interface Answer<T> {
  /** Which read this answers (slot and version). */
  readonly key: string;
  readonly value: T | null;
  readonly error: ContractError | null;
}

/**
 * One of the slot's lists (re-reviews, actions, room log), read again whenever `version` moves; the
 * last answer stays while the next is on its way. Not read while `enabled` is false (it waits for it).
 */
export function useSlotRead<N extends SlotCommand & CommandName>(name: N, slotId: string, version: number, enabled = true): SlotRead<CommandOutput<N>> {
  const key = `${slotId}:${version}`;
  const [answer, setAnswer] = useState<Answer<CommandOutput<N>>>({ key: '', value: null, error: null });
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    // The three commands take the same input: { slotId }.
    (call as (command: N, input: { slotId: string }) => Promise<CommandOutput<N>>)(name, { slotId }).then(
      (value) => {
        if (live) setAnswer({ key, value, error: null });
      },
      (failure: unknown) => {
        if (live) setAnswer((current) => ({ key, value: current.value, error: asContractError(failure) }));
      },
    );
    return () => {
      live = false;
    };
  }, [name, slotId, key, enabled]);
  return { value: answer.value, error: answer.error, loading: answer.key !== key };
}
