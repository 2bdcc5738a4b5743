import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { API_PREFIX } from '@common/platform/wire';
import { startPlatform, type RunningPlatform } from '../../platform/server';
import { slotCandidates } from '../../platform/sim/admin';
import { platformHttp } from '../support/platform-http';
import { SLOT } from '../support/room-clients';

let platform: RunningPlatform;
let examinerToken: string;
let deviceToken: string;
beforeAll(async () => {
  platform = await startPlatform({ sfu: 'off' });
  examinerToken = await platformHttp(platform).login('examiner1');
  const [first] = await slotCandidates(platform.url, SLOT, platform.adminSecret);
  if (!first) throw new Error('the demo slot has no candidate');
  deviceToken = first.mainToken;
});
afterAll(async () => {
  await platform.close();
});

const withQuery = (path: string, token: string) => `${platform.url}${API_PREFIX}${path}?token=${encodeURIComponent(token)}`;

/** How the realtime route answers an upgrade: the 101 (then closed), or the refusal's status and error code. */
function upgrade(query: string | null, header: string | null): Promise<{ status: number; code: string | null }> {
  const url = `ws://127.0.0.1:${platform.port}${API_PREFIX}/realtime${query === null ? '' : `?token=${encodeURIComponent(query)}`}`;
  const socket = new WebSocket(url, header === null ? {} : { headers: { authorization: `Bearer ${header}` } });
  return new Promise((resolve, reject) => {
    socket.once('unexpected-response', (request, response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        request.destroy();
        const parsed = JSON.parse(body) as { error?: { code?: string } };
        resolve({ status: response.statusCode ?? 0, code: parsed.error?.code ?? null });
      });
    });
    socket.once('open', () => {
      socket.close();
      resolve({ status: 101, code: null });
    });
    socket.once('error', (error) => {
      if (!error.message.startsWith('Unexpected server response')) reject(error);
    });
  });
}

describe('reference platform: tokens in the URL', () => {
  it.each([
    ['an examiner route with the examiner token', '/me', () => examinerToken],
    ['an examiner route with a queue read', `/slots/${SLOT}/queue`, () => examinerToken],
    ['a device route with the device token', '/candidate/state', () => deviceToken],
  ])('refuses %s in the query with 401 query_token_refused, though the token is valid', async (_label, path, token) => {
    const response = await fetch(withQuery(path, token()));
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 'query_token_refused' } });
  });

  it('refuses a query token even beside a good bearer header, and takes the header alone', async () => {
    const both = await fetch(withQuery('/me', examinerToken), { headers: { authorization: `Bearer ${examinerToken}` } });
    expect(both.status).toBe(401);
    expect(await both.json()).toMatchObject({ error: { code: 'query_token_refused' } });
    const header = await fetch(`${platform.url}${API_PREFIX}/me`, { headers: { authorization: `Bearer ${examinerToken}` } });
    expect(header.status).toBe(200);
  });

  it('opens the realtime socket to an examiner only with the header, to a device with either', async () => {
    expect(await upgrade(null, examinerToken)).toEqual({ status: 101, code: null });
    expect(await upgrade(examinerToken, null)).toEqual({ status: 401, code: 'query_token_refused' });
    expect(await upgrade(deviceToken, null)).toEqual({ status: 101, code: null });
    expect(await upgrade(null, deviceToken)).toEqual({ status: 101, code: null });
    expect(await upgrade('not-a-token', null)).toEqual({ status: 401, code: 'unauthorized' });
    expect(await upgrade(null, null)).toEqual({ status: 401, code: 'unauthorized' });
  });
});
