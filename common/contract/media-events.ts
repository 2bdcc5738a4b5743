import type { z } from 'zod';
import { Alignment, AssignmentRecordings, MediaJob, RecordingArtefacts } from './media-schemas';

/** Events of recordings and media jobs (download and job progress). */
export const mediaEvents = {
  /** An assignment's downloads moved (state change, or progress at most a few times a second). */
  'recordings.progress': AssignmentRecordings,
  /** A media job was queued, started, progressed, finished or failed. */
  'media.job': MediaJob,
  /** A review artefact of a recording became ready or failed. */
  'media.artefacts': RecordingArtefacts,
  /** An assignment's alignment changed: found from the sound, set or reset by the grader. */
  'media.alignment': Alignment,
} as const satisfies Record<string, z.ZodType>;
