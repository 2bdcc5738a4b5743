import { QueueEntry } from '../platform/queue';
import { ReReviewRequest } from '../platform/scores';
import { LiveConnection, LivePresence, LiveQuickMessage, LiveSignal } from './live-schemas';

/** Events of the live interview (queue changes, signaling, messages, presence). */
export const liveEvents = {
  /** One queue entry changed (state, devices, interruption count…). */
  'live.queueEntry': QueueEntry,
  'live.presence': LivePresence,
  /** A candidate device's WebRTC signal for the renderer's peer. */
  'live.signal': LiveSignal,
  'live.quickMessage': LiveQuickMessage,
  'live.connection': LiveConnection,
  /** The platform asks this examiner to look at a sheet again (deviation from the panel). */
  'reReview.requested': ReReviewRequest,
} as const;
