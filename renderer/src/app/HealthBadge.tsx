import { Badge, Button, Space, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ConnectionState, PlatformHealth } from '@common/contract';
import { call } from './call';

const STATUS: Record<ConnectionState, 'success' | 'error' | 'processing' | 'default'> = {
  online: 'success',
  offline: 'error',
  unknown: 'processing',
  unconfigured: 'default',
};

/** The platform connection at a glance, with its details on hover. */
export function HealthBadge({ health }: { health: PlatformHealth | undefined }) {
  const { t, i18n } = useTranslation();
  const state = health?.state ?? 'unknown';
  const details = [
    health?.latencyMs != null ? t('health.latency', { ms: health.latencyMs }) : null,
    health?.lastOnlineAt
      ? t('health.lastOnline', { time: new Date(health.lastOnlineAt).toLocaleTimeString(i18n.language) })
      : t('health.never'),
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <Space size="small" data-testid="platform-health" data-state={state}>
      <Tooltip title={details}>
        <Badge status={STATUS[state]} text={t(`health.${state}`)} />
      </Tooltip>
      {state === 'offline' && (
        <Button size="small" type="link" onClick={() => void call('platform.checkNow', {}).catch(() => undefined)}>
          {t('health.checkNow')}
        </Button>
      )}
    </Space>
  );
}
