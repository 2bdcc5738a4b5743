import { ChiefReReview, Results, SignOff } from '@common/platform/chief';
import { Anchor, CalibrationResult, CalibrationStatus, Recusal } from '@common/platform/fairness';
import { BatchResponse, MAX_BATCH, MAX_SCORE_SHEET_BYTES } from '@common/platform/scores';
import { QueueEntry } from '@common/platform/queue';
import { ExaminerProfile, HealthResponse, LoginResponse } from '@common/platform/wire';
import { z } from 'zod';

/**
 * How many bytes of a platform's answer the workstation reads before it refuses the answer
 * (PlatformResponseTooLarge): a platform that is broken, or something posing as one, must not
 * make main hold an answer without end. Each cap is the largest answer the schema allows, or,
 * where the schema leaves a list unbounded, far above the largest list an exam day makes.
 *
 * Responses are parsed leniently (a newer platform may add fields), so every cap leaves room
 * beyond the fields the schema knows.
 */

/**
 * What a schema leaves unbounded in one answer of a fixed shape: an error's code and message, ids,
 * dates, fields of a newer platform. A sign-in (a token of 512 characters and a profile), the
 * health answer or one queue entry take a few KiB even with every string escaped.
 */
export const FIXED_RESPONSE_BYTES = 64 * 1024;

/**
 * An error answer: its code and message, and for a refused score sheet (412, 423) the platform's
 * current record, whose sheet is at most MAX_SCORE_SHEET_BYTES (computed from the sheet's schema,
 * every string at its longest escape: 200 marks of 500 characters, a comment and a note of 2,000).
 */
export const ERROR_RESPONSE_BYTES = FIXED_RESPONSE_BYTES + MAX_SCORE_SHEET_BYTES;

/** A batch's answer: a result per item (MAX_BATCH), each at most a refusal with the current sheet. */
export const BATCH_RESPONSE_BYTES = MAX_BATCH * ERROR_RESPONSE_BYTES;

/**
 * Lists the schemas leave unbounded (a slot's queue, a grader's assignments, an exam, a room
 * log, a chief's score matrix, re-reviews and actions): on the demo day of 10,000 candidates the
 * largest, the queue, is 3.6 MB; 64 MiB is eighteen times that. A matrix of 5,000 candidates × 9
 * members (about 300 bytes a cell) is about 14 MB.
 */
export const DEFAULT_RESPONSE_BYTES = 64 * 1024 * 1024;

/**
 * A subject's results for the exam office (GET …/results): every candidate of every slot the chief
 * sits on, each member's criterion values and the room log. The demo's subject of 10,000
 * candidates × 9 members with 50 criteria and a room log of 40 lines each is about 150 MB.
 */
export const RESULTS_RESPONSE_BYTES = 256 * 1024 * 1024;

/**
 * An examiner's calibration in a subject: a result per anchor offered (each a line per criterion,
 * at most 50), a subject having a handful of anchors. 4 MiB is hundreds of anchors.
 */
export const CALIBRATION_RESPONSE_BYTES = 4 * 1024 * 1024;

/** An answer with no body the workstation reads (204: a lock, an unlock, a progress report). */
export const NoContent = z.unknown();

const BY_SCHEMA = new Map<z.ZodType, number>([
  [NoContent, FIXED_RESPONSE_BYTES],
  [SignOff, FIXED_RESPONSE_BYTES],
  [ChiefReReview, FIXED_RESPONSE_BYTES],
  [Results, RESULTS_RESPONSE_BYTES],
  [HealthResponse, FIXED_RESPONSE_BYTES],
  [LoginResponse, FIXED_RESPONSE_BYTES],
  [ExaminerProfile, FIXED_RESPONSE_BYTES],
  [QueueEntry, FIXED_RESPONSE_BYTES],
  [BatchResponse, BATCH_RESPONSE_BYTES],
  [Recusal, FIXED_RESPONSE_BYTES],
  [Anchor, FIXED_RESPONSE_BYTES],
  [CalibrationResult, FIXED_RESPONSE_BYTES],
  [CalibrationStatus, CALIBRATION_RESPONSE_BYTES],
]);

/** The cap of a successful answer read with `schema`. */
export function responseCap(schema: z.ZodType): number {
  return BY_SCHEMA.get(schema) ?? DEFAULT_RESPONSE_BYTES;
}
