import { z } from 'zod';
import { QueueEntry } from '../platform/queue';
import { RoomLog } from '../platform/room';
import { command } from './command';
import {
  EntryRef,
  ExtendInput,
  FeedSubscribeInput,
  LiveConnection,
  LiveSignal,
  MoveInput,
  PeerCloseInput,
  PromptInput,
  QueueView,
  ReadmitInput,
  ReReviewListView,
  RoomLogInput,
  RoomRef,
  SlotRef,
  TalkingInput,
  VoicePublishInput,
} from './live-schemas';
import { NoInput } from './schemas';

/**
 * The live interview: queue, the panel room, the lead's controls, signaling, messages (see
 * main/services/live-service.ts). The lead's controls answer `not_lead` to anyone else.
 */
export const liveCommands = {
  'live.getQueue': command({
    summary: "A slot's queue (cached when the platform is unreachable); its changes then arrive as live.queueEntry.",
    input: SlotRef,
    output: QueueView,
  }),
  'live.call': command({
    summary: 'Call a waiting candidate into the room.',
    input: EntryRef,
    output: QueueEntry,
  }),
  'live.callNext': command({
    summary: 'Call the first waiting candidate by appointment; null when nobody is waiting.',
    input: SlotRef,
    output: QueueEntry.nullable(),
  }),
  'live.finish': command({
    summary: 'End the interview of the candidate in the room.',
    input: EntryRef,
    output: QueueEntry,
  }),
  'live.markAbsent': command({
    summary: 'Mark a candidate who has not come as absent.',
    input: EntryRef,
    output: QueueEntry,
  }),
  'live.extend': command({
    summary: 'Add 1, 2 or 5 minutes to the answering time (the lead only).',
    input: ExtendInput,
    output: QueueEntry,
  }),
  'live.readmit': command({
    summary: 'Let a candidate failed by the interruption rule back in, with the reason (the lead only).',
    input: ReadmitInput,
    output: QueueEntry,
  }),
  'live.move': command({
    summary: 'Move a waiting candidate later in the queue or to its end (the lead only).',
    input: MoveInput,
    output: QueueEntry,
  }),
  'live.roomLog': command({
    summary: "The exam-room log of one candidate's interview: who did what, when.",
    input: RoomLogInput,
    output: RoomLog,
  }),
  'live.roomJoin': command({
    summary: "Enter the panel room of a called or live candidate; its state then arrives as live.room (joined again after a reconnect).",
    input: RoomRef,
    output: z.null(),
  }),
  'live.roomLeave': command({
    summary: 'Leave the panel room (the interview goes on without this examiner).',
    input: RoomRef,
    output: z.null(),
  }),
  'live.feedSubscribe': command({
    summary: "Receive one of the candidate's cameras on a new peer; the platform's offer follows as live.signal.",
    input: FeedSubscribeInput,
    output: z.null(),
  }),
  'live.voicePublish': command({
    summary: "Speak to the candidate on a new peer (audio only); this examiner's offer follows with live.signal.",
    input: VoicePublishInput,
    output: z.null(),
  }),
  'live.talking': command({
    summary: 'Tell the panel that this examiner started or stopped speaking to the candidate.',
    input: TalkingInput,
    output: z.null(),
  }),
  'live.peerClose': command({
    summary: 'End one of this examiner’s peers in the room (a feed or the voice).',
    input: PeerCloseInput,
    output: z.null(),
  }),
  'live.signal': command({
    summary: 'Send a WebRTC signal of one of this examiner’s peers through the platform.',
    input: LiveSignal,
    output: z.null(),
  }),
  'live.prompt': command({
    summary: "Send a prompt to the candidate's devices.",
    input: PromptInput,
    output: z.null(),
  }),
  'live.getConnection': command({
    summary: "The state of the examiner's realtime connection to the platform.",
    input: NoInput,
    output: LiveConnection,
  }),
  'reReviews.list': command({
    summary: 'Open re-review requests for the signed-in examiner (cached when offline).',
    input: NoInput,
    output: ReReviewListView,
  }),
} as const;
