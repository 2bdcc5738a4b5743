import { useCallback, useState } from 'react';
import type { AssignmentView } from '@common/contract';
import type { Exam, ReReviewRequest } from '@common/platform';
import { GradingView } from './GradingView';
import { ReviewQueue } from './ReviewQueue';

/** The review queue, or the sheet opened from it; Esc or Back returns to the queue, focus on the list. */
export function ReviewScreen({ exam, reReviews }: { exam: Exam; reReviews: readonly ReReviewRequest[] }) {
  const [open, setOpen] = useState<AssignmentView | null>(null);
  const [last, setLast] = useState<string | null>(null);
  const openSheet = useCallback((view: AssignmentView) => {
    setOpen(view);
    setLast(view.assignment.assignmentId);
  }, []);
  const close = useCallback(() => {
    setOpen(null);
    // Back on the list, the keyboard continues where it was.
    requestAnimationFrame(() => document.querySelector<HTMLElement>('[data-testid="review-table"]')?.focus());
  }, []);
  if (open) {
    const reReview = reReviews.find((request) => request.assignmentId === open.assignment.assignmentId) ?? null;
    return <GradingView exam={exam} view={open} reReview={reReview} onClose={close} />;
  }
  return <ReviewQueue exam={exam} reReviews={reReviews} onOpen={openSheet} initialKey={last} />;
}
