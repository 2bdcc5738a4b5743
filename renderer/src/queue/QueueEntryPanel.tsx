import { Button, Card, Descriptions, Empty, InputNumber, Popconfirm, Space, Typography } from 'antd';
import { memo, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { FINAL_QUEUE_STATES, type MoveEntry, type QueueState } from '@common/platform';
import { useTimeFormat } from '../format/useTimeFormat';
import { DeviceStatus } from './DeviceStatus';
import { InterruptionCell } from './InterruptionCell';
import type { QueueRow } from './queue-store';
import { QueueStateTag } from './QueueStateTag';

export type EntryAction = 'live.call' | 'live.finish' | 'live.markAbsent' | 'live.move';

const CAN_BE_ABSENT: readonly QueueState[] = ['scheduled', 'checked_in', 'face_verified', 'waiting'];
const CAN_FINISH: readonly QueueState[] = ['called', 'in_room', 'interrupted'];
/** Not yet called: the lead may move them later (after a technical failure). */
const CAN_MOVE: readonly QueueState[] = ['scheduled', 'checked_in', 'face_verified', 'waiting'];

interface QueueEntryPanelProps {
  readonly row: QueueRow | undefined;
  readonly busy: EntryAction | null;
  /** This examiner leads the candidate's panel: the actions are theirs. */
  readonly canLead: boolean;
  /** Who leads, shown to the others ("由主考 … 叫号"); null when nobody or when it is this examiner. */
  readonly leadHint: string | null;
  onAction(action: EntryAction, row: QueueRow, move?: MoveEntry): void;
}

/** The active candidate in detail: times, devices, every quick message, and what can be done now. */
export const QueueEntryPanel = memo(function QueueEntryPanel({ row, busy, canLead, leadHint, onAction }: QueueEntryPanelProps) {
  const { t, i18n } = useTranslation();
  const format = useTimeFormat();
  const [places, setPlaces] = useState(1);
  if (!row) {
    return (
      <Card style={{ width: 300, flexShrink: 0 }} data-testid="entry-panel">
        <Empty description={t('entry.none')} />
      </Card>
    );
  }
  const { entry } = row;
  const code = entry.candidateCode;
  return (
    <Card
      style={{ width: 300, flexShrink: 0, overflow: 'auto' }}
      // The code is how the examiner knows the candidate: the title wraps before it, never inside it, and never cuts it off.
      title={<Trans i18nKey="entry.title" values={{ code }} components={{ code: <span style={{ whiteSpace: 'nowrap' }} /> }} />}
      styles={{ title: { whiteSpace: 'normal', overflow: 'visible' } }}
      extra={<QueueStateTag state={entry.state} />}
      data-testid="entry-panel"
      data-entry-id={entry.entryId}
      data-state={entry.state}
    >
      <Descriptions column={1} size="small">
        <Descriptions.Item label={t('entry.appointment')}>{format.dateTime(entry.appointmentAt)}</Descriptions.Item>
        <Descriptions.Item label={t('entry.checkedIn')}>{format.clock(entry.checkedInAt) || '—'}</Descriptions.Item>
        <Descriptions.Item label={t('entry.called')}>{format.clock(entry.calledAt) || '—'}</Descriptions.Item>
        <Descriptions.Item label={t('entry.entered')}>{format.clock(entry.enteredAt) || '—'}</Descriptions.Item>
        <Descriptions.Item label={t('entry.finished')}>{format.clock(entry.finishedAt) || '—'}</Descriptions.Item>
        <Descriptions.Item label={t('entry.faceAttempts')}>{entry.faceAttempts}</Descriptions.Item>
        <Descriptions.Item label={t('entry.interruptions')}>
          <InterruptionCell entry={entry} />
        </Descriptions.Item>
        <Descriptions.Item label={t('queue.columns.devices')}>
          <DeviceStatus devices={entry.devices} />
        </Descriptions.Item>
        {entry.failureReason && (
          <Descriptions.Item label={t('entry.failure')}>{t(`failureReason.${entry.failureReason}`)}</Descriptions.Item>
        )}
      </Descriptions>
      {!canLead && leadHint !== null && (
        <Typography.Paragraph type="secondary" data-testid="entry-lead-hint" style={{ margin: '12px 0 0' }}>
          {leadHint}
        </Typography.Paragraph>
      )}
      {canLead && (
        <Space wrap style={{ margin: '12px 0' }} data-testid="entry-lead-actions">
          {entry.state === 'waiting' && (
            <Button type="primary" loading={busy === 'live.call'} onClick={() => onAction('live.call', row)} data-testid="entry-call">
              {t('entry.call')}
            </Button>
          )}
          {CAN_FINISH.includes(entry.state) && (
            <Button loading={busy === 'live.finish'} onClick={() => onAction('live.finish', row)}>
              {t('entry.finish')}
            </Button>
          )}
          {CAN_BE_ABSENT.includes(entry.state) && !FINAL_QUEUE_STATES.includes(entry.state) && (
            <Popconfirm
              title={t('entry.absentConfirm', { code })}
              okText={t('entry.absent')}
              cancelText={t('common.cancel')}
              onConfirm={() => onAction('live.markAbsent', row)}
            >
              <Button danger loading={busy === 'live.markAbsent'}>
                {t('entry.absent')}
              </Button>
            </Popconfirm>
          )}
          {CAN_MOVE.includes(entry.state) && (
            <Space.Compact>
              <InputNumber
                min={1}
                max={500}
                value={places}
                onChange={(value) => setPlaces(typeof value === 'number' && Number.isInteger(value) ? value : 1)}
                aria-label={t('queue.moveLater', { places })}
                data-testid="move-places"
                style={{ width: 64 }}
              />
              <Button loading={busy === 'live.move'} onClick={() => onAction('live.move', row, { to: 'later', places })} data-testid="move-later">
                {t('queue.moveLater', { places })}
              </Button>
            </Space.Compact>
          )}
          {CAN_MOVE.includes(entry.state) && (
            <Button loading={busy === 'live.move'} onClick={() => onAction('live.move', row, { to: 'end' })} data-testid="move-to-end">
              {t('queue.moveToEnd')}
            </Button>
          )}
        </Space>
      )}
      <Typography.Title level={5}>{t('entry.messages')}</Typography.Title>
      {row.messages.length === 0 ? (
        <Typography.Text type="secondary">{t('entry.noMessages')}</Typography.Text>
      ) : (
        <ul className="examiner-plain-list" data-testid="quick-messages">
          {[...row.messages].reverse().map((message) => (
            <li key={`${message.at}-${message.messageId}-${message.device}`}>
              <Typography.Text>{i18n.language === 'en' ? message.text.en : message.text.zh}</Typography.Text>
              <br />
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('entry.messageFrom', {
                  device: t(message.device === 'main' ? 'queue.mainCamera' : 'queue.sideCamera'),
                  time: format.clock(message.at),
                })}
              </Typography.Text>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
});
