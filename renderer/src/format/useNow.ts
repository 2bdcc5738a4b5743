import { useSyncExternalStore } from 'react';

/**
 * One shared one-second clock for every countdown and waiting time on screen: thousands of
 * rows must not each run a timer, and rendering must not read the clock itself.
 */
const listeners = new Set<() => void>();
let now = Date.now();
let timer: ReturnType<typeof setInterval> | null = null;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (timer === null) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const notify of listeners) notify();
    }, 1000);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== null) {
      clearInterval(timer);
      timer = null;
    }
  };
}

const still = () => () => undefined;

/**
 * The current time in ms, updated once a second while anything shows it. With `ticking` false
 * the caller is not re-rendered by the clock (a countdown that is not running).
 */
export function useNow(ticking = true): number {
  return useSyncExternalStore(ticking ? subscribe : still, () => now);
}
