import type { TableColumnsType } from 'antd';
import type { TFunction } from 'i18next';
import type { ReactNode } from 'react';
import { AppointmentTime, CallButton, CandidateCode, LiveCell, SubjectName } from './QueueCells';
import { DeviceStatus } from './DeviceStatus';
import { InterruptionCell } from './InterruptionCell';
import type { QueueRow } from './queue-store';
import type { KeyRef } from '../layout/keyed-refs';
import { QueueStateTag } from './QueueStateTag';
import { QuickMessageBadge } from './QuickMessageBadge';
import { WaitingTime } from './WaitingTime';

export interface QueueColumnContext {
  readonly t: TFunction;
  /** Candidates of more than one subject are on screen. */
  readonly showSubject: boolean;
}

/**
 * The table holds row references that stay the same while the order does; each cell reads its row
 * itself (LiveCell) and re-renders when that row changes. The table never needs to re-render a
 * cell for a change of its row, and whatever else a cell shows (language, time zone, the call on
 * its way) it reads from context, which reaches it regardless.
 */
const refChanged = (ref: KeyRef, previous: KeyRef) => ref !== previous;
const cell = (show: (row: QueueRow) => ReactNode) => (_: unknown, ref: KeyRef) => <LiveCell entryId={ref.key}>{show}</LiveCell>;

/** The live queue's columns: code (never a name), state, the interruption rule, waiting, devices, messages. */
export function queueColumns({ t, showSubject }: QueueColumnContext): TableColumnsType<KeyRef> {
  const columns: TableColumnsType<KeyRef> = [
    {
      key: 'appointment',
      title: t('queue.columns.appointment'),
      width: 80,
      render: cell((row) => <AppointmentTime at={row.entry.appointmentAt} />),
    },
    {
      key: 'code',
      title: t('queue.columns.code'),
      width: 120,
      render: cell((row) => <CandidateCode code={row.entry.candidateCode} />),
    },
    {
      key: 'subject',
      hidden: !showSubject,
      title: t('queue.columns.subject'),
      width: 90,
      render: cell((row) => <SubjectName subjectId={row.subjectId} />),
    },
    {
      key: 'state',
      title: t('queue.columns.state'),
      width: 110,
      render: cell((row) => <QueueStateTag state={row.entry.state} />),
    },
    {
      key: 'interruptions',
      title: t('queue.columns.interruptions'),
      width: 124,
      render: cell((row) => <InterruptionCell entry={row.entry} />),
    },
    {
      key: 'waiting',
      title: t('queue.columns.waiting'),
      width: 84,
      render: cell((row) => <WaitingTime entry={row.entry} />),
    },
    {
      key: 'devices',
      title: t('queue.columns.devices'),
      width: 150,
      render: cell((row) => <DeviceStatus devices={row.entry.devices} />),
    },
    {
      key: 'messages',
      title: t('queue.columns.messages'),
      width: 150,
      render: cell((row) => <QuickMessageBadge row={row} />),
    },
    {
      key: 'actions',
      title: t('queue.columns.actions'),
      width: 80,
      render: cell((row) => <CallButton row={row} />),
    },
  ];
  return columns.map((column) => ({ ...column, shouldCellUpdate: refChanged }));
}
