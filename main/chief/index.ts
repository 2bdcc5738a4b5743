import { ContractFailure } from '@common/contract';
import type { Handlers } from '../contract/dispatcher';

type ChiefHandlers = Pick<Handlers, `chief.${string}` & keyof Handlers>;

/** Placeholder while the chief's desk is built: every command refuses. Replaced by the chief service. */
export function chiefHandlers(): ChiefHandlers {
  const refuse = (): never => {
    throw new ContractFailure('internal', 'the chief desk is not built yet');
  };
  return {
    'chief.getMatrix': refuse,
    'chief.lock': refuse,
    'chief.unlock': refuse,
    'chief.requestReReview': refuse,
    'chief.getReReviews': refuse,
    'chief.signOff': refuse,
    'chief.getActions': refuse,
    'chief.getRoomLog': refuse,
    'chief.export': refuse,
  };
}
