import type { StoreSpace } from '@common/contract';
import type { EventHub } from '../contract/event-hub';
import type { Logger } from '../log';
import type { Store } from '../store/connection';
import { systemClock, type Clock } from '../util/clock';
import { Disposables } from '../util/disposables';

export interface StoreSpaceOptions {
  /** How often to try to make the reserve again while it is not held (default 30 s). */
  readonly retryMs?: number;
  readonly now?: Clock;
}

/**
 * Keeps the store's reserve of disk space for score sheets, and tells the examiner about it
 * (`store.space`): made at start; when a sheet's save spends it because the disk is full, the
 * examiner is told at once; while it is not held, it is tried again every so often (and on each
 * `store.getSpace`), and the examiner told when it is back.
 */
export class StoreSpaceService {
  #state: StoreSpace;
  #timer: NodeJS.Timeout | null = null;
  readonly #subscriptions = new Disposables();
  readonly #now: Clock;

  constructor(
    private readonly store: Store,
    private readonly events: EventHub,
    private readonly log: Logger,
    private readonly options: StoreSpaceOptions = {},
  ) {
    this.#now = options.now ?? systemClock;
    // Spent already when the disk was full at start, and opening the store took it.
    const spentAt = store.reserve?.releasedAt ?? null;
    this.#state = spentAt ? { reserve: 'spent', spentAt: spentAt.toISOString() } : { reserve: this.#ensure() ? 'held' : 'missing', spentAt: null };
    if (this.#state.reserve === 'spent') log.error('the disk was full at start: the store opened in the space held back for score sheets');
    if (this.#state.reserve === 'missing') log.warn('the disk is too full to hold space back for score sheets');
    this.#subscriptions.add(
      store.onReserveSpent(() => {
        this.log.error('the disk is full: a score sheet was saved from the reserve');
        this.#set({ reserve: 'spent', spentAt: this.#now().toISOString() });
      }),
    );
  }

  /** The reserve's state, after one more try to make it if it is not held. */
  status(): StoreSpace {
    this.check();
    return this.#state;
  }

  /** Makes the reserve again if there is room; true when it is held. */
  check(): boolean {
    if (this.#state.reserve === 'held' && this.store.reserve?.held) return true;
    if (this.#ensure()) {
      this.#set({ reserve: 'held', spentAt: null });
      return true;
    }
    if (this.#state.reserve === 'held') this.#set({ reserve: 'missing', spentAt: null });
    return false;
  }

  start(): void {
    this.#timer = setInterval(() => {
      if (this.#state.reserve !== 'held') this.check();
    }, this.options.retryMs ?? 30_000);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.#subscriptions.dispose();
  }

  #ensure(): boolean {
    try {
      return this.store.reserve?.ensure() ?? false;
    } catch (error) {
      this.log.error('the reserve of disk space could not be made', { error });
      return false;
    }
  }

  #set(next: StoreSpace): void {
    const changed = next.reserve !== this.#state.reserve || next.spentAt !== this.#state.spentAt;
    this.#state = next;
    if (changed) this.events.emit('store.space', next);
  }
}
