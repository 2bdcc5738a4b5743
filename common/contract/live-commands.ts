import { z } from 'zod';
import { QueueEntry } from '../platform/queue';
import { command } from './command';
import { EntryRef, LiveConnection, LiveSignal, PromptInput, QueueView, ReReviewListView, SlotRef } from './live-schemas';
import { NoInput } from './schemas';

/** The live interview: queue, calling candidates in, signaling, messages (see main/services/live.ts). */
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
  'live.signal': command({
    summary: "Send a WebRTC signal to a candidate's device through the platform.",
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
