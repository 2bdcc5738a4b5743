import { z } from 'zod';
import { Id } from './exams';

/**
 * The live queue of a slot, following the candidate manuals (shared/seeds):
 *
 *   scheduled → checked_in (device check passed) → face_verified → waiting → called → in_room → finished
 *
 * - face verification: 3 failed attempts in a row send the candidate to `manual_review`, from
 *   which a reviewer approves (→ face_verified) or refuses (→ failed);
 * - `interrupted`: a device of a candidate in the room dropped. Back within 2 minutes → in_room
 *   again. A 4th interruption, or one longer than 2 minutes, → failed;
 * - `absent`: never came (from scheduled, checked_in, face_verified or waiting);
 * - finished, absent and failed are final.
 */
export const QueueState = z.enum([
  'scheduled',
  'checked_in',
  'face_verified',
  'manual_review',
  'waiting',
  'called',
  'in_room',
  'interrupted',
  'finished',
  'absent',
  'failed',
]);
export type QueueState = z.infer<typeof QueueState>;

export const FINAL_QUEUE_STATES: readonly QueueState[] = ['finished', 'absent', 'failed'];

/** The rule of the candidate manual: back within 2 minutes, at most 3 interruptions. */
export const INTERRUPTION_RULE = { maxInterruptions: 3, maxSeconds: 120 } as const;
export const MAX_FACE_ATTEMPTS = 3;

export const FailureReason = z.enum(['too_many_interruptions', 'interruption_timeout', 'face_verification', 'examiner']);
export type FailureReason = z.infer<typeof FailureReason>;

export const Device = z.enum(['main', 'side']);
export type Device = z.infer<typeof Device>;

export const DeviceStatus = z.object({
  main: z.boolean(),
  side: z.boolean(),
});
export type DeviceStatus = z.infer<typeof DeviceStatus>;

/** One candidate in a slot's queue, as one examiner sees it: a code, never a name. */
export const QueueEntry = z.object({
  entryId: Id,
  slotId: Id,
  /** This examiner's code for the candidate (blind grading: each examiner may see another). */
  candidateCode: z.string().min(1).max(32),
  appointmentAt: z.iso.datetime(),
  state: QueueState,
  faceAttempts: z.number().int().nonnegative(),
  interruptions: z.number().int().nonnegative(),
  /** When the current interruption began; null when not interrupted. */
  interruptedAt: z.iso.datetime().nullable(),
  /** Which devices are connected now. */
  devices: DeviceStatus,
  checkedInAt: z.iso.datetime().nullable(),
  calledAt: z.iso.datetime().nullable(),
  enteredAt: z.iso.datetime().nullable(),
  finishedAt: z.iso.datetime().nullable(),
  failureReason: FailureReason.nullable(),
  /** Grows with every change of this entry; a client keeps the highest it has seen. */
  revision: z.number().int().nonnegative(),
  /**
   * 1-based place in the slot's calling order, which the lead may change (moving a candidate
   * later) without touching appointments; sort by it when present. Absent from older platforms.
   */
  order: z.number().int().positive().optional(),
});
export type QueueEntry = z.infer<typeof QueueEntry>;

export const QueueSnapshot = z.object({
  slotId: Id,
  entries: z.array(QueueEntry),
});
export type QueueSnapshot = z.infer<typeof QueueSnapshot>;

/** Candidate-side actions (from the candidate's main device). */
export const FaceAttempt = z.strictObject({ matched: z.boolean() });
export type FaceAttempt = z.infer<typeof FaceAttempt>;

/** A chief examiner's decision on a candidate in manual review of face verification. */
export const ReviewDecision = z.strictObject({ approve: z.boolean() });
export type ReviewDecision = z.infer<typeof ReviewDecision>;

/** The body of queue actions that carry nothing (call, finish, check-in…): none, or `{}`. */
export const NoBody = z.strictObject({}).optional();
