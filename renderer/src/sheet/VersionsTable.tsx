import { Table, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Rubric } from '@common/platform';

export interface VersionContent {
  readonly values: Readonly<Record<string, number>>;
  readonly total: number | null;
  readonly comment: string;
  readonly violation: { readonly flagged: boolean; readonly note: string | null };
}

interface CompareRow {
  readonly key: string;
  readonly label: string;
  readonly mine: ReactNode;
  readonly theirs: ReactNode;
  readonly differs: boolean;
}

interface VersionsTableProps {
  readonly rubric: Rubric;
  readonly mine: VersionContent;
  /** Null when the platform holds no scores for the sheet. */
  readonly theirs: VersionContent | null;
  readonly mineTitle: ReactNode;
  readonly theirsTitle: ReactNode;
}

/**
 * Two versions of a sheet in one table, a row per criterion, so the examiner reads across and
 * sees at once what differs (marked) — in the narrow column beside the player as well.
 */
export function VersionsTable({ rubric, mine, theirs, mineTitle, theirsTitle }: VersionsTableProps) {
  const { t, i18n } = useTranslation();
  const none = '—';
  const violation = (content: VersionContent) => (content.violation.flagged ? `${t('conflict.yes')}：${content.violation.note ?? ''}` : t('conflict.no'));
  const row = (key: string, label: string, a: string | number | null, b: string | number | null, testId?: string): CompareRow => ({
    key,
    label,
    mine: <span data-testid={testId ? `conflict-mine-${testId}` : undefined}>{a ?? none}</span>,
    theirs: <span data-testid={testId ? `conflict-platform-${testId}` : undefined}>{theirs === null ? none : (b ?? none)}</span>,
    differs: theirs !== null && a !== b,
  });
  const rows: CompareRow[] = [
    ...rubric.criteria.map((criterion) =>
      row(criterion.id, i18n.language === 'en' ? criterion.label.en : criterion.label.zh, mine.values[criterion.id] ?? null, theirs?.values[criterion.id] ?? null),
    ),
    row('total', t('sheet.total'), mine.total, theirs?.total ?? null, 'total'),
    row('comment', t('sheet.comment'), mine.comment || null, theirs ? theirs.comment || null : null),
    row('violation', t('sheet.violation'), violation(mine), theirs ? violation(theirs) : null),
  ];
  return (
    <Table<CompareRow>
      size="small"
      bordered
      pagination={false}
      dataSource={rows}
      rowClassName={(record) => (record.differs ? 'examiner-version-differs' : '')}
      columns={[
        { key: 'label', dataIndex: 'label', title: '', width: '34%' },
        { key: 'mine', dataIndex: 'mine', title: mineTitle, render: (value: ReactNode, record) => (record.differs ? <Typography.Text strong>{value}</Typography.Text> : value) },
        { key: 'theirs', dataIndex: 'theirs', title: theirsTitle, render: (value: ReactNode, record) => (record.differs ? <Typography.Text strong>{value}</Typography.Text> : value) },
      ]}
    />
  );
}
