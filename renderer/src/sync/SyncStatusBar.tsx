import { Badge, Button, Flex, Space, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { SyncStatus } from '@common/contract';
import { useLiveValue } from '../bridge/hooks';
import { call, tryCall } from '../app/call';
import { useTimeFormat } from '../format/useTimeFormat';

const BADGE: Record<SyncStatus['state'], 'success' | 'processing' | 'error' | 'warning' | 'default'> = {
  idle: 'success',
  syncing: 'processing',
  offline: 'error',
  backing_off: 'warning',
  signed_out: 'default',
};

/**
 * Always on screen: whether scores are reaching the platform, how many wait on this computer,
 * when the platform last accepted any, and what is wrong, in plain words.
 */
export function SyncStatusBar() {
  const { t } = useTranslation();
  const format = useTimeFormat();
  const status = useLiveValue('sync.status', () => tryCall('sync.getStatus', {}));
  if (!status) return null;
  const state = status.state;
  return (
    <Flex
      role="status"
      aria-label={t('sync.label')}
      align="center"
      gap={16}
      wrap
      data-testid="sync-status"
      data-state={state}
      data-pending={status.pending}
      data-conflicts={status.conflicts}
      style={{ padding: '6px 24px', borderTop: '1px solid #e5e7eb', background: '#fafafa', fontSize: 13 }}
    >
      <Badge status={BADGE[state]} text={t(`sync.state.${state}`)} />
      <Typography.Text data-testid="sync-pending" strong={status.pending > 0}>
        {t('sync.pending', { count: status.pending })}
      </Typography.Text>
      {status.conflicts > 0 && <Typography.Text type="danger">{t('sync.conflicts', { count: status.conflicts })}</Typography.Text>}
      {status.rejected > 0 && <Typography.Text type="danger">{t('sync.rejected', { count: status.rejected })}</Typography.Text>}
      <Typography.Text type="secondary" data-testid="sync-last">
        {status.lastSuccessAt ? t('sync.lastAccepted', { time: format.clock(status.lastSuccessAt) }) : t('sync.neverAccepted')}
      </Typography.Text>
      {state === 'backing_off' && status.nextAttemptAt && (
        <Tooltip title={status.lastError ?? ''}>
          <Typography.Text>{t('sync.nextAttempt', { time: format.clock(status.nextAttemptAt) })}</Typography.Text>
        </Tooltip>
      )}
      <Space style={{ marginInlineStart: 'auto' }}>
        {status.pending > 0 && state !== 'syncing' && (
          <Button size="small" onClick={() => void call('sync.now', {}).catch(() => undefined)}>
            {t('sync.sendNow')}
          </Button>
        )}
      </Space>
    </Flex>
  );
}
