import { Button, Flex, Tooltip, Typography } from 'antd';
import { useCallback, useEffect, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReviewMark, Subject } from '@common/platform';
import { AngleView } from './AngleView';
import { angleGainDb, loudnessOf } from './fair-loudness';
import { LoudnessLine } from './LoudnessLine';
import { useFairLoudness } from './useFairLoudness';
import type { AngleSource } from './angle-source';
import { commandFor, isTypingTarget, type PlayerCommand } from './keys';
import { MarksPanel, type MarksPanelHandle } from './MarksPanel';
import { PlayerClock } from './player-clock';
import { PlayerControls } from './PlayerControls';
import { Scrubber } from './Scrubber';

interface ReviewPlayerProps {
  readonly main: AngleSource;
  readonly side: AngleSource;
  readonly marks: readonly ReviewMark[];
  readonly marksReadOnly: boolean;
  onMarksChange(marks: ReviewMark[]): void;
  /** Shown under the marks, with now on the review clock in seconds (the export panel). */
  renderFooter?: ((time: number) => ReactNode) | undefined;
  /** Every playable angle has its first frame, or the browser refused an angle: ffmpeg may start now. */
  onSettled?: (() => void) | undefined;
  /** The subject's blind listening: open, blind by default (the grader may show the pictures), or always blind. */
  reviewMode?: Subject['reviewMode'] | undefined;
  /** Seconds the side started after the main (the alignment); the side plays that far behind. */
  offsetSeconds?: number | undefined;
  /** The alignment line, shown under the controls. */
  alignment?: ReactNode;
}

function keyframesOf(source: AngleSource): readonly number[] | null {
  return source.kind === 'ready' ? (source.probe?.keyframesMs ?? null) : null;
}

/** Marked in the page's performance timeline when every playable angle has its first frame (the benchmark reads it). */
export const FIRST_FRAME_MARK = 'review:first-frame';

/**
 * The two-angle review player: main and side on one clock (player-clock.ts, sync.ts), the
 * controls, the strip and waveform as a scrubber, and the notes and violation marks that go
 * into the score sheet. Its keys (keys.ts) work anywhere in the player and on the page, never
 * while typing.
 */
export function ReviewPlayer({ main, side, marks, marksReadOnly, onMarksChange, renderFooter, onSettled, reviewMode = 'open', offsetSeconds = 0, alignment }: ReviewPlayerProps) {
  const { t } = useTranslation();
  const [clock] = useState(() => new PlayerClock());
  const snapshot = useSyncExternalStore(clock.subscribe, clock.getSnapshot);
  const [mainVideo, setMainVideo] = useState<HTMLVideoElement | null>(null);
  const [sideVideo, setSideVideo] = useState<HTMLVideoElement | null>(null);
  const [loaded, setLoaded] = useState<ReadonlySet<HTMLVideoElement>>(new Set());
  const root = useRef<HTMLDivElement>(null);
  const marksPanel = useRef<MarksPanelHandle>(null);
  const leader = mainVideo ?? sideVideo;
  const follower = mainVideo ? sideVideo : null;

  useEffect(() => {
    clock.attach(leader, follower);
  }, [clock, leader, follower]);
  useEffect(() => () => clock.dispose(), [clock]);
  const leaderSource = mainVideo ? main : side;
  const frameRate = leaderSource.kind === 'ready' ? (leaderSource.probe?.video?.frameRate ?? null) : null;
  useEffect(() => clock.setFrameRate(frameRate), [clock, frameRate]);
  useEffect(() => clock.setOffset(offsetSeconds), [clock, offsetSeconds]);
  // A paused seek shows each angle's keyframe before the exact frame (player-clock.ts).
  const leaderKeyframes = keyframesOf(leaderSource);
  const followerKeyframes = follower ? keyframesOf(side) : null;
  useEffect(() => clock.setKeyframes(leaderKeyframes, followerKeyframes), [clock, leaderKeyframes, followerKeyframes]);

  // Blind listening (拉幕): the pictures hidden, the sound, the waveform and the clock left.
  const blindRequired = reviewMode === 'blind_required';
  const [blindChosen, setBlind] = useState(reviewMode === 'blind_default');
  const blind = blindRequired || blindChosen;

  // Fair loudness: each angle at the common level its waveform's measure gives.
  const [fair, setFair] = useState(true);
  const mainLoudness = loudnessOf(main.kind === 'ready' ? main.waveform : null);
  const sideLoudness = loudnessOf(side.kind === 'ready' ? side.waveform : null);
  const audio = useFairLoudness(mainVideo, sideVideo, angleGainDb(mainLoudness, fair), angleGainDb(sideLoudness, fair));
  const resumeAudio = audio.resume;

  // First frame of each angle that plays: the player is ready when all of them have one. The
  // mark is set in the event itself, not after React has rendered it.
  const marked = useRef(false);
  const settled = useRef(onSettled);
  useEffect(() => {
    settled.current = onSettled;
  }, [onSettled]);
  useEffect(() => {
    const videos = [mainVideo, sideVideo].filter((video): video is HTMLVideoElement => video !== null);
    const hasFrame = (video: HTMLVideoElement) => video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA;
    const onLoaded = () => {
      if (!marked.current && videos.length > 0 && videos.every(hasFrame)) {
        marked.current = true;
        performance.mark(FIRST_FRAME_MARK);
        settled.current?.();
      }
      setLoaded(new Set(videos.filter(hasFrame)));
    };
    onLoaded();
    for (const video of videos) video.addEventListener('loadeddata', onLoaded);
    return () => {
      for (const video of videos) video.removeEventListener('loadeddata', onLoaded);
    };
  }, [mainVideo, sideVideo]);
  const playable = [mainVideo, sideVideo].filter((video): video is HTMLVideoElement => video !== null);
  const ready = playable.length > 0 && playable.every((video) => loaded.has(video));

  const run = useCallback(
    (command: PlayerCommand) => {
      switch (command.kind) {
        case 'toggle':
          resumeAudio();
          void clock.toggle().catch(() => undefined);
          return;
        case 'pause':
          clock.pause();
          return;
        case 'play':
          resumeAudio();
          void clock.play(command.rate).catch(() => undefined);
          return;
        case 'rate':
          clock.setRate(command.rate);
          return;
        case 'seekBy':
          void clock.seekBy(command.seconds);
          return;
        case 'seekTo':
          void clock.seek(command.where === 'start' ? 0 : clock.getSnapshot().duration);
          return;
        case 'frame':
          void clock.step(command.direction);
          return;
        case 'mark':
          marksPanel.current?.begin(command.mark, Math.round(clock.getSnapshot().time * 1000));
          return;
        case 'blind':
          if (!blindRequired) setBlind((current) => !current);
          return;
      }
    },
    [clock, resumeAudio, blindRequired],
  );

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || leader === null) return;
      const target = event.target;
      const inPlayer = target === document.body || (target instanceof Node && root.current?.contains(target) === true);
      // Elsewhere (the score sheet, a dialog) keys belong to what has the focus.
      if (!inPlayer) return;
      // A focused button takes Space and Enter as a click.
      if (event.key === ' ' && target instanceof HTMLButtonElement) return;
      const snap = clock.getSnapshot();
      const command = commandFor(event, { playing: snap.playing, rate: snap.rate }, isTypingTarget(target));
      if (!command) return;
      event.preventDefault();
      run(command);
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [clock, leader, run]);

  const scrubSource = mainVideo ? main : side;
  return (
    <Flex
      vertical
      gap={12}
      ref={root}
      tabIndex={-1}
      data-testid="review-player"
      data-ready={ready}
      data-leader={mainVideo ? 'main' : sideVideo ? 'side' : 'none'}
      data-blind={blind}
      data-review-mode={reviewMode}
      style={{ outline: 'none' }}
    >
      <Flex gap={12} wrap>
        <AngleView angle="main" source={main} videoRef={setMainVideo} onRefused={onSettled} blind={blind} />
        <AngleView angle="side" source={side} videoRef={setSideVideo} onRefused={onSettled} blind={blind} />
      </Flex>
      <Flex gap={8} align="center" wrap data-testid="blind-line">
        {blindRequired ? (
          <Typography.Text type="secondary" data-testid="blind-required">
            {t('listening.blind.required')}
          </Typography.Text>
        ) : (
          <>
            <Tooltip title={blind ? t('listening.blind.showHint') : t('listening.blind.hideHint')}>
              <Button size="small" onClick={() => run({ kind: 'blind' })} aria-pressed={blind} aria-keyshortcuts="B" data-testid="blind-toggle">
                {blind ? t('listening.blind.show') : t('listening.blind.hide')}
              </Button>
            </Tooltip>
            {reviewMode === 'blind_default' && (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('listening.blind.byDefault')}
              </Typography.Text>
            )}
          </>
        )}
      </Flex>
      {leader !== null && (
        <PlayerControls
          clock={snapshot}
          disabled={!ready}
          onToggle={() => run({ kind: 'toggle' })}
          onSeekBy={(seconds) => run({ kind: 'seekBy', seconds })}
          onStep={(direction) => run({ kind: 'frame', direction })}
          onRate={(rate) => run({ kind: 'rate', rate })}
        />
      )}
      {alignment}
      {leader !== null && <LoudnessLine main={mainLoudness} side={sideLoudness} on={fair} onChange={setFair} graph={audio.graph} />}
      {leader !== null && scrubSource.kind === 'ready' && (
        <Scrubber
          time={snapshot.time}
          duration={snapshot.duration}
          strip={scrubSource.strip}
          waveform={scrubSource.waveform}
          marks={marks}
          onSeek={(seconds) => void clock.seek(seconds)}
          showStrip={!blind}
        />
      )}
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('player.keyboardHint')}
        {!blindRequired && ` · ${t('listening.blind.keyHint')}`}
      </Typography.Text>
      <MarksPanel
        marks={marks}
        time={snapshot.time}
        readOnly={marksReadOnly}
        handle={marksPanel}
        onChange={onMarksChange}
        onJump={(atMs) => {
          clock.pause();
          void clock.seek(atMs / 1000);
        }}
      />
      {renderFooter?.(snapshot.time)}
    </Flex>
  );
}
