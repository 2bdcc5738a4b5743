import { Space } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Device, DeviceStatus as Devices } from '@common/platform';
import { ToneTag } from '../theme/ToneTag';

const DEVICES: readonly Device[] = ['main', 'side'];

/** Main and side camera, each online or offline, in a sign as well as a colour. */
export function DeviceStatus({ devices }: { devices: Devices }) {
  const { t } = useTranslation();
  return (
    <Space size={4} wrap={false}>
      {DEVICES.map((device) => {
        const name = t(device === 'main' ? 'queue.mainCamera' : 'queue.sideCamera');
        const online = devices[device];
        const status = t('queue.deviceStatus', { device: name, status: t(online ? 'queue.online' : 'queue.offline') });
        return (
          <ToneTag key={device} tone={online ? 'success' : 'neutral'} title={status} aria-label={status} data-device={device} data-online={online}>
            {t(online ? 'queue.deviceOnline' : 'queue.deviceOffline', { device: name })}
          </ToneTag>
        );
      })}
    </Space>
  );
}
