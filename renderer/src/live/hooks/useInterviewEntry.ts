import { useCallback, useEffect, useState } from 'react';
import type { ContractError, QueueEntry } from '@common/contract';
import { examiner } from '../../bridge';

export interface InterviewEntry {
  /** undefined while loading; null when the slot's queue has no such entry. */
  readonly entry: QueueEntry | null | undefined;
  readonly error: ContractError | null;
  /** Takes an entry a command answered with (e.g. live.call), unless a newer one is known. */
  readonly accept: (entry: QueueEntry) => void;
  /** The revision at which the platform last let the candidate back in after an interruption. */
  readonly resumedAt: number | null;
}

/** The newer of two versions of an entry: revisions only grow; presence patches keep the revision. */
function newer(current: QueueEntry | null | undefined, next: QueueEntry): QueueEntry {
  return current && current.revision > next.revision ? current : next;
}

/**
 * The candidate's queue entry as the platform decides it, live: loaded with live.getQueue
 * (which also subscribes main to the slot), then kept current by live.queueEntry (state,
 * interruptions, the platform's decisions) and live.presence (which devices are connected now).
 */
export function useInterviewEntry(slotId: string, entryId: string): InterviewEntry {
  const [entry, setEntry] = useState<QueueEntry | null | undefined>(undefined);
  const [error, setError] = useState<ContractError | null>(null);
  const [resumedAt, setResumedAt] = useState<number | null>(null);

  useEffect(() => {
    let live = true;
    // What this subscription has seen last, to notice the platform's decisions as they arrive.
    let known: QueueEntry | null | undefined;
    const take = (next: QueueEntry | null) => {
      const previous = known;
      known = next === null ? (known ?? null) : newer(known, next);
      if (previous?.state === 'interrupted' && known?.state === 'in_room') setResumedAt(known.revision);
      setEntry((current) => (known && current && current.revision > known.revision ? current : known));
    };
    const api = examiner();
    const offEntry = api.on('live.queueEntry', (pushed) => {
      if (live && pushed.entryId === entryId) take(pushed);
    });
    const offPresence = api.on('live.presence', (presence) => {
      if (!live || presence.entryId !== entryId || !known) return;
      take({ ...known, devices: { ...known.devices, [presence.device]: presence.online } });
    });
    void api.invoke('live.getQueue', { slotId }).then((result) => {
      if (!live) return;
      if (!result.ok) {
        setError(result.error);
        return;
      }
      take(result.value.queue.entries.find((candidate) => candidate.entryId === entryId) ?? null);
    });
    return () => {
      live = false;
      offEntry();
      offPresence();
    };
  }, [slotId, entryId]);

  const accept = useCallback((next: QueueEntry) => setEntry((current) => newer(current, next)), []);
  return { entry, error, accept, resumedAt };
}
