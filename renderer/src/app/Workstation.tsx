import { useEffect, useState } from 'react';
import type { AppInfo } from '@common/contract';
import { useLiveValue } from '../bridge/hooks';
import { AppShell } from './AppShell';
import { tryCall } from './call';
import { LoginScreen } from './LoginScreen';
import { useSessionNotice } from './useSessionNotice';

/** Signed out: the sign-in screen (saying why, if the session expired). Signed in: the shell. */
export function Workstation() {
  const session = useLiveValue('session.changed', () => tryCall('session.get', {}));
  const health = useLiveValue('platform.health', () => tryCall('platform.getHealth', {}));
  const notice = useSessionNotice();
  const [info, setInfo] = useState<AppInfo | undefined>(undefined);

  useEffect(() => {
    void tryCall('app.getInfo', {}).then(setInfo);
  }, []);

  // Tests and tools wait for this instead of sleeping (cf. Mattermost's __e2eAppReady).
  const ready = session !== undefined && info !== undefined;
  useEffect(() => {
    if (ready) document.documentElement.dataset.examinerReady = 'true';
  }, [ready]);

  if (!ready) return null;
  return session === null ? (
    <LoginScreen info={info} health={health} notice={notice} />
  ) : (
    <AppShell info={info} health={health} session={session} />
  );
}
