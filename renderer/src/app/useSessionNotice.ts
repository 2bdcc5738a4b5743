import { useEffect, useState } from 'react';
import type { ErrorCode } from '@common/contract';
import { examiner } from '../bridge';
import { tryCall } from './call';
import { consumeLogoutRequest } from './session-intent';

/**
 * Why the examiner is back at the sign-in screen when they did not sign out: the platform's
 * token expired or was revoked. Cleared by the next sign-in.
 */
export function useSessionNotice(): ErrorCode | null {
  const [notice, setNotice] = useState<ErrorCode | null>(null);
  useEffect(() => {
    let signedIn = false;
    let live = true;
    void tryCall('session.get', {}).then((session) => {
      if (live && session) signedIn = true;
    });
    const off = examiner().on('session.changed', (session) => {
      if (!live) return;
      if (session) {
        signedIn = true;
        setNotice(null);
        return;
      }
      if (signedIn && !consumeLogoutRequest()) setNotice('session_expired');
      signedIn = false;
    });
    return () => {
      live = false;
      off();
    };
  }, []);
  return notice;
}
