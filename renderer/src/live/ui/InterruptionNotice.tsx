import { Alert } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Device } from '@common/platform';
import { formatCountdown, type InterruptionView } from '../interruption';

/** On a dropped device's panel: the manual's rule, the time left to come back, and the count. */
export function InterruptionNotice({ device, view }: { device: Device; view: Extract<InterruptionView, { kind: 'interrupted' }> }) {
  const { t } = useTranslation();
  const name = t(`live.device.${device}`);
  const over = view.remainingMs === 0;
  return (
    <Alert
      type={over || view.lastAllowed ? 'error' : 'warning'}
      showIcon
      data-testid={`interruption-${device}`}
      data-remaining-ms={view.remainingMs}
      data-count={view.count}
      title={
        over
          ? t('live.interruption.over', { device: name })
          : t('live.interruption.banner', { device: name, time: formatCountdown(view.remainingMs), count: view.count, max: view.max })
      }
      description={
        <>
          <div>{t('live.interruption.rule')}</div>
          {view.lastAllowed && <div>{t('live.interruption.last')}</div>}
        </>
      }
    />
  );
}
