import { z } from 'zod';

/**
 * Every failure that crosses the contract carries one of these codes. The renderer shows a
 * localised sentence per code; `message` is an English detail for logs and developers.
 */
export const ErrorCode = z.enum([
  /** The envelope itself is malformed: not JSON, no id, wrong shape. */
  'bad_request',
  /** The command name is not in the contract. */
  'unknown_command',
  /** The input does not match the command's schema (unknown keys, NaN, oversize strings…). */
  'invalid_input',
  /** The caller is not allowed to call this (foreign frame or origin, no secret). */
  'forbidden',
  /** The command needs a signed-in examiner. */
  'not_signed_in',
  /** The platform refused the user name or password. */
  'invalid_credentials',
  /** The platform refused for now (HTTP 429: too many failed sign-ins, say); `retryAfterSeconds` says how long to wait. */
  'rate_limited',
  /** The platform's token has expired or was revoked: sign in again. */
  'session_expired',
  /** The platform could not be reached (down, network gone, timed out). */
  'platform_unreachable',
  /** The platform answered, but with an error or a response that breaks its schema. */
  'platform_error',
  /** The workstation has no platform configured. */
  'platform_not_configured',
  /** The transport to the workstation's back end is gone (browser host stopped). */
  'host_unreachable',
  /** No such assignment, exam or sheet for the signed-in examiner (or not cached yet). */
  'not_found',
  /** A value is outside the rubric (over the max, off the step, unknown criterion). */
  'invalid_sheet',
  /** The sheet is incomplete: a required criterion is missing, or a violation has no note. */
  'incomplete_sheet',
  /** The sheet is submitted or accepted and cannot be edited. */
  'sheet_read_only',
  /** The candidate's queue state changed meanwhile (e.g. no longer waiting): look again. */
  'queue_changed',
  /** Only the panel's lead (主考) may do this (call, end, extend, readmit, move, mark absent). */
  'not_lead',
  /** The recording is not downloaded yet (or was purged): download it first. */
  'not_downloaded',
  /** A downloaded recording did not match the platform's sha256; it was discarded, not kept. */
  'recording_corrupt',
  /** The media cache is full of recordings still needed for scoring; nothing can be evicted. */
  'quota_exceeded',
  /** The disk is full (a download or a media job could not write). */
  'disk_full',
  /** No ffmpeg was found (configured path, bundled binary, PATH); the message says what was tried. */
  'ffmpeg_missing',
  /** ffmpeg cannot read the recording: truncated, damaged, empty, or not a media file. */
  'media_corrupt_input',
  /** The recording uses a codec or container this workstation cannot decode, or has no video. */
  'media_unsupported',
  /** The media job was cancelled. */
  'media_cancelled',
  /** The media job took longer than its time limit and was stopped. */
  'media_timed_out',
  /** ffmpeg failed for another reason; details are in the main process log. */
  'media_failed',
  /** An evidence chunk came after a gap in the sequence (one was lost): the recording cannot go on. */
  'evidence_chunk_gap',
  /** An evidence chunk came again (its sequence number was already written); nothing was appended. */
  'evidence_chunk_duplicate',
  /** The evidence recording is finished, failed or unknown: it takes no more chunks. */
  'evidence_closed',
  /** Too little free disk space to record evidence: the recording did not start, or stopped with what was recorded kept. */
  'evidence_no_space',
  /** A finished evidence file is not the size it was finished at (truncated or changed on disk): it is kept, not played. */
  'evidence_damaged',
  /** The slot is signed off: a sheet is unlocked only with a reason, which is logged. */
  'signed_off',
  /** A sign-off before every counting sheet of the slot is accepted. */
  'not_all_accepted',
  /** Nothing to export: no candidate of the slot or subject has an accepted sheet. No file is written. */
  'export_empty',
  /** The examiner recused themselves from this candidate (回避): the sheet is void and cannot be scored. */
  'recused',
  /** A recusal after the sheet was submitted: only a chief examiner can record it now. */
  'recusal_after_submit',
  /** The subject requires calibration (试评) first: anchors are left to score. */
  'calibration_required',
  /** The chief who set an anchor's reference cannot calibrate on it. */
  'own_anchor',
  /** This anchor was already scored by this examiner; the result stands. */
  'already_calibrated',
  /** An anchor's reference scores are not a complete, valid sheet of the rubric (band included). */
  'invalid_reference',
  /** The local database failed; details are in the main process log. */
  'storage_error',
  /** A bug on our side; details are in the main process log. */
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ContractError = z.strictObject({
  code: ErrorCode,
  message: z.string().max(2000),
  /** How long to wait before trying again, when the failure says (rate_limited). */
  retryAfterSeconds: z.number().int().positive().max(86_400).optional(),
});
export type ContractError = z.infer<typeof ContractError>;

export type Result<T> = { ok: true; value: T } | { ok: false; error: ContractError };

/** A failure a service raises on purpose; the dispatcher turns it into `{ ok: false }`. */
export class ContractFailure extends Error {
  override readonly name = 'ContractFailure';
  /** Carried to the caller as ContractError.retryAfterSeconds. */
  readonly retryAfterSeconds: number | undefined;
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown; retryAfterSeconds?: number },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail(code: ErrorCode, message: string, retryAfterSeconds?: number): Result<never> {
  return { ok: false, error: { code, message, ...(retryAfterSeconds !== undefined && { retryAfterSeconds }) } };
}
