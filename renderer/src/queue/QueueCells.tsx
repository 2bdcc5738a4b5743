import { Button, Typography } from 'antd';
import { createContext, useCallback, useContext, useSyncExternalStore, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Subject } from '@common/platform';
import { useTimeFormat } from '../format/useTimeFormat';
import type { QueueRowSource } from './queue-feed';
import type { QueueRow } from './queue-store';

/** What the queue's cells need besides their row: they read it here, so a cell re-renders only when its row changes. */
export interface QueueCellContextValue {
  readonly subjects: ReadonlyMap<string, Subject>;
  readonly onCall: (row: QueueRow) => void;
  /** The entry whose call is on its way, so its button shows it. */
  readonly calling: string | null;
  /** Whether this examiner leads the slot's panel (only the lead calls). */
  readonly canLead: (slotId: string) => boolean;
}

export const QueueCellContext = createContext<QueueCellContextValue>({ subjects: new Map(), onCall: () => undefined, calling: null, canLead: () => false });

export function AppointmentTime({ at }: { at: string }) {
  return useTimeFormat().time(at);
}

export function SubjectName({ subjectId }: { subjectId: string }) {
  const { i18n } = useTranslation();
  const name = useContext(QueueCellContext).subjects.get(subjectId)?.name;
  return name ? (i18n.language === 'en' ? name.en : name.zh) : subjectId;
}

export function CandidateCode({ code }: { code: string }) {
  return (
    <Typography.Text strong data-code={code} style={{ fontFamily: 'monospace' }}>
      {code}
    </Typography.Text>
  );
}

/** "Call in", for a waiting candidate only, enabled for the panel's lead only. */
export function CallButton({ row }: { row: QueueRow }) {
  const { t } = useTranslation();
  const { onCall, calling, canLead } = useContext(QueueCellContext);
  if (row.entry.state !== 'waiting') return null;
  return (
    <Button
      size="small"
      disabled={!canLead(row.entry.slotId)}
      loading={calling === row.entry.entryId}
      onClick={(event) => {
        event.stopPropagation();
        onCall(row);
      }}
      aria-label={t('entry.callCode', { code: row.entry.candidateCode })}
    >
      {t('entry.call')}
    </Button>
  );
}

/** Where the cells read their rows from (the live queue's feed). */
export const QueueRowContext = createContext<QueueRowSource | null>(null);

/**
 * A cell's row, read by the cell itself: a change re-renders the cells of that row only, while
 * the table (whose virtual body re-renders every visible cell when its data changes) is left alone.
 */
export function LiveCell({ entryId, children }: { entryId: string; children: (row: QueueRow) => ReactNode }) {
  const source = useContext(QueueRowContext);
  const subscribe = useCallback((listener: () => void) => source?.subscribeRow(entryId, listener) ?? (() => undefined), [source, entryId]);
  const row = useSyncExternalStore(subscribe, () => source?.getRow(entryId));
  return row ? children(row) : null;
}
