import { useEffect, useState, useSyncExternalStore } from 'react';
import type { ContractError } from '@common/contract';
import type { Slot } from '@common/platform';
import { examiner } from '../bridge';
import { asContractError, call } from '../app/call';
import { QueueFeed, type QueueRowSource } from './queue-feed';
import type { QueueRow } from './queue-store';

export interface LiveQueue {
  readonly rows: readonly QueueRow[];
  /** Changes applied since the view opened (tests and the benchmark wait on it). */
  readonly applied: number;
  readonly loading: boolean;
  readonly error: ContractError | null;
  /** False while any slot shows what the platform said last, because it cannot be reached. */
  readonly fresh: boolean;
  markRead(entryId: string): void;
  /** Each row by itself, for the cells that show it. */
  readonly rowSource: QueueRowSource;
}

interface LoadState {
  readonly loading: boolean;
  readonly error: ContractError | null;
  readonly fresh: boolean;
}

/**
 * The live queue of some slots: their snapshots, then every pushed change. It loads again when
 * the realtime connection comes back, to catch up with what happened meanwhile. Give the
 * component a key per set of slots: the store belongs to one set.
 */
export function useLiveQueue(slots: readonly Slot[]): LiveQueue {
  const [feed] = useState(() => new QueueFeed());
  const snapshot = useSyncExternalStore(feed.subscribe, feed.getSnapshot);
  const [state, setState] = useState<LoadState>({ loading: true, error: null, fresh: true });

  useEffect(() => {
    let live = true;
    const load = async () => {
      feed.expect(slots.map((slot) => slot.id));
      try {
        const views = await Promise.all(slots.map(async (slot) => ({ slot, view: await call('live.getQueue', { slotId: slot.id }) })));
        if (!live) return;
        // Together, so that React renders the rows and the end of loading at once: with thousands
        // of candidates, every render of the table counts.
        for (const { slot, view } of views) feed.load(slot, view.queue.entries);
        setState({ loading: false, error: null, fresh: views.every(({ view }) => view.freshness.fresh) });
      } catch (failure) {
        if (live) setState({ loading: false, error: asContractError(failure), fresh: false });
      }
    };
    const api = examiner();
    const offs = [
      api.on('live.queueEntry', (entry) => feed.entry(entry)),
      api.on('live.presence', (presence) => feed.presence(presence)),
      api.on('live.quickMessage', (message) => feed.quickMessage(message)),
      api.on('live.connection', (connection) => {
        if (connection.state === 'connected') void load();
      }),
    ];
    void load();
    return () => {
      live = false;
      for (const off of offs) off();
      feed.dispose();
    };
  }, [feed, slots]);

  return { rows: snapshot.rows, applied: snapshot.applied, ...state, markRead: (entryId) => feed.markRead(entryId), rowSource: feed };
}
