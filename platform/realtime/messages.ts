import { QUICK_MESSAGES, type CandidateQuickMessage, type ExaminerSubscribe } from '@common/platform/realtime';
import type { QueueState } from '@common/platform/queue';
import type { z } from 'zod';
import type { PlatformContext } from '../context';
import { devicesLogged, type RoomLogStore } from '../room/log';
import { LIVE_STATES, type QueueStore } from '../state/queue';
import { send, sendError, type DeviceClient, type ExaminerClient } from './clients';
import { examinerEntries } from './entries';
import type { QuickMessageLimiter } from './quick-message-limit';

/**
 * The realtime messages that are not about a panel room (those go to platform/room/rooms.ts):
 * an examiner's slot subscription and a candidate's quick messages.
 */

/** States in which a candidate may send quick messages: queued or with the examiner. */
const QUICK_MESSAGE_STATES: readonly QueueState[] = ['waiting', ...LIVE_STATES];

/**
 * Subscribing answers with every entry of the slot as a `queue` push: a client that subscribes,
 * then reads the snapshot, misses no change, and the first push tells it the subscription holds.
 */
export function onSlotSubscribe(ctx: PlatformContext, store: QueueStore, client: ExaminerClient, message: z.infer<typeof ExaminerSubscribe>): void {
  if (!ctx.catalog.sitsOn(client.examinerId, message.slotId)) return sendError(client.socket, 'not_found', 'no such slot');
  client.slots.add(message.slotId);
  for (const entry of examinerEntries(ctx, store.slotEntries(message.slotId), client.examinerId)) {
    send(client.socket, { type: 'queue', entry });
  }
}

/**
 * Quick messages from a candidate's device go to every examiner watching the slot, at the rate
 * the limiter allows (QUICK_MESSAGE_RATE); beyond it the device hears `rate_limited` and nothing
 * reaches the panel. Checked first: a flood costs no database read. Each message let through is
 * in the room log (`quick_message`: messageId, device); of a run of refused ones only the first
 * is (`refused: true`), so a flood adds at most one line per message the limit lets through.
 */
export function onQuickMessage(
  ctx: PlatformContext,
  store: QueueStore,
  limiter: QuickMessageLimiter,
  log: RoomLogStore,
  client: DeviceClient,
  message: z.infer<typeof CandidateQuickMessage>,
): void {
  const allowed = limiter.take(client.candidateId, client.device, ctx.clock.now().getTime());
  if (!allowed.allowed) {
    if (allowed.first) {
      const row = store.currentEntryOf(client.candidateId);
      if (row && devicesLogged(row.state)) {
        log.append(row.id, null, 'quick_message', { messageId: message.messageId, device: client.device, refused: true });
      }
    }
    const seconds = Math.ceil(allowed.retryAfterMs / 1000);
    return sendError(client.socket, 'rate_limited', `too many quick messages: the next one may be sent in ${seconds} s`);
  }
  const row = store.currentEntryOf(client.candidateId);
  if (!row || !QUICK_MESSAGE_STATES.includes(row.state)) {
    return sendError(client.socket, 'forbidden', 'quick messages are for candidates in the queue or the room');
  }
  log.append(row.id, null, 'quick_message', { messageId: message.messageId, device: client.device });
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
}
