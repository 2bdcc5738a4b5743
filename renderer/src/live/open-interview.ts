import { useSyncExternalStore } from 'react';

/** Which live interview is open: a slot and a queue entry. */
export interface InterviewTarget {
  readonly slotId: string;
  readonly entryId: string;
}

/**
 * The open interview lives in the address fragment, `#/interview/<slotId>/<entryId>`: a reload
 * (or a crash of the page) brings the examiner back to the candidate in the room, and tests
 * and tools can open one directly. The queue opens it with openLiveInterview() after a call.
 */
const PATTERN = /^#\/interview\/([A-Za-z0-9_.:-]{1,64})\/([A-Za-z0-9_.:-]{1,64})$/;

export function targetOf(hash: string): InterviewTarget | null {
  const match = PATTERN.exec(hash);
  return match?.[1] && match[2] ? { slotId: match[1], entryId: match[2] } : null;
}

let current: InterviewTarget | null = null;
let currentHash: string | null = null;

function read(): InterviewTarget | null {
  const hash = window.location.hash;
  if (hash !== currentHash) {
    currentHash = hash;
    const next = targetOf(hash);
    // Keep the same object while nothing changed, as useSyncExternalStore requires.
    current = next && current && next.slotId === current.slotId && next.entryId === current.entryId ? current : next;
  }
  return current;
}

function subscribe(listener: () => void): () => void {
  window.addEventListener('hashchange', listener);
  return () => window.removeEventListener('hashchange', listener);
}

export function useOpenInterview(): InterviewTarget | null {
  return useSyncExternalStore(subscribe, read);
}

export function openLiveInterview(target: InterviewTarget): void {
  dismissed.delete(target.entryId);
  window.location.hash = `#/interview/${target.slotId}/${target.entryId}`;
}

/** Entries whose interview this examiner closed: the queue does not open them again by itself. */
const dismissed = new Set<string>();

export function wasDismissed(entryId: string): boolean {
  return dismissed.has(entryId);
}

export function closeLiveInterview(): void {
  const target = targetOf(window.location.hash);
  if (target === null) return;
  dismissed.add(target.entryId);
  // Back to the address without a fragment, without leaving a history entry for it.
  window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}`);
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}
