import { Flex, Switch, Tooltip, Typography } from 'antd';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { TARGET_LUFS } from '@common/contract';
import { formatDb, formatLufs } from './alignment';
import { angleGainDb, type AngleLoudness } from './fair-loudness';
import type { FairLoudnessGraph } from './fair-loudness';

interface LoudnessLineProps {
  readonly main: AngleLoudness;
  readonly side: AngleLoudness;
  readonly on: boolean;
  onChange(on: boolean): void;
  readonly graph: FairLoudnessGraph | null;
}

const LEVEL_EVERY_MS = 200;

/**
 * Fair loudness: the switch (on by default), each angle's measured loudness and the gain it
 * plays at, and the output's level. The applied gains and the level are on data- attributes
 * for the tests (`data-gain-*-db` what is meant, `data-applied-*` what the graph has).
 */
export function LoudnessLine({ main, side, on, onChange, graph }: LoudnessLineProps) {
  const { t } = useTranslation();
  const meter = useRef<HTMLDivElement>(null);
  const bar = useRef<HTMLDivElement>(null);
  // The level is written to the page directly, a few times a second, not through React.
  useEffect(() => {
    if (!graph) return;
    const timer = setInterval(() => {
      const level = graph.level();
      const node = meter.current;
      if (level === null || !node) return;
      node.dataset.level = level.toFixed(4);
      node.setAttribute('aria-valuenow', level.toFixed(2));
      for (const angle of ['main', 'side'] as const) {
        const applied = graph.applied(angle);
        if (applied !== null) node.dataset[angle === 'main' ? 'appliedMain' : 'appliedSide'] = applied.toFixed(4);
      }
      if (bar.current) bar.current.style.width = `${String(Math.min(100, level * 100))}%`;
    }, LEVEL_EVERY_MS);
    return () => clearInterval(timer);
  }, [graph]);

  const line = (angle: 'main' | 'side', loudness: AngleLoudness) => {
    const name = t(angle === 'main' ? 'queue.mainCamera' : 'queue.sideCamera');
    const text =
      loudness.state === 'measured'
        ? loudness.lufs === null
          ? t('listening.loudness.unmeasured', { angle: name })
          : on
            ? t('listening.loudness.measured', { angle: name, lufs: formatLufs(loudness.lufs), gain: formatDb(angleGainDb(loudness, on)) })
            : t('listening.loudness.measuredOff', { angle: name, lufs: formatLufs(loudness.lufs) })
        : loudness.state === 'pending'
          ? t('listening.loudness.pending', { angle: name })
          : loudness.state === 'no_audio'
            ? t('listening.loudness.noAudio', { angle: name })
            : null;
    return (
      text !== null && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid={`loudness-${angle}`} data-gain-db={angleGainDb(loudness, on).toFixed(2)}>
          {text}
        </Typography.Text>
      )
    );
  };
  return (
    <Flex
      gap={12}
      align="center"
      wrap
      data-testid="loudness"
      data-on={on}
      data-gain-main-db={angleGainDb(main, on).toFixed(2)}
      data-gain-side-db={angleGainDb(side, on).toFixed(2)}
    >
      <Tooltip title={t('listening.loudness.toggleHint', { target: TARGET_LUFS })}>
        <Flex gap={6} align="center">
          <Switch size="small" checked={on} onChange={onChange} aria-label={t('listening.loudness.toggle')} data-testid="loudness-toggle" />
          <Typography.Text style={{ fontSize: 12 }}>{t('listening.loudness.toggle')}</Typography.Text>
        </Flex>
      </Tooltip>
      {line('main', main)}
      {line('side', side)}
      <div
        ref={meter}
        data-testid="output-level"
        role="meter"
        aria-label={t('listening.loudness.level')}
        aria-valuemin={0}
        aria-valuemax={1}
        aria-valuenow={0}
        style={{ width: 80, height: 6, borderRadius: 3, background: 'rgba(0,0,0,0.08)', overflow: 'hidden', display: graph ? 'block' : 'none' }}
      >
        <div ref={bar} style={{ width: 0, height: '100%', background: '#389e0d' }} />
      </div>
    </Flex>
  );
}
