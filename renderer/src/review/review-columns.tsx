import { Button, Typography, type TableColumnsType } from 'antd';
import type { TFunction } from 'i18next';
import type { AssignmentRecordings, AssignmentView } from '@common/contract';
import type { ReReviewRequest, Subject } from '@common/platform';
import type { TimeFormat } from '../format/useTimeFormat';
import { ToneTag } from '../theme/ToneTag';
import { DownloadStateCell } from './DownloadStateCell';
import { SheetStatusTag } from './SheetStatusTag';
import type { DownloadAction } from './useDownloadActions';

export interface ReviewColumnContext {
  readonly t: TFunction;
  readonly language: string;
  readonly format: TimeFormat;
  readonly subjects: ReadonlyMap<string, Subject>;
  readonly reReviews: ReadonlyMap<string, ReReviewRequest>;
  /** Live assignments with an evidence recording on this computer. */
  readonly withEvidence: ReadonlySet<string>;
  /** Download state by assignment id. */
  readonly downloads: ReadonlyMap<string, AssignmentRecordings>;
  /** The assignment whose download action is on its way. */
  readonly downloadBusy: string | null;
  onDownload(action: DownloadAction, assignmentId: string): void;
  onOpen(view: AssignmentView): void;
}

export function reviewColumns({ t, language, format, subjects, reReviews, withEvidence, downloads, downloadBusy, onDownload, onOpen }: ReviewColumnContext): TableColumnsType<AssignmentView> {
  return [
    {
      key: 'position',
      title: t('fairness.queue.position'),
      width: 70,
      render: (_, { assignment }) =>
        assignment.position === null ? (
          <Typography.Text type="secondary">—</Typography.Text>
        ) : (
          <Typography.Text data-testid="queue-position" data-position={assignment.position}>
            {assignment.position}
          </Typography.Text>
        ),
    },
    {
      key: 'code',
      title: t('review.columns.code'),
      width: 130,
      render: (_, { assignment }) => (
        <Typography.Text strong data-code={assignment.candidateCode} style={{ fontFamily: 'monospace' }}>
          {assignment.candidateCode}
        </Typography.Text>
      ),
    },
    {
      key: 'subject',
      title: t('review.columns.subject'),
      width: 140,
      render: (_, { assignment }) => {
        const name = subjects.get(assignment.subjectId)?.name;
        return name ? (language === 'en' ? name.en : name.zh) : assignment.subjectId;
      },
    },
    { key: 'due', title: t('review.columns.due'), width: 160, render: (_, { assignment }) => format.dateTime(assignment.dueAt) },
    {
      key: 'download',
      title: t('review.columns.download'),
      width: 220,
      render: (_, { assignment }) =>
        assignment.kind === 'live' ? (
          withEvidence.has(assignment.assignmentId) ? (
            <ToneTag tone="info" data-testid="evidence-tag">
              {t('review.evidenceTag')}
            </ToneTag>
          ) : (
            <ToneTag tone="neutral" data-testid="live-tag">
              {t('review.liveTag')}
            </ToneTag>
          )
        ) : (
          <DownloadStateCell
            assignment={assignment}
            recordings={downloads.get(assignment.assignmentId)}
            busy={downloadBusy === assignment.assignmentId}
            onAction={onDownload}
          />
        ),
    },
    { key: 'status', title: t('review.columns.status'), width: 150, render: (_, view) => <SheetStatusTag status={view.sheetStatus} /> },
    {
      key: 'reReview',
      title: t('review.columns.reReview'),
      width: 110,
      render: (_, { assignment }) =>
        reReviews.has(assignment.assignmentId) ? (
          <ToneTag tone="attention" data-testid="re-review-tag">
            {t('review.reReviewTag')}
          </ToneTag>
        ) : null,
    },
    {
      key: 'actions',
      title: t('review.columns.actions'),
      width: 100,
      render: (_, view) => (
        <Button
          size="small"
          onClick={(event) => {
            event.stopPropagation();
            onOpen(view);
          }}
          aria-label={t('review.openCode', { code: view.assignment.candidateCode })}
        >
          {t('review.open')}
        </Button>
      ),
    },
  ];
}
