import { Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { INTERRUPTION_RULE, type QueueEntry } from '@common/platform';
import { formatDuration } from '../format/time';
import { useNow } from '../format/useNow';

/**
 * The 2-minute / 3-interruption rule at a glance: how many interruptions so far out of the
 * allowed three, and while interrupted, the time left to come back, counting down live.
 */
export function InterruptionCell({ entry }: { entry: QueueEntry }) {
  const { t } = useTranslation();
  const count = t('queue.interruptionCount', { count: entry.interruptions, max: INTERRUPTION_RULE.maxInterruptions });
  if (entry.state === 'interrupted' && entry.interruptedAt !== null) {
    return <InterruptionCountdown interruptedAt={entry.interruptedAt} count={entry.interruptions} />;
  }
  if (entry.interruptions === 0) return <Typography.Text type="secondary">{count}</Typography.Text>;
  return <Typography.Text data-testid="interruption-count">{count}</Typography.Text>;
}

function InterruptionCountdown({ interruptedAt, count }: { interruptedAt: string; count: number }) {
  const { t } = useTranslation();
  const now = useNow();
  const left = formatDuration(Date.parse(interruptedAt) + INTERRUPTION_RULE.maxSeconds * 1000 - now);
  const max = INTERRUPTION_RULE.maxInterruptions;
  return (
    <Space size={4} data-testid="interruption-countdown" aria-label={t('queue.countdownLabel', { time: left, count, max })}>
      <Typography.Text type="danger" strong style={{ fontVariantNumeric: 'tabular-nums' }}>
        {left}
      </Typography.Text>
      <Typography.Text type="danger" data-testid="interruption-count">
        {t('queue.interruptionCount', { count, max })}
      </Typography.Text>
    </Space>
  );
}
