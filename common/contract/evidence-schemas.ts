import { z } from 'zod';
import { Id } from '../platform/exams';
import { Device } from '../platform/queue';
import { ContractError } from './errors';

/**
 * Schemas of evidence recording: the renderer records each camera of a live interview with
 * MediaRecorder and streams the WebM bytes to main in numbered chunks; main appends them to one
 * file per feed and, on finish, remuxes the file so it seeks (see main/evidence).
 */

export const EVIDENCE_LIMITS = {
  /**
   * Largest chunk in bytes. Its base64 (87,384 characters) stays under the contract's string
   * limit (CONTRACT_LIMITS.maxStringLength): a MediaRecorder blob larger than this is sent as
   * several chunks.
   */
  maxChunkBytes: 64 * 1024,
  /** A recording longer than this many chunks is refused (≈ 4 GiB at the largest chunk). */
  maxChunks: 65_536,
} as const;

const MAX_CHUNK_BASE64 = Math.ceil(EVIDENCE_LIMITS.maxChunkBytes / 3) * 4;

export const EvidenceMimeType = z.enum(['video/webm', 'audio/webm']);
export type EvidenceMimeType = z.infer<typeof EvidenceMimeType>;

export const EvidenceStartInput = z.strictObject({
  assignmentId: Id,
  device: Device,
  mimeType: EvidenceMimeType.default('video/webm'),
});
export type EvidenceStartInput = z.input<typeof EvidenceStartInput>;

export const EvidenceStarted = z.strictObject({ recordingId: Id });

export const EvidenceChunkInput = z.strictObject({
  recordingId: Id,
  /** 0 for the first chunk, then one more for each; a gap or a repeat is refused. */
  seq: z.number().int().nonnegative().max(EVIDENCE_LIMITS.maxChunks - 1),
  /** The chunk's bytes in base64, at most EVIDENCE_LIMITS.maxChunkBytes of them. */
  data: z
    .string()
    .min(4)
    .max(MAX_CHUNK_BASE64)
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'not base64'),
});
export type EvidenceChunkInput = z.infer<typeof EvidenceChunkInput>;

export const EvidenceChunkAck = z.strictObject({
  recordingId: Id,
  seq: z.number().int().nonnegative(),
  /** Bytes in the file after this chunk. */
  bytes: z.number().int().nonnegative(),
});
export type EvidenceChunkAck = z.infer<typeof EvidenceChunkAck>;

export const EvidenceRef = z.strictObject({ recordingId: Id });
export const EvidenceListInput = z.strictObject({ assignmentId: Id });

export const EvidenceState = z.enum(['recording', 'finishing', 'finished', 'failed']);
export type EvidenceState = z.infer<typeof EvidenceState>;

/** One feed's evidence recording, with what ffprobe found in the finished file. */
export const EvidenceRecording = z.strictObject({
  recordingId: Id,
  assignmentId: Id,
  device: Device,
  mimeType: EvidenceMimeType,
  state: EvidenceState,
  bytes: z.number().int().nonnegative(),
  chunks: z.number().int().nonnegative(),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
  durationMs: z.number().int().nonnegative().nullable(),
  video: z.strictObject({ codec: z.string().max(64), width: z.number().int().nonnegative(), height: z.number().int().nonnegative() }).nullable(),
  audio: z.strictObject({ codec: z.string().max(64) }).nullable(),
  /** Asks the review player for the file (`/media/<id>`, `app://workstation/media/<id>`) once finished; null before. */
  mediaId: z.string().regex(/^m[0-9a-f]{24}$/).nullable(),
  /** True when the workstation stopped before the recording was finished and it was finished from what reached the disk. */
  recovered: z.boolean(),
  /**
   * Why it failed, null unless failed: the code for the examiner (evidence_damaged: the finished
   * file changed on disk, so it is not played), the message in English for logs.
   */
  error: ContractError.nullable(),
});
export type EvidenceRecording = z.infer<typeof EvidenceRecording>;

export const EvidenceListView = z.strictObject({ recordings: z.array(EvidenceRecording) });
export type EvidenceListView = z.infer<typeof EvidenceListView>;

export const EvidenceProgress = z.strictObject({
  recordingId: Id,
  assignmentId: Id,
  device: Device,
  bytes: z.number().int().nonnegative(),
  chunks: z.number().int().nonnegative(),
});
export type EvidenceProgress = z.infer<typeof EvidenceProgress>;
