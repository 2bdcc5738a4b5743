import type { Logger } from '../log';

/** Why a recording left the cache (or, `damaged`, lost its file and went back in the download queue). */
export type RemovalReason = 'evicted' | 'purged' | 'cancelled' | 'damaged';

export interface Removal {
  readonly recordingId: string;
  readonly reason: RemovalReason;
  /** The examiners' assignments that linked it when it went (their state changed with it). */
  readonly assignments: readonly { readonly examinerId: string; readonly assignmentId: string }[];
}

export interface CacheEventMap {
  /** A recording is whole and verified on disk (its row just said ready). */
  ready: string;
  /** A recording's row, files and artefacts are gone (or, `damaged`, its file and artefacts). */
  removed: Removal;
  /** A ready recording's readability changed (its row's error set or cleared). */
  readability: string;
}

type Listener<K extends keyof CacheEventMap> = (payload: CacheEventMap[K]) => void;

/**
 * What the media cache announces, in-process, to whoever keeps something of a recording: the
 * media service (jobs, alignment, exports) and the downloads (the state shown to the renderer).
 * Listeners are called in the order they subscribed; one that throws is logged and the rest are
 * still told.
 */
export class CacheEvents {
  readonly #listeners: { [K in keyof CacheEventMap]: Set<Listener<K>> } = { ready: new Set(), removed: new Set(), readability: new Set() };

  constructor(private readonly log: Logger) {}

  on<K extends keyof CacheEventMap>(name: K, listener: Listener<K>): () => void {
    const listeners = this.#listeners[name] as Set<Listener<K>>;
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  emit<K extends keyof CacheEventMap>(name: K, payload: CacheEventMap[K]): void {
    for (const listener of [...(this.#listeners[name] as Set<Listener<K>>)]) {
      try {
        listener(payload);
      } catch (error) {
        this.log.error('a media cache listener failed', { event: name, error });
      }
    }
  }
}
