import { Alert, Button, Card, Flex, Space, Typography } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { Assignment, Subject } from '@common/platform';
import { useTimeFormat } from '../format/useTimeFormat';
import { RecordingReview } from '../review/player/RecordingReview';
import { ScoreSheetForm } from '../sheet/ScoreSheetForm';
import { CalibrationDiffTable } from './CalibrationDiffTable';
import { useCalibration } from './useCalibration';
import { useCalibrationSheet } from './useCalibrationSheet';

interface CalibrationViewProps {
  /** A calibration assignment (purpose `calibration`): its candidate code is the anchor's label. */
  readonly assignment: Assignment;
  readonly subject: Subject;
  readonly subjectName: string;
  onClose(): void;
}

const noMarks = () => undefined;

/**
 * One anchor (样卷) being calibrated on: the two-angle player (no marks: nothing of it is kept)
 * and the grading form in memory; once submitted, or when it was scored before, the differences
 * from the reference per criterion.
 */
export function CalibrationView({ assignment, subject, subjectName, onClose }: CalibrationViewProps) {
  const { t } = useTranslation();
  const format = useTimeFormat();
  const anchorId = assignment.anchorId ?? assignment.assignmentId;
  const calibration = useCalibration(subject.id);
  const { model, result: submitted } = useCalibrationSheet(anchorId, subject.rubric);
  const stored = calibration.view?.status.results.find((candidate) => candidate.anchorId === anchorId) ?? null;
  const result = submitted ?? stored;
  const already = model.error?.code === 'already_calibrated';
  const { reload } = calibration;
  // Scored before (on another computer, say): the platform keeps the result; read it again.
  useEffect(() => {
    if (already) reload();
  }, [already, reload]);
  return (
    <Flex vertical gap={12} data-testid="calibration-view" data-anchor-id={anchorId}>
      <Space align="center" wrap>
        <Button onClick={onClose} data-testid="calibration-back">
          {t('calibration.back')}
        </Button>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('calibration.viewTitle', { label: assignment.candidateCode, subject: subjectName })}
        </Typography.Title>
      </Space>
      <Flex gap={16} align="start" wrap>
        <Card title={t('review.recordings')} style={{ flex: 1, minWidth: 480 }}>
          <RecordingReview assignment={assignment} marks={[]} marksReadOnly onMarksChange={noMarks} reviewMode={subject.reviewMode} />
        </Card>
        <div style={{ width: 460, maxWidth: '100%' }}>
          {result ? (
            <Card title={t('calibration.result.title')} data-testid="calibration-result">
              <Flex vertical gap={8}>
                {already && !submitted && <Alert type="info" showIcon title={t('calibration.alreadyDone')} data-testid="calibration-already" />}
                {submitted && <Alert type="success" showIcon title={t('calibration.submitted')} />}
                <CalibrationDiffTable result={result} rubric={subject.rubric} />
                <Typography.Text type="secondary">{t('calibration.result.scoredAt', { time: format.dateTime(result.scoredAt) })}</Typography.Text>
              </Flex>
            </Card>
          ) : (
            <ScoreSheetForm
              assignmentId={`calibration-${anchorId}`}
              rubric={subject.rubric}
              candidateCode={t('calibration.anchor', { label: assignment.candidateCode })}
              onClose={onClose}
              model={model}
            />
          )}
        </div>
      </Flex>
    </Flex>
  );
}
