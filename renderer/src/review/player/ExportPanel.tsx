import { Button, Flex, List, Progress, Segmented, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call } from '../../app/call';
import { ToneTag } from '../../theme/ToneTag';
import type { Tone } from '../../theme/tones';
import { mediaUrl } from './angle-source';
import { formatClock } from './timeline';
import { useExportJobs, type ExportAngles, type ExportJob } from './useExportJobs';

interface ExportPanelProps {
  readonly assignmentId: string;
  /** The main angle's recording, when there is one. */
  readonly mainRecordingId: string | null;
  /** The main angle plays: the clip's start and end are taken on its clock. */
  readonly mainReady: boolean;
  /** The side angle plays. */
  readonly sideReady: boolean;
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

const TONE: Record<ExportJob['state'], Tone> = { queued: 'neutral', running: 'progress', done: 'success', failed: 'danger' };
const ANGLES = ['main', 'side', 'both'] as const satisfies readonly ExportAngles[];

/**
 * Exports of the recordings being reviewed: both angles side by side, and a clip of the main
 * angle, the side angle or both side by side, between a start and an end set from the player's
 * clock (the main's; main puts the side on it by the alignment). The assignment's exports are
 * listed as main keeps them, with their progress; once done one can be saved under the name main
 * gave it, while running it can be cancelled.
 */
export function ExportPanel({ assignmentId, mainRecordingId, mainReady, sideReady, bothReady, time }: ExportPanelProps) {
  const { t } = useTranslation();
  const { jobs, start, cancel } = useExportJobs(assignmentId);
  const [range, setRange] = useState<ClipRange>({ startMs: null, endMs: null });
  const [picked, setPicked] = useState<ExportAngles>('main');
  const nowMs = Math.round(time * 1000);
  const valid = clipRangeValid(range);
  const invalid = range.startMs !== null && range.endMs !== null && !valid;
  const plays: Record<ExportAngles, boolean> = { main: mainReady && mainRecordingId !== null, side: sideReady, both: bothReady };
  // A choice whose angle does not play gives way to the first that does.
  const angles = plays[picked] ? picked : (ANGLES.find((angle) => plays[angle]) ?? picked);
  const canClip = plays[angles];
  const shown = (ms: number | null) => (ms === null ? t('player.export.unset') : formatClock(ms / 1000));

  const exportSideBySide = () => void start('side_by_side', 'both', () => call('media.exportSideBySide', { assignmentId }));
  const exportClip = () => {
    if (!valid || !canClip) return;
    const { startMs, endMs } = range;
    void start('clip', angles, () => call('media.exportClip', { assignmentId, angles, startMs, endMs }));
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
        <Segmented<ExportAngles>
          size="small"
          value={angles}
          onChange={setPicked}
          options={ANGLES.map((angle) => ({ value: angle, label: t(`player.export.angle.${angle}`), disabled: !plays[angle] }))}
          aria-label={t('player.export.angles')}
          data-testid="clip-angles"
          data-angles={angles}
        />
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
      {!canClip && <Typography.Text type="secondary">{t('player.export.needsAngle')}</Typography.Text>}
      {jobs.length > 0 && (
        <List
          size="small"
          bordered
          dataSource={[...jobs]}
          rowKey={(job) => job.key}
          renderItem={(job) => <ExportJobRow job={job} onCancel={(jobId) => void cancel(jobId)} />}
          data-testid="export-list"
        />
      )}
    </Flex>
  );
}

function ExportJobRow({ job, onCancel }: { job: ExportJob; onCancel(jobId: string): void }) {
  const { t } = useTranslation();
  const cancelled = job.error === 'media_cancelled';
  const name = job.fileName ?? t(`player.export.what.${job.kind === 'side_by_side' ? 'side_by_side' : job.angles}`);
  const active = job.state === 'queued' || job.state === 'running';
  const actions = [];
  if (active && job.jobId !== null) {
    const jobId = job.jobId;
    actions.push(
      <Button key="cancel" size="small" onClick={() => onCancel(jobId)} data-testid="export-cancel" aria-label={t('player.export.cancelOf', { name })}>
        {t('player.export.cancel')}
      </Button>,
    );
  }
  if (job.state === 'done' && job.mediaId !== null) {
    actions.push(
      <a key="save" href={mediaUrl(job.mediaId)} download={job.fileName ?? true} data-testid="export-save" aria-label={t('player.export.saveOf', { name })}>
        {t('player.export.save')}
      </a>,
    );
  }
  return (
    <List.Item
      data-testid="export-job"
      data-kind={job.kind}
      data-angles={job.angles}
      data-state={job.state}
      data-job-id={job.jobId ?? ''}
      data-media-id={job.mediaId ?? ''}
      data-error={job.error ?? ''}
      actions={actions}
    >
      <Flex vertical gap={4} style={{ minWidth: 0, flex: 1 }}>
        <Flex gap={8} align="center" style={{ minWidth: 0 }}>
          <ToneTag tone={cancelled ? 'neutral' : TONE[job.state]}>{t(`player.export.state.${cancelled ? 'cancelled' : job.state}`)}</ToneTag>
          <Typography.Text ellipsis={{ tooltip: name }}>{name}</Typography.Text>
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
