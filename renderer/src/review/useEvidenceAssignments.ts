import { useEffect, useState } from 'react';
import { examiner } from '../bridge';
import { tryCall } from '../app/call';

/**
 * Which of these live assignments have a finished evidence recording of their interview, so
 * that the review queue can offer them for review: asked once per assignment, then kept current
 * by `evidence.recording`.
 */
export function useEvidenceAssignments(liveAssignmentIds: readonly string[]): ReadonlySet<string> {
  const [withEvidence, setWithEvidence] = useState<ReadonlySet<string>>(new Set());
  const key = liveAssignmentIds.join(',');
  useEffect(() => {
    if (key === '') return;
    const ids = key.split(',');
    let live = true;
    const add = (assignmentId: string) => setWithEvidence((current) => (current.has(assignmentId) ? current : new Set(current).add(assignmentId)));
    const off = examiner().on('evidence.recording', (recording) => {
      if (live && recording.state === 'finished' && ids.includes(recording.assignmentId)) add(recording.assignmentId);
    });
    void Promise.all(
      ids.map(async (assignmentId) => {
        const view = await tryCall('evidence.list', { assignmentId });
        if (live && view?.recordings.some((recording) => recording.state === 'finished')) add(assignmentId);
      }),
    );
    return () => {
      live = false;
      off();
    };
  }, [key]);
  return withEvidence;
}
