import { useEffect, useState } from 'react';
import type { CommandInput, CommandName, CommandOutput, ContractError } from '@common/contract';
import { asContractError, call } from '../app/call';

type SlotCommand = 'chief.getReReviews' | 'chief.getActions' | 'chief.getRoomLog';

export interface SlotRead<T> {
  readonly value: T | null;
  readonly error: ContractError | null;
  readonly loading: boolean;
}

interface Answer<T> {
  /** Which read this answers. */
  readonly key: string;
  readonly value: T | null;
  readonly error: ContractError | null;
}

/**
 * One of the desk's lists, read again whenever `key` moves; the last answer stays while the next
 * is on its way. Not read while `enabled` is false (it waits for it). `input` is read with `key`:
 * a new input needs a new key.
 */
export function useCommandRead<N extends CommandName>(name: N, input: CommandInput<N>, key: string, enabled = true): SlotRead<CommandOutput<N>> {
  const [answer, setAnswer] = useState<Answer<CommandOutput<N>>>({ key: '', value: null, error: null });
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    call(name, input).then(
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
    // The input goes with its key (see above).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [name, key, enabled]);
  return { value: answer.value, error: answer.error, loading: answer.key !== key };
}

/** One of the slot's lists (re-reviews, actions, room log), read again whenever `version` moves. */
export function useSlotRead<N extends SlotCommand & CommandName>(name: N, slotId: string, version: number, enabled = true): SlotRead<CommandOutput<N>> {
  // The three commands take the same input: { slotId }.
  return useCommandRead(name, { slotId } as CommandInput<N>, `${slotId}:${version}`, enabled);
}
