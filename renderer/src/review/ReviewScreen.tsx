import { Flex, Segmented } from 'antd';
import { Activity, startTransition, useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AssignmentView } from '@common/contract';
import type { Exam, ReReviewRequest } from '@common/platform';
import { whenIdle } from '../app/when-idle';
import { CalibrationScreen } from '../calibration/CalibrationScreen';
import { GradingView } from './GradingView';
import { prepareAudio } from './player/fair-loudness';
import { clearVideoPool } from './player/video-pool';
import { ReviewQueue } from './ReviewQueue';
import { useAssignments } from './useAssignments';

type Section = 'queue' | 'calibration';

/**
 * The review queue, or the sheet opened from it; Esc or Back returns to the queue, focus on the
 * list. With anchors to calibrate on, a second section: 试评（样卷）, where an anchor opened from the
 * queue goes too (it is never scored as a candidate).
 */
export function ReviewScreen({ exam, reReviews }: { exam: Exam; reReviews: readonly ReReviewRequest[] }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState<AssignmentView | null>(null);
  const [last, setLast] = useState<string | null>(null);
  const [section, setSection] = useState<Section>('queue');
  const [anchor, setAnchor] = useState<string | null>(null);
  const { view } = useAssignments();
  // The warm video elements go with the review (signing out above all).
  useEffect(() => () => clearVideoPool(), []);
  // The player's sound graph needs the page's AudioContext: made while the grader reads the queue.
  useEffect(() => whenIdle(prepareAudio, 2000), []);
  const calibrations = useMemo(
    () => (view?.assignments ?? []).filter((item) => item.assignment.examId === exam.id && item.assignment.purpose === 'calibration'),
    [view, exam.id],
  );
  const openSheet = useCallback((item: AssignmentView) => {
    if (item.assignment.purpose === 'calibration') {
      setAnchor(item.assignment.assignmentId);
      setSection('calibration');
      return;
    }
    // As a transition: rendering the sheet yields to the browser, which meanwhile loads the
    // recordings the queue has just warmed (video-pool.ts) and decodes their first frames.
    // The hidden queue is not rendered again for it: `last` changes on the way back.
    startTransition(() => setOpen(item));
  }, []);
  const close = useCallback(() => {
    setLast(open?.assignment.assignmentId ?? null);
    setOpen(null);
    // Back on the list, the keyboard continues where it was.
    requestAnimationFrame(() => document.querySelector<HTMLElement>('[data-testid="review-table"]')?.focus());
  }, [open]);
  const openCalibration = useCallback(() => {
    setOpen(null);
    setAnchor(null);
    setSection('calibration');
  }, []);
  const choose = (next: Section) => {
    setAnchor(null);
    setSection(next);
  };
  const grading = open ? (reReviews.find((request) => request.assignmentId === open.assignment.assignmentId) ?? null) : null;
  const shown: Section = calibrations.length > 0 ? section : 'queue';
  return (
    <>
      {open && <GradingView exam={exam} view={open} reReview={grading} onClose={close} onOpenCalibration={openCalibration} />}
      {/* The queue stays mounted under the sheet, hidden: unmounting its table and mounting it
          again would cost the opening and the return hundreds of milliseconds of layout. Hidden,
          its effects (subscriptions) are cleaned up and its updates wait for idle time, so it
          never competes with the player; shown again, it picks up where it was. */}
      <Activity mode={open ? 'hidden' : 'visible'}>
        <Flex vertical gap={8} style={{ height: '100%', minHeight: 0 }} data-testid="review-queue-section">
          {calibrations.length > 0 && (
            <Segmented<Section>
              value={shown}
              onChange={choose}
              data-testid="review-sections"
              options={[
                { value: 'queue', label: t('calibration.queueTab') },
                { value: 'calibration', label: t('calibration.tab') },
              ]}
              style={{ alignSelf: 'flex-start' }}
            />
          )}
          {shown === 'queue' ? (
            <div style={{ flex: 1, minHeight: 0 }}>
              <ReviewQueue exam={exam} reReviews={reReviews} onOpen={openSheet} initialKey={last} />
            </div>
          ) : (
            <CalibrationScreen key={anchor ?? ''} exam={exam} assignments={calibrations} initialAssignmentId={anchor} />
          )}
        </Flex>
      </Activity>
    </>
  );
}
