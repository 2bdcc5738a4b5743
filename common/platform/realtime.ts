import { z } from 'zod';
import { Id } from './exams';
import { Device, QueueEntry } from './queue';
import { ReReviewRequest } from './scores';

/**
 * One WebSocket per client at `/api/v1/realtime?token=…` (browsers cannot set headers on a
 * WebSocket, so the bearer token rides in the query). Two kinds of client:
 *   - an examiner (examiner token): subscribes to slots, receives queue changes, quick messages,
 *     presence and re-review requests; exchanges WebRTC signaling with candidate devices;
 *   - a candidate device (device token, one per device, `main` or `side`): receives calls and
 *     prompts; exchanges signaling with the examiner who called; sends quick messages.
 * The socket's presence is the device's presence: a candidate device whose socket closes while
 * the candidate is in the room starts an interruption.
 *
 * Every message is one JSON object with a `type`. Unknown or malformed messages are answered
 * with `{ type: 'error' }` and otherwise ignored; the socket stays open.
 */

/** An SDP offer/answer or an ICE candidate, as simple-peer emits them; relayed untouched. */
export const SignalData = z.record(z.string(), z.unknown());

// ── examiner → platform ─────────────────────────────────────────────────────────────
export const ExaminerSubscribe = z.strictObject({ type: z.literal('subscribe'), slotId: Id });
export const ExaminerSignal = z.strictObject({
  type: z.literal('signal'),
  entryId: Id,
  device: Device,
  /** Identifies one peer connection; a reconnect after an interruption uses a new one. */
  peerId: Id,
  data: SignalData,
});
export const ExaminerPrompt = z.strictObject({
  type: z.literal('prompt'),
  entryId: Id,
  text: z.string().min(1).max(500),
});
export const ExaminerMessage = z.discriminatedUnion('type', [ExaminerSubscribe, ExaminerSignal, ExaminerPrompt]);
export type ExaminerMessage = z.infer<typeof ExaminerMessage>;

// ── candidate device → platform ────────────────────────────────────────────────────
export const CandidateSignal = z.strictObject({
  type: z.literal('signal'),
  peerId: Id,
  data: SignalData,
});
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
export const CandidateMessage = z.discriminatedUnion('type', [CandidateSignal, CandidateQuickMessage]);
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
  device: Device,
  peerId: Id,
  data: SignalData,
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
export const PushError = z.object({ type: z.literal('error'), code: z.string(), message: z.string() });

// ── platform → candidate device ─────────────────────────────────────────────────────
/** The examiner called this candidate: join the room (the examiner's offer follows). */
export const PushCall = z.object({ type: z.literal('call'), entryId: Id, at: z.iso.datetime() });
export const PushSignalToCandidate = z.object({ type: z.literal('signal'), peerId: Id, data: SignalData });
export const PushPrompt = z.object({ type: z.literal('prompt'), text: z.string(), at: z.iso.datetime() });
/** The candidate's own queue state changed (e.g. interrupted → in_room, → failed). */
export const PushState = z.object({ type: z.literal('state'), entry: QueueEntry });

export const PushToExaminer = z.discriminatedUnion('type', [
  PushHello,
  PushQueue,
  PushPresence,
  PushSignalToExaminer,
  PushQuickMessage,
  PushReReview,
  PushError,
]);
export type PushToExaminer = z.infer<typeof PushToExaminer>;

export const PushToCandidate = z.discriminatedUnion('type', [
  PushHello,
  PushCall,
  PushSignalToCandidate,
  PushPrompt,
  PushState,
  PushError,
]);
export type PushToCandidate = z.infer<typeof PushToCandidate>;
