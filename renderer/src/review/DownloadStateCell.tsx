import { Button, Flex, Progress, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AssignmentRecordings, DownloadState } from '@common/contract';
import type { Assignment } from '@common/platform';
import { ToneTag } from '../theme/ToneTag';
import type { Tone } from '../theme/tones';
import type { DownloadAction } from './useDownloadActions';

const TONE: Record<DownloadState, Tone> = {
  none: 'neutral',
  queued: 'info',
  downloading: 'progress',
  paused: 'attention',
  verifying: 'progress',
  ready: 'success',
  failed: 'danger',
};

interface DownloadStateCellProps {
  readonly assignment: Assignment;
  /** Undefined until main has said (or while nothing was ever asked for this assignment). */
  readonly recordings: AssignmentRecordings | undefined;
  readonly busy: boolean;
  onAction(action: DownloadAction, assignmentId: string): void;
}

/**
 * Whether the assignment's recordings are on this computer: its download state with progress,
 * the one action that fits (download, pause, resume, try again), and why a download failed.
 */
export function DownloadStateCell({ assignment, recordings, busy, onAction }: DownloadStateCellProps) {
  const { t } = useTranslation();
  if (assignment.recordings.length === 0) {
    return (
      <Typography.Text type="secondary" data-testid="download-state" data-state="no_recordings">
        {t('review.noRecordings')}
      </Typography.Text>
    );
  }
  const state: DownloadState = recordings?.state ?? 'none';
  const percent = recordings && recordings.bytes > 0 ? Math.floor((recordings.bytesDone / recordings.bytes) * 100) : 0;
  const action: DownloadAction | null =
    state === 'none' ? 'recordings.download' : state === 'queued' || state === 'downloading' ? 'recordings.pause' : state === 'paused' || state === 'failed' ? 'recordings.resume' : null;
  const actionLabel = action === 'recordings.download' ? t('downloads.download') : action === 'recordings.pause' ? t('downloads.pause') : state === 'failed' ? t('downloads.retry') : t('downloads.resume');
  const error = recordings?.recordings.find((recording) => recording.error !== null)?.error ?? null;
  // Said here, before the exam is opened: a phone that never uploaded leaves the grader one angle.
  const missing = (['main', 'side'] as const).filter((angle) => !assignment.recordings.some((recording) => recording.angle === angle));
  // And a recording that downloaded whole but that the workstation cannot read (checked once it is downloaded).
  const unreadable = state === 'failed' ? [] : (recordings?.recordings ?? []).filter((recording) => recording.state === 'ready' && recording.error !== null);
  return (
    <Flex vertical gap={2} data-testid="download-state" data-state={state} data-percent={percent} style={{ minWidth: 0 }}>
      <Flex gap={6} align="center">
        <ToneTag tone={TONE[state]}>{t(`downloads.state.${state}`)}</ToneTag>
        {action && (
          <Button
            size="small"
            autoInsertSpace={false}
            loading={busy}
            data-testid="download-action"
            data-action={action}
            aria-label={t('downloads.actionFor', { action: actionLabel, code: assignment.candidateCode })}
            onClick={(event) => {
              event.stopPropagation();
              onAction(action, assignment.assignmentId);
            }}
            onDoubleClick={(event) => event.stopPropagation()}
          >
            {actionLabel}
          </Button>
        )}
      </Flex>
      {(state === 'downloading' || state === 'paused' || state === 'verifying') && (
        <Progress percent={percent} size="small" showInfo={false} status={state === 'paused' ? 'normal' : 'active'} aria-label={t('downloads.progress', { percent })} />
      )}
      {missing.map((angle) => (
        <Typography.Text key={angle} type="warning" style={{ fontSize: 12 }} data-testid="missing-angle" data-angle={angle}>
          {t(`review.missingAngle.${angle}`)}
        </Typography.Text>
      ))}
      {unreadable.map(({ recordingId, angle, error: why }) =>
        why === null ? null : (
          <Typography.Text key={recordingId} type="danger" style={{ fontSize: 12 }} title={t(`errors.${why.code}`)} data-testid="unreadable-angle" data-angle={angle} data-error={why.code}>
            {t(`review.unreadableAngle.${angle}`)}
          </Typography.Text>
        ),
      )}
      {state === 'failed' && error && (
        <Typography.Text type="danger" style={{ fontSize: 12 }} data-testid="download-error" data-code={error.code}>
          {t(`errors.${error.code}`)}
        </Typography.Text>
      )}
    </Flex>
  );
}
