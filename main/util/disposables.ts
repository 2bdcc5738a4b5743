/**
 * Teardown functions (unsubscribes, timers to clear, services to stop) collected as things are
 * set up, run in reverse when they are torn down: what was set up last goes first.
 */
export class Disposables {
  readonly #teardowns: (() => void)[] = [];

  add(...teardowns: readonly (() => void)[]): void {
    this.#teardowns.push(...teardowns);
  }

  /**
   * Runs every teardown once, last added first, and forgets them. One that throws does not keep
   * the others from running: its error is thrown once all have run.
   */
  dispose(): void {
    const errors: unknown[] = [];
    for (const teardown of this.#teardowns.splice(0).reverse()) {
      try {
        teardown();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, `${String(errors.length)} teardowns failed`);
  }
}
