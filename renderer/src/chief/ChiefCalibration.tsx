import { Alert, Button, Empty, Flex, Select, Table, Typography } from 'antd';
import { useMemo, useState, type HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import type { Anchor, CalibrationResult, ChiefCalibration as ChiefCalibrationData, Exam, Rubric, Subject } from '@common/platform';
import { maxTotal } from '@common/scoring/rubric';
import { DifferenceTag } from '../calibration/CalibrationDiffTable';
import { useTimeFormat } from '../format/useTimeFormat';
import { ToneTag } from '../theme/ToneTag';
import { formatScore } from './MatrixCells';
import { SetAnchorPanel } from './SetAnchorPanel';
import { useCommandRead } from './useSlotRead';

type ExaminerRow = ChiefCalibrationData['examiners'][number];

/**
 * 试评 on the chief's desk: a recorded subject's anchors (样卷) with their reference, every
 * examiner's total difference per anchor (per criterion when a row is expanded) and whether
 * they are done; and the chief sets a new anchor from their own recorded assignments.
 */
export function ChiefCalibration({ exam, initialSubjectId }: { exam: Exam; initialSubjectId: string }) {
  const { t, i18n } = useTranslation();
  const recorded = useMemo(() => exam.subjects.filter((subject) => subject.kind === 'recorded'), [exam]);
  const [choice, setChoice] = useState<string | null>(null);
  const subject = recorded.find((candidate) => candidate.id === (choice ?? initialSubjectId)) ?? recorded[0];
  const nameOf = (candidate: Subject) => (i18n.language === 'en' ? candidate.name.en : candidate.name.zh);
  if (!subject) return <Empty description={t('chief.calibration.noSubjects')} data-testid="chief-calibration-empty" />;
  return (
    <Flex vertical gap={12} style={{ flex: 1, minHeight: 0, overflowY: 'auto' }} data-testid="chief-calibration">
      <label className="examiner-field">
        <span>{t('chief.calibration.subject')}</span>
        <Select
          aria-label={t('chief.calibration.subject')}
          data-testid="calibration-subject-picker"
          value={subject.id}
          onChange={setChoice}
          style={{ width: 240 }}
          options={recorded.map((option) => ({ value: option.id, label: nameOf(option) }))}
        />
      </label>
      <SubjectCalibration key={subject.id} exam={exam} subject={subject} />
    </Flex>
  );
}

function SubjectCalibration({ exam, subject }: { exam: Exam; subject: Subject }) {
  const { t } = useTranslation();
  const [version, setVersion] = useState(0);
  const { value, error, loading } = useCommandRead('chief.getCalibration', { examId: exam.id, subjectId: subject.id }, `${exam.id}:${subject.id}:${String(version)}`);
  const refresh = () => setVersion((current) => current + 1);
  return (
    <Flex vertical gap={12} data-testid="chief-calibration-subject" data-subject-id={subject.id} data-loading={loading}>
      <Flex gap={8} align="center" wrap>
        {value && (
          <ToneTag tone={value.required ? 'attention' : 'neutral'} data-testid="calibration-required">
            {t(value.required ? 'chief.calibration.required' : 'chief.calibration.optional')}
          </ToneTag>
        )}
        <Button size="small" onClick={refresh}>
          {t('chief.calibration.refresh')}
        </Button>
      </Flex>
      {error && <Alert type="error" showIcon title={t(`errors.${error.code}`)} data-testid="chief-calibration-error" />}
      <AnchorsTable anchors={value?.anchors ?? []} rubric={subject.rubric} loading={loading && value === null} />
      <ExaminersTable data={value} rubric={subject.rubric} loading={loading && value === null} />
      <SetAnchorPanel exam={exam} subject={subject} onCreated={refresh} />
    </Flex>
  );
}

function AnchorsTable({ anchors, rubric, loading }: { anchors: readonly Anchor[]; rubric: Rubric; loading: boolean }) {
  const { t, i18n } = useTranslation();
  const format = useTimeFormat();
  const bandLabel = (bandId: string | undefined) => {
    if (bandId === undefined) return t('chief.sheet.blank');
    const band = rubric.bands?.find((candidate) => candidate.id === bandId);
    return band ? (i18n.language === 'en' ? band.label.en : band.label.zh) : bandId;
  };
  return (
    <Flex vertical gap={4}>
      <Typography.Text strong>{t('chief.calibration.anchors')}</Typography.Text>
      <Table<Anchor>
        size="small"
        data-testid="anchor-table"
        rowKey="anchorId"
        loading={loading}
        pagination={false}
        dataSource={anchors as Anchor[]}
        locale={{ emptyText: t('chief.calibration.noAnchors') }}
        onRow={(anchor) => ({ 'data-testid': 'anchor-row', 'data-anchor-id': anchor.anchorId }) as HTMLAttributes<HTMLElement>}
        columns={[
          { key: 'label', title: t('chief.calibration.anchorColumns.label'), render: (_, anchor) => <strong>{anchor.label}</strong> },
          { key: 'referenceTotal', title: t('chief.calibration.anchorColumns.referenceTotal'), align: 'right', render: (_, anchor) => formatScore(anchor.referenceTotal) },
          { key: 'band', title: t('chief.calibration.anchorColumns.band'), render: (_, anchor) => bandLabel(anchor.reference.band) },
          { key: 'setBy', title: t('chief.calibration.anchorColumns.setBy'), dataIndex: 'setBy' },
          { key: 'createdAt', title: t('chief.calibration.anchorColumns.createdAt'), render: (_, anchor) => format.dateTime(anchor.createdAt) },
        ]}
      />
    </Flex>
  );
}

function ExaminersTable({ data, rubric, loading }: { data: ChiefCalibrationData | null; rubric: Rubric; loading: boolean }) {
  const { t } = useTranslation();
  const anchors = data?.anchors ?? [];
  const top = maxTotal(rubric);
  const resultOf = (row: ExaminerRow, anchorId: string) => row.results.find((result) => result.anchorId === anchorId);
  return (
    <Flex vertical gap={4}>
      <Typography.Text strong>{t('chief.calibration.examiners')}</Typography.Text>
      <Table<ExaminerRow>
        size="small"
        data-testid="calibration-examiners"
        rowKey="memberId"
        loading={loading}
        pagination={false}
        dataSource={data?.examiners ?? []}
        locale={{ emptyText: t('chief.calibration.noExaminers') }}
        onRow={(row) => ({ 'data-testid': 'calibration-examiner', 'data-member': row.memberId }) as HTMLAttributes<HTMLElement>}
        expandable={{
          rowExpandable: (row) => row.results.length > 0,
          expandedRowRender: (row) => <CriteriaDifferences row={row} anchors={anchors} rubric={rubric} />,
        }}
        columns={[
          { key: 'member', title: t('chief.calibration.member'), dataIndex: 'displayName' },
          ...anchors.map((anchor) => ({
            key: `anchor-${anchor.anchorId}`,
            title: anchor.label,
            align: 'right' as const,
            render: (_: unknown, row: ExaminerRow) => {
              const result = resultOf(row, anchor.anchorId);
              return (
                <span data-testid="calibration-cell" data-member={row.memberId} data-anchor-id={anchor.anchorId}>
                  {result ? <DifferenceTag difference={result.totalDifference} max={top} /> : <Typography.Text type="secondary">{t('chief.calibration.notScored')}</Typography.Text>}
                </span>
              );
            },
          })),
          {
            key: 'complete',
            title: t('chief.calibration.completeness'),
            render: (_, row) =>
              row.complete ? (
                <ToneTag tone="success" data-testid="calibration-completeness" data-complete="true">
                  {t('chief.calibration.complete')}
                </ToneTag>
              ) : (
                <ToneTag tone="attention" data-testid="calibration-completeness" data-complete="false">
                  {t('chief.calibration.incomplete', { done: row.results.length, total: anchors.length })}
                </ToneTag>
              ),
          },
        ]}
      />
    </Flex>
  );
}

interface CriterionLine {
  readonly criterionId: string;
  readonly label: string;
  readonly max: number;
}

/** One examiner's differences per criterion (rows) and anchor (columns). */
function CriteriaDifferences({ row, anchors, rubric }: { row: ExaminerRow; anchors: readonly Anchor[]; rubric: Rubric }) {
  const { t, i18n } = useTranslation();
  const lines: CriterionLine[] = rubric.criteria.map((criterion) => ({
    criterionId: criterion.id,
    label: i18n.language === 'en' ? criterion.label.en : criterion.label.zh,
    max: criterion.max,
  }));
  const results = new Map<string, CalibrationResult>(row.results.map((result) => [result.anchorId, result]));
  const scored = anchors.filter((anchor) => results.has(anchor.anchorId));
  return (
    <Table<CriterionLine>
      size="small"
      data-testid="calibration-criteria"
      data-member={row.memberId}
      rowKey="criterionId"
      pagination={false}
      dataSource={lines}
      columns={[
        { key: 'criterion', title: t('calibration.result.criterion'), dataIndex: 'label' },
        ...scored.map((anchor) => ({
          key: anchor.anchorId,
          title: anchor.label,
          align: 'right' as const,
          render: (_: unknown, line: CriterionLine) => {
            const entry = results.get(anchor.anchorId)?.criteria.find((criterion) => criterion.criterionId === line.criterionId);
            return entry ? (
              <span data-testid="criterion-difference" data-criterion={line.criterionId} data-anchor-id={anchor.anchorId}>
                <DifferenceTag difference={entry.difference} max={line.max} />
              </span>
            ) : null;
          },
        })),
      ]}
    />
  );
}
