import { Alert, Button, Flex, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatOffset, frameMs, nudgedOffset, NUDGE_MS } from './alignment';
import type { AlignmentState } from './useAlignment';

interface AlignmentBarProps {
  readonly state: AlignmentState;
  /** The main's probed frame rate, for the one-frame nudge. */
  readonly frameRate: number | null;
}

/**
 * The alignment line under the player: where the side sits on the main's clock and who put it
 * there (the sound, with its confidence; the grader; or why the sound could not tell), and the
 * nudges of a frame or 100 ms, with a reset to what the sound found.
 */
export function AlignmentBar({ state, frameRate }: AlignmentBarProps) {
  const { t } = useTranslation();
  const { alignment, busy, error } = state;
  const offsetMs = alignment?.offsetMs ?? 0;
  const frame = frameMs(frameRate);
  const text =
    alignment === null
      ? t('listening.alignment.none.pending')
      : alignment.source === 'sound'
        ? t('listening.alignment.sound', { offset: formatOffset(offsetMs), confidence: Math.round((alignment.confidence ?? 0) * 100) })
        : alignment.source === 'grader'
          ? t('listening.alignment.grader', { offset: formatOffset(offsetMs) })
          : t(`listening.alignment.none.${alignment.reason ?? 'failed'}`) + (offsetMs !== 0 ? t('listening.alignment.noneOffset', { offset: formatOffset(offsetMs) }) : '');
  const nudge = (label: string, deltaMs: number, testId: string) => (
    <Button
      size="small"
      disabled={alignment === null || busy}
      onClick={() => state.set(nudgedOffset(offsetMs, deltaMs))}
      aria-label={t('listening.alignment.nudge', { step: label })}
      data-testid={testId}
      autoInsertSpace={false}
    >
      {label}
    </Button>
  );
  return (
    <Flex vertical gap={4}>
      <Flex
        gap={8}
        align="center"
        wrap
        data-testid="alignment"
        data-source={alignment?.source ?? 'unknown'}
        data-reason={alignment?.reason ?? ''}
        data-offset-ms={offsetMs}
        role="group"
        aria-label={t('listening.alignment.label')}
      >
        <Typography.Text data-testid="alignment-text">{text}</Typography.Text>
        {nudge(t('listening.alignment.minus100'), -NUDGE_MS, 'alignment-minus-100')}
        {nudge(t('listening.alignment.minusFrame'), -frame, 'alignment-minus-frame')}
        {nudge(t('listening.alignment.plusFrame'), frame, 'alignment-plus-frame')}
        {nudge(t('listening.alignment.plus100'), NUDGE_MS, 'alignment-plus-100')}
        <Tooltip title={t('listening.alignment.resetHint')}>
          <Button size="small" disabled={alignment?.source !== 'grader' || busy} onClick={state.reset} data-testid="alignment-reset" autoInsertSpace={false}>
            {t('listening.alignment.reset')}
          </Button>
        </Tooltip>
      </Flex>
      {error && <Alert type="error" showIcon title={t('listening.alignment.saveFailed', { reason: t(`errors.${error.code}`) })} data-testid="alignment-error" />}
    </Flex>
  );
}
