import { INTERRUPTION_RULE } from '@common/platform/queue';
import type { PlatformContext } from '../context';
import type { LogDetail, RoomLogStore } from '../room/log';
import { interruptionDeadline, type QueueEvent, type QueueRow, type QueueStore } from '../state/queue';
import { publishEntry } from './entries';

/**
 * The 2-minute / 3-interruption rule of the candidate manual, driven by device presence: a
 * device dropping while its candidate is in the room starts an interruption with a timer on
 * ctx.clock; both devices back before it runs out resume the interview; otherwise it fails.
 * Each step is written to the room log as `interruption` (interruptionDetail says what with).
 */
export class Interruptions {
  /** Entry id → cancels that entry's interruption timer. */
  readonly #timers = new Map<string, () => void>();

  constructor(
    private readonly ctx: PlatformContext,
    private readonly store: QueueStore,
    private readonly log: RoomLogStore,
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
        this.#apply(row, { kind: 'interruption_expired' }, true);
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

  #apply(row: QueueRow, event: QueueEvent, afterRestart = false): QueueRow | null {
    const result = this.store.apply(row.id, event);
    if (!result.ok) return null;
    const detail = interruptionDetail(result.row, row, this.ctx.clock.now());
    if (detail) this.log.append(row.id, null, 'interruption', afterRestart ? { ...detail, afterRestart } : detail);
    publishEntry(this.ctx, this.store, result.row);
    return result.row;
  }
}

/**
 * The room log's account of one step of the interruption rule, from the row before and after:
 * `decision` is `started` (with the deadline), `resumed` (both devices back in time) or `failed`
 * (`reason`: the fourth drop, `too_many_interruptions`, or the time ran out,
 * `interruption_timeout`); `count` is which interruption of the interview it is (of `max`), and
 * `seconds` how long it lasted, once it ended. Null for a step that is not the rule's.
 */
export function interruptionDetail(after: QueueRow, before: QueueRow, now: Date): LogDetail | null {
  const max = INTERRUPTION_RULE.maxInterruptions;
  const lasted = (): number => (before.interruptedAt === null ? 0 : Math.round((now.getTime() - Date.parse(before.interruptedAt)) / 1000));
  if (before.state === 'in_room') {
    if (after.state === 'interrupted' && after.interruptedAt !== null) {
      return { decision: 'started', count: after.interruptions, max, deadline: interruptionDeadline(after.interruptedAt).toISOString() };
    }
    if (after.state === 'failed') return { decision: 'failed', reason: after.failureReason, count: after.interruptions, max };
    return null;
  }
  if (before.state !== 'interrupted') return null;
  if (after.state === 'in_room') return { decision: 'resumed', count: before.interruptions, max, seconds: lasted() };
  if (after.state === 'failed') return { decision: 'failed', reason: after.failureReason, count: before.interruptions, max, seconds: lasted() };
  return null;
}
