import type { Result } from './errors';
import type { CommandInput, CommandName, CommandOutput } from './commands';
import type { EventName, EventPayload } from './events';

/**
 * The shape of `window.examiner`, whichever transport builds it (the Electron preload or the
 * browser host's WebSocket bridge). It never throws: every call resolves to a Result.
 */
export interface ExaminerApi {
  invoke<N extends CommandName>(name: N, input: CommandInput<N>): Promise<Result<CommandOutput<N>>>;
  on<N extends EventName>(name: N, listener: (payload: EventPayload<N>) => void): () => void;
}

/** Channel names of the Electron transport, shared by main/electron and preload. */
export const IPC_COMMAND_PREFIX = 'examiner:command:';
export const IPC_EVENT_CHANNEL = 'examiner:event';

/** Messages of the browser host's WebSocket transport. */
export interface WireCall {
  id: number;
  name: string;
  input: unknown;
}
export interface WireReply {
  id: number | null;
  result: Result<unknown>;
}
export interface WireEvent {
  event: string;
  payload: unknown;
}
