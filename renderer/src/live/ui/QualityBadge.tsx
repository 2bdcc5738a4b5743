import { Descriptions, Tag, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Device } from '@common/platform';
import type { FeedQuality, QualityGrade } from '../quality/connection-quality';

const COLORS: Record<QualityGrade, string> = { good: 'success', poor: 'warning', lost: 'error' };

/** The feed's grade at a glance; the figures behind it on hover (or focus). */
export function QualityBadge({ device, quality }: { device: Device; quality: FeedQuality }) {
  const { t } = useTranslation();
  const { figures } = quality;
  const unknown = t('live.quality.unknown');
  const show = (value: number | null, unit: string) => (value === null ? unknown : `${value} ${unit}`);
  const details = (
    <div data-testid={`quality-details-${device}`}>
      {quality.reasons.length > 0 && <div style={{ marginBottom: 6 }}>{quality.reasons.map((reason) => t(`live.quality.reasons.${reason}`)).join(' · ')}</div>}
      <Descriptions
        size="small"
        column={1}
        styles={{ label: { color: '#d1d5db' }, content: { color: '#fff' } }}
        items={[
          { key: 'resolution', label: t('live.quality.resolution'), children: figures.width && figures.height ? `${figures.width}×${figures.height}` : unknown },
          { key: 'fps', label: t('live.quality.frameRate'), children: show(figures.framesPerSecond, 'fps') },
          { key: 'bitrate', label: t('live.quality.bitrate'), children: show(figures.bitrateKbps, 'kbit/s') },
          { key: 'rtt', label: t('live.quality.roundTrip'), children: show(figures.roundTripMs, 'ms') },
          { key: 'loss', label: t('live.quality.packetLoss'), children: show(figures.packetLossPercent, '%') },
          { key: 'jitter', label: t('live.quality.jitter'), children: show(figures.jitterMs, 'ms') },
          {
            key: 'freezes',
            label: t('live.quality.freezes'),
            children:
              figures.freezeCount === null ? unknown : t('live.quality.freezesValue', { count: figures.freezeCount, seconds: (figures.freezeSeconds ?? 0).toFixed(1) }),
          },
        ]}
      />
    </div>
  );
  const grade = t(`live.quality.${quality.grade}`);
  return (
    <Tooltip title={details}>
      <Tag
        color={COLORS[quality.grade]}
        tabIndex={0}
        data-testid={`quality-${device}`}
        data-grade={quality.grade}
        aria-label={t('live.quality.label', { device: t(`live.device.${device}`), grade })}
        style={{ marginInlineEnd: 0, cursor: 'help' }}
      >
        {grade}
      </Tag>
    </Tooltip>
  );
}
