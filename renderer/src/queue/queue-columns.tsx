import { Button, Typography, type TableColumnsType } from 'antd';
import type { TFunction } from 'i18next';
import type { Subject } from '@common/platform';
import type { TimeFormat } from '../format/useTimeFormat';
import { DeviceStatus } from './DeviceStatus';
import { InterruptionCell } from './InterruptionCell';
import type { QueueRow } from './queue-store';
import { QueueStateTag } from './QueueStateTag';
import { QuickMessageBadge } from './QuickMessageBadge';
import { WaitingTime } from './WaitingTime';

export interface QueueColumnContext {
  readonly t: TFunction;
  readonly language: string;
  readonly format: TimeFormat;
  readonly subjects: ReadonlyMap<string, Subject>;
  readonly onCall: (row: QueueRow) => void;
  /** The entry whose call is on its way, so its button shows it. */
  readonly calling: string | null;
  /** Candidates of more than one subject are on screen. */
  readonly showSubject: boolean;
}

/** The live queue's columns: code (never a name), state, the interruption rule, waiting, devices, messages. */
export function queueColumns({ t, language, format, subjects, onCall, calling, showSubject }: QueueColumnContext): TableColumnsType<QueueRow> {
  const columns: TableColumnsType<QueueRow> = [
    {
      key: 'appointment',
      title: t('queue.columns.appointment'),
      width: 72,
      render: (_, row) => format.time(row.entry.appointmentAt),
    },
    {
      key: 'code',
      title: t('queue.columns.code'),
      width: 120,
      render: (_, row) => (
        <Typography.Text strong data-code={row.entry.candidateCode} style={{ fontFamily: 'monospace' }}>
          {row.entry.candidateCode}
        </Typography.Text>
      ),
    },
    {
      key: 'subject',
      hidden: !showSubject,
      title: t('queue.columns.subject'),
      width: 90,
      render: (_, row) => {
        const name = subjects.get(row.subjectId)?.name;
        return name ? (language === 'en' ? name.en : name.zh) : row.subjectId;
      },
    },
    {
      key: 'state',
      title: t('queue.columns.state'),
      width: 110,
      render: (_, row) => <QueueStateTag state={row.entry.state} />,
    },
    {
      key: 'interruptions',
      title: t('queue.columns.interruptions'),
      width: 110,
      render: (_, row) => <InterruptionCell entry={row.entry} />,
    },
    {
      key: 'waiting',
      title: t('queue.columns.waiting'),
      width: 84,
      render: (_, row) => <WaitingTime entry={row.entry} />,
    },
    {
      key: 'devices',
      title: t('queue.columns.devices'),
      width: 150,
      render: (_, row) => <DeviceStatus devices={row.entry.devices} />,
    },
    {
      key: 'messages',
      title: t('queue.columns.messages'),
      width: 160,
      render: (_, row) => <QuickMessageBadge row={row} />,
    },
    {
      key: 'actions',
      title: t('queue.columns.actions'),
      width: 80,
      render: (_, row) =>
        row.entry.state === 'waiting' ? (
          <Button
            size="small"
            loading={calling === row.entry.entryId}
            onClick={(event) => {
              event.stopPropagation();
              onCall(row);
            }}
            aria-label={t('entry.callCode', { code: row.entry.candidateCode })}
          >
            {t('entry.call')}
          </Button>
        ) : null,
    },
  ];
  return columns;
}
