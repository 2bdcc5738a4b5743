import { Button, Flex, Segmented, Tooltip } from 'antd';
import { useEffect, useRef, useState, type CSSProperties, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Device } from '@common/platform';
import type { InterruptionView } from '../interruption';
import { useFeed } from '../hooks/useInterviewSession';
import type { InterviewSession } from '../session/interview-session';
import { FeedPanel, type FeedPanelProps } from './FeedPanel';

export type LayoutMode = 'main-large' | 'side-by-side' | 'focus';

export interface FeedStageProps {
  /** The feeds' session: each panel subscribes to its own feed, so a feed's change re-renders only its panel. */
  readonly session: InterviewSession;
  readonly live: boolean;
  readonly ended: boolean;
  readonly interruption: InterruptionView;
  /** What must stay in sight in full screen too: the candidate code and the answering time. */
  readonly heading?: ReactNode;
}

const other = (device: Device): Device => (device === 'main' ? 'side' : 'main');

/**
 * Both cameras and how they are laid out: the main camera large with the side beside it (the
 * default), side by side, or one in focus with the other as a thumbnail (still playing, so its
 * freezes and interruptions are still seen); swap exchanges them; full screen takes the stage.
 */
export function FeedStage({ session, live, ended, interruption, heading }: FeedStageProps) {
  const { t } = useTranslation();
  const [mode, setMode] = useState<LayoutMode>('main-large');
  const [primary, setPrimary] = useState<Device>('main');
  const stage = useRef<HTMLDivElement>(null);
  const [fullscreen, setFullscreen] = useState(false);

  useEffect(() => {
    const changed = () => setFullscreen(document.fullscreenElement !== null && document.fullscreenElement === stage.current);
    document.addEventListener('fullscreenchange', changed);
    return () => document.removeEventListener('fullscreenchange', changed);
  }, []);

  const toggleFullscreen = () => {
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
    else void stage.current?.requestFullscreen().catch(() => undefined);
  };

  const panel = (device: Device, compact: boolean, style: CSSProperties = {}) => (
    <SessionFeedPanel
      key={device}
      session={session}
      device={device}
      live={live}
      ended={ended}
      interruption={interruption}
      compact={compact}
      style={style}
    />
  );
  const secondary = other(primary);

  // Full screen takes the controls along, so the examiner can change the layout or leave it there too.
  return (
    <div
      ref={stage}
      data-testid="feed-area"
      style={{ display: 'flex', flexDirection: 'column', gap: 8, minWidth: 0, ...(fullscreen && { background: '#000', padding: 12, overflow: 'auto' }) }}
    >
      {fullscreen && heading !== undefined && (
        <div data-testid="fullscreen-heading" style={{ alignSelf: 'flex-start', background: '#fff', borderRadius: 8, padding: '6px 12px' }}>
          {heading}
        </div>
      )}
      <Flex gap={8} wrap align="center" data-testid="layout-controls">
        <Segmented<LayoutMode>
          aria-label={t('live.layout.label')}
          value={mode}
          onChange={setMode}
          data-testid="layout-mode"
          options={[
            { value: 'main-large', label: t('live.layout.mainLarge') },
            { value: 'side-by-side', label: t('live.layout.sideBySide') },
            { value: 'focus', label: t('live.layout.focus') },
          ]}
        />
        <Button data-testid="layout-swap" onClick={() => setPrimary(secondary)}>
          {t('live.layout.swap')}
        </Button>
        <Tooltip title={fullscreen ? t('live.layout.exitFullscreen') : t('live.layout.fullscreen')}>
          <Button data-testid="layout-fullscreen" aria-pressed={fullscreen} onClick={toggleFullscreen}>
            {fullscreen ? t('live.layout.exitFullscreen') : t('live.layout.fullscreen')}
          </Button>
        </Tooltip>
      </Flex>
      <div
        data-testid="feed-stage"
        data-mode={mode}
        data-primary={primary}
        style={{
          position: 'relative',
          display: 'grid',
          gap: 8,
          alignItems: 'start',
          gridTemplateColumns: mode === 'main-large' ? '3fr 1fr' : mode === 'side-by-side' ? '1fr 1fr' : '1fr',
        }}
      >
        {panel(primary, false)}
        {mode === 'focus'
          ? panel(secondary, true, { position: 'absolute', right: 12, bottom: 12, width: '22%', zIndex: 2, boxShadow: '0 0 0 2px #fff' })
          : panel(secondary, false)}
      </div>
    </div>
  );
}

/** A feed's panel, subscribed to that feed alone. */
function SessionFeedPanel({ session, device, ...props }: Omit<FeedPanelProps, 'feed' | 'controller' | 'audio'> & { readonly session: InterviewSession }) {
  const feed = useFeed(session, device);
  return <FeedPanel device={device} feed={feed} controller={session.feeds[device]} audio={session.audio} {...props} />;
}
