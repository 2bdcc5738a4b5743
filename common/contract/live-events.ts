import { QueueEntry } from '../platform/queue';
import { RoomState } from '../platform/room';
import { ReReviewRequest } from '../platform/scores';
import { LiveConnection, LivePeerClosed, LivePresence, LiveQuickMessage, LiveRefusal, LiveSignal } from './live-schemas';

/** Events of the live interview (queue changes, signaling, messages, presence). */
export const liveEvents = {
  /** One queue entry changed (state, devices, interruption count…). */
  'live.queueEntry': QueueEntry,
  'live.presence': LivePresence,
  /** The platform's WebRTC signal for one of the renderer's peers (a feed's offer, the voice's answer, candidates). */
  'live.signal': LiveSignal,
  /** A panel room this examiner is in changed (members, talking, submitted, route, extra time…). */
  'live.room': RoomState,
  /** The platform ended one of this examiner's peers; a wanted feed is subscribed again with a new peer id. */
  'live.peerClosed': LivePeerClosed,
  /** The platform refused a realtime message (e.g. direct_route_full). */
  'live.refused': LiveRefusal,
  'live.quickMessage': LiveQuickMessage,
  'live.connection': LiveConnection,
  /** The platform asks this examiner to look at a sheet again (deviation from the panel). */
  'reReview.requested': ReReviewRequest,
} as const;
