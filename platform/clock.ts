/**
 * Time as the platform sees it. The queue's 2-minute interruption rule and token expiry read
 * it, so tests can drive a platform through minutes in milliseconds.
 */
export interface Clock {
  now(): Date;
  /** Runs `run` after `ms`; the returned function cancels it. */
  schedule(ms: number, run: () => void): () => void;
}

export const systemClock: Clock = {
  now: () => new Date(),
  schedule: (ms, run) => {
    const timer = setTimeout(run, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};

/** A clock that moves only when told to: for tests of time rules. */
export class ManualClock implements Clock {
  #now: number;
  #tasks: { at: number; run: () => void; id: number }[] = [];
  #nextId = 0;

  constructor(start: Date | string = '2026-06-01T01:00:00.000Z') {
    this.#now = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.#now);
  }

  schedule(ms: number, run: () => void): () => void {
    const id = this.#nextId++;
    this.#tasks.push({ at: this.#now + ms, run, id });
    return () => {
      this.#tasks = this.#tasks.filter((task) => task.id !== id);
    };
  }

  /** Moves time forward, running every task that falls due, in order. */
  advance(ms: number): void {
    const until = this.#now + ms;
    for (;;) {
      const next = this.#tasks.filter((task) => task.at <= until).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!next) break;
      this.#tasks = this.#tasks.filter((task) => task !== next);
      this.#now = next.at;
      next.run();
    }
    this.#now = until;
  }
}
