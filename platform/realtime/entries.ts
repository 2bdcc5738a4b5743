import type { DeviceStatus, QueueEntry } from '@common/platform/queue';
import type { PlatformContext } from '../context';
import { QueueStore, type QueueRow } from '../state/queue';

/**
 * How a queue entry looks to each side, and how a committed change reaches everyone: examiners
 * watching the slot get it with their own code, the candidate's devices get their own view, and
 * the panel rooms hear of it (a room opens and closes with its entry's live states).
 */

export function devicesOf(ctx: PlatformContext, candidateId: string): DeviceStatus {
  return { main: ctx.notifier.isOnline(candidateId, 'main'), side: ctx.notifier.isOnline(candidateId, 'side') };
}

function entryWithCode(ctx: PlatformContext, row: QueueRow, candidateCode: string, order?: number): QueueEntry {
  return {
    entryId: row.id,
    slotId: row.slotId,
    candidateCode,
    appointmentAt: row.appointmentAt,
    state: row.state,
    faceAttempts: row.faceAttempts,
    interruptions: row.interruptions,
    interruptedAt: row.interruptedAt,
    devices: devicesOf(ctx, row.candidateId),
    checkedInAt: row.checkedInAt,
    calledAt: row.calledAt,
    enteredAt: row.enteredAt,
    finishedAt: row.finishedAt,
    failureReason: row.failureReason,
    revision: row.revision,
    ...(order !== undefined && { order }),
  };
}

/** The entry as one examiner sees it: their blind code for the candidate, its place in the calling order. */
export function examinerEntry(ctx: PlatformContext, row: QueueRow, examinerId: string, order?: number): QueueEntry {
  const place = order ?? new QueueStore(ctx.db, ctx.clock).orderOf(row);
  return entryWithCode(ctx, row, ctx.codes.codeFor(examinerId, row.candidateId), place > 0 ? place : undefined);
}

/** A slot's entries in calling order (as `slotEntries` returns them), as one examiner sees them. */
export function examinerEntries(ctx: PlatformContext, rows: readonly QueueRow[], examinerId: string): QueueEntry[] {
  return rows.map((row, index) => examinerEntry(ctx, row, examinerId, index + 1));
}

/**
 * The entry as the candidate's own devices see it. Its `candidateCode` is the candidate's place
 * in the slot's appointment order ("007"), never an examiner's code: a candidate who knew a code
 * could say it on camera and undo blind grading.
 */
export function candidateEntry(ctx: PlatformContext, store: QueueStore, row: QueueRow): QueueEntry {
  return entryWithCode(ctx, row, String(store.placeOf(row)).padStart(3, '0'));
}

/**
 * Pushes a committed change: `queue` to the slot's examiners, `state` to both of the candidate's
 * devices, and the change to the panel rooms.
 */
export function publishEntry(ctx: PlatformContext, store: QueueStore, row: QueueRow): void {
  const order = store.orderOf(row);
  ctx.notifier.toSlot(row.slotId, (examinerId) => ({ type: 'queue', entry: examinerEntry(ctx, row, examinerId, order) }));
  ctx.notifier.toCandidate(row.candidateId, 'both', { type: 'state', entry: candidateEntry(ctx, store, row) });
  ctx.rooms.entryChanged(row);
}
