import { Alert, Flex, Progress, Table, Typography, type GetRef } from 'antd';
import { memo, useCallback, useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { AssignmentRecordings, AssignmentView, SheetStatus } from '@common/contract';
import type { Exam, ReReviewRequest } from '@common/platform';
import { useTimeFormat } from '../format/useTimeFormat';
import { useListNavigation } from '../keyboard/useListNavigation';
import { useElementHeight } from '../layout/useElementHeight';
import { formatBytes } from './format-bytes';
import { whenIdle } from '../app/when-idle';
import { cancelWarmSoon, warm, warmOpening, warmSoon } from './player/video-pool';
import { ReReviewNotice } from './ReReviewNotice';
import { reviewColumns } from './review-columns';
import { useAssignments } from './useAssignments';
import { useDownloadActions } from './useDownloadActions';
import { useEvidenceAssignments } from './useEvidenceAssignments';
import { useRecordingsOverview } from './useRecordingsOverview';

interface ReviewQueueProps {
  readonly exam: Exam;
  readonly reReviews: readonly ReReviewRequest[];
  /** The row to start on (the sheet the grader just left). */
  readonly initialKey?: string | null;
  onOpen(view: AssignmentView): void;
}

const keyOf = (view: AssignmentView) => view.assignment.assignmentId;

/**
 * The recorded exams assigned to this grader: code, subject, download state, where each sheet
 * stands, and the re-reviews the platform asks for. Arrow keys choose, Enter opens the sheet.
 * Memoised: it stays mounted, hidden, under an open sheet, and must not render again with it.
 */
export const ReviewQueue = memo(function ReviewQueue({ exam, reReviews, initialKey, onOpen }: ReviewQueueProps) {
  const { t, i18n } = useTranslation();
  const format = useTimeFormat();
  const { view, error } = useAssignments();
  const downloads = useRecordingsOverview();
  const { busy: downloadBusy, run: runDownload } = useDownloadActions();
  const table = useRef<GetRef<typeof Table>>(null);
  const box = useRef<HTMLDivElement>(null);
  const height = useElementHeight(box, 420);
  const liveIds = useMemo(
    () => (view?.assignments ?? []).filter((item) => item.assignment.kind === 'live' && item.assignment.examId === exam.id).map((item) => item.assignment.assignmentId),
    [view, exam.id],
  );
  // Live interviews are here too, after the recorded exams, when there is something to do with
  // them after the interview: evidence to review, a re-review asked for, a sheet not yet sent
  // (a draft, a conflict, a refusal) — a sheet the chief locked among them.
  const withEvidence = useEvidenceAssignments(liveIds);
  const asked = useMemo(() => new Set(reReviews.map((request) => request.assignmentId)), [reReviews]);
  // Calibration assignments (样卷) are not candidates: they are scored in the calibration section.
  const rows = useMemo(
    () =>
      inPlatformOrder(
        (view?.assignments ?? []).filter(
          (item) =>
            item.assignment.examId === exam.id &&
            item.assignment.purpose !== 'calibration' &&
            (item.assignment.kind === 'recorded' || withEvidence.has(item.assignment.assignmentId) || asked.has(item.assignment.assignmentId) || isOutstanding(item.sheetStatus)),
        ),
      ),
    [view, exam.id, withEvidence, asked],
  );
  const shuffled = rows.some((item) => item.assignment.kind === 'recorded' && item.assignment.order === 'shuffled');
  const subjects = useMemo(() => new Map(exam.subjects.map((subject) => [subject.id, subject])), [exam]);
  const requests = useMemo(() => new Map(reReviews.map((request) => [request.assignmentId, request])), [reReviews]);
  // The downloaded files start loading as the grader opens the exam, while its view renders.
  const byAssignment = downloads.byAssignment;
  const open = useCallback(
    (item: AssignmentView) => {
      const recordings = byAssignment.get(item.assignment.assignmentId);
      if (recordings) warmOpening(recordings);
      onOpen(item);
    },
    [byAssignment, onOpen],
  );
  // A row the pointer rests on, or the keyboard chooses, starts loading before it is opened.
  const intend = useCallback(
    (item: AssignmentView | undefined) => {
      const recordings = item && byAssignment.get(item.assignment.assignmentId);
      if (recordings) warmSoon(recordings);
    },
    [byAssignment],
  );
  const move = (index: number) => {
    table.current?.scrollTo({ index });
    intend(rows[index]);
  };
  const nav = useListNavigation(rows, keyOf, { onActivate: open, onMove: move, initialKey: initialKey ?? null });
  // The exam the grader most likely opens next loads its index and first frames at idle time.
  const next = useMemo(() => nextToOpen(rows, nav.activeKey, byAssignment), [rows, nav.activeKey, byAssignment]);
  useEffect(() => (next ? whenIdle(() => warm(next), 1000) : undefined), [next]);
  const columns = useMemo(
    () =>
      reviewColumns({
        t,
        language: i18n.language,
        format,
        subjects,
        reReviews: requests,
        withEvidence,
        downloads: downloads.byAssignment,
        downloadBusy,
        onDownload: (action, assignmentId) => void runDownload(action, assignmentId),
        onOpen: open,
      }),
    [t, i18n.language, format, subjects, requests, withEvidence, downloads.byAssignment, downloadBusy, runDownload, open],
  );
  const subjectName = (subjectId: string) => {
    const name = subjects.get(subjectId)?.name;
    return name ? (i18n.language === 'en' ? name.en : name.zh) : subjectId;
  };
  const byId = new Map(rows.map((item) => [item.assignment.assignmentId, item]));

  return (
    <Flex vertical gap={12} style={{ height: '100%', minHeight: 0 }} data-testid="review-queue">
      <Flex justify="space-between" align="center" wrap gap={12}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('review.title')}
        </Typography.Title>
        {downloads.usage && (
          <Flex align="center" gap={8} data-testid="cache-usage" data-used={downloads.usage.usedBytes} data-quota={downloads.usage.quotaBytes}>
            <Typography.Text type="secondary">
              {t('downloads.cacheUsage', { used: formatBytes(downloads.usage.usedBytes), quota: formatBytes(downloads.usage.quotaBytes) })}
            </Typography.Text>
            <Progress
              percent={downloads.usage.quotaBytes > 0 ? Math.round((downloads.usage.usedBytes / downloads.usage.quotaBytes) * 100) : 0}
              size="small"
              style={{ width: 120, margin: 0 }}
              aria-label={t('downloads.cacheLabel')}
            />
          </Flex>
        )}
      </Flex>
      {downloads.error && <Alert type="warning" showIcon title={t(`errors.${downloads.error.code}`)} data-testid="downloads-error" />}
      {error && <Alert type="error" showIcon title={t(`errors.${error.code}`)} />}
      {view && !view.freshness.fresh && <Alert type="warning" showIcon title={t('review.stale')} data-testid="review-stale" />}
      {shuffled && <Alert type="info" showIcon title={t('fairness.queue.shuffled')} data-testid="queue-shuffled" />}
      {reReviews.map((request) => {
        const item = byId.get(request.assignmentId);
        if (!item) return null;
        return (
          <ReReviewNotice
            key={request.requestId}
            request={request}
            candidateCode={item.assignment.candidateCode}
            subjectName={subjectName(item.assignment.subjectId)}
            onOpen={() => open(item)}
          />
        );
      })}
      <div
        ref={box}
        className="examiner-focus-ring"
        style={{ flex: 1, minHeight: 200, overflow: 'hidden' }}
        tabIndex={0}
        role="region"
        aria-label={t('review.tableLabel')}
        onKeyDown={nav.onKeyDown}
        data-testid="review-table"
        data-rows={rows.length}
      >
        <Table<AssignmentView>
          ref={table}
          virtual
          size="small"
          rowKey={keyOf}
          columns={columns}
          dataSource={rows}
          pagination={false}
          loading={view === null && error === null}
          scroll={{ x: 1080, y: Math.max(160, height - 40) }}
          rowClassName={(item) => (keyOf(item) === nav.activeKey ? 'examiner-row-active' : '')}
          onRow={(item) => ({
            onClick: () => nav.setActiveKey(keyOf(item)),
            onDoubleClick: () => open(item),
            onPointerEnter: () => intend(item),
            onPointerLeave: cancelWarmSoon,
          })}
          locale={{ emptyText: t('review.empty') }}
        />
      </div>
      <div aria-live="polite" className="examiner-visually-hidden">
        {nav.active ? t('review.activeAnnouncement', { code: nav.active.assignment.candidateCode, status: t(`sheetStatus.${nav.active.sheetStatus ?? 'unscored'}`) }) : ''}
      </div>
    </Flex>
  );
});

/**
 * The recorded exams in the order the platform gave this grader (`position`, when it gave one;
 * shuffled per grader against order effects, numbered within each slot), slot by slot as the
 * slots first appear, each in the place of the rows it ordered; the others stay where they are.
 */
function inPlatformOrder(rows: readonly AssignmentView[]): AssignmentView[] {
  const placed = (item: AssignmentView) => item.assignment.kind === 'recorded' && item.assignment.position !== null;
  const slotRank = new Map<string, number>();
  for (const item of rows) if (placed(item) && !slotRank.has(item.assignment.slotId)) slotRank.set(item.assignment.slotId, slotRank.size);
  const rank = (item: AssignmentView) => slotRank.get(item.assignment.slotId) ?? 0;
  const ordered = rows.filter(placed).sort((a, b) => rank(a) - rank(b) || (a.assignment.position ?? 0) - (b.assignment.position ?? 0));
  let next = 0;
  return rows.map((item) => (placed(item) ? (ordered[next++] ?? item) : item));
}

/** The chosen row when it is downloaded, or else the first downloaded exam still to score. */
function nextToOpen(rows: readonly AssignmentView[], activeKey: string | null, byAssignment: ReadonlyMap<string, AssignmentRecordings>): AssignmentRecordings | null {
  const downloaded = (item: AssignmentView | undefined) => {
    const recordings = item && byAssignment.get(keyOf(item));
    return recordings?.recordings.some((recording) => recording.state === 'ready' && recording.mediaId !== null) ? recordings : null;
  };
  const chosen = downloaded(rows.find((item) => keyOf(item) === activeKey));
  if (chosen) return chosen;
  for (const item of rows) {
    const recordings = item.sheetStatus === null || isOutstanding(item.sheetStatus) ? downloaded(item) : null;
    if (recordings) return recordings;
  }
  return null;
}

/** A live sheet left with work on this computer: started and not sent, or sent and not taken. */
function isOutstanding(status: SheetStatus | null): boolean {
  return status === 'draft' || status === 'conflict' || status === 'rejected';
}
