import { z } from 'zod';
import { Id } from './exams';

/**
 * The panel room of a live interview (DESIGN.md, "The panel room and its SFU"): the candidate's
 * two devices and every panel member signed in on the slot. The platform keeps it; each member
 * gets its state as a `room` push (common/platform/realtime.ts) whenever it changes.
 *
 * Nothing here ever reaches the candidate: members are named to the panel only.
 */

/** How media flows: through the platform's SFU, or one direct peer per examiner per device. */
export const MediaRoute = z.enum(['sfu', 'direct']);
export type MediaRoute = z.infer<typeof MediaRoute>;

/**
 * Why the room uses its route: the SFU is up; none is configured or installed; it could not be
 * reached at start; it failed during the interview and is being restarted.
 */
export const RouteReason = z.enum(['sfu', 'sfu_not_installed', 'sfu_unreachable', 'sfu_restarting']);
export type RouteReason = z.infer<typeof RouteReason>;

/** The most examiners the direct route carries: each costs the candidate's phone two more uplinks. */
export const DIRECT_ROUTE_CAPACITY = 3;

/** Minutes the lead may add to the answering time at once. */
export const EXTENSION_MINUTES = [1, 2, 5] as const;

export const RoomRole = z.enum(['lead', 'member']);
export type RoomRole = z.infer<typeof RoomRole>;

export const RoomMember = z.object({
  /** Opaque and stable for this room; not the examiner's account id. */
  memberId: Id,
  displayName: z.string().min(1).max(100),
  role: RoomRole,
  /** The chief examiner (主考) of the exam, whether or not leading this room. */
  chief: z.boolean(),
  /** In the room now (their workstation has the interview open and its socket is alive). */
  present: z.boolean(),
  /** Has submitted a score sheet for this candidate (never the score itself). */
  submitted: z.boolean(),
  /** Speaking to the candidate now (push-to-talk held or open mic). */
  talking: z.boolean(),
});
export type RoomMember = z.infer<typeof RoomMember>;

/** A STUN or TURN address, as RTCPeerConnection takes it (`stun:host:port`, `turns:host?transport=tcp`). */
const IceUrl = z.string().max(512).regex(/^(stun|stuns|turn|turns):[^\s]+$/, 'a stun:, stuns:, turn: or turns: URL');

/**
 * One ICE server for the room's WebRTC peers, as the platform configures it (its own STUN and
 * TURN, never a public default: a peer asks these servers, and tells them its addresses). TURN
 * needs its credentials, which RTCPeerConnection would otherwise refuse at creation.
 */
export const IceServer = z
  .object({
    urls: z.union([IceUrl, z.array(IceUrl).min(1).max(8)]),
    username: z.string().max(512).exactOptional(),
    credential: z.string().max(512).exactOptional(),
  })
  .refine((server) => ![server.urls].flat().some((url) => url.startsWith('turn')) || (server.username !== undefined && server.credential !== undefined), {
    error: 'a TURN server needs a username and a credential',
  });
export type IceServer = z.infer<typeof IceServer>;

/** The ICE servers of a platform; empty on loopback, where host candidates are all there is. */
export const IceServers = z.array(IceServer).max(8);

export const RoomState = z.object({
  entryId: Id,
  slotId: Id,
  route: MediaRoute,
  routeReason: RouteReason,
  /** How many examiners the direct route carries (DIRECT_ROUTE_CAPACITY). */
  directCapacity: z.number().int().positive(),
  /**
   * Grows whenever the room's media had to be set up again (the SFU restarted): every client
   * drops its peers of an older epoch and subscribes again.
   */
  epoch: z.number().int().nonnegative(),
  /** The receiving member's own id. */
  you: Id,
  /** The lead's member id; null if the panel has none on this slot. */
  lead: Id.nullable(),
  /** Every panel member of the slot, present or not, in the panel's order. */
  members: z.array(RoomMember).max(32),
  /** Seconds the lead added to the subject's answering time. */
  extraSeconds: z.number().int().nonnegative(),
  /** Grows with every change; a client keeps the highest. */
  revision: z.number().int().nonnegative(),
  /** The ICE servers every peer of this room uses (`config.iceServers`); none but these. */
  iceServers: IceServers,
});
export type RoomState = z.infer<typeof RoomState>;

/**
 * The lead's controls beyond call / call next / finish / absent (HTTP bodies). An extension's
 * `reason` goes into the exam-room log; optional, for clients that send none.
 */
export const ExtendTime = z.strictObject({
  minutes: z.union([z.literal(1), z.literal(2), z.literal(5)]),
  reason: z.string().trim().min(2).max(500).optional(),
});
export type ExtendTime = z.infer<typeof ExtendTime>;

/** Let a candidate failed by the interruption rule back into the queue: a 考务 decision with a reason. */
export const Readmit = z.strictObject({ reason: z.string().trim().min(2).max(500) });
export type Readmit = z.infer<typeof Readmit>;

/** Move a waiting candidate later (after a technical failure): past `places` others, or to the end. */
export const MoveEntry = z.discriminatedUnion('to', [
  z.strictObject({ to: z.literal('later'), places: z.number().int().min(1).max(500) }),
  z.strictObject({ to: z.literal('end') }),
]);
export type MoveEntry = z.infer<typeof MoveEntry>;

/** One line of the exam-room log (考场记录): who did what, when. */
/**
 * What a line of the exam-room log (考场记录) records: the lead's controls (call, finish, absent,
 * extend, readmit, move), members joining and leaving, the media route, and what the platform
 * sees by itself: a candidate device connecting and dropping (`detail.device`), a face-check
 * attempt and its result, a prompt or quick message sent, an interruption and what the rule
 * decided, a member's sheet submitted (never its score).
 */
export const RoomLogAction = z.enum([
  'call',
  'finish',
  'absent',
  'extend',
  'readmit',
  'move',
  'join',
  'leave',
  'route',
  'device_connect',
  'device_drop',
  'face_check',
  'prompt',
  'quick_message',
  'interruption',
  'submit',
  /** A member recused themselves from the candidate (the reason category; the note stays with the chief). */
  'recusal',
]);
export type RoomLogAction = z.infer<typeof RoomLogAction>;
export const RoomLogLine = z.object({
  at: z.iso.datetime(),
  action: RoomLogAction,
  /** The examiner's display name; null for the platform itself. */
  actor: z.string().nullable(),
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});
export type RoomLogLine = z.infer<typeof RoomLogLine>;
export const RoomLog = z.object({ entryId: Id, lines: z.array(RoomLogLine) });
export type RoomLog = z.infer<typeof RoomLog>;
