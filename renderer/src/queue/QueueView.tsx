import { Alert, App, Flex } from 'antd';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Exam, MoveEntry, QueueState, Slot } from '@common/platform';
import { asContractError, call } from '../app/call';
import { useTimeFormat } from '../format/useTimeFormat';
import { useListNavigation } from '../keyboard/useListNavigation';
import { openLiveInterview, useOpenInterview, wasDismissed } from '../live/open-interview';
import { filterQueue, type QueueFilter } from './filter-queue';
import { slotLeads } from './panel-lead';
import { QueueCellContext, QueueRowContext } from './QueueCells';
import { queueColumns } from './queue-columns';
import { QueueEntryPanel, type EntryAction } from './QueueEntryPanel';
import type { QueueRow } from './queue-store';
import { KeyedVirtualTable, type TableScroller } from '../layout/KeyedVirtualTable';
import { QueueToolbar } from './QueueToolbar';
import { useLiveQueue } from './useLiveQueue';
import { KeyedRefs } from '../layout/keyed-refs';

export interface QueueViewProps {
  readonly exam: Exam;
  /** The slots whose candidates are shown. */
  readonly slots: readonly Slot[];
  /** Every live slot of the exam, for the slot picker. */
  readonly liveSlots: readonly Slot[];
  readonly slotChoice: string;
  readonly filter: QueueFilter;
  onSlotChoice(choice: string): void;
  onFilter(filter: QueueFilter): void;
}

const rowKey = (row: QueueRow) => row.entry.entryId;

/** A candidate with the panel now: every member on the queue goes into the room. */
const IN_INTERVIEW: readonly QueueState[] = ['called', 'in_room', 'interrupted'];

/**
 * The live queue of a slot: candidates in appointment order, filtered, kept current by the
 * platform's pushes, with keyboard navigation and the examiner's actions on the active one.
 */
export function QueueView({ exam, slots, liveSlots, slotChoice, filter, onSlotChoice, onFilter }: QueueViewProps) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const format = useTimeFormat();
  const queue = useLiveQueue(slots);
  const rows = useMemo(() => filterQueue(queue.rows, filter), [queue.rows, filter]);
  const [rowRefs] = useState(() => new KeyedRefs());
  const tableRows = useMemo(() => rowRefs.of(rows, rowKey), [rowRefs, rows]);
  const subjects = useMemo(() => new Map(exam.subjects.map((subject) => [subject.id, subject])), [exam]);
  const scroller = useRef<TableScroller>(null);
  const [busy, setBusy] = useState<{ entryId: string; action: EntryAction } | null>(null);
  const [callingNext, setCallingNext] = useState(false);
  const leads = useMemo(() => slotLeads(exam), [exam]);
  const canLead = useCallback((slotId: string) => leads.get(slotId)?.isYou === true, [leads]);
  const canCallNext = slots.some((slot) => canLead(slot.id));
  const leadHintOf = useCallback(
    (slotId: string | undefined) => {
      if (slotId === undefined || canLead(slotId)) return null;
      const lead = leads.get(slotId);
      return lead ? t('queue.ledBy', { name: lead.displayName }) : t('queue.noLead');
    },
    [leads, canLead, t],
  );
  const toolbarHint = canCallNext ? null : leadHintOf(slots[0]?.id);

  // When the lead calls (or an interview runs when this examiner arrives), the interview opens
  // here too — unless another one is open, or this examiner closed this one.
  const openTarget = useOpenInterview();
  useEffect(() => {
    if (openTarget) return;
    const running = queue.rows.find((row) => IN_INTERVIEW.includes(row.entry.state) && !wasDismissed(row.entry.entryId));
    if (running) openLiveInterview(running.entry);
  }, [queue.rows, openTarget]);

  const act = useCallback(
    async (action: EntryAction, row: QueueRow, move?: MoveEntry) => {
      setBusy({ entryId: row.entry.entryId, action });
      try {
        const ref = { slotId: row.entry.slotId, entryId: row.entry.entryId };
        if (action === 'live.move') {
          if (!move) return;
          await call('live.move', { ...ref, move });
          void message.success(t('queue.moved', { code: row.entry.candidateCode }));
        } else await call(action, ref);
        if (action === 'live.call') openLiveInterview(row.entry);
      } catch (failure) {
        void message.error(t(`errors.${asContractError(failure).code}`));
      } finally {
        setBusy(null);
      }
    },
    [message, t],
  );

  const nav = useListNavigation(rows, rowKey, {
    onActivate: (row) => {
      if (row.entry.state === 'waiting' && canLead(row.entry.slotId)) void act('live.call', row);
    },
    onMove: (index) => scroller.current?.scrollTo({ index }),
  });
  const { setActiveKey } = nav;
  const activeRow = useMemo(() => queue.rows.find((row) => row.entry.entryId === nav.activeKey), [queue.rows, nav.activeKey]);
  const { markRead } = queue;

  // Quick messages on screen in the panel are read.
  useEffect(() => {
    if (activeRow && activeRow.unread > 0) markRead(activeRow.entry.entryId);
  }, [activeRow, markRead]);

  // Read when called, so that the toolbar need not re-render with every change of the queue.
  const shownRows = useRef(rows);
  useLayoutEffect(() => {
    shownRows.current = rows;
  }, [rows]);

  const callNext = useCallback(async () => {
    // The next waiting candidate among those shown decides the slot; with one slot the platform decides.
    const next = shownRows.current.find((row) => row.entry.state === 'waiting' && canLead(row.entry.slotId));
    const slotId = next?.entry.slotId ?? (slots.length === 1 ? slots[0]?.id : undefined);
    if (slotId === undefined) {
      void message.info(t('queue.nobodyWaiting'));
      return;
    }
    setCallingNext(true);
    try {
      const called = await call('live.callNext', { slotId });
      if (called === null) void message.info(t('queue.nobodyWaiting'));
      else {
        setActiveKey(called.entryId);
        openLiveInterview(called);
        void message.success(t('queue.calledCode', { code: called.candidateCode }));
      }
    } catch (failure) {
      void message.error(t(`errors.${asContractError(failure).code}`));
    } finally {
      setCallingNext(false);
    }
  }, [slots, message, t, setActiveKey, canLead]);
  const onCallNext = useCallback(() => void callNext(), [callNext]);
  const onAction = useCallback((action: EntryAction, row: QueueRow, move?: MoveEntry) => void act(action, row, move), [act]);

  const calling = busy?.action === 'live.call' ? busy.entryId : null;
  const showSubject = new Set(slots.map((slot) => slot.subjectId)).size > 1;
  const columns = useMemo(() => queueColumns({ t, showSubject }), [t, showSubject]);
  const cells = useMemo(() => ({ subjects, calling, canLead, onCall: (row: QueueRow) => void act('live.call', row) }), [subjects, calling, canLead, act]);
  const slotLabel = useCallback(
    (slot: Slot) => {
      const name = subjects.get(slot.subjectId)?.name;
      const subject = name ? (i18n.language === 'en' ? name.en : name.zh) : slot.subjectId;
      return t('queue.slotOption', { subject, start: format.dateTime(slot.startsAt), end: format.time(slot.endsAt) });
    },
    [subjects, i18n.language, t, format],
  );

  return (
    <Flex vertical gap={12} style={{ height: '100%', minHeight: 0 }} data-testid="queue-view">
      <QueueToolbar
        slots={liveSlots}
        slotChoice={slotChoice}
        subjects={subjects}
        filter={filter}
        shown={rows.length}
        total={queue.rows.length}
        callingNext={callingNext}
        canCallNext={canCallNext}
        leadHint={toolbarHint}
        slotLabel={slotLabel}
        onSlotChoice={onSlotChoice}
        onFilter={onFilter}
        onCallNext={onCallNext}
      />
      {queue.error && <Alert type="error" showIcon title={t(`errors.${queue.error.code}`)} data-testid="queue-error" />}
      {!queue.fresh && !queue.error && <Alert type="warning" showIcon title={t('queue.stale')} data-testid="queue-stale" />}
      <Flex gap={12} style={{ flex: 1, minHeight: 0 }}>
        <QueueCellContext.Provider value={cells}>
          <QueueRowContext.Provider value={queue.rowSource}>
            <KeyedVirtualTable
              testId="queue-table"
              label={t('queue.tableLabel')}
              emptyText={t('queue.empty')}
              rows={tableRows}
              columns={columns}
              activeKey={nav.activeKey}
              applied={queue.applied}
              loading={queue.loading}
              scroller={scroller}
              onSelect={setActiveKey}
              onKeyDown={nav.onKeyDown}
            />
          </QueueRowContext.Provider>
        </QueueCellContext.Provider>
        <QueueEntryPanel
          row={activeRow}
          busy={busy && activeRow && busy.entryId === activeRow.entry.entryId ? busy.action : null}
          canLead={activeRow ? canLead(activeRow.entry.slotId) : false}
          leadHint={activeRow ? leadHintOf(activeRow.entry.slotId) : null}
          onAction={onAction}
        />
      </Flex>
      <div aria-live="polite" className="examiner-visually-hidden" data-testid="queue-announcement">
        {activeRow ? t('queue.activeAnnouncement', { code: activeRow.entry.candidateCode, state: t(`queueState.${activeRow.entry.state}`) }) : ''}
      </div>
    </Flex>
  );
}
