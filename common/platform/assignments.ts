import { z } from 'zod';
import { Id, SubjectKind } from './exams';
import { Device } from './queue';

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
});
export type Assignment = z.infer<typeof Assignment>;

export const AssignmentList = z.object({ assignments: z.array(Assignment) });
export type AssignmentList = z.infer<typeof AssignmentList>;

/** Response headers of GET/HEAD /recordings/{id}: the file's sha256 in hex. */
export const SHA256_HEADER = 'x-content-sha256';
