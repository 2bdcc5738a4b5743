import { call } from './call';

/**
 * Main tells the renderer only that the session ended. Whether the examiner asked for it (sign
 * out) or the token expired decides whether the sign-in screen says why, so the renderer
 * remembers that it asked.
 */
let logoutRequested = false;

export async function requestLogout(): Promise<void> {
  logoutRequested = true;
  await call('session.logout', {}).catch(() => {
    logoutRequested = false;
  });
}

/** True once after a sign-out the examiner asked for. */
export function consumeLogoutRequest(): boolean {
  const requested = logoutRequested;
  logoutRequested = false;
  return requested;
}
