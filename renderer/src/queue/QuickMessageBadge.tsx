import { Badge, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { QueueRow } from './queue-store';

/** The latest quick message of a candidate, with how many the examiner has not seen yet. */
export function QuickMessageBadge({ row }: { row: QueueRow }) {
  const { t, i18n } = useTranslation();
  const latest = row.messages.at(-1);
  if (!latest) return <Typography.Text type="secondary">—</Typography.Text>;
  const text = i18n.language === 'en' ? latest.text.en : latest.text.zh;
  return (
    <Badge count={row.unread} size="small" offset={[6, -2]} title={t('queue.unread', { count: row.unread })} data-testid="unread-messages" data-unread={row.unread}>
      <Typography.Text ellipsis style={{ maxWidth: 140 }} strong={row.unread > 0}>
        {text}
      </Typography.Text>
    </Badge>
  );
}
