import { Flex, Table, Typography } from 'antd';
import type { HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import type { CalibrationResult, Rubric } from '@common/platform';
import { maxTotal } from '@common/scoring/rubric';
import { formatScore } from '../chief/MatrixCells';
import { ToneTag } from '../theme/ToneTag';
import { differenceTone, formatDifference } from './difference';

interface DiffRow {
  readonly key: string;
  readonly label: string;
  readonly yours: number;
  readonly reference: number;
  readonly difference: number;
  readonly max: number;
  readonly total: boolean;
}

/** A difference in its tone (far off in red, worth a look in amber), always with its sign. */
export function DifferenceTag({ difference, max, testId }: { difference: number; max: number; testId?: string }) {
  const tone = differenceTone(difference, max);
  return (
    <ToneTag tone={tone} data-testid={testId} data-difference={difference} data-tone={tone}>
      {formatDifference(difference)}
    </ToneTag>
  );
}

/** An examiner's calibration against the anchor's reference: per criterion, the totals, the bands. */
export function CalibrationDiffTable({ result, rubric, testId = 'calibration-diff' }: { result: CalibrationResult; rubric: Rubric; testId?: string }) {
  const { t, i18n } = useTranslation();
  const byId = new Map(result.criteria.map((criterion) => [criterion.criterionId, criterion]));
  const text = (label: { zh: string; en: string }) => (i18n.language === 'en' ? label.en : label.zh);
  const rows: DiffRow[] = [
    ...rubric.criteria.flatMap((criterion) => {
      const line = byId.get(criterion.id);
      return line ? [{ key: criterion.id, label: text(criterion.label), yours: line.yours, reference: line.reference, difference: line.difference, max: criterion.max, total: false }] : [];
    }),
    // A criterion the rubric no longer names is still shown, by its id.
    ...result.criteria
      .filter((line) => !rubric.criteria.some((criterion) => criterion.id === line.criterionId))
      .map((line) => ({ key: line.criterionId, label: line.criterionId, yours: line.yours, reference: line.reference, difference: line.difference, max: 0, total: false })),
    { key: '@total', label: t('calibration.result.total'), yours: result.total, reference: result.referenceTotal, difference: result.totalDifference, max: maxTotal(rubric), total: true },
  ];
  const bandLabel = (bandId: string) => {
    const band = rubric.bands?.find((candidate) => candidate.id === bandId);
    return band ? text(band.label) : bandId;
  };
  return (
    <Flex vertical gap={8} data-testid={testId} data-anchor-id={result.anchorId}>
      <Table<DiffRow>
        size="small"
        pagination={false}
        rowKey="key"
        dataSource={rows}
        onRow={(row) => ({ 'data-testid': row.total ? 'diff-total' : 'diff-row', 'data-criterion': row.key }) as HTMLAttributes<HTMLElement>}
        columns={[
          { key: 'label', title: t('calibration.result.criterion'), render: (_, row) => (row.total ? <strong>{row.label}</strong> : row.label) },
          { key: 'yours', title: t('calibration.result.yours'), align: 'right', render: (_, row) => formatScore(row.yours) },
          { key: 'reference', title: t('calibration.result.reference'), align: 'right', render: (_, row) => formatScore(row.reference) },
          {
            key: 'difference',
            title: t('calibration.result.difference'),
            align: 'right',
            render: (_, row) => <DifferenceTag difference={row.difference} max={row.max} testId="diff-value" />,
          },
        ]}
      />
      {result.band && (
        <Typography.Text data-testid="diff-bands" data-same={result.band.yours === result.band.reference}>
          {t('calibration.result.bands', { yours: bandLabel(result.band.yours), reference: bandLabel(result.band.reference) })}
        </Typography.Text>
      )}
    </Flex>
  );
}
