import { Alert, Button, Card, Empty, Flex, List, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AssignmentView } from '@common/contract';
import type { Exam, Subject } from '@common/platform';
import { ToneTag } from '../theme/ToneTag';
import { CalibrationView } from './CalibrationView';
import { formatDifference } from './difference';
import { anchorsLeft, useCalibration } from './useCalibration';

interface CalibrationScreenProps {
  readonly exam: Exam;
  /** The examiner's calibration assignments (purpose `calibration`) of this exam. */
  readonly assignments: readonly AssignmentView[];
  /** The anchor to open first (from the queue). */
  readonly initialAssignmentId?: string | null;
}

/** 试评（样卷）: per subject, the anchors offered to this examiner, each to do or done with its total difference. */
export function CalibrationScreen({ exam, assignments, initialAssignmentId = null }: CalibrationScreenProps) {
  const { t, i18n } = useTranslation();
  const [openId, setOpenId] = useState<string | null>(initialAssignmentId);
  const subjects = useMemo(() => new Map(exam.subjects.map((subject) => [subject.id, subject])), [exam]);
  const bySubject = useMemo(() => {
    const groups = new Map<string, AssignmentView[]>();
    for (const item of assignments) groups.set(item.assignment.subjectId, [...(groups.get(item.assignment.subjectId) ?? []), item]);
    return [...groups.entries()];
  }, [assignments]);
  const nameOf = (subject: Subject | undefined, id: string) => (subject ? (i18n.language === 'en' ? subject.name.en : subject.name.zh) : id);
  const open = assignments.find((item) => item.assignment.assignmentId === openId);
  const openSubject = open ? subjects.get(open.assignment.subjectId) : undefined;
  if (open && openSubject) {
    return (
      <CalibrationView
        key={open.assignment.assignmentId}
        assignment={open.assignment}
        subject={openSubject}
        subjectName={nameOf(openSubject, openSubject.id)}
        onClose={() => setOpenId(null)}
      />
    );
  }
  if (bySubject.length === 0) return <Empty description={t('calibration.none')} data-testid="calibration-empty" />;
  return (
    <Flex vertical gap={12} data-testid="calibration-screen">
      <Typography.Text type="secondary">{t('calibration.intro')}</Typography.Text>
      {bySubject.map(([subjectId, items]) => (
        <SubjectAnchors key={subjectId} subjectId={subjectId} name={nameOf(subjects.get(subjectId), subjectId)} items={items} onOpen={setOpenId} />
      ))}
    </Flex>
  );
}

function SubjectAnchors({ subjectId, name, items, onOpen }: { subjectId: string; name: string; items: readonly AssignmentView[]; onOpen(assignmentId: string): void }) {
  const { t } = useTranslation();
  const { view, error } = useCalibration(subjectId);
  const results = new Map((view?.status.results ?? []).map((result) => [result.anchorId, result]));
  const left = view ? anchorsLeft(view) : null;
  return (
    <Card
      size="small"
      title={name}
      data-testid="calibration-subject"
      data-subject-id={subjectId}
      extra={
        left !== null &&
        (left === 0 ? (
          <ToneTag tone="success" data-testid="calibration-complete">
            {t('calibration.complete')}
          </ToneTag>
        ) : (
          <ToneTag tone="attention" data-testid="calibration-remaining">
            {t('calibration.remaining', { count: left })}
          </ToneTag>
        ))
      }
    >
      {error && <Alert type="error" showIcon title={t(`errors.${error.code}`)} />}
      <List
        size="small"
        dataSource={items as AssignmentView[]}
        renderItem={(item) => {
          const { assignment } = item;
          const result = results.get(assignment.anchorId ?? '');
          return (
            <List.Item
              key={assignment.assignmentId}
              data-testid="calibration-anchor"
              data-label={assignment.candidateCode}
              data-state={result ? 'done' : 'todo'}
              actions={[
                <Button key="open" size="small" type={result ? 'default' : 'primary'} onClick={() => onOpen(assignment.assignmentId)} data-testid="calibration-open">
                  {t(result ? 'calibration.show' : 'calibration.open')}
                </Button>,
              ]}
            >
              <Flex gap={8} align="center">
                <Typography.Text strong>{t('calibration.anchor', { label: assignment.candidateCode })}</Typography.Text>
                {result ? (
                  <ToneTag tone="success" data-testid="calibration-anchor-state">
                    {t('calibration.done', { difference: formatDifference(result.totalDifference) })}
                  </ToneTag>
                ) : (
                  <ToneTag tone="neutral" data-testid="calibration-anchor-state">
                    {t('calibration.todo')}
                  </ToneTag>
                )}
              </Flex>
            </List.Item>
          );
        }}
      />
    </Card>
  );
}
