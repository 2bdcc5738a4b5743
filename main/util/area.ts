import type { CommandName } from '@common/contract';
import type { Handlers } from '../contract/dispatcher';

/**
 * One area of the workstation (session, sheets, live, evidence, media, chief), as its
 * `create<Area>(deps)` in `main/<area>/index.ts` wires it: the contract commands it answers, and
 * how it starts and stops. workstation.ts only spreads the handlers and calls start and stop.
 */
export interface Area<K extends CommandName> {
  readonly handlers: Pick<Handlers, K>;
  start(): void;
  stop(): void;
}

/** The contract's commands under these prefixes: CommandsOf<'live' | 'reReviews'>. */
export type CommandsOf<P extends string> = Extract<CommandName, `${P}.${string}`>;
