import { Alert } from 'antd';
import { useTranslation } from 'react-i18next';
import { useLiveValue } from '../bridge/hooks';
import { useTimeFormat } from '../format/useTimeFormat';
import { tryCall } from './call';

/**
 * Says so, above every screen, when the disk is full: a score was saved from the space held back
 * for scores (`spent`), or there is too little space to hold any back (`missing`). Gone once main
 * has made the reserve again (`store.space`).
 */
export function StoreSpaceNotice() {
  const { t } = useTranslation();
  const format = useTimeFormat();
  const space = useLiveValue('store.space', () => tryCall('store.getSpace', {}));
  if (!space || space.reserve === 'held') return null;
  const spent = space.reserve === 'spent';
  return (
    <Alert
      data-testid="store-space-notice"
      data-reserve={space.reserve}
      type={spent ? 'error' : 'warning'}
      showIcon
      banner
      title={t(spent ? 'storeSpace.spentTitle' : 'storeSpace.missingTitle')}
      description={spent ? t('storeSpace.spent', { time: format.clock(space.spentAt) }) : t('storeSpace.missing')}
    />
  );
}
