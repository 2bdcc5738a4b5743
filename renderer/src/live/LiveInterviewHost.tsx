import { ScoreSheetForm } from '../sheet/ScoreSheetForm';
import { LiveInterview } from './LiveInterview';
import { closeLiveInterview, useOpenInterview } from './open-interview';

/**
 * Where the live interview appears: over the whole workstation while one is open (opened by a
 * call from the queue, or by the address `#/interview/<slotId>/<entryId>`), with the review
 * flow's score sheet as its grading form. Mounted once in the app shell.
 */
export function LiveInterviewHost() {
  const target = useOpenInterview();
  if (!target) return null;
  return (
    <div
      role="dialog"
      aria-modal="true"
      data-testid="live-interview-host"
      style={{ position: 'fixed', inset: 0, zIndex: 900, background: '#f3f5f8', overflow: 'auto', padding: '12px 24px' }}
    >
      <LiveInterview
        key={`${target.slotId}/${target.entryId}`}
        slotId={target.slotId}
        entryId={target.entryId}
        gradingForm={({ assignment, subject, currentTimeMs }) => (
          <ScoreSheetForm
            key={assignment.assignmentId}
            assignmentId={assignment.assignmentId}
            rubric={subject.rubric}
            candidateCode={assignment.candidateCode}
            currentTimeMs={currentTimeMs}
          />
        )}
        onClose={closeLiveInterview}
      />
    </div>
  );
}
