import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { ContractError } from '@common/contract';
import type { SignOff } from '@common/platform/chief';
import { asContractError, call } from '../app/call';
import { examiner } from '../bridge';
import { MatrixFeed, type MatrixSnapshot } from './matrix-feed';

/** The first page: small enough to render at once (the table draws only what is in view, but the page is parsed and sorted). */
export const FIRST_PAGE_ROWS = 200;
/** Each later page, fetched one after another once the first is shown. */
export const NEXT_PAGE_ROWS = 1000;

export interface ChiefMatrix extends MatrixSnapshot {
  /** True until the first page (or the whole matrix) is in. */
  readonly loading: boolean;
  readonly error: ContractError | null;
  /** False while the matrix is what the platform said last, because it cannot be reached. */
  readonly fresh: boolean;
  /** While later pages are still coming: how many rows are in, of how many. Null once all are. */
  readonly progress: { readonly loaded: number; readonly total: number } | null;
  /** Why the rest of the pages stopped coming (retry carries on from the page that failed). */
  readonly pageError: ContractError | null;
  readonly feed: MatrixFeed;
  retry(): void;
  /** The chief's own sign-off, shown before its push arrives. */
  signedOffNow(signOff: SignOff): void;
}

interface LoadState {
  readonly loading: boolean;
  readonly error: ContractError | null;
  readonly fresh: boolean;
  readonly progress: { readonly loaded: number; readonly total: number } | null;
  readonly pageError: ContractError | null;
}

/**
 * One slot's score matrix: its first page, shown at once, then the rest page by page, and every
 * `chief.matrix` push (a push beats any page: see MatrixFeed.addPage). It loads again when the
 * realtime connection comes back, to catch up. Give the component a key per slot: unmounting it
 * stops the pages still to come.
 */
export function useChiefMatrix(slotId: string): ChiefMatrix {
  const [feed] = useState(() => new MatrixFeed(slotId));
  const snapshot = useSyncExternalStore(feed.subscribe, feed.getSnapshot);
  const [state, setState] = useState<LoadState>({ loading: true, error: null, fresh: true, progress: null, pageError: null });
  /** Carries on with the pages of the load under way, from where it stopped. */
  const resumePages = useRef<(() => void) | null>(null);

  useEffect(() => {
    let live = true;
    let generation = 0;
    const pages = async (run: number, from: number, total: number, fresh: boolean) => {
      let offset = from;
      let allFresh = fresh;
      let count = total;
      while (offset < count) {
        let view;
        try {
          view = await call('chief.getMatrix', { slotId: feed.slotId, offset, limit: NEXT_PAGE_ROWS });
        } catch (failure) {
          if (!live || run !== generation) return;
          const at = offset;
          resumePages.current = () => {
            resumePages.current = null;
            setState((current) => ({ ...current, pageError: null }));
            void pages(run, at, count, allFresh);
          };
          setState((current) => ({ ...current, pageError: asContractError(failure) }));
          return;
        }
        if (!live || run !== generation) return;
        feed.addPage(view.matrix);
        allFresh &&= view.freshness.fresh;
        count = view.matrix.page?.totalRows ?? count;
        offset += NEXT_PAGE_ROWS;
        const loaded = Math.min(feed.loadedRows, count);
        setState((current) => ({ ...current, fresh: allFresh, progress: offset < count ? { loaded, total: count } : null }));
      }
      feed.finish();
      setState((current) => ({ ...current, fresh: allFresh, progress: null, pageError: null }));
    };
    const load = async () => {
      const run = ++generation;
      resumePages.current = null;
      feed.expect();
      try {
        const view = await call('chief.getMatrix', { slotId: feed.slotId, offset: 0, limit: FIRST_PAGE_ROWS });
        if (!live || run !== generation) return;
        feed.load(view.matrix);
        const total = view.matrix.page?.totalRows ?? view.matrix.rows.length;
        const more = view.matrix.rows.length < total && FIRST_PAGE_ROWS < total;
        setState({
          loading: false,
          error: null,
          fresh: view.freshness.fresh,
          progress: more ? { loaded: Math.min(feed.loadedRows, total), total } : null,
          pageError: null,
        });
        if (more) void pages(run, FIRST_PAGE_ROWS, total, view.freshness.fresh);
        else feed.finish();
      } catch (failure) {
        feed.resume();
        if (live && run === generation) setState((current) => ({ ...current, loading: false, error: asContractError(failure), fresh: false }));
      }
    };
    const api = examiner();
    const offs = [
      api.on('chief.matrix', (push) => feed.push(push)),
      api.on('live.connection', (connection) => {
        if (connection.state === 'connected') void load();
      }),
    ];
    void load();
    return () => {
      live = false;
      resumePages.current = null;
      for (const off of offs) off();
      feed.dispose();
    };
  }, [feed]);

  const retry = useCallback(() => resumePages.current?.(), []);
  return { ...snapshot, ...state, feed, retry, signedOffNow: (signOff) => feed.signedOff(signOff) };
}
