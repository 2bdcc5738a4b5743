/**
 * Runs `work` when the page is idle (at the latest after `timeoutMs`); returns a cancel. Where
 * the page has no requestIdleCallback (happy-dom in the component tests), after `timeoutMs`.
 */
export function whenIdle(work: () => void, timeoutMs: number): () => void {
  if (typeof requestIdleCallback === 'function') {
    const idle = requestIdleCallback(() => work(), { timeout: timeoutMs });
    return () => cancelIdleCallback(idle);
  }
  const timer = setTimeout(work, timeoutMs);
  return () => clearTimeout(timer);
}
