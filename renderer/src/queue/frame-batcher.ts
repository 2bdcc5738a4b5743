/**
 * Coalesces many changes into one update per animation frame: a burst of pushes re-renders the
 * queue once per frame instead of once per push. A hidden window gets no animation frames, so a
 * timer flushes too.
 */
export class FrameBatcher {
  #frame: number | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly flush: () => void,
    private readonly fallbackMs = 100,
  ) {}

  schedule(): void {
    if (this.#frame !== null || this.#timer !== null) return;
    if (typeof requestAnimationFrame === 'function') this.#frame = requestAnimationFrame(() => this.#run());
    this.#timer = setTimeout(() => this.#run(), this.fallbackMs);
  }

  cancel(): void {
    if (this.#frame !== null) cancelAnimationFrame(this.#frame);
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#frame = null;
    this.#timer = null;
  }

  #run(): void {
    this.cancel();
    this.flush();
  }
}
