/**
 * Freeze detection for one feed, from the times its decoded frames reach the screen. A gap of
 * FREEZE_AFTER_MS or more without a new frame is a freeze: `tick` (run every FREEZE_TICK_MS)
 * marks the feed frozen at most FREEZE_AFTER_MS + FREEZE_TICK_MS after its last frame, well
 * inside the two seconds the examiner is promised; the next frame ends it. Pure: the caller
 * owns the clock and keeps the state.
 */
export const FREEZE_AFTER_MS = 1000;
export const FREEZE_TICK_MS = 250;

export interface FreezeState {
  /** When the last frame was shown; null before the first. */
  readonly lastFrameAt: number | null;
  /** Set while frozen: when the freeze began (the last frame's time). */
  readonly frozenSince: number | null;
  /** Freezes that ended, and their total length (each from its last frame to the next frame). */
  readonly freezes: number;
  readonly frozenMs: number;
}

export const NO_FRAMES: FreezeState = { lastFrameAt: null, frozenSince: null, freezes: 0, frozenMs: 0 };

/** A frame was shown at `at`. Any gap of a freeze's length counts, even one `tick` never saw. */
export function frameShown(state: FreezeState, at: number): FreezeState {
  const gap = state.lastFrameAt === null ? 0 : at - state.lastFrameAt;
  const froze = state.lastFrameAt !== null && gap >= FREEZE_AFTER_MS;
  return {
    lastFrameAt: at,
    frozenSince: null,
    freezes: state.freezes + (froze ? 1 : 0),
    frozenMs: state.frozenMs + (froze ? gap : 0),
  };
}

/** Time passed with no frame: frozen once the gap reaches FREEZE_AFTER_MS. */
export function tick(state: FreezeState, now: number): FreezeState {
  if (state.lastFrameAt === null || state.frozenSince !== null) return state;
  return now - state.lastFrameAt >= FREEZE_AFTER_MS ? { ...state, frozenSince: state.lastFrameAt } : state;
}

export function isFrozen(state: FreezeState): boolean {
  return state.frozenSince !== null;
}

/** Frozen time so far, counting a freeze still going on up to `now`. */
export function frozenMsAt(state: FreezeState, now: number): number {
  return state.frozenMs + (state.frozenSince !== null ? Math.max(0, now - state.frozenSince) : 0);
}

/**
 * The stream was replaced (a reconnect): frames of the new one are compared with nothing, so the
 * outage itself is not counted as a freeze of the picture (it is shown as an interruption).
 */
export function streamReplaced(state: FreezeState): FreezeState {
  return { ...state, lastFrameAt: null, frozenSince: null };
}
