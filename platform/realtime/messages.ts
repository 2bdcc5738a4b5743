import { QUICK_MESSAGES, type CandidateMessage, type ExaminerMessage } from '@common/platform/realtime';
import type { QueueState } from '@common/platform/queue';
import type { PlatformContext } from '../context';
import { LIVE_STATES, type QueueRow, type QueueStore } from '../state/queue';
import { send, sendError, type DeviceClient, type ExaminerClient } from './clients';
import { examinerEntry } from './entries';

/** States in which a candidate may send quick messages: queued or with the examiner. */
const QUICK_MESSAGE_STATES: readonly QueueState[] = ['waiting', ...LIVE_STATES];

/**
 * What examiners' sockets may ask for. Subscribing answers with every entry of the slot as a
 * `queue` push: a client that subscribes, then reads the snapshot, misses no change, and the
 * first push tells it the subscription holds.
 */
export function onExaminerMessage(ctx: PlatformContext, store: QueueStore, client: ExaminerClient, message: ExaminerMessage): void {
  switch (message.type) {
    case 'subscribe': {
      if (!ctx.catalog.sitsOn(client.examinerId, message.slotId)) return sendError(client.socket, 'not_found', 'no such slot');
      client.slots.add(message.slotId);
      for (const row of store.slotEntries(message.slotId)) {
        send(client.socket, { type: 'queue', entry: examinerEntry(ctx, row, client.examinerId) });
      }
      return;
    }
    case 'signal': {
      const row = calledByThisExaminer(ctx, store, client, message.entryId);
      if (!row) return;
      if (!ctx.notifier.isOnline(row.candidateId, message.device)) {
        return sendError(client.socket, 'device_offline', `the ${message.device} device is not connected`);
      }
      ctx.notifier.toCandidate(row.candidateId, message.device, { type: 'signal', peerId: message.peerId, data: message.data });
      return;
    }
    case 'prompt': {
      const row = calledByThisExaminer(ctx, store, client, message.entryId);
      if (!row) return;
      ctx.notifier.toCandidate(row.candidateId, 'both', { type: 'prompt', text: message.text, at: ctx.clock.now().toISOString() });
      return;
    }
  }
}

/** The entry if this examiner called it and it is live; otherwise null, and the examiner is told why. */
function calledByThisExaminer(ctx: PlatformContext, store: QueueStore, client: ExaminerClient, entryId: string): QueueRow | null {
  const row = store.entry(entryId);
  if (!row || !ctx.catalog.sitsOn(client.examinerId, row.slotId)) {
    sendError(client.socket, 'not_found', 'no such queue entry');
    return null;
  }
  if (row.calledBy !== client.examinerId || !LIVE_STATES.includes(row.state)) {
    sendError(client.socket, 'forbidden', 'only the examiner who called this candidate talks to their devices');
    return null;
  }
  return row;
}

/** What candidate devices' sockets may send: signaling to the calling examiner, quick messages to the panel. */
export function onDeviceMessage(ctx: PlatformContext, store: QueueStore, client: DeviceClient, message: CandidateMessage): void {
  const row = store.currentEntryOf(client.candidateId);
  switch (message.type) {
    case 'signal': {
      if (!row || row.calledBy === null || !LIVE_STATES.includes(row.state)) {
        return sendError(client.socket, 'forbidden', 'no examiner has called you in');
      }
      ctx.notifier.toExaminer(row.calledBy, {
        type: 'signal',
        entryId: row.id,
        device: client.device,
        peerId: message.peerId,
        data: message.data,
      });
      return;
    }
    case 'quick_message': {
      if (!row || !QUICK_MESSAGE_STATES.includes(row.state)) {
        return sendError(client.socket, 'forbidden', 'quick messages are for candidates in the queue or the room');
      }
      const at = ctx.clock.now().toISOString();
      const text = QUICK_MESSAGES[message.messageId];
      ctx.notifier.toSlot(row.slotId, () => ({
        type: 'quick_message',
        slotId: row.slotId,
        entryId: row.id,
        device: client.device,
        messageId: message.messageId,
        text: { zh: text.zh, en: text.en },
        at,
      }));
      return;
    }
  }
}
