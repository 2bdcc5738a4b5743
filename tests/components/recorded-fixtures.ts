import type { Assignment } from '@common/platform';

/** The review player's tests: a recorded exam with both angles, and the media ids its files get once downloaded. */
export const MAIN_MEDIA = 'm00000000000000000000000a';
export const SIDE_MEDIA = 'm00000000000000000000000b';
const SHA = 'a'.repeat(64);

export function recordedAssignment(change: Partial<Assignment> = {}): Assignment {
  return {
    assignmentId: 'as-rec-1',
    examId: 'exam-1',
    subjectId: 'instrumental',
    slotId: 'slot-1',
    kind: 'recorded',
    candidateCode: 'K7Q2-M9XA',
    entryId: null,
    recordings: [
      { recordingId: 'rec-main', angle: 'main', contentType: 'video/mp4', bytes: 1000, sha256: SHA, durationMs: 20_000 },
      { recordingId: 'rec-side', angle: 'side', contentType: 'video/mp4', bytes: 800, sha256: SHA, durationMs: 20_000 },
    ],
    dueAt: '2026-06-01T00:00:00.000Z',
    purpose: 'score',
    anchorId: null,
    position: null,
    order: 'appointment',
    recusal: null,
    ...change,
  };
}
