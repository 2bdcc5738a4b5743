import { Alert, Button, Card, Flex, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AssignmentView } from '@common/contract';
import type { Exam, ReReviewRequest } from '@common/platform';
import { formatDuration } from '../format/time';
import { useTimeFormat } from '../format/useTimeFormat';
import { ScoreSheetForm } from '../sheet/ScoreSheetForm';
import { ReReviewNotice } from './ReReviewNotice';

interface GradingViewProps {
  readonly exam: Exam;
  readonly view: AssignmentView;
  readonly reReview: ReReviewRequest | null;
  onClose(): void;
}

/** One recorded exam being graded: what it is, its recordings (the player arrives with the review issue), and the sheet. */
export function GradingView({ exam, view, reReview, onClose }: GradingViewProps) {
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
      {reReview && <ReReviewNotice request={reReview} candidateCode={assignment.candidateCode} subjectName={subjectName} />}
      <Flex gap={16} align="start" wrap>
        <Card title={t('review.recordings')} style={{ flex: 1, minWidth: 320 }}>
          <Alert type="info" title={t('review.playerPlaceholder')} style={{ marginBottom: 12 }} />
          {assignment.recordings.length === 0 ? (
            <Typography.Text type="secondary">{t('review.noRecordings')}</Typography.Text>
          ) : (
            <ul className="examiner-plain-list">
              {assignment.recordings.map((recording) => (
                <li key={recording.recordingId}>
                  {t('review.recordingLine', {
                    angle: t(recording.angle === 'main' ? 'queue.mainCamera' : 'queue.sideCamera'),
                    duration: formatDuration(recording.durationMs),
                  })}
                </li>
              ))}
            </ul>
          )}
        </Card>
        <div style={{ width: 460, maxWidth: '100%' }}>
          {subject ? (
            <ScoreSheetForm
              key={assignment.assignmentId}
              assignmentId={assignment.assignmentId}
              rubric={subject.rubric}
              candidateCode={assignment.candidateCode}
              reReview={reReview}
              onClose={onClose}
            />
          ) : (
            <Alert type="error" title={t('errors.not_found')} />
          )}
        </div>
      </Flex>
    </Flex>
  );
}
