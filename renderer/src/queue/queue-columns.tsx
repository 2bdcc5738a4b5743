import type { TableColumnsType } from 'antd';
import type { TFunction } from 'i18next';
import { AppointmentTime, CallButton, CandidateCode, SubjectName } from './QueueCells';
import { DeviceStatus } from './DeviceStatus';
import { InterruptionCell } from './InterruptionCell';
import type { QueueRow } from './queue-store';
import { QueueStateTag } from './QueueStateTag';
import { QuickMessageBadge } from './QuickMessageBadge';
import { WaitingTime } from './WaitingTime';

export interface QueueColumnContext {
  readonly t: TFunction;
  /** Candidates of more than one subject are on screen. */
  readonly showSubject: boolean;
}

/**
 * A cell is rendered again only when its row changed (the queue store keeps an unchanged row's
 * identity): with thousands of candidates and a push every few milliseconds, re-rendering every
 * visible cell on each change would cost a frame. Whatever else a cell shows (language, time
 * zone, the call on its way) it reads from context, which reaches it regardless.
 */
const rowChanged = (row: QueueRow, previous: QueueRow) => row !== previous;

/** The live queue's columns: code (never a name), state, the interruption rule, waiting, devices, messages. */
export function queueColumns({ t, showSubject }: QueueColumnContext): TableColumnsType<QueueRow> {
  const columns: TableColumnsType<QueueRow> = [
    {
      key: 'appointment',
      title: t('queue.columns.appointment'),
      width: 80,
      render: (_, row) => <AppointmentTime at={row.entry.appointmentAt} />,
    },
    {
      key: 'code',
      title: t('queue.columns.code'),
      width: 120,
      render: (_, row) => <CandidateCode code={row.entry.candidateCode} />,
    },
    {
      key: 'subject',
      hidden: !showSubject,
      title: t('queue.columns.subject'),
      width: 90,
      render: (_, row) => <SubjectName subjectId={row.subjectId} />,
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
      width: 124,
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
      width: 150,
      render: (_, row) => <QuickMessageBadge row={row} />,
    },
    {
      key: 'actions',
      title: t('queue.columns.actions'),
      width: 80,
      render: (_, row) => <CallButton row={row} />,
    },
  ];
  return columns.map((column) => ({ ...column, shouldCellUpdate: rowChanged }));
}
