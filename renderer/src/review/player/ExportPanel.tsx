import { Button, Flex, List, Progress, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call } from '../../app/call';
import { ToneTag } from '../../theme/ToneTag';
import type { Tone } from '../../theme/tones';
import { mediaUrl } from './angle-source';
import { formatClock } from './timeline';
import { useExportJobs, type ExportJob } from './useExportJobs';

interface ExportPanelProps {
  readonly assignmentId: string;
  readonly candidateCode: string;
  /** The main angle's recording, when there is one. */
  readonly mainRecordingId: string | null;
  /** The main angle plays: the clip's start and end are taken on its clock. */
  readonly mainReady: boolean;
  /** Both angles play. */
  readonly bothReady: boolean;
  /** Now on the review clock, in seconds. */
  readonly time: number;
}

/** A clip's range as the grader set it; valid only when it ends after it starts. */
export interface ClipRange {
  readonly startMs: number | null;
  readonly endMs: number | null;
}

export function clipRangeValid(range: ClipRange): range is { startMs: number; endMs: number } {
  return range.startMs !== null && range.endMs !== null && range.endMs > range.startMs;
}

/** A file name without path or odd characters: the candidate code, what it shows, and the range. */
export function exportFileName(candidateCode: string, what: 'side-by-side' | 'main', range?: { startMs: number; endMs: number }): string {
  const code = candidateCode.replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '') || 'recording';
  const seconds = (ms: number) => (ms / 1000).toFixed(1);
  const span = range ? `_${seconds(range.startMs)}-${seconds(range.endMs)}s` : '';
  return `${code}_${what}${span}.mp4`;
}

const TONE: Record<ExportJob['state'], Tone> = { queued: 'neutral', running: 'progress', done: 'success', failed: 'danger' };

/**
 * Exports of the recordings being reviewed: both angles side by side, and a clip of the main
 * angle between a start and an end set from the player's clock. Each export started here is
 * listed with its progress; once done it can be saved, while running it can be cancelled.
 */
export function ExportPanel({ assignmentId, candidateCode, mainRecordingId, mainReady, bothReady, time }: ExportPanelProps) {
  const { t } = useTranslation();
  const { jobs, start, cancel } = useExportJobs();
  const [range, setRange] = useState<ClipRange>({ startMs: null, endMs: null });
  const nowMs = Math.round(time * 1000);
  const valid = clipRangeValid(range);
  const invalid = range.startMs !== null && range.endMs !== null && !valid;
  const canClip = mainReady && mainRecordingId !== null;
  const shown = (ms: number | null) => (ms === null ? t('player.export.unset') : formatClock(ms / 1000));

  const exportSideBySide = () =>
    void start('side_by_side', exportFileName(candidateCode, 'side-by-side'), () => call('media.exportSideBySide', { assignmentId }));
  const exportClip = () => {
    if (!valid || mainRecordingId === null) return;
    const { startMs, endMs } = range;
    void start('clip', exportFileName(candidateCode, 'main', { startMs, endMs }), () => call('media.exportClip', { recordingId: mainRecordingId, startMs, endMs }));
  };

  return (
    <Flex vertical gap={8} data-testid="export-panel" data-now-ms={nowMs}>
      <Typography.Text strong>{t('player.export.title')}</Typography.Text>
      <Flex gap={8} align="center" wrap>
        <Button onClick={exportSideBySide} disabled={!bothReady} data-testid="export-side-by-side">
          {t('player.export.sideBySide')}
        </Button>
        {!bothReady && <Typography.Text type="secondary">{t('player.export.needsBoth')}</Typography.Text>}
      </Flex>
      <Flex gap={8} align="center" wrap>
        <Typography.Text>{t('player.export.clip')}</Typography.Text>
        <Button size="small" disabled={!canClip} onClick={() => setRange((current) => ({ ...current, startMs: nowMs }))} data-testid="clip-set-start">
          {t('player.export.setStart')}
        </Button>
        <Button size="small" disabled={!canClip} onClick={() => setRange((current) => ({ ...current, endMs: nowMs }))} data-testid="clip-set-end">
          {t('player.export.setEnd')}
        </Button>
        <Typography.Text
          data-testid="clip-range"
          data-start-ms={range.startMs ?? ''}
          data-end-ms={range.endMs ?? ''}
          data-valid={valid}
          {...(invalid && { type: 'danger' as const })}
        >
          {t('player.export.range', { from: shown(range.startMs), to: shown(range.endMs) })}
        </Typography.Text>
        <Button size="small" disabled={!canClip || !valid} onClick={exportClip} data-testid="export-clip">
          {t('player.export.exportClip')}
        </Button>
      </Flex>
      {invalid && (
        <Typography.Text type="danger" role="alert" data-testid="clip-range-error">
          {t('player.export.rangeInvalid')}
        </Typography.Text>
      )}
      {!canClip && <Typography.Text type="secondary">{t('player.export.needsMain')}</Typography.Text>}
      {jobs.length > 0 && (
        <List
          size="small"
          bordered
          dataSource={[...jobs]}
          rowKey={(job) => job.key}
          renderItem={(job) => <ExportJobRow job={job} onCancel={(jobId) => void cancel(jobId)} />}
        />
      )}
    </Flex>
  );
}

function ExportJobRow({ job, onCancel }: { job: ExportJob; onCancel(jobId: string): void }) {
  const { t } = useTranslation();
  const cancelled = job.error === 'media_cancelled';
  const active = job.state === 'queued' || job.state === 'running';
  const actions = [];
  if (active && job.jobId !== null) {
    const jobId = job.jobId;
    actions.push(
      <Button key="cancel" size="small" onClick={() => onCancel(jobId)} data-testid="export-cancel" aria-label={t('player.export.cancelOf', { name: job.fileName })}>
        {t('player.export.cancel')}
      </Button>,
    );
  }
  if (job.state === 'done' && job.mediaId !== null) {
    actions.push(
      <a key="save" href={mediaUrl(job.mediaId)} download={job.fileName} data-testid="export-save" aria-label={t('player.export.saveOf', { name: job.fileName })}>
        {t('player.export.save')}
      </a>,
    );
  }
  return (
    <List.Item
      data-testid="export-job"
      data-kind={job.kind}
      data-state={job.state}
      data-job-id={job.jobId ?? ''}
      data-media-id={job.mediaId ?? ''}
      data-error={job.error ?? ''}
      actions={actions}
    >
      <Flex vertical gap={4} style={{ minWidth: 0, flex: 1 }}>
        <Flex gap={8} align="center" style={{ minWidth: 0 }}>
          <ToneTag tone={cancelled ? 'neutral' : TONE[job.state]}>{t(`player.export.state.${cancelled ? 'cancelled' : job.state}`)}</ToneTag>
          <Typography.Text ellipsis={{ tooltip: job.fileName }}>{job.fileName}</Typography.Text>
        </Flex>
        {job.state === 'running' && <Progress percent={Math.floor((job.progress ?? 0) * 100)} size="small" data-testid="export-progress" />}
        {job.state === 'failed' && job.error !== null && !cancelled && (
          <Typography.Text type="danger" data-testid="export-error">
            {t(`errors.${job.error}`)}
          </Typography.Text>
        )}
      </Flex>
    </List.Item>
  );
}
