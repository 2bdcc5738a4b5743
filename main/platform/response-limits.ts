import { BatchResponse, MAX_BATCH, MAX_SCORE_SHEET_BYTES } from '@common/platform/scores';
import { QueueEntry } from '@common/platform/queue';
import { ExaminerProfile, HealthResponse, LoginResponse } from '@common/platform/wire';
import type { z } from 'zod';

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
 * log): on the demo day of 10,000 candidates the largest, the queue, is 3.6 MB; 64 MiB is
 * eighteen times that.
 */
export const DEFAULT_RESPONSE_BYTES = 64 * 1024 * 1024;

const BY_SCHEMA = new Map<z.ZodType, number>([
  [HealthResponse, FIXED_RESPONSE_BYTES],
  [LoginResponse, FIXED_RESPONSE_BYTES],
  [ExaminerProfile, FIXED_RESPONSE_BYTES],
  [QueueEntry, FIXED_RESPONSE_BYTES],
  [BatchResponse, BATCH_RESPONSE_BYTES],
]);

/** The cap of a successful answer read with `schema`. */
export function responseCap(schema: z.ZodType): number {
  return BY_SCHEMA.get(schema) ?? DEFAULT_RESPONSE_BYTES;
}
