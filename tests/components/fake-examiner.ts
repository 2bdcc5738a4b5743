import {
  ContractFailure,
  fail,
  ok,
  type CommandArgs,
  type CommandName,
  type CommandOutput,
  type EventName,
  type EventPayload,
  type ExaminerApi,
  type Result,
} from '@common/contract';

type Handler = (input: unknown) => unknown;

/**
 * `window.examiner` for component tests: each command answers what the test says it answers,
 * every call is recorded, and the test pushes events as main would.
 */
export class FakeExaminer implements ExaminerApi {
  readonly calls: { name: CommandName; input: unknown }[] = [];
  readonly #handlers = new Map<CommandName, Handler>();
  readonly #listeners = new Map<EventName, Set<(payload: unknown) => void>>();

  handle<N extends CommandName>(name: N, handler: (input: CommandArgs<N>) => CommandOutput<N> | Promise<CommandOutput<N>>): void {
    this.#handlers.set(name, handler as Handler);
  }

  callsOf<N extends CommandName>(name: N): CommandArgs<N>[] {
    return this.calls.filter((entry) => entry.name === name).map((entry) => entry.input as CommandArgs<N>);
  }

  async invoke<N extends CommandName>(name: N, input: unknown): Promise<Result<CommandOutput<N>>> {
    this.calls.push({ name, input });
    const handler = this.#handlers.get(name);
    if (!handler) return fail('unknown_command', `the test gave no answer for ${name}`);
    try {
      return ok((await handler(input)) as CommandOutput<N>);
    } catch (error) {
      if (error instanceof ContractFailure) return fail(error.code, error.message, error.retryAfterSeconds);
      throw error;
    }
  }

  on<N extends EventName>(name: N, listener: (payload: EventPayload<N>) => void): () => void {
    let set = this.#listeners.get(name);
    if (!set) this.#listeners.set(name, (set = new Set()));
    const wrapped = listener as (payload: unknown) => void;
    set.add(wrapped);
    return () => set.delete(wrapped);
  }

  emit<N extends EventName>(name: N, payload: EventPayload<N>): void {
    for (const listener of this.#listeners.get(name) ?? []) listener(payload);
  }

  reset(): void {
    this.calls.length = 0;
    this.#handlers.clear();
    this.#listeners.clear();
  }
}

export const fakeExaminer = new FakeExaminer();
