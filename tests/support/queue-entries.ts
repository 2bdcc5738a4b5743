import type { QueueEntry, QueueState } from '@common/platform';

/** A queue entry for tests: a candidate of `slotId` with an appointment `minute` minutes into 1 May 2026. */
export function queueEntry(entryId: string, slotId: string, candidateCode: string, minute: number, state: QueueState, extra: Partial<QueueEntry> = {}): QueueEntry {
  return {
    entryId,
    slotId,
    candidateCode,
    appointmentAt: new Date(Date.UTC(2026, 4, 1, 1, minute)).toISOString(),
    state,
    faceAttempts: 0,
    interruptions: 0,
    interruptedAt: null,
    devices: { main: false, side: false },
    checkedInAt: null,
    calledAt: null,
    enteredAt: null,
    finishedAt: null,
    failureReason: null,
    revision: 1,
    ...extra,
  };
}
