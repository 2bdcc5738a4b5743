import { z } from 'zod';
import { Id, SubjectKind } from './exams';
import { Device } from './queue';
import { Recusal } from './fairness';

/**
 * An assignment is one examiner's job of scoring one candidate in one subject: a live
 * interview (linked to a queue entry) or a recorded exam (with a main and a side recording).
 * Its id is opaque and differs per examiner, like the candidate code.
 */

export const Recording = z.object({
  recordingId: Id,
  /** Which camera: the main phone or the side phone. */
  angle: Device,
  contentType: z.string().max(100),
  bytes: z.number().int().nonnegative(),
  /** Hex sha256 of the whole file, for the client to verify a finished download. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  durationMs: z.number().int().nonnegative(),
});
export type Recording = z.infer<typeof Recording>;

export const Assignment = z.object({
  assignmentId: Id,
  examId: Id,
  subjectId: Id,
  slotId: Id,
  kind: SubjectKind,
  candidateCode: z.string().min(1).max(32),
  /** For live assignments, the queue entry this examiner sees. */
  entryId: Id.nullable(),
  recordings: z.array(Recording),
  /** When grading closes; recordings may be purged after it. */
  dueAt: z.iso.datetime(),
  /**
   * `score`: a real candidate. `calibration`: an anchor performance (样卷) of the subject, offered
   * for calibration (试评); it is scored through POST /calibration/anchors/{anchorId}, never as a
   * score, and `candidateCode` is the anchor's label.
   */
  purpose: z.enum(['score', 'calibration']).default('score'),
  /** The anchor, for a calibration assignment. */
  anchorId: Id.nullable().default(null),
  /**
   * This examiner's place for it in their queue, from 1, and how the platform ordered it: by
   * appointment (live), or `shuffled` (recorded subjects: a random order per grader that the
   * platform fixed, against order effects). Null from older platforms.
   */
  position: z.number().int().positive().nullable().default(null),
  order: z.enum(['appointment', 'shuffled']).default('appointment'),
  /** This examiner's recusal (回避) from the candidate, once declared: the sheet is void. */
  recusal: Recusal.nullable().default(null),
});
export type Assignment = z.infer<typeof Assignment>;

export const AssignmentList = z.object({ assignments: z.array(Assignment) });
export type AssignmentList = z.infer<typeof AssignmentList>;

/** Response headers of GET/HEAD /recordings/{id}: the file's sha256 in hex. */
export const SHA256_HEADER = 'x-content-sha256';
