import { Button, Flex, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Device } from '@common/platform';
import { formatDuration } from '../../format/time';
import type { RecorderStatus } from '../media/evidence-recorder';
import { DEVICES } from '../session/interview-session';

export interface RecordingControlProps {
  readonly recorders: Readonly<Record<Device, RecorderStatus | null>>;
  readonly canRecord: boolean;
  onStart(): void;
  onStop(): void;
}

const COLORS = { starting: 'processing', recording: 'red', stopping: 'processing', finished: 'success', failed: 'error' } as const;

/** Evidence recording of both feeds: one switch, and each feed's state (recording, saving, saved, failed). */
export function RecordingControl({ recorders, canRecord, onStart, onStop }: RecordingControlProps) {
  const { t } = useTranslation();
  const running = DEVICES.some((device) => {
    const state = recorders[device]?.state;
    return state === 'starting' || state === 'recording' || state === 'stopping';
  });
  const stopping = DEVICES.some((device) => recorders[device]?.state === 'stopping');
  return (
    <Flex gap={8} align="center" wrap>
      {running ? (
        <Button danger onClick={onStop} loading={stopping} data-testid="record-toggle" data-recording="true">
          {t('live.recording.stop')}
        </Button>
      ) : (
        <Button onClick={onStart} disabled={!canRecord} data-testid="record-toggle" data-recording="false">
          {t('live.recording.start')}
        </Button>
      )}
      {DEVICES.map((device) => {
        const status = recorders[device];
        if (!status) return null;
        const name = t(`live.device.${device}`);
        const label =
          status.state === 'finished'
            ? t('live.recording.saved', { device: name, duration: formatDuration(status.result?.durationMs ?? status.elapsedMs) })
            : status.state === 'failed'
              ? t('live.recording.failed', { device: name, reason: status.error ? t(`errors.${status.error}`) : '' })
              : status.state === 'stopping'
                ? t('live.recording.saving', { device: name })
                : t('live.recording.on', { device: name, time: formatDuration(status.elapsedMs) });
        return (
          <Tag key={device} color={COLORS[status.state]} data-testid={`recording-${device}`} data-state={status.state} data-recording-id={status.recordingId ?? ''}>
            {label}
          </Tag>
        );
      })}
    </Flex>
  );
}
