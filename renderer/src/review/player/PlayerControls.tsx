import { Button, Flex, Select, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ClockSnapshot } from './player-clock';
import { SPEEDS } from './speeds';
import { formatClock } from './timeline';
import { SKIP_SECONDS } from './keys';

interface PlayerControlsProps {
  readonly clock: ClockSnapshot;
  readonly disabled: boolean;
  onToggle(): void;
  onSeekBy(seconds: number): void;
  onStep(direction: 1 | -1): void;
  onRate(rate: number): void;
}

/** Play/pause, ±5 s, frame steps, speed and the review clock. Each button names its key. */
export function PlayerControls({ clock, disabled, onToggle, onSeekBy, onStep, onRate }: PlayerControlsProps) {
  const { t } = useTranslation();
  // A symbol on the button needs a name; a word is its own name.
  const button = (label: string, key: string, symbol: string | null, onClick: () => void, testId: string) => (
    <Tooltip title={t('player.keyHint', { action: label, key })}>
      <Button onClick={onClick} disabled={disabled} aria-label={symbol === null ? undefined : label} aria-keyshortcuts={key} data-testid={testId} autoInsertSpace={false}>
        {symbol ?? label}
      </Button>
    </Tooltip>
  );
  return (
    <Flex gap={8} align="center" wrap data-testid="player-controls">
      {button(t('player.back', { seconds: SKIP_SECONDS }), 'ArrowLeft', null, () => onSeekBy(-SKIP_SECONDS), 'player-back')}
      {button(t('player.frameBack'), ',', '◁|', () => onStep(-1), 'player-frame-back')}
      <Tooltip title={t('player.keyHint', { action: clock.playing ? t('player.pause') : t('player.play'), key: 'Space / K' })}>
        <Button
          type="primary"
          onClick={onToggle}
          disabled={disabled}
          autoInsertSpace={false}
          aria-keyshortcuts="Space K"
          data-testid="player-toggle"
          data-playing={clock.playing}
          style={{ minWidth: 72 }}
        >
          {clock.playing ? t('player.pause') : t('player.play')}
        </Button>
      </Tooltip>
      {button(t('player.frameForward'), '.', '|▷', () => onStep(1), 'player-frame-forward')}
      {button(t('player.forward', { seconds: SKIP_SECONDS }), 'ArrowRight', null, () => onSeekBy(SKIP_SECONDS), 'player-forward')}
      <Select
        value={clock.rate}
        disabled={disabled}
        onChange={onRate}
        options={SPEEDS.map((speed) => ({ value: speed, label: `${String(speed)}×` }))}
        aria-label={t('player.speed')}
        data-testid="player-speed"
        style={{ width: 90 }}
      />
      <Typography.Text code data-testid="player-time" aria-live="off">
        {formatClock(clock.time)} / {formatClock(clock.duration)}
      </Typography.Text>
    </Flex>
  );
}
