import { z } from 'zod';
import { Id } from '../platform/exams';
import { Device, QueueEntry, QueueSnapshot } from '../platform/queue';
import { MAX_SIGNAL_BYTES, PeerId, PushPeerClosedToExaminer, QuickMessageId, SignalData } from '../platform/realtime';
import { MoveEntry } from '../platform/room';
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

/** A signal's JSON stays within what the platform relays (MAX_SIGNAL_BYTES); bigger is refused here, not there. */
const BoundedSignalData = SignalData.refine((data) => JSON.stringify(data).length <= MAX_SIGNAL_BYTES, {
  message: `a signal is at most ${MAX_SIGNAL_BYTES} bytes of JSON`,
});

/**
 * A WebRTC signal of one of the renderer's peers in a panel room (a feed it subscribed to, or
 * its voice), relayed by main and the platform. The peer id alone names the connection: the
 * platform knows which feed or voice it belongs to.
 */
export const LiveSignal = z.strictObject({
  entryId: Id,
  peerId: PeerId,
  data: BoundedSignalData,
});
export type LiveSignal = z.infer<typeof LiveSignal>;

/** The panel room of one queue entry (join, leave, the room log). */
export const RoomRef = z.strictObject({ entryId: Id });
export type RoomRef = z.infer<typeof RoomRef>;

/** Receive one camera of the candidate on a new peer; the platform's offer follows as live.signal. */
export const FeedSubscribeInput = z.strictObject({ entryId: Id, device: Device, peerId: PeerId });
export type FeedSubscribeInput = z.infer<typeof FeedSubscribeInput>;

/** Speak to the candidate on a new peer: the renderer's offer (audio only) follows as live.signal. */
export const VoicePublishInput = z.strictObject({ entryId: Id, peerId: PeerId });
export type VoicePublishInput = z.infer<typeof VoicePublishInput>;

/** Push-to-talk held or released (open mic counts as held). */
export const TalkingInput = z.strictObject({ entryId: Id, talking: z.boolean() });
export type TalkingInput = z.infer<typeof TalkingInput>;

export const PeerCloseInput = z.strictObject({ entryId: Id, peerId: PeerId });
export type PeerCloseInput = z.infer<typeof PeerCloseInput>;

/** The lead adds 1, 2 or 5 minutes to the answering time. */
/** The lead adds time; the reason, when given, goes into the exam-room log with it. */
export const ExtendInput = z.strictObject({
  slotId: Id,
  entryId: Id,
  minutes: z.union([z.literal(1), z.literal(2), z.literal(5)]),
  reason: z.string().trim().min(2).max(500).optional(),
});
export type ExtendInput = z.infer<typeof ExtendInput>;

/** The lead lets a candidate failed by the interruption rule back in (a 考务 decision with its reason). */
export const ReadmitInput = z.strictObject({ slotId: Id, entryId: Id, reason: z.string().trim().min(2).max(500) });
export type ReadmitInput = z.infer<typeof ReadmitInput>;

/** The lead moves a waiting candidate later in the queue, or to its end. */
export const MoveInput = z.strictObject({ slotId: Id, entryId: Id, move: MoveEntry });
export type MoveInput = z.infer<typeof MoveInput>;

export const RoomLogInput = z.strictObject({ slotId: Id, entryId: Id });

/** One of this examiner's peers was ended by the platform (device gone, SFU restarted, refused…). */
export const LivePeerClosed = z.strictObject({ entryId: Id, peerId: PeerId, reason: PushPeerClosedToExaminer.shape.reason });
export type LivePeerClosed = z.infer<typeof LivePeerClosed>;

/**
 * The platform refused a realtime message of this examiner (e.g. `direct_route_full`: the direct
 * route carries no more examiners); `peerId` names the peer it closed for it, when one.
 */
export const LiveRefusal = z.strictObject({
  code: z.string().max(100),
  message: z.string().max(2000),
  peerId: PeerId.nullable(),
});
export type LiveRefusal = z.infer<typeof LiveRefusal>;

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
