import { useEffect, useState } from 'react';
import type { EvidenceRecording } from '@common/contract';
import { tryCall } from '../../app/call';

/** The evidence recordings of a live interview of this assignment (none for most recorded exams). */
export function useEvidence(assignmentId: string): readonly EvidenceRecording[] {
  const [recordings, setRecordings] = useState<readonly EvidenceRecording[]>([]);
  useEffect(() => {
    let live = true;
    void tryCall('evidence.list', { assignmentId }).then((view) => {
      if (live && view) setRecordings(view.recordings);
    });
    return () => {
      live = false;
    };
  }, [assignmentId]);
  return recordings;
}
