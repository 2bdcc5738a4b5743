import { Alert, App, Button, Checkbox, Empty, Flex, Input, Segmented, Select, Typography } from 'antd';
import { useCallback, useMemo, useRef, useState, useSyncExternalStore, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Exam, Slot } from '@common/platform';
import type { MatrixRow } from '@common/platform/chief';
import { asContractError, call } from '../app/call';
import { useTimeFormat } from '../format/useTimeFormat';
import { useListNavigation } from '../keyboard/useListNavigation';
import { currentSlot } from '../queue/LiveQueueScreen';
import { ToneTag } from '../theme/ToneTag';
import { ActionLog } from './ActionLog';
import { AuditFlagsView } from './AuditFlagsView';
import { ChiefCalibration } from './ChiefCalibration';
import { ExportButtons } from './ExportButtons';
import { filterMatrix, isComplete, NO_MATRIX_FILTER, type MatrixFilter } from './filter-matrix';
import { KeyedRefs } from '../layout/keyed-refs';
import { matrixColumns } from './matrix-columns';
import { MatrixCellContext, MatrixRowContext } from './MatrixCells';
import type { MatrixFeed } from './matrix-feed';
import { KeyedVirtualTable, type TableScroller } from '../layout/KeyedVirtualTable';
import { RaterQualityPanel } from './RaterQualityPanel';
import { ReReviewList } from './ReReviewList';
import { RoomLogView } from './RoomLogView';
import { SheetPanel } from './SheetPanel';
import { useChiefMatrix } from './useChiefMatrix';
import { useSlotRead } from './useSlotRead';

type View = 'matrix' | 'reReviews' | 'actions' | 'quality' | 'audit' | 'calibration';

/** 主考工作台: every slot of the exam the chief sits on, live and recorded; the running one first chosen. */
export function ChiefDesk({ exam }: { exam: Exam }) {
  const { t, i18n } = useTranslation();
  const format = useTimeFormat();
  const slots = useMemo(() => [...exam.slots].sort((a, b) => a.startsAt.localeCompare(b.startsAt)), [exam]);
  const [now] = useState(() => Date.now());
  const [choice, setChoice] = useState<string | null>(null);
  const slot = slots.find((candidate) => candidate.id === choice) ?? currentSlot(slots, now);
  const subjects = useMemo(() => new Map(exam.subjects.map((subject) => [subject.id, subject])), [exam]);
  const slotLabel = (option: Slot) => {
    const name = subjects.get(option.subjectId)?.name;
    return t('chief.slotOption', {
      subject: name ? (i18n.language === 'en' ? name.en : name.zh) : option.subjectId,
      kind: t(`chief.slotKind.${option.kind}`),
      start: format.dateTime(option.startsAt),
      end: format.time(option.endsAt),
    });
  };
  if (!slot) return <Empty description={t('chief.noSlots')} />;
  return (
    <Flex vertical gap={8} style={{ height: '100%', minHeight: 0 }} data-testid="chief-desk">
      <label className="examiner-field">
        <span>{t('chief.slot')}</span>
        <Select
          aria-label={t('chief.slot')}
          data-testid="chief-slot-picker"
          value={slot.id}
          onChange={setChoice}
          style={{ width: 360 }}
          options={slots.map((option) => ({ value: option.id, label: slotLabel(option) }))}
        />
      </label>
      <ChiefSlotDesk key={slot.id} exam={exam} slot={slot} />
    </Flex>
  );
}

function useRow(feed: MatrixFeed, code: string | null): MatrixRow | undefined {
  const subscribe = useCallback((listener: () => void) => (code === null ? () => undefined : feed.subscribeRow(code, listener)), [feed, code]);
  return useSyncExternalStore(subscribe, () => (code === null ? undefined : feed.getRow(code)));
}

const rowKey = (row: MatrixRow) => row.candidateCode;

/** One slot: the matrix with its filters and keyboard, the selected sheet and its room log, the lists, the sign-off and the exports. */
export function ChiefSlotDesk({ exam, slot }: { exam: Exam; slot: Slot }) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const format = useTimeFormat();
  const matrix = useChiefMatrix(slot.id);
  const [filter, setFilter] = useState<MatrixFilter>(NO_MATRIX_FILTER);
  const [view, setView] = useState<View>('matrix');
  const [version, setVersion] = useState(0);
  const bump = useCallback(() => setVersion((current) => current + 1), []);
  const rows = useMemo(() => filterMatrix(matrix.rows, filter), [matrix.rows, filter]);
  const [refs] = useState(() => new KeyedRefs());
  const tableRows = useMemo(() => refs.of(rows, rowKey), [refs, rows]);
  const members = useMemo(() => matrix.header?.members ?? [], [matrix.header]);
  const columns = useMemo(() => matrixColumns(t, members), [t, members]);
  const scroller = useRef<TableScroller>(null);
  const [memberIndex, setMemberIndex] = useState(0);
  const nav = useListNavigation(rows, rowKey, { onMove: (index) => scroller.current?.scrollTo({ index }) });
  const { setActiveKey } = nav;
  const member = members[Math.min(memberIndex, Math.max(0, members.length - 1))];
  const active = nav.activeKey !== null && member ? { code: nav.activeKey, memberId: member.memberId } : null;
  const onSelect = useCallback(
    (code: string, memberId: string) => {
      setActiveKey(code);
      const index = members.findIndex((candidate) => candidate.memberId === memberId);
      if (index >= 0) setMemberIndex(index);
    },
    [members, setActiveKey],
  );
  const cells = useMemo(() => ({ members, active, onSelect }), [members, active?.code, active?.memberId, onSelect]); // eslint-disable-line react-hooks/exhaustive-deps
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'ArrowLeft' || event.key === 'ArrowRight') {
      event.preventDefault();
      setMemberIndex((index) => Math.max(0, Math.min(members.length - 1, index + (event.key === 'ArrowLeft' ? -1 : 1))));
      if (nav.activeKey === null && rows[0]) setActiveKey(rows[0].candidateCode);
      return;
    }
    nav.onKeyDown(event);
  };
  const activeRow = useRow(matrix.feed, nav.activeKey);
  // The slot's whole room log (thousands of entries) is read once the matrix's first page is in, not in its way.
  const roomLog = useSlotRead('chief.getRoomLog', slot.id, version, !matrix.loading);
  const roomLines = nav.activeKey === null ? null : (roomLog.value?.entries.find((entry) => entry.candidateCode === nav.activeKey)?.lines ?? []);

  const notReady = matrix.rows.filter((row) => !isComplete(row)).length;
  const [signing, setSigning] = useState(false);
  const signOff = () => {
    modal.confirm({
      title: t('chief.signOff.confirmTitle'),
      content: t('chief.signOff.confirmBody'),
      okText: t('chief.signOff.confirm'),
      cancelText: t('common.cancel'),
      onOk: async () => {
        setSigning(true);
        try {
          matrix.signedOffNow(await call('chief.signOff', { slotId: slot.id }));
          void message.success(t('chief.signOff.success'));
          bump();
        } catch (failure) {
          void message.error(t(`errors.${asContractError(failure).code}`));
        } finally {
          setSigning(false);
        }
      },
    });
  };
  // Nothing to say of a matrix that has not arrived (its error says why).
  // While pages are still coming, what is shown is not the whole slot: no sign-off on it.
  const signOffBlocked =
    matrix.header === null
      ? ''
      : matrix.progress !== null
        ? t('chief.signOff.loading', matrix.progress)
        : matrix.rows.length === 0
          ? t('chief.signOff.noRows')
          : notReady > 0
            ? t('chief.signOff.notReady', { count: notReady })
            : null;

  return (
    <Flex vertical gap={8} style={{ flex: 1, minHeight: 0 }} data-testid="chief-slot" data-slot-id={slot.id}>
      <Flex gap={12} wrap align="center" data-testid="chief-toolbar">
        <Segmented<View>
          value={view}
          onChange={setView}
          data-testid="chief-views"
          options={(['matrix', 'reReviews', 'actions', 'quality', 'audit', 'calibration'] as const).map((key) => ({ value: key, label: t(`chief.views.${key}`) }))}
        />
        {matrix.signedOff ? (
          <ToneTag tone="success" data-testid="signed-off">
            {t('chief.signOff.done', { by: matrix.signedOff.by, at: format.dateTime(matrix.signedOff.at) })}
          </ToneTag>
        ) : (
          <Flex gap={8} align="center">
            <Button type="primary" disabled={signOffBlocked !== null || matrix.loading} loading={signing} onClick={signOff} data-testid="sign-off">
              {t('chief.signOff.button')}
            </Button>
            {signOffBlocked !== null && signOffBlocked !== '' && (
              <Typography.Text type="secondary" data-testid="sign-off-blocked">
                {signOffBlocked}
              </Typography.Text>
            )}
          </Flex>
        )}
      </Flex>
      {matrix.error && <Alert type="error" showIcon title={t(`errors.${matrix.error.code}`)} data-testid="chief-error" />}
      {!matrix.fresh && !matrix.error && <Alert type="warning" showIcon title={t('chief.stale')} data-testid="chief-stale" />}
      {matrix.pageError && (
        <Alert
          type="error"
          showIcon
          title={t('chief.pageError', { reason: t(`errors.${matrix.pageError.code}`) })}
          action={
            <Button size="small" onClick={matrix.retry} data-testid="matrix-page-retry">
              {t('chief.pageRetry')}
            </Button>
          }
          data-testid="matrix-page-error"
        />
      )}
      {view === 'matrix' && (
        <>
          <Flex gap={12} wrap align="center" data-testid="matrix-filters">
            <Checkbox checked={filter.flagged} onChange={(event) => setFilter({ ...filter, flagged: event.target.checked })} data-testid="filter-flagged">
              {t('chief.filters.flagged')}
            </Checkbox>
            <Checkbox checked={filter.notAccepted} onChange={(event) => setFilter({ ...filter, notAccepted: event.target.checked })} data-testid="filter-not-accepted">
              {t('chief.filters.notAccepted')}
            </Checkbox>
            <Input.Search
              aria-label={t('chief.filters.search')}
              placeholder={t('chief.filters.searchPlaceholder')}
              allowClear
              value={filter.code}
              onChange={(event) => setFilter({ ...filter, code: event.target.value })}
              style={{ width: 180 }}
              data-testid="matrix-search"
            />
            <Typography.Text type="secondary" data-testid="matrix-count" style={{ marginInlineStart: 'auto' }}>
              {matrix.progress === null
                ? t('chief.count', { shown: rows.length, total: matrix.rows.length })
                : t('chief.countLoading', { shown: rows.length, ...matrix.progress })}
            </Typography.Text>
          </Flex>
          <Flex gap={12} style={{ flex: 1, minHeight: 0 }}>
            <MatrixCellContext.Provider value={cells}>
              <MatrixRowContext.Provider value={matrix.feed}>
                <KeyedVirtualTable testId="matrix-table" label={t('chief.tableLabel')} emptyText={t('chief.empty')} rows={tableRows} columns={columns} activeKey={nav.activeKey} applied={matrix.applied} loading={matrix.loading} scroller={scroller} onKeyDown={onKeyDown} />
              </MatrixRowContext.Provider>
            </MatrixCellContext.Provider>
            <Flex vertical gap={12} style={{ width: 340, flexShrink: 0, overflowY: 'auto' }} data-testid="chief-side">
              <SheetPanel slotId={slot.id} row={activeRow} member={active ? member : undefined} signedOff={matrix.signedOff} onActed={bump} />
              <RoomLogView code={nav.activeKey} lines={roomLines} />
            </Flex>
          </Flex>
        </>
      )}
      {view === 'reReviews' && <ReReviewList slotId={slot.id} version={version} onRefresh={bump} />}
      {view === 'actions' && <ActionLog slotId={slot.id} version={version} onRefresh={bump} />}
      {view === 'quality' && matrix.header && <RaterQualityPanel header={matrix.header} rows={matrix.rows} />}
      {view === 'audit' && matrix.header && <AuditFlagsView members={matrix.header.members} rows={matrix.rows} />}
      {view === 'calibration' && <ChiefCalibration exam={exam} initialSubjectId={slot.subjectId} />}
      <ExportButtons examId={exam.id} slotId={slot.id} subjectId={slot.subjectId} />
    </Flex>
  );
}
