import { z } from 'zod';
import type { JanusCandidate } from './janus-messages';
import type { SignalObject } from './sfu';

/**
 * simple-peer's signal objects (see sfu.ts), checked before they reach Janus, and the
 * translation of ICE candidates between simple-peer and Janus's trickle.
 */

/** An SDP far larger than any real one is refused, not forwarded. */
const MAX_SDP_CHARS = 100_000;

const sdp = z.string().min(1).max(MAX_SDP_CHARS);

export const clientSignalSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('offer'), sdp }),
  z.looseObject({ type: z.literal('answer'), sdp }),
  z.looseObject({
    type: z.literal('candidate'),
    candidate: z.looseObject({
      candidate: z.string().max(2_000),
      sdpMid: z.string().max(64).nullish(),
      sdpMLineIndex: z.number().int().nonnegative().max(1_000).nullish(),
    }),
  }),
  // Kinds simple-peer can send that the SFU's peers never need: recognised only to be refused.
  z.looseObject({ type: z.literal('renegotiate') }),
  z.looseObject({ type: z.literal('transceiverRequest') }),
]);
export type ClientSignal = z.infer<typeof clientSignalSchema>;

/** A client's candidate as Janus takes it; an empty candidate string means "no more". */
export function toJanusCandidate(signal: Extract<ClientSignal, { type: 'candidate' }>): JanusCandidate {
  const { candidate, sdpMid, sdpMLineIndex } = signal.candidate;
  if (candidate === '') return { completed: true };
  return {
    candidate,
    ...(sdpMid !== undefined && sdpMid !== null ? { sdpMid } : {}),
    ...(sdpMLineIndex !== undefined && sdpMLineIndex !== null ? { sdpMLineIndex } : {}),
  };
}

/** Janus's trickled candidate as simple-peer's signal; null for Janus's end of candidates. */
export function fromJanusCandidate(candidate: JanusCandidate): SignalObject | null {
  if (!('candidate' in candidate)) return null;
  return {
    type: 'candidate',
    candidate: {
      candidate: candidate.candidate,
      sdpMid: candidate.sdpMid ?? null,
      sdpMLineIndex: candidate.sdpMLineIndex ?? null,
    },
  };
}

export interface OfferedStream {
  readonly kind: 'audio' | 'video';
  readonly mid: string;
}

/**
 * The audio and video m-lines of an SDP offer with their mids (a=mid), in order: a subscription
 * can then ask Janus for only some of a feed's streams (Janus names a publisher's streams by
 * the mids of its offer). m-lines that are not sent (port 0, inactive, recvonly) are left out.
 */
export function offeredStreams(sdpText: string): OfferedStream[] {
  const streams: OfferedStream[] = [];
  const sections = sdpText.split(/\r?\nm=/).slice(1);
  for (const section of sections) {
    const kind = section.startsWith('audio ') ? 'audio' : section.startsWith('video ') ? 'video' : null;
    if (!kind) continue;
    if (/^\S+ 0 /.test(section)) continue;
    if (/\r?\na=(inactive|recvonly)\b/.test(section)) continue;
    const mid = /\r?\na=mid:(\S+)/.exec(section)?.[1];
    if (mid) streams.push({ kind, mid });
  }
  return streams;
}
