export interface FrameBatcherOptions {
  /**
   * Flushing time per frame within which a change flushes at once; past it, changes wait for the
   * next animation frame. 0 (the default): every change waits for the next frame.
   */
  readonly budgetMs?: number;
  /** How long a frame lasts (60 Hz). */
  readonly frameMs?: number;
  /** A hidden window gets no animation frames: a timer flushes after this long too. */
  readonly fallbackMs?: number;
  readonly now?: () => number;
}

/**
 * Coalesces many changes into few updates: by default one per animation frame. With a budget, a
 * change flushes at once (in a microtask, so the changes of one task go together) while the
 * flushes of the current frame have taken less than the budget; past it, changes wait for the
 * next animation frame and go in one flush. A push that arrives alone so shows in the DOM right
 * away instead of up to a frame later, while a flood of pushes still costs at most the budget
 * plus one flush per frame. A hidden window gets no animation frames, so a timer flushes too.
 *
 * With a budget, `flush` must do its work synchronously (the queue renders in React's flushSync),
 * since its duration is what the budget counts.
 */
export class FrameBatcher {
  readonly #budgetMs: number;
  readonly #frameMs: number;
  readonly #fallbackMs: number;
  readonly #now: () => number;
  #soon = false;
  #frame: number | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  /** When the current frame's budget started, and how much of it the flushes spent. */
  #windowStart = Number.NEGATIVE_INFINITY;
  #spent = 0;
  /** Bumped by cancel(), so a microtask scheduled before it does nothing. */
  #generation = 0;

  constructor(
    private readonly flush: () => void,
    options: FrameBatcherOptions = {},
  ) {
    this.#budgetMs = options.budgetMs ?? 0;
    this.#frameMs = options.frameMs ?? 1000 / 60;
    this.#fallbackMs = options.fallbackMs ?? 100;
    this.#now = options.now ?? (() => performance.now());
  }

  schedule(): void {
    if (this.#soon || this.#frame !== null || this.#timer !== null) return;
    if (this.#budgetMs > 0 && (this.#now() - this.#windowStart >= this.#frameMs || this.#spent < this.#budgetMs)) {
      this.#soon = true;
      const generation = this.#generation;
      queueMicrotask(() => {
        if (generation === this.#generation) this.#run();
      });
      return;
    }
    if (typeof requestAnimationFrame === 'function') this.#frame = requestAnimationFrame(() => this.#run());
    this.#timer = setTimeout(() => this.#run(), this.#fallbackMs);
  }

  cancel(): void {
    if (this.#frame !== null) cancelAnimationFrame(this.#frame);
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#frame = null;
    this.#timer = null;
    this.#soon = false;
    this.#generation += 1;
  }

  #run(): void {
    this.cancel();
    const start = this.#now();
    if (start - this.#windowStart >= this.#frameMs) {
      this.#windowStart = start;
      this.#spent = 0;
    }
    try {
      this.flush();
    } finally {
      this.#spent += this.#now() - start;
    }
  }
}
