import { Alert, Button, Flex, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ChiefReReview } from '@common/platform/chief';
import { useTimeFormat } from '../format/useTimeFormat';
import { ToneTag } from '../theme/ToneTag';
import { formatScore } from './MatrixCells';
import { useSlotRead } from './useSlotRead';

/** Every re-review of the slot's sheets: who was asked, why, by whom, and whether it was answered. */
export function ReReviewList({ slotId, version, onRefresh }: { slotId: string; version: number; onRefresh(): void }) {
  const { t } = useTranslation();
  const format = useTimeFormat();
  const { value, error, loading } = useSlotRead('chief.getReReviews', slotId, version);
  const requests = value?.requests ?? [];
  const outstanding = requests.filter((request) => request.state === 'open').length;
  return (
    <Flex vertical gap={8} data-testid="re-review-list" data-loading={loading}>
      <Flex gap={8} align="center" wrap>
        <Typography.Text data-testid="re-review-counts">
          {t('chief.reReviews.requested', { count: requests.length })} · {t('chief.reReviews.outstanding', { count: outstanding })} ·{' '}
          {t('chief.reReviews.answered', { count: requests.length - outstanding })}
        </Typography.Text>
        <Button size="small" onClick={onRefresh}>
          {t('chief.reReviews.refresh')}
        </Button>
      </Flex>
      {error && <Alert type="error" showIcon title={t(`errors.${error.code}`)} />}
      <Table<ChiefReReview>
        size="small"
        rowKey="requestId"
        loading={loading}
        dataSource={requests}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        locale={{ emptyText: t('chief.reReviews.empty') }}
        columns={[
          { key: 'code', title: t('chief.reReviews.columns.code'), render: (_, request) => <span style={{ fontFamily: 'monospace' }}>{request.candidateCode}</span> },
          { key: 'member', title: t('chief.reReviews.columns.member'), dataIndex: 'memberName' },
          {
            key: 'reason',
            title: t('chief.reReviews.columns.reason'),
            render: (_, request) =>
              request.reason === 'deviation'
                ? t('chief.reReviews.reason.deviation', { deviation: formatScore(request.deviation) })
                : t('chief.reReviews.reason.chief', { note: request.note ?? '' }),
          },
          { key: 'by', title: t('chief.reReviews.columns.by'), render: (_, request) => request.requestedBy ?? t('chief.reReviews.platform') },
          { key: 'at', title: t('chief.reReviews.columns.at'), render: (_, request) => format.dateTime(request.requestedAt) },
          {
            key: 'state',
            title: t('chief.reReviews.columns.state'),
            render: (_, request) => (
              <ToneTag tone={request.state === 'open' ? 'attention' : 'success'} data-testid="re-review-state" data-state={request.state}>
                {t(`chief.reReviews.state.${request.state}`)}
              </ToneTag>
            ),
          },
          { key: 'answeredAt', title: t('chief.reReviews.columns.answeredAt'), render: (_, request) => format.dateTime(request.answeredAt) },
        ]}
      />
    </Flex>
  );
}
