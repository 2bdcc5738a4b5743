import { z } from 'zod';

/**
 * What Janus says over its WebSocket API (janus-protocol), validated before anything reads it.
 * Janus adds fields over versions, so objects are loose; what we use is checked.
 */

const id = z.number().int().nonnegative();

export const jsepSchema = z.looseObject({
  type: z.enum(['offer', 'answer']),
  sdp: z.string().min(1),
});
export type Jsep = z.infer<typeof jsepSchema>;

const pluginDataSchema = z.looseObject({
  plugin: z.string(),
  data: z.record(z.string(), z.unknown()),
});
export type PluginData = z.infer<typeof pluginDataSchema>;

/** An ICE candidate as Janus trickles it, or the end of its candidates. */
export const janusCandidateSchema = z.union([
  z.looseObject({ completed: z.literal(true) }),
  z.looseObject({
    candidate: z.string(),
    sdpMid: z.string().nullish(),
    sdpMLineIndex: z.number().int().nonnegative().nullish(),
  }),
]);
export type JanusCandidate = z.infer<typeof janusCandidateSchema>;

const base = { transaction: z.string().optional(), session_id: id.optional(), sender: id.optional() };

export const janusMessageSchema = z.discriminatedUnion('janus', [
  z.looseObject({ ...base, janus: z.literal('ack') }),
  z.looseObject({ ...base, janus: z.literal('pong') }),
  z.looseObject({
    ...base,
    janus: z.literal('success'),
    data: z.looseObject({ id: id.optional() }).optional(),
    plugindata: pluginDataSchema.optional(),
  }),
  z.looseObject({
    ...base,
    janus: z.literal('error'),
    error: z.looseObject({ code: z.number(), reason: z.string().nullish() }),
  }),
  z.looseObject({ ...base, janus: z.literal('server_info'), version: z.number(), name: z.string().optional() }),
  z.looseObject({ ...base, janus: z.literal('event'), plugindata: pluginDataSchema, jsep: jsepSchema.optional() }),
  z.looseObject({ ...base, janus: z.literal('webrtcup') }),
  z.looseObject({ ...base, janus: z.literal('hangup'), reason: z.string().optional() }),
  z.looseObject({ ...base, janus: z.literal('detached') }),
  z.looseObject({ ...base, janus: z.literal('timeout') }),
  z.looseObject({
    ...base,
    janus: z.literal('media'),
    type: z.string().optional(),
    mid: z.string().optional(),
    receiving: z.boolean(),
  }),
  z.looseObject({ ...base, janus: z.literal('slowlink'), uplink: z.boolean().optional(), lost: z.number().optional() }),
  z.looseObject({ ...base, janus: z.literal('trickle'), candidate: janusCandidateSchema }),
]);
export type JanusMessage = z.infer<typeof janusMessageSchema>;

/** Messages Janus sends about a handle on its own (not as the answer to a request). */
export type JanusHandleEvent = Extract<
  JanusMessage,
  { janus: 'event' | 'webrtcup' | 'hangup' | 'detached' | 'media' | 'slowlink' | 'trickle' }
>;

/** The VideoRoom plugin's answers carry an error this way (inside a successful transport answer). */
export const pluginErrorSchema = z.looseObject({ error_code: z.number(), error: z.string().optional() });
