import { LoginResponse } from '@common/platform/wire';
import { DEMO_PASSWORD } from '../../platform/demo';
import type { RunningPlatform } from '../../platform/server';

/**
 * The reference platform's HTTP API as its clients call it: a path under /api/v1, a bearer token
 * (an examiner's from `login`, or a candidate device's), a JSON body when there is one.
 */
export function platformHttp(platform: Pick<RunningPlatform, 'url'>) {
  const api = (path: string, init: RequestInit = {}) => fetch(`${platform.url}/api/v1${path}`, init);
  const post = (path: string, token: string, body?: unknown): Promise<Response> =>
    api(path, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  const get = (path: string, token: string, headers: Record<string, string> = {}) => api(path, { headers: { authorization: `Bearer ${token}`, ...headers } });
  /** Signs a demo account in; its token. */
  const login = async (username: string): Promise<string> => {
    const response = await api('/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: DEMO_PASSWORD }),
    });
    return LoginResponse.parse(await response.json()).token;
  };
  return { api, post, get, login };
}
