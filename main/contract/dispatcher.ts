import {
  ContractFailure,
  commands,
  fail,
  findInputProblem,
  isCommandName,
  type CommandArgs,
  type CommandName,
  type CommandOutput,
  type Result,
} from '@common/contract';
import type { Logger } from '../log';

/** Who is calling; transports fill it in after their own checks (sender frame, secret). */
export interface CallContext {
  readonly transport: 'electron' | 'browser' | 'test';
}

export type Handlers = {
  [N in CommandName]: (input: CommandArgs<N>, context: CallContext) => Promise<CommandOutput<N>> | CommandOutput<N>;
};

export type Dispatch = (name: unknown, input: unknown, context: CallContext) => Promise<Result<unknown>>;

/**
 * The one entry point of every contract call, whichever transport carried it. It validates
 * strictly, calls the handler and validates what the handler returns. It never throws: a bad
 * call, a failing service or a bug each come back as `{ ok: false, error }`.
 */
export function createDispatcher(handlers: Handlers, log: Logger): Dispatch {
  return async (name, rawInput, context) => {
    if (!isCommandName(name)) {
      return fail('unknown_command', `no command named ${describe(name)}`);
    }
    const spec = commands[name];
    const problem = findInputProblem(rawInput);
    if (problem) return fail('invalid_input', `${name}: ${problem}`);
    const parsed = spec.input.safeParse(rawInput);
    if (!parsed.success) {
      return fail('invalid_input', `${name}: ${summariseIssues(parsed.error.issues)}`);
    }
    try {
      const handler = handlers[name] as (input: unknown, context: CallContext) => unknown;
      const value = await handler(parsed.data, context);
      const checked = spec.output.safeParse(value);
      if (!checked.success) {
        log.error('contract output broke its schema', { command: name, issues: checked.error.issues });
        return fail('internal', `${name} produced an invalid result`);
      }
      return { ok: true, value: checked.data };
    } catch (error) {
      if (error instanceof ContractFailure) return fail(error.code, error.message, error.retryAfterSeconds);
      log.error('contract handler failed', { command: name, error });
      return fail('internal', `${name} failed unexpectedly`);
    }
  };
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 80));
  return `of type ${value === null ? 'null' : typeof value}`;
}

function summariseIssues(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => `${issue.path.map(String).join('.') || '(input)'}: ${issue.message}`)
    .join('; ');
}
