import type { PlatformContext } from '../context';
import { interruptionDeadline, type QueueEvent, type QueueRow, type QueueStore } from '../state/queue';
import { publishEntry } from './entries';

/**
 * The 2-minute / 3-interruption rule of the candidate manual, driven by device presence: a
 * device dropping while its candidate is in the room starts an interruption with a timer on
 * ctx.clock; both devices back before it runs out resume the interview; otherwise it fails.
 */
export class Interruptions {
  /** Entry id → cancels that entry's interruption timer. */
  readonly #timers = new Map<string, () => void>();

  constructor(
    private readonly ctx: PlatformContext,
    private readonly store: QueueStore,
  ) {}

  /** A device of the candidate lost its connection. */
  deviceDropped(candidateId: string): void {
    const row = this.store.currentEntryOf(candidateId);
    if (row?.state !== 'in_room') return;
    const next = this.#apply(row, { kind: 'device_dropped' });
    if (next?.state === 'interrupted' && next.interruptedAt !== null) this.#schedule(next.id, next.interruptedAt);
  }

  /** A device of the candidate connected; the interruption ends once both are there. */
  deviceBack(candidateId: string): QueueRow | null {
    const row = this.store.currentEntryOf(candidateId);
    if (row?.state !== 'interrupted') return null;
    if (!this.ctx.notifier.isOnline(candidateId, 'main') || !this.ctx.notifier.isOnline(candidateId, 'side')) return null;
    this.#cancel(row.id);
    return this.#apply(row, { kind: 'devices_back' });
  }

  /**
   * At start: interruptions older than the rule allows (the platform was down meanwhile) fail now;
   * younger ones get a timer for the time they have left. Entries left `in_room` stay so: their
   * devices lost the platform, not the other way round, and count no interruption for it.
   */
  recover(): void {
    for (const row of this.store.interrupted()) {
      if (row.interruptedAt === null || interruptionDeadline(row.interruptedAt) <= this.ctx.clock.now()) {
        this.#apply(row, { kind: 'interruption_expired' });
      } else {
        this.#schedule(row.id, row.interruptedAt);
      }
    }
  }

  cancelAll(): void {
    for (const cancel of this.#timers.values()) cancel();
    this.#timers.clear();
  }

  #schedule(entryId: string, interruptedAt: string): void {
    this.#cancel(entryId);
    const delay = Math.max(0, interruptionDeadline(interruptedAt).getTime() - this.ctx.clock.now().getTime());
    const cancel = this.ctx.clock.schedule(delay, () => {
      this.#timers.delete(entryId);
      const row = this.store.entry(entryId);
      // A refusal here means the candidate came back or the entry moved on: nothing to do.
      if (row) this.#apply(row, { kind: 'interruption_expired' });
    });
    this.#timers.set(entryId, cancel);
  }

  #cancel(entryId: string): void {
    this.#timers.get(entryId)?.();
    this.#timers.delete(entryId);
  }

  #apply(row: QueueRow, event: QueueEvent): QueueRow | null {
    const result = this.store.apply(row.id, event);
    if (!result.ok) return null;
    publishEntry(this.ctx, this.store, result.row);
    return result.row;
  }
}
