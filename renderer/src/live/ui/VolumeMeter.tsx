import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { Device } from '@common/platform';
import type { InterviewAudio } from '../media/audio-graph';

/**
 * The feed's loudness, redrawn every animation frame straight into the bar's style: sixty
 * React renders a second per feed would cost more than the meter is worth.
 */
export function VolumeMeter({ device, audio }: { device: Device; audio: InterviewAudio }) {
  const { t } = useTranslation();
  const bar = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let frame = 0;
    let shown = -1;
    const draw = () => {
      const level = Math.round(audio.level(device) * 100);
      if (level !== shown && bar.current) {
        shown = level;
        bar.current.style.width = `${level}%`;
        bar.current.parentElement?.setAttribute('aria-valuenow', String(level));
      }
      frame = requestAnimationFrame(draw);
    };
    frame = requestAnimationFrame(draw);
    return () => cancelAnimationFrame(frame);
  }, [audio, device]);
  return (
    <div
      role="meter"
      aria-label={t('live.audio.level', { device: t(`live.device.${device}`) })}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={0}
      data-testid={`volume-${device}`}
      style={{ width: 64, height: 8, background: 'rgba(255,255,255,0.25)', borderRadius: 4, overflow: 'hidden' }}
    >
      <div ref={bar} style={{ width: '0%', height: '100%', background: '#52c41a', transition: 'width 60ms linear' }} />
    </div>
  );
}
