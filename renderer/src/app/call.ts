import type { CommandInput, CommandName, CommandOutput, ContractError } from '@common/contract';
import { examiner } from '../bridge';

/** A contract failure as a thrown value, for code that prefers try/catch to Result. */
export class CallError extends Error {
  constructor(readonly error: ContractError) {
    super(error.message);
  }
}

export async function call<N extends CommandName>(name: N, input: CommandInput<N>): Promise<CommandOutput<N>> {
  const result = await examiner().invoke(name, input);
  if (!result.ok) throw new CallError(result.error);
  return result.value;
}

/** The value, or undefined when the call failed (for reads whose failure the UI shows elsewhere). */
export async function tryCall<N extends CommandName>(name: N, input: CommandInput<N>): Promise<CommandOutput<N> | undefined> {
  const result = await examiner().invoke(name, input);
  return result.ok ? result.value : undefined;
}

/** Any failure as a contract error, for showing its localised sentence. */
export function asContractError(failure: unknown): ContractError {
  if (failure instanceof CallError) return failure.error;
  return { code: 'internal', message: failure instanceof Error ? failure.message : String(failure) };
}
