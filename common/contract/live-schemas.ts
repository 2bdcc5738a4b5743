import { z } from 'zod';
import { Id } from '../platform/exams';
import { Device, QueueEntry, QueueSnapshot } from '../platform/queue';
import { QuickMessageId, SignalData } from '../platform/realtime';
import { ReReviewRequest } from '../platform/scores';
import { Freshness } from './store-schemas';

/** Schemas of the live interview: the slot's queue, calling in, signaling, messages. */

export const SlotRef = z.strictObject({ slotId: Id });
export const EntryRef = z.strictObject({ slotId: Id, entryId: Id });

export const QueueView = z.strictObject({ queue: QueueSnapshot, freshness: Freshness });
export type QueueView = z.infer<typeof QueueView>;

/** The examiner's realtime connection to the platform, held by main. */
export const LiveConnection = z.strictObject({
  state: z.enum(['connected', 'connecting', 'offline', 'signed_out']),
  /** Slots whose changes this workstation receives. */
  slots: z.array(Id),
});
export type LiveConnection = z.infer<typeof LiveConnection>;

/** A WebRTC signal between the renderer's peer and a candidate device, relayed by main and the platform. */
export const LiveSignal = z.strictObject({
  entryId: Id,
  device: Device,
  peerId: Id,
  data: SignalData,
});
export type LiveSignal = z.infer<typeof LiveSignal>;

export const PromptInput = z.strictObject({ entryId: Id, text: z.string().trim().min(1).max(500) });

export const LivePresence = z.strictObject({ slotId: Id, entryId: Id, device: Device, online: z.boolean() });
export type LivePresence = z.infer<typeof LivePresence>;

export const LiveQuickMessage = z.strictObject({
  slotId: Id,
  entryId: Id,
  device: Device,
  messageId: QuickMessageId,
  text: z.strictObject({ zh: z.string(), en: z.string() }),
  at: z.iso.datetime(),
});
export type LiveQuickMessage = z.infer<typeof LiveQuickMessage>;

export const ReReviewListView = z.strictObject({ requests: z.array(ReReviewRequest), freshness: Freshness });
export type ReReviewListView = z.infer<typeof ReReviewListView>;

export { QueueEntry };
