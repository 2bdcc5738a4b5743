import { z } from 'zod';
import { PushMatrix, PushSheetLock } from './chief';
import { Id } from './exams';
import { Device, QueueEntry } from './queue';
import { IceServers, RoomState } from './room';
import { ReReviewRequest } from './scores';

/**
 * One WebSocket per client at `/api/v1/realtime`: an examiner's token in the `Authorization:
 * Bearer` header only; a device's there or in `?token=…` (browsers cannot set headers on a
 * WebSocket). Two kinds of client:
 *   - an examiner (examiner token): subscribes to slots, receives queue changes, quick messages,
 *     presence and re-review requests; joins the panel room of a live interview, subscribes to
 *     the candidate's two feeds and publishes their voice (talk-back);
 *   - a candidate device (device token, one per device, `main` or `side`): receives calls and
 *     prompts; publishes its camera when the platform asks, plays the panel's voices (main);
 *     sends quick messages.
 * The socket's presence is the device's presence: a candidate device whose socket closes while
 * the candidate is in the room starts an interruption.
 *
 * Media. Neither side ever speaks an SFU's own API: every peer connection is negotiated through
 * this socket with `signal` messages that carry simple-peer's signal objects (SDP offers and
 * answers, ICE candidates) under a `peerId` that names one peer connection. Who offers is fixed,
 * whichever route the room uses (common/platform/room.ts):
 *   - a feed: the examiner sends `feed_subscribe` with a fresh peerId; the offer comes from the
 *     platform (the SFU's subscriber, or the device itself on the direct route); the examiner
 *     answers. Its peer never sends media.
 *   - a device's camera: the platform sends the device `publish` with a peerId; the device offers
 *     (camera and microphone) and the platform answers (the SFU, or an examiner on the direct route).
 *   - a voice: the examiner sends `voice_publish` with a fresh peerId and offers its microphone;
 *     the main device gets `receive` with a peerId of the platform's choosing and an offer, which
 *     it answers and plays. No name or account id of an examiner ever reaches a device.
 * Either side ends a peer with `peer_close`; the platform tells the other with `peer_closed`. A
 * client that sees `peer_closed` for a feed subscribes again with a new peerId when it still
 * wants it (a republished device, a restarted SFU, a new room epoch).
 *
 * Liveness. Both sides send `heartbeat` every HEARTBEAT.intervalMs; a side that hears nothing at
 * all (any message counts) for HEARTBEAT.deadAfterMs takes the socket for dead, closes it and
 * reconnects (a client) or drops it (the platform). A phone that lost its network is so noticed
 * in about two seconds, not when TCP gives up.
 *
 * Every message is one JSON object with a `type`. Unknown or malformed messages are answered
 * with `{ type: 'error' }` and otherwise ignored; the socket stays open.
 */

export const HEARTBEAT = { intervalMs: 1000, deadAfterMs: 2500 } as const;

/** Largest signaling message either side may send, in bytes of JSON (an SDP with many codecs stays far below). */
export const MAX_SIGNAL_BYTES = 64 * 1024;

/**
 * Largest message the platform may push to a client, in bytes; a client closes a socket that
 * sends more (close code 1009). The largest pushes are a relayed signal (what a client sent, at
 * most MAX_SIGNAL_BYTES, with an entry and a peer id) and a room state, which with every string at
 * its longest and escaped (32 members, 8 ICE servers of 8 URLs) stays under 300 KiB.
 */
export const MAX_PUSH_BYTES = 1024 * 1024;

/** An SDP offer/answer or an ICE candidate, as simple-peer emits them; checked for shape by the receiving peer. */
export const SignalData = z.record(z.string(), z.unknown());

/** Names one peer connection; chosen by whoever opens it. */
export const PeerId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/);

/** Sent by every client and by the platform, every HEARTBEAT.intervalMs. */
export const Heartbeat = z.strictObject({ type: z.literal('heartbeat') });

// ── examiner → platform ─────────────────────────────────────────────────────────────
export const ExaminerSubscribe = z.strictObject({ type: z.literal('subscribe'), slotId: Id });
/** Enter the panel room of a called or live candidate (a panel member of the slot only). */
export const ExaminerRoomJoin = z.strictObject({ type: z.literal('room_join'), entryId: Id });
export const ExaminerRoomLeave = z.strictObject({ type: z.literal('room_leave'), entryId: Id });
/** Receive one of the candidate's cameras on a new peer; the platform's offer follows. */
export const ExaminerFeedSubscribe = z.strictObject({ type: z.literal('feed_subscribe'), entryId: Id, device: Device, peerId: PeerId });
/** Speak to the candidate on a new peer: this examiner's offer (audio only) follows. */
export const ExaminerVoicePublish = z.strictObject({ type: z.literal('voice_publish'), entryId: Id, peerId: PeerId });
/** Push-to-talk held or released (open mic counts as held): shown to the panel. */
export const ExaminerTalking = z.strictObject({ type: z.literal('talking'), entryId: Id, talking: z.boolean() });
export const ExaminerSignal = z.strictObject({
  type: z.literal('signal'),
  entryId: Id,
  peerId: PeerId,
  data: SignalData,
});
export const ExaminerPeerClose = z.strictObject({ type: z.literal('peer_close'), entryId: Id, peerId: PeerId });
export const ExaminerPrompt = z.strictObject({
  type: z.literal('prompt'),
  entryId: Id,
  text: z.string().min(1).max(500),
});
export const ExaminerMessage = z.discriminatedUnion('type', [
  ExaminerSubscribe,
  ExaminerRoomJoin,
  ExaminerRoomLeave,
  ExaminerFeedSubscribe,
  ExaminerVoicePublish,
  ExaminerTalking,
  ExaminerSignal,
  ExaminerPeerClose,
  ExaminerPrompt,
  Heartbeat,
]);
export type ExaminerMessage = z.infer<typeof ExaminerMessage>;

// ── candidate device → platform ────────────────────────────────────────────────────
export const CandidateSignal = z.strictObject({
  type: z.literal('signal'),
  peerId: PeerId,
  data: SignalData,
});
export const CandidatePeerClose = z.strictObject({ type: z.literal('peer_close'), peerId: PeerId });
/** Quick messages (快捷语): a preset id, or free text where the platform allows it. */
export const QUICK_MESSAGES = {
  cannot_hear: { zh: '听不到考官声音', en: 'I cannot hear the examiner' },
  cannot_see: { zh: '看不到考官画面', en: 'I cannot see the examiner' },
  network_poor: { zh: '网络不稳定', en: 'My network is unstable' },
  ready: { zh: '我已准备好', en: 'I am ready' },
  repeat_question: { zh: '请再说一遍题目', en: 'Please repeat the question' },
  device_problem: { zh: '设备出现问题', en: 'My device has a problem' },
} as const;
export const QuickMessageId = z.enum(Object.keys(QUICK_MESSAGES) as [keyof typeof QUICK_MESSAGES, ...(keyof typeof QUICK_MESSAGES)[]]);
export type QuickMessageId = z.infer<typeof QuickMessageId>;
export const CandidateQuickMessage = z.strictObject({ type: z.literal('quick_message'), messageId: QuickMessageId });
export const CandidateMessage = z.discriminatedUnion('type', [CandidateSignal, CandidatePeerClose, CandidateQuickMessage, Heartbeat]);
export type CandidateMessage = z.infer<typeof CandidateMessage>;

// ── platform → examiner ─────────────────────────────────────────────────────────────
export const PushHello = z.object({
  type: z.literal('hello'),
  role: z.enum(['examiner', 'candidate']),
  /** For a candidate device: which one it is. */
  device: Device.nullable(),
});
export const PushQueue = z.object({ type: z.literal('queue'), entry: QueueEntry });
export const PushPresence = z.object({
  type: z.literal('presence'),
  slotId: Id,
  entryId: Id,
  device: Device,
  online: z.boolean(),
});
export const PushSignalToExaminer = z.object({
  type: z.literal('signal'),
  entryId: Id,
  peerId: PeerId,
  data: SignalData,
});
/** The room's state changed (or the examiner joined it). */
export const PushRoom = z.object({ type: z.literal('room'), room: RoomState });
/** A peer of this examiner ended on the platform's side (device gone, SFU restarted, refused). */
export const PushPeerClosedToExaminer = z.object({
  type: z.literal('peer_closed'),
  entryId: Id,
  peerId: PeerId,
  reason: z.enum(['device_left', 'republished', 'sfu_restarted', 'refused', 'room_closed', 'failed']),
});
export const PushQuickMessage = z.object({
  type: z.literal('quick_message'),
  slotId: Id,
  entryId: Id,
  device: Device,
  messageId: QuickMessageId,
  text: z.object({ zh: z.string(), en: z.string() }),
  at: z.iso.datetime(),
});
export const PushReReview = z.object({ type: z.literal('re_review'), request: ReReviewRequest });
/** A refused message; `peerId` when it concerned one peer (that peer is then closed). */
export const PushError = z.object({ type: z.literal('error'), code: z.string(), message: z.string(), peerId: PeerId.optional() });

// ── platform → candidate device ─────────────────────────────────────────────────────
/** The examiner called this candidate: join the room (the examiner's offer follows). */
export const PushCall = z.object({ type: z.literal('call'), entryId: Id, at: z.iso.datetime() });
export const PushSignalToCandidate = z.object({ type: z.literal('signal'), peerId: PeerId, data: SignalData });
/** Open a sending peer with this id (camera, and microphone on the main device) and offer it. */
export const PushPublish = z.object({ type: z.literal('publish'), peerId: PeerId });
/** An offer for this peer id follows: answer it, receive only, and play its sound (the panel's voice). */
export const PushReceive = z.object({ type: z.literal('receive'), peerId: PeerId });
export const PushPeerClosedToCandidate = z.object({ type: z.literal('peer_closed'), peerId: PeerId });
export const PushPrompt = z.object({ type: z.literal('prompt'), text: z.string(), at: z.iso.datetime() });
/** The candidate's own queue state changed (e.g. interrupted → in_room, → failed). */
export const PushState = z.object({ type: z.literal('state'), entry: QueueEntry });

export const PushToExaminer = z.discriminatedUnion('type', [
  PushHello,
  PushQueue,
  PushPresence,
  PushSignalToExaminer,
  PushRoom,
  PushPeerClosedToExaminer,
  PushQuickMessage,
  PushReReview,
  PushSheetLock,
  PushMatrix,
  PushError,
  Heartbeat,
]);
export type PushToExaminer = z.infer<typeof PushToExaminer>;

/** A device's greeting also names the ICE servers its peers use (none but these). */
export const PushHelloToCandidate = PushHello.extend({ iceServers: IceServers });

export const PushToCandidate = z.discriminatedUnion('type', [
  PushHelloToCandidate,
  PushCall,
  PushSignalToCandidate,
  PushPublish,
  PushReceive,
  PushPeerClosedToCandidate,
  PushPrompt,
  PushState,
  PushError,
  Heartbeat,
]);
export type PushToCandidate = z.infer<typeof PushToCandidate>;
