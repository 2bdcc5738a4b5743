import { Alert, Flex, Progress, Typography } from 'antd';
import { useLayoutEffect, useRef, useState, type Ref } from 'react';
import { useTranslation } from 'react-i18next';
import type { Device } from '@common/platform';
import type { AngleSource } from './angle-source';
import { give, take } from './video-pool';

interface AngleViewProps {
  readonly angle: Device;
  readonly source: AngleSource;
  readonly videoRef: Ref<HTMLVideoElement>;
  /** The browser would not play what it was given. */
  onRefused?: (() => void) | undefined;
  /**
   * Blind listening: the picture is hidden behind a curtain while the video keeps playing (its
   * sound is the review's). Hidden with `visibility`, not `display: none`, so it still decodes.
   */
  readonly blind?: boolean;
}

/**
 * One camera angle: its video once playable, otherwise a plain sentence on why not (not
 * downloaded, being prepared, damaged, unsupported). Scoring never waits on it.
 */
export function AngleView({ angle, source, videoRef, onRefused, blind = false }: AngleViewProps) {
  const { t } = useTranslation();
  // Why the browser refused a file, by media id (a proxy that replaces it starts afresh).
  const [refused, setRefused] = useState<{ mediaId: string; detail: string } | null>(null);
  const label = t(angle === 'main' ? 'queue.mainCamera' : 'queue.sideCamera');
  const broken = source.kind === 'ready' && refused?.mediaId === source.mediaId ? refused.detail : null;
  // A provisional original the browser refused: the probe (and perhaps a proxy) will tell.
  const shown: AngleSource = source.kind === 'ready' && broken !== null && source.provisional ? { kind: 'preparing', progress: null } : source;
  const state = shown.kind === 'ready' && broken !== null ? 'unplayable' : shown.kind;
  return (
    <Flex
      vertical
      gap={4}
      style={{ flex: 1, minWidth: 0 }}
      data-testid={`angle-${angle}`}
      data-state={state}
      data-provisional={shown.kind === 'ready' && shown.provisional}
      data-blind={blind}
    >
      <Typography.Text strong>{label}</Typography.Text>
      <div
        className="examiner-angle-frame"
        style={{ position: 'relative', background: '#000', aspectRatio: '16 / 9', display: 'flex', alignItems: 'center', justifyContent: 'center', borderRadius: 6, overflow: 'hidden' }}
      >
        {blind && shown.kind === 'ready' && broken === null && (
          <div
            data-testid={`curtain-${angle}`}
            style={{ position: 'absolute', inset: 0, display: 'flex', alignItems: 'center', justifyContent: 'center', background: '#262626', color: 'rgba(255,255,255,0.75)', zIndex: 1 }}
          >
            {t('listening.blind.curtain')}
          </div>
        )}
        {shown.kind === 'ready' && broken === null ? (
          <PooledVideo
            mediaId={shown.mediaId}
            videoRef={videoRef}
            angle={angle}
            muted={angle !== 'main'}
            label={t('player.video', { angle: label })}
            blind={blind}
            onError={(detail) => {
              setRefused({ mediaId: shown.mediaId, detail });
              onRefused?.();
            }}
          />
        ) : (
          <div style={{ padding: 16, width: '100%' }}>
            <AngleMessage source={shown} broken={broken} />
          </div>
        )}
      </div>
    </Flex>
  );
}

function AngleMessage({ source, broken }: { source: AngleSource; broken: string | null }) {
  const { t } = useTranslation();
  switch (source.kind) {
    case 'absent':
      return <Alert type="info" title={t('player.absent')} />;
    case 'not_downloaded':
      return (
        <Alert
          type="info"
          title={t(`player.notDownloaded.${source.state === 'none' ? 'none' : 'pending'}`)}
          description={source.fraction !== null && source.state !== 'none' ? <Progress percent={Math.floor(source.fraction * 100)} size="small" /> : undefined}
        />
      );
    case 'download_failed':
      return <Alert type="error" title={t('player.downloadFailed')} description={t(`errors.${source.code}`)} />;
    case 'preparing':
      return (
        <Alert
          type="info"
          title={t('player.preparing')}
          description={source.progress !== null ? <Progress percent={Math.floor(source.progress * 100)} size="small" /> : undefined}
        />
      );
    case 'failed':
      return <Alert type="error" title={t('player.unplayable')} description={t(`errors.${source.code}`)} data-testid="angle-error" data-code={source.code} />;
    case 'ready':
      return <Alert type="error" title={t('player.unplayable')} description={t('player.browserRefused', { detail: broken ?? '' })} data-testid="angle-error" data-code="browser" />;
  }
}

interface PooledVideoProps {
  readonly mediaId: string;
  readonly videoRef: Ref<HTMLVideoElement>;
  readonly angle: Device;
  readonly muted: boolean;
  readonly label: string;
  readonly blind: boolean;
  onError(detail: string): void;
}

/**
 * The angle's <video>: the element the queue started loading when the grader opened the exam
 * (video-pool.ts), adopted into the page, or a new one; given back to the pool when the angle
 * stops showing it. A file the browser refused before the player mounted is reported at once.
 */
function PooledVideo({ mediaId, videoRef, angle, muted, label, blind, onError }: PooledVideoProps) {
  const frame = useRef<HTMLDivElement>(null);
  const element = useRef<HTMLVideoElement | null>(null);
  const report = useRef(onError);
  const shown = useRef({ muted, angle, label, blind });
  useLayoutEffect(() => {
    report.current = onError;
    shown.current = { muted, angle, label, blind };
    if (element.current) present(element.current, shown.current);
  }, [onError, muted, angle, label, blind]);

  useLayoutEffect(() => {
    const video = take(mediaId);
    element.current = video;
    present(video, shown.current);
    frame.current?.appendChild(video);
    const refused = () => report.current(video.error?.message || String(video.error?.code ?? 'error'));
    video.addEventListener('error', refused);
    assignRef(videoRef, video);
    if (video.error !== null) refused();
    return () => {
      assignRef(videoRef, null);
      video.removeEventListener('error', refused);
      element.current = null;
      give(mediaId, video);
    };
  }, [mediaId, videoRef]);

  return <div ref={frame} style={{ width: '100%', height: '100%', display: 'flex' }} />;
}

/** What the page says of an adopted element: the props a <video> in JSX would have had. */
function present(video: HTMLVideoElement, { muted, angle, label, blind }: { muted: boolean; angle: Device; label: string; blind: boolean }): void {
  video.muted = muted;
  video.dataset.angle = angle;
  video.setAttribute('aria-label', label);
  if (blind) video.setAttribute('aria-hidden', 'true');
  else video.removeAttribute('aria-hidden');
  Object.assign(video.style, { width: '100%', height: '100%', objectFit: 'contain', visibility: blind ? 'hidden' : 'visible' });
}

function assignRef<T>(ref: Ref<T>, value: T | null): void {
  if (typeof ref === 'function') ref(value);
  else if (ref) ref.current = value;
}
