import { App, Button, Card, Empty, Flex, Input, Select, Typography } from 'antd';
import { useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Exam, Subject } from '@common/platform';
import { call } from '../app/call';
import { useMemorySheet, type MemorySheetValues } from '../calibration/useCalibrationSheet';
import { useAssignments } from '../review/useAssignments';
import { ScoreSheetForm } from '../sheet/ScoreSheetForm';
import type { ScoreSheetModel } from '../sheet/useScoreSheet';

/**
 * 设为样卷: one of the chief's own recorded assignments of the subject becomes an anchor, with a
 * label and reference scores entered in the grading form (in memory, nothing saved on this
 * computer) → chief.createAnchor. The platform refuses an incomplete reference (invalid_reference).
 */
export function SetAnchorPanel({ exam, subject, onCreated }: { exam: Exam; subject: Subject; onCreated(): void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [round, setRound] = useState(0);
  const { view } = useAssignments();
  const own = useMemo(
    () =>
      (view?.assignments ?? []).filter(
        (item) =>
          item.assignment.examId === exam.id &&
          item.assignment.subjectId === subject.id &&
          item.assignment.kind === 'recorded' &&
          item.assignment.purpose === 'score',
      ),
    [view, exam.id, subject.id],
  );
  const done = useCallback(() => {
    setRound((current) => current + 1);
    setOpen(false);
    onCreated();
  }, [onCreated]);
  return (
    <Card
      size="small"
      title={t('chief.calibration.setAnchor')}
      data-testid="set-anchor"
      extra={
        !open && (
          <Button onClick={() => setOpen(true)} disabled={own.length === 0} data-testid="set-anchor-open">
            {t('chief.calibration.setAnchor')}
          </Button>
        )
      }
    >
      {own.length === 0 && view !== null ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('chief.calibration.noAssignments')} />
      ) : open ? (
        <AnchorForm key={round} subject={subject} options={own.map((item) => ({ value: item.assignment.assignmentId, label: item.assignment.candidateCode }))} onCreated={done} onCancel={() => setOpen(false)} />
      ) : (
        <Typography.Text type="secondary">{t('chief.calibration.setAnchorHint')}</Typography.Text>
      )}
    </Card>
  );
}

function AnchorForm({
  subject,
  options,
  onCreated,
  onCancel,
}: {
  subject: Subject;
  options: { value: string; label: string }[];
  onCreated(): void;
  onCancel(): void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [assignmentId, setAssignmentId] = useState<string | null>(null);
  const [label, setLabel] = useState('');
  const ready = assignmentId !== null && label.trim().length > 0;
  const send = useCallback(
    async (reference: MemorySheetValues) => {
      if (assignmentId === null) return;
      const anchor = await call('chief.createAnchor', { assignmentId, label: label.trim(), reference });
      void message.success(t('chief.calibration.created', { label: anchor.label }));
      onCreated();
    },
    [assignmentId, label, message, t, onCreated],
  );
  const memory = useMemorySheet(subject.rubric, send);
  // Neither the assignment nor the label is part of the sheet: without both, it is not submittable.
  const model: ScoreSheetModel = useMemo(() => ({ ...memory, check: { ...memory.check, submittable: memory.check.submittable && ready } }), [memory, ready]);
  // Said once the scores are complete, when only these are missing.
  const tried = memory.check.submittable && !ready;
  return (
    <Flex vertical gap={12} data-testid="anchor-form">
      <Typography.Text type="secondary">{t('chief.calibration.setAnchorHint')}</Typography.Text>
      <label className="examiner-field">
        <span>{t('chief.calibration.pickAssignment')}</span>
        <Select
          aria-label={t('chief.calibration.pickAssignment')}
          data-testid="anchor-assignment"
          value={assignmentId}
          onChange={setAssignmentId}
          style={{ width: 240 }}
          options={options}
          {...(tried && assignmentId === null && { status: 'error' as const })}
        />
      </label>
      <label className="examiner-field">
        <span>{t('chief.calibration.label')}</span>
        <Input
          aria-label={t('chief.calibration.label')}
          data-testid="anchor-label"
          value={label}
          maxLength={32}
          onChange={(event) => setLabel(event.target.value)}
          style={{ width: 240 }}
          {...(tried && label.trim() === '' && { status: 'error' as const })}
        />
      </label>
      {tried && (
        <Typography.Text type="danger" data-testid="anchor-incomplete">
          {t(assignmentId === null ? 'chief.calibration.pickAssignment' : 'chief.calibration.labelRequired')}
        </Typography.Text>
      )}
      <Typography.Text strong>{t('chief.calibration.reference')}</Typography.Text>
      <ScoreSheetForm
        assignmentId={`anchor-${assignmentId ?? 'new'}`}
        rubric={subject.rubric}
        candidateCode={label.trim() || (options.find((option) => option.value === assignmentId)?.label ?? '')}
        onClose={onCancel}
        model={model}
      />
    </Flex>
  );
}
