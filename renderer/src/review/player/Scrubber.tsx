import { Typography } from 'antd';
import { memo, useRef, type PointerEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReviewMark } from '@common/platform';
import type { ThumbnailStrip, Waveform } from '@common/contract';
import { mediaUrl, type PartState } from './angle-source';
import { formatClock, fractionOf, gapSpans, tileOffset, timeAt } from './timeline';

interface ScrubberProps {
  /** Seconds. */
  readonly time: number;
  readonly duration: number;
  readonly strip: PartState<ThumbnailStrip>;
  readonly waveform: PartState<Waveform>;
  readonly marks: readonly ReviewMark[];
  onSeek(seconds: number): void;
  /** False while listening blind: the strip's pictures are not shown (its row stays, empty). */
  readonly showStrip?: boolean;
}

const STRIP_HEIGHT = 44;
const WAVE_HEIGHT = 40;

/**
 * The recording at a glance, and where to go in it: the keyframe strip, the waveform with the
 * silent gaps marked (where the candidate stopped), the notes and violation marks, the
 * playhead. Click or drag anywhere to seek; the arrow keys move by 5 s.
 */
export function Scrubber({ time, duration, strip, waveform, marks, onSeek, showStrip = true }: ScrubberProps) {
  const { t } = useTranslation();
  const box = useRef<HTMLDivElement>(null);
  const dragging = useRef(false);
  const seekAt = (event: PointerEvent<HTMLDivElement>) => {
    const rect = box.current?.getBoundingClientRect();
    if (!rect || rect.width === 0) return;
    onSeek(timeAt((event.clientX - rect.left) / rect.width, duration));
  };
  const durationMs = duration * 1000;
  const gaps = waveform.state === 'ready' && waveform.value.kind === 'peaks' ? waveform.value.silentGaps : [];
  return (
    <div
      ref={box}
      role="slider"
      tabIndex={0}
      aria-label={t('player.scrubber')}
      aria-valuemin={0}
      aria-valuemax={Math.round(duration)}
      aria-valuenow={Math.round(time)}
      aria-valuetext={formatClock(time)}
      data-testid="scrubber"
      className="examiner-focus-ring"
      style={{ position: 'relative', userSelect: 'none', cursor: 'pointer', touchAction: 'none', borderRadius: 4, background: 'rgba(0,0,0,0.04)' }}
      onPointerDown={(event) => {
        dragging.current = true;
        event.currentTarget.setPointerCapture(event.pointerId);
        seekAt(event);
      }}
      onPointerMove={(event) => {
        if (dragging.current) seekAt(event);
      }}
      onPointerUp={() => {
        dragging.current = false;
      }}
    >
      {showStrip ? <StripRow strip={strip} durationMs={durationMs} /> : <div style={{ height: STRIP_HEIGHT }} data-testid="strip-hidden" />}
      <WaveRow waveform={waveform} />
      {gapSpans(gaps, durationMs).map((gap, index) => {
        const source = gaps[index];
        return (
          <div
            key={`${String(gap.start)}-${String(index)}`}
            data-testid="silent-gap"
            data-start-ms={source?.startMs}
            data-end-ms={source?.endMs}
            title={t('player.silentGap', { from: formatClock((source?.startMs ?? 0) / 1000), to: formatClock((source?.endMs ?? 0) / 1000) })}
            style={{
              position: 'absolute',
              left: `${String(gap.start * 100)}%`,
              width: `${String(gap.width * 100)}%`,
              top: STRIP_HEIGHT,
              height: WAVE_HEIGHT,
              background: 'repeating-linear-gradient(45deg, rgba(250,140,22,0.35) 0 4px, rgba(250,140,22,0.12) 4px 8px)',
              pointerEvents: 'none',
            }}
          />
        );
      })}
      {marks.map((mark) => (
        <div
          key={mark.id}
          data-testid="scrubber-mark"
          data-kind={mark.kind}
          title={`${formatClock(mark.atMs / 1000)} ${mark.text}`}
          style={{
            position: 'absolute',
            left: `calc(${String(fractionOf(mark.atMs / 1000, duration) * 100)}% - 1px)`,
            top: 0,
            bottom: 0,
            width: 3,
            background: mark.kind === 'violation' ? '#cf1322' : '#1677ff',
            pointerEvents: 'none',
          }}
        />
      ))}
      <div
        data-testid="playhead"
        style={{ position: 'absolute', left: `${String(fractionOf(time, duration) * 100)}%`, top: 0, bottom: 0, width: 2, background: '#fa541c', pointerEvents: 'none' }}
      />
    </div>
  );
}

// Memoised: the playhead moves twenty times a second, the strip and the waveform do not.
const StripRow = memo(function StripRow({ strip, durationMs }: { strip: PartState<ThumbnailStrip>; durationMs: number }) {
  const { t } = useTranslation();
  if (strip.state !== 'ready') {
    return (
      <div style={{ height: STRIP_HEIGHT, display: 'flex', alignItems: 'center', paddingInline: 8 }} data-testid="strip" data-state={strip.state}>
        {strip.state !== 'none' && (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {strip.state === 'pending' ? t('player.stripPending') : t('player.stripFailed', { reason: t(`errors.${strip.code}`) })}
          </Typography.Text>
        )}
      </div>
    );
  }
  const value = strip.value;
  const scale = STRIP_HEIGHT / Math.max(1, value.tileHeight);
  const times = value.tileTimesMs;
  return (
    <div style={{ position: 'relative', height: STRIP_HEIGHT, overflow: 'hidden' }} data-testid="strip" data-state="ready" data-tiles={times.length}>
      {times.map((at, index) => {
        const next = times[index + 1] ?? durationMs;
        const offset = tileOffset(value, index);
        return (
          // The tile spans its time until the next tile's; wider than the tile (sparse keyframes, a
          // short recording), the rest is dark rather than the sprite's neighbouring tiles.
          <div
            key={at}
            style={{
              position: 'absolute',
              left: `${String((at / Math.max(1, durationMs)) * 100)}%`,
              width: `${String((Math.max(0, next - at) / Math.max(1, durationMs)) * 100)}%`,
              height: STRIP_HEIGHT,
              overflow: 'hidden',
              background: '#1f1f1f',
              borderRight: '1px solid rgba(255,255,255,0.5)',
            }}
          >
            <div
              style={{
                width: value.tileWidth * scale,
                height: STRIP_HEIGHT,
                backgroundImage: `url(${mediaUrl(value.mediaId)})`,
                backgroundSize: `${String(value.columns * value.tileWidth * scale)}px ${String(value.rows * value.tileHeight * scale)}px`,
                backgroundPosition: `${String(offset.x * scale)}px ${String(offset.y * scale)}px`,
                backgroundRepeat: 'no-repeat',
              }}
            />
          </div>
        );
      })}
    </div>
  );
});

const WaveRow = memo(function WaveRow({ waveform }: { waveform: PartState<Waveform> }) {
  const { t } = useTranslation();
  if (waveform.state !== 'ready' || waveform.value.kind === 'no_audio') {
    const text =
      waveform.state === 'pending'
        ? t('player.waveformPending')
        : waveform.state === 'failed'
          ? t('player.waveformFailed', { reason: t(`errors.${waveform.code}`) })
          : waveform.state === 'ready'
            ? t('player.noAudio')
            : '';
    return (
      <div style={{ height: WAVE_HEIGHT, display: 'flex', alignItems: 'center', paddingInline: 8 }} data-testid="waveform" data-state={waveform.state === 'ready' ? 'no_audio' : waveform.state}>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {text}
        </Typography.Text>
      </div>
    );
  }
  const { min, max } = waveform.value;
  let path = '';
  max.forEach((high, index) => {
    const low = min[index] ?? 0;
    path += `M${String(index + 0.5)} ${(50 - high * 48).toFixed(1)}V${(50 - low * 48).toFixed(1)}`;
  });
  return (
    <svg
      data-testid="waveform"
      data-state="ready"
      viewBox={`0 0 ${String(Math.max(1, max.length))} 100`}
      preserveAspectRatio="none"
      aria-hidden
      style={{ display: 'block', width: '100%', height: WAVE_HEIGHT }}
    >
      <path d={path} stroke="#389e0d" strokeWidth={1} vectorEffect="non-scaling-stroke" fill="none" />
    </svg>
  );
});
