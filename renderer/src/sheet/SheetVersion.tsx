import { Card, Descriptions, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Rubric } from '@common/platform';

export interface VersionContent {
  readonly values: Readonly<Record<string, number>>;
  readonly total: number | null;
  readonly comment: string;
  readonly violation: { readonly flagged: boolean; readonly note: string | null };
}

/** One version of a sheet, criterion by criterion, for comparing two side by side. */
export function SheetVersion({ title, extra, rubric, content, testId }: { title: ReactNode; extra?: ReactNode; rubric: Rubric; content: VersionContent | null; testId: string }) {
  const { t, i18n } = useTranslation();
  return (
    <Card size="small" title={title} style={{ flex: 1, minWidth: 0 }} data-testid={testId}>
      {extra}
      {content === null ? (
        <Typography.Text type="secondary">{t('conflict.noSheet')}</Typography.Text>
      ) : (
        <Descriptions column={1} size="small" bordered>
          {rubric.criteria.map((criterion) => (
            <Descriptions.Item key={criterion.id} label={i18n.language === 'en' ? criterion.label.en : criterion.label.zh}>
              <span data-criterion={criterion.id}>{content.values[criterion.id] ?? '—'}</span>
            </Descriptions.Item>
          ))}
          <Descriptions.Item label={t('sheet.total')}>
            <Typography.Text strong data-testid={`${testId}-total`}>
              {content.total ?? '—'}
            </Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={t('sheet.comment')}>{content.comment || '—'}</Descriptions.Item>
          <Descriptions.Item label={t('sheet.violation')}>
            {content.violation.flagged ? `${t('conflict.yes')}：${content.violation.note ?? ''}` : t('conflict.no')}
          </Descriptions.Item>
        </Descriptions>
      )}
    </Card>
  );
}
