import { Statistic } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDuration } from '../../format/time';
import { useNow } from '../../format/useNow';
import { answeringTimeLeft } from '../interruption';

/** The subject's answering time, counting down from when the candidate entered the room. */
export function AnswerClock({
  enteredAt,
  endedAt,
  answerSeconds,
  testId = 'answer-time',
}: {
  enteredAt: string | null;
  endedAt: string | null;
  answerSeconds: number;
  testId?: string;
}) {
  const { t } = useTranslation();
  const now = useNow();
  const left = answeringTimeLeft(enteredAt, answerSeconds, now, endedAt);
  const text =
    left === null
      ? t('live.notStarted')
      : left >= 0
        ? t('live.answerLeft', { time: formatDuration(left) })
        : t('live.overtime', { time: formatDuration(-left) });
  return (
    <Statistic
      title={t('live.answerTime')}
      value={text}
      data-testid={testId}
      data-remaining-ms={left ?? ''}
      styles={{ content: { fontSize: 18, fontVariantNumeric: 'tabular-nums', color: left !== null && left < 0 ? '#cf1322' : undefined } }}
    />
  );
}
