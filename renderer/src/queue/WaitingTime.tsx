import { Typography } from 'antd';
import type { QueueEntry, QueueState } from '@common/platform';
import { formatDuration } from '../format/time';
import { useNow } from '../format/useNow';

const STILL_WAITING: readonly QueueState[] = ['checked_in', 'face_verified', 'manual_review', 'waiting'];

/** How long the candidate has waited since checking in: counting while they wait, fixed once called. */
export function WaitingTime({ entry }: { entry: QueueEntry }) {
  if (entry.checkedInAt === null) return <Typography.Text type="secondary">—</Typography.Text>;
  if (STILL_WAITING.includes(entry.state)) return <RunningWait since={entry.checkedInAt} />;
  const until = entry.calledAt ?? entry.finishedAt;
  if (until === null) return <Typography.Text type="secondary">—</Typography.Text>;
  return <Typography.Text style={{ fontVariantNumeric: 'tabular-nums' }}>{formatDuration(Date.parse(until) - Date.parse(entry.checkedInAt))}</Typography.Text>;
}

function RunningWait({ since }: { since: string }) {
  const now = useNow();
  return <Typography.Text style={{ fontVariantNumeric: 'tabular-nums' }}>{formatDuration(now - Date.parse(since))}</Typography.Text>;
}
