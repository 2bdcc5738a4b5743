import { Alert, Flex, Progress, Typography } from 'antd';
import { useState, type Ref } from 'react';
import { useTranslation } from 'react-i18next';
import type { Device } from '@common/platform';
import { mediaUrl, type AngleSource } from './angle-source';

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
          <video
            key={shown.mediaId}
            ref={videoRef}
            src={mediaUrl(shown.mediaId)}
            preload="auto"
            playsInline
            muted={angle !== 'main'}
            data-angle={angle}
            data-media-id={shown.mediaId}
            aria-label={t('player.video', { angle: label })}
            aria-hidden={blind || undefined}
            style={{ width: '100%', height: '100%', objectFit: 'contain', visibility: blind ? 'hidden' : 'visible' }}
            onError={(event) => {
              const error = event.currentTarget.error;
              setRefused({ mediaId: shown.mediaId, detail: error?.message || String(error?.code ?? 'error') });
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
