import { Button, Flex, Tag, Typography } from 'antd';
import { useCallback, type CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import type { Device } from '@common/platform';
import type { InterviewAudio } from '../media/audio-graph';
import type { InterruptionView } from '../interruption';
import type { FeedController, FeedSnapshot } from '../session/feed-controller';
import { InterruptionNotice } from './InterruptionNotice';
import { QualityBadge } from './QualityBadge';
import { VolumeMeter } from './VolumeMeter';

/** What a panel shows instead of (or over) the picture. */
export type FeedView = 'not-live' | 'offline' | 'connecting' | 'route-full' | 'waiting-video' | 'playing' | 'ended';

export function feedView(feed: FeedSnapshot, live: boolean, ended: boolean): FeedView {
  if (ended) return 'ended';
  if (!live) return 'not-live';
  if (!feed.online) return 'offline';
  if (!feed.hasStream) return feed.refused === 'direct_route_full' ? 'route-full' : 'connecting';
  return feed.playing ? 'playing' : 'waiting-video';
}

const PLACEHOLDER_KEY = {
  'not-live': 'live.placeholder.notLive',
  offline: 'live.placeholder.offline',
  connecting: 'live.placeholder.connecting',
  'route-full': 'live.placeholder.routeFull',
  'waiting-video': 'live.placeholder.waitingVideo',
  ended: 'live.placeholder.ended',
} as const;

export interface FeedPanelProps {
  readonly device: Device;
  readonly feed: FeedSnapshot;
  readonly controller: FeedController;
  readonly audio: InterviewAudio;
  readonly live: boolean;
  readonly ended: boolean;
  readonly interruption: InterruptionView;
  /** A thumbnail shows the picture and the grade only. */
  readonly compact: boolean;
  readonly style?: CSSProperties;
}

/**
 * One camera of the candidate: the picture as soon as its first frame is shown, until then a
 * sentence saying what it waits for; the grade, sound level and mute in its corner; the
 * interruption countdown over it while its device is away; "frozen" when frames stop.
 */
export function FeedPanel({ device, feed, controller, audio, live, ended, interruption, compact, style }: FeedPanelProps) {
  const { t } = useTranslation();
  const view = feedView(feed, live, ended);
  const name = t(`live.device.${device}`);
  const bindVideo = useCallback(
    (video: HTMLVideoElement | null) => {
      controller.attach(video);
      return () => controller.attach(null);
    },
    [controller],
  );
  const away = interruption.kind === 'interrupted' && !feed.online && !ended;
  return (
    <section
      aria-label={name}
      data-testid={`feed-${device}`}
      data-view={view}
      data-frozen={feed.frozen}
      data-grade={feed.quality.grade}
      style={{ position: 'relative', background: '#000', borderRadius: 8, overflow: 'hidden', aspectRatio: '16 / 9', minWidth: 0, ...style }}
    >
      <video
        ref={bindVideo}
        autoPlay
        playsInline
        style={{ position: 'absolute', inset: 0, width: '100%', height: '100%', objectFit: 'contain' }}
        data-testid={`video-${device}`}
      />
      {view !== 'playing' && (
        <Flex
          vertical
          align="center"
          justify="center"
          gap={12}
          data-testid={`placeholder-${device}`}
          style={{ position: 'absolute', inset: 0, background: '#111827', color: '#e5e7eb', padding: 16, textAlign: 'center' }}
        >
          <Typography.Text style={{ color: 'inherit', fontSize: compact ? 12 : 16 }}>{t(PLACEHOLDER_KEY[view], { device: name })}</Typography.Text>
          {away && !compact && <InterruptionNotice device={device} view={interruption} />}
        </Flex>
      )}
      {view === 'playing' && away && !compact && (
        <div style={{ position: 'absolute', left: 12, right: 12, bottom: 12 }}>
          <InterruptionNotice device={device} view={interruption} />
        </div>
      )}
      {view === 'playing' && feed.frozen && (
        <Tag color="error" data-testid={`frozen-${device}`} style={{ position: 'absolute', left: '50%', top: '45%', transform: 'translateX(-50%)' }}>
          {t('live.frozen')}
        </Tag>
      )}
      {/* Wraps rather than running past a narrow panel's edge (the side camera beside the main one). */}
      <Flex
        align="center"
        gap={8}
        wrap
        style={{ position: 'absolute', top: 8, left: 8, right: 8, pointerEvents: 'none' }}
        justify="space-between"
      >
        <Tag style={{ marginInlineEnd: 0 }}>{name}</Tag>
        <Flex align="center" justify="flex-end" gap={8} wrap style={{ pointerEvents: 'auto', marginInlineStart: 'auto' }}>
          {!compact && <VolumeMeter device={device} audio={audio} />}
          {!compact && (
            <Button
              size="small"
              data-testid={`mute-${device}`}
              aria-pressed={feed.muted || feed.soundBlocked}
              // The panel's tag names the camera: the button says only what it does, its name says which.
              aria-label={feed.soundBlocked ? t('live.audio.blocked') : t(feed.muted ? 'live.audio.unmute' : 'live.audio.mute', { device: name })}
              onClick={() => controller.setMuted(!(feed.muted || feed.soundBlocked))}
            >
              {feed.soundBlocked ? t('live.audio.blocked') : t(feed.muted ? 'live.audio.unmuteShort' : 'live.audio.muteShort')}
            </Button>
          )}
          <QualityBadge device={device} quality={feed.quality} />
        </Flex>
      </Flex>
    </section>
  );
}
