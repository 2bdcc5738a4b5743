import { Alert, Button, Flex, Table } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ChiefAction } from '@common/platform/chief';
import { useTimeFormat } from '../format/useTimeFormat';
import { useSlotRead } from './useSlotRead';

/** The chiefs' actions on the slot's scores, oldest first: locks, unlocks, re-reviews, the sign-off. */
export function ActionLog({ slotId, version, onRefresh }: { slotId: string; version: number; onRefresh(): void }) {
  const { t } = useTranslation();
  const format = useTimeFormat();
  const { value, error, loading } = useSlotRead('chief.getActions', slotId, version);
  return (
    <Flex vertical gap={8} data-testid="action-log" data-loading={loading}>
      <Flex>
        <Button size="small" onClick={onRefresh}>
          {t('chief.actions.refresh')}
        </Button>
      </Flex>
      {error && <Alert type="error" showIcon title={t(`errors.${error.code}`)} />}
      <Table<ChiefAction>
        size="small"
        rowKey={(action) => `${action.at}-${action.action}-${action.assignmentId ?? ''}`}
        loading={loading}
        dataSource={value?.actions ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        locale={{ emptyText: t('chief.actions.empty') }}
        columns={[
          { key: 'at', title: t('chief.actions.columns.at'), render: (_, action) => format.dateTime(action.at) },
          { key: 'actor', title: t('chief.actions.columns.actor'), dataIndex: 'actor' },
          { key: 'action', title: t('chief.actions.columns.action'), render: (_, action) => <span data-testid="action-kind">{t(`chief.actions.kind.${action.action}`)}</span> },
          {
            key: 'target',
            title: t('chief.actions.columns.target'),
            render: (_, action) =>
              action.candidateCode === null ? '' : t('chief.actions.target', { code: action.candidateCode, member: action.memberName ?? '' }),
          },
          { key: 'reason', title: t('chief.actions.columns.reason'), render: (_, action) => action.reason ?? '' },
        ]}
      />
    </Flex>
  );
}
