import { Empty, Flex, List, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { FailureReason } from '@common/platform/queue';
import type { RoomLogLine } from '@common/platform/room';
import type { Messages } from '../i18n/zh-CN';
import { useTimeFormat } from '../format/useTimeFormat';

type DetailValue = RoomLogLine['detail'][string];
type DetailKey = keyof Messages['chief']['roomLog']['detail'];

/** One detail's value in the chosen language: yes/no, the camera's name, else as the platform wrote it. */
function useDetailValue(): (value: DetailValue) => string {
  const { t } = useTranslation();
  return (value) => {
    if (value === null) return t('chief.sheet.blank');
    if (typeof value === 'boolean') return t(value ? 'chief.roomLog.value.true' : 'chief.roomLog.value.false');
    if (value === 'main' || value === 'side') return t(`chief.roomLog.value.${value}`);
    const failure = FailureReason.safeParse(value);
    if (failure.success) return t(`failureReason.${failure.data}`);
    return String(value);
  };
}

/** One interview's exam-room log (考场记录): each line's time, what happened, who did it, and its details. */
export function RoomLogView({ code, lines }: { code: string | null; lines: readonly RoomLogLine[] | null }) {
  const { t, i18n } = useTranslation();
  const format = useTimeFormat();
  const valueOf = useDetailValue();
  return (
    <Flex vertical gap={4} data-testid="room-log" data-code={code ?? ''}>
      <Typography.Text strong>{code === null ? t('chief.roomLog.title') : t('chief.roomLog.forCode', { code })}</Typography.Text>
      {code === null ? (
        <Typography.Text type="secondary">{t('chief.roomLog.none')}</Typography.Text>
      ) : !lines || lines.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('chief.roomLog.empty')} />
      ) : (
        <List
          size="small"
          dataSource={lines as RoomLogLine[]}
          renderItem={(line, index) => {
            const details = Object.entries(line.detail).filter(([, value]) => value !== null);
            return (
              <List.Item key={index} data-testid="room-log-line" data-action={line.action} style={{ paddingInline: 0 }}>
                <Flex vertical gap={0} style={{ width: '100%' }}>
                  <Flex gap={8} align="baseline" wrap>
                    <Typography.Text type="secondary" style={{ fontVariantNumeric: 'tabular-nums' }}>
                      {format.clock(line.at)}
                    </Typography.Text>
                    <Typography.Text strong>{t(`chief.roomLog.action.${line.action}`)}</Typography.Text>
                    <Typography.Text type="secondary">{line.actor ?? t('chief.roomLog.platform')}</Typography.Text>
                  </Flex>
                  {details.length > 0 && (
                    <Typography.Text style={{ fontSize: 12 }} data-testid="room-log-detail">
                      {details
                        .map(([key, value]) => `${i18n.exists(`chief.roomLog.detail.${key}`) ? t(`chief.roomLog.detail.${key as DetailKey}`) : key}: ${valueOf(value)}`)
                        .join(i18n.language === 'en' ? '; ' : '；')}
                    </Typography.Text>
                  )}
                </Flex>
              </List.Item>
            );
          }}
        />
      )}
    </Flex>
  );
}
