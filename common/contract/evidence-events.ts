import { EvidenceProgress, EvidenceRecording } from './evidence-schemas';

/** Events of evidence recording. */
export const evidenceEvents = {
  /** A chunk reached the disk. */
  'evidence.progress': EvidenceProgress,
  /** A recording started, is being finished, finished or failed (also after recovery at start). */
  'evidence.recording': EvidenceRecording,
} as const;
