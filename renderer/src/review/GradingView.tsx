import { Alert, Button, Card, Flex, Space, Typography } from 'antd';
import { startTransition, useCallback, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AssignmentView } from '@common/contract';
import type { Assignment, Exam, ReReviewRequest, Subject } from '@common/platform';
import { CalibrationNotice } from '../calibration/CalibrationNotice';
import { RecuseButton } from '../fairness/RecuseButton';
import { useTimeFormat } from '../format/useTimeFormat';
import { ScoreSheetForm } from '../sheet/ScoreSheetForm';
import { useScoreSheet } from '../sheet/useScoreSheet';
import { RecordingReview } from './player/RecordingReview';
import { ReReviewNotice } from './ReReviewNotice';
import { withMarks } from './violation-marks';

interface GradingViewProps {
  readonly exam: Exam;
  readonly view: AssignmentView;
  readonly reReview: ReReviewRequest | null;
  onClose(): void;
  /** The calibration notice's "calibrate now": opens the subject's anchors. */
  onOpenCalibration?(): void;
}

/**
 * One recorded exam being graded: what it is, the two-angle player with its marks, and the sheet;
 * the subject's calibration notice while anchors are left, and the recusal button (回避).
 */
export function GradingView({ exam, view, reReview, onClose, onOpenCalibration }: GradingViewProps) {
  const { t, i18n } = useTranslation();
  const format = useTimeFormat();
  const { assignment } = view;
  const subject = exam.subjects.find((candidate) => candidate.id === assignment.subjectId);
  const subjectName = subject ? (i18n.language === 'en' ? subject.name.en : subject.name.zh) : assignment.subjectId;
  return (
    <Flex vertical gap={12} data-testid="grading-view" data-assignment-id={assignment.assignmentId}>
      <Space align="center" wrap>
        <Button onClick={onClose}>{t('review.back')}</Button>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('review.gradingTitle', { code: assignment.candidateCode, subject: subjectName })}
        </Typography.Title>
        <Typography.Text type="secondary">{t('review.dueAt', { time: format.dateTime(assignment.dueAt) })}</Typography.Text>
      </Space>
      <CalibrationNotice subjectId={assignment.subjectId} {...(onOpenCalibration && { onOpenCalibration })} />
      {reReview && <ReReviewNotice request={reReview} candidateCode={assignment.candidateCode} subjectName={subjectName} />}
      {subject ? (
        <GradingBody key={assignment.assignmentId} assignment={assignment} subject={subject} reReview={reReview} onClose={onClose} />
      ) : (
        <Alert type="error" title={t('errors.not_found')} />
      )}
    </Flex>
  );
}

/**
 * The player and the sheet share one sheet model: the player's marks are saved with the scores.
 * Technical issues take their moments from the player's clock: its leading video (main, or side
 * without main), whose time is the review clock's.
 */
function GradingBody({ assignment, subject, reReview, onClose }: { assignment: Assignment; subject: Subject; reReview: ReReviewRequest | null; onClose(): void }) {
  const { t } = useTranslation();
  const model = useScoreSheet(assignment.assignmentId, subject.rubric);
  const marks = model.draft.marks ?? [];
  const player = useRef<HTMLDivElement>(null);
  const currentTimeMs = useCallback(() => {
    const leader = player.current?.querySelector<HTMLVideoElement>('video[data-angle="main"]') ?? player.current?.querySelector<HTMLVideoElement>('video[data-angle="side"]');
    const seconds = leader?.currentTime ?? 0;
    return Number.isFinite(seconds) ? Math.round(seconds * 1000) : 0;
  }, []);
  const { recuse } = model;
  // The sheet comes after the player's first frames: they are what the grader waits for on
  // opening, and laying out the sheet's form (its fields, its styles, its focus) on the same
  // thread would delay them and the first seeks by hundreds of milliseconds. Its column keeps
  // its width meanwhile, so nothing moves when it arrives; with nothing to play it comes at once.
  const [sheetShown, setSheetShown] = useState(false);
  const showSheet = useCallback(() => startTransition(() => setSheetShown(true)), []);
  return (
    <Flex gap={16} align="start" wrap>
      <Card ref={player} title={t('review.recordings')} style={{ flex: 1, minWidth: 480 }}>
        <RecordingReview
          assignment={assignment}
          marks={marks}
          marksReadOnly={model.readOnly || model.saveState === 'loading'}
          onMarksChange={(next) => model.edit(withMarks(model.draft, next))}
          reviewMode={subject.reviewMode}
          onReady={showSheet}
        />
      </Card>
      <Flex vertical gap={8} style={{ width: 460, maxWidth: '100%' }} data-testid="sheet-column" data-shown={sheetShown}>
        {sheetShown && recuse && model.saveState !== 'loading' && (
          <Flex justify="end">
            <RecuseButton candidateCode={assignment.candidateCode} status={model.sheet?.status ?? null} recuse={recuse} />
          </Flex>
        )}
        {sheetShown && (
          <ScoreSheetForm
            assignmentId={assignment.assignmentId}
            rubric={subject.rubric}
            candidateCode={assignment.candidateCode}
            reReview={reReview}
            onClose={onClose}
            model={model}
            currentTimeMs={currentTimeMs}
          />
        )}
      </Flex>
    </Flex>
  );
}
