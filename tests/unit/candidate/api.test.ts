import { describe, expect, it } from 'vitest';
import { CandidateApi, type ActionResult } from '../../../platform/shared/candidate/api';
import type { FetchLike, RequestLike } from '../../../platform/shared/candidate/ports';
import { API_PREFIX } from '@common/platform/wire';
import { PLATFORM_URL, queueEntry, response } from './fakes';

/** A fetch that records each request and answers with `answer`. */
function recording(answer: ReturnType<FetchLike>) {
  const requests: { url: string; init: RequestLike }[] = [];
  const fetch: FetchLike = (url, init) => {
    requests.push({ url, init });
    return answer;
  };
  return { requests, fetch };
}

describe('the shared candidate API client', () => {
  it.each([
    { platformUrl: 'http://127.0.0.1:4100', token: 'AbC_-9z', url: 'ws://127.0.0.1:4100/api/v1/realtime?token=AbC_-9z' },
    { platformUrl: 'https://exam.example.org', token: 'tok', url: 'wss://exam.example.org/api/v1/realtime?token=tok' },
    { platformUrl: 'http://localhost:80', token: 'a+b/c=', url: 'ws://localhost:80/api/v1/realtime?token=a%2Bb%2Fc%3D' },
  ])('puts the realtime socket at $url', ({ platformUrl, token, url }) => {
    const realtimeUrl = new CandidateApi(recording(Promise.resolve(response(200, null))).fetch, platformUrl, token).realtimeUrl();
    expect(realtimeUrl).toBe(url);
    // The same address the URL API builds (what both copies did before they were one).
    const built = new URL(`${API_PREFIX}/realtime`, platformUrl);
    built.protocol = built.protocol === 'https:' ? 'wss:' : 'ws:';
    built.searchParams.set('token', token);
    expect(new URL(realtimeUrl).href).toBe(built.href);
  });

  it.each([
    { name: 'state', call: (api: CandidateApi) => api.state(), method: 'GET', path: 'state', body: undefined },
    { name: 'check-in', call: (api: CandidateApi) => api.act('check-in'), method: 'POST', path: 'check-in', body: undefined },
    { name: 'face', call: (api: CandidateApi) => api.act('face', { matched: false }), method: 'POST', path: 'face', body: '{"matched":false}' },
  ])('sends $name with the device token as a bearer token', async ({ call, method, path, body }) => {
    const { requests, fetch } = recording(Promise.resolve(response(200, queueEntry('checked_in'))));
    await call(new CandidateApi(fetch, PLATFORM_URL, 'device-token'));
    expect(requests).toEqual([
      {
        url: `${PLATFORM_URL}${API_PREFIX}/candidate/${path}`,
        init: {
          method,
          headers: { authorization: 'Bearer device-token', ...(body !== undefined && { 'content-type': 'application/json' }) },
          ...(body !== undefined && { body }),
        },
      },
    ]);
  });

  it.each<{ name: string; answer: () => ReturnType<FetchLike>; result: ActionResult }>([
    { name: 'a queue entry', answer: () => Promise.resolve(response(200, queueEntry('waiting'))), result: { ok: true, entry: queueEntry('waiting') } },
    {
      name: 'a success that is no queue entry',
      answer: () => Promise.resolve(response(200, { state: 'waiting' })),
      result: { ok: false, status: 200, code: 'bad_response', message: 'the answer is not a queue entry' },
    },
    {
      name: 'a refusal',
      answer: () => Promise.resolve(response(409, { error: { code: 'side_missing', message: 'the side device is not connected' } })),
      result: { ok: false, status: 409, code: 'side_missing', message: 'the side device is not connected' },
    },
    {
      name: 'a failure without a JSON body',
      answer: () => Promise.resolve({ ok: false, status: 502, statusText: 'Bad Gateway', json: () => Promise.reject(new SyntaxError('not JSON')) }),
      result: { ok: false, status: 502, code: 'http', message: 'Bad Gateway' },
    },
    { name: 'a network failure', answer: () => Promise.reject(new Error('ECONNREFUSED')), result: { ok: false, status: 0, code: 'network', message: 'ECONNREFUSED' } },
  ])('answers $name as such', async ({ answer, result }) => {
    expect(await new CandidateApi(recording(answer()).fetch, PLATFORM_URL, 'device-token').state()).toEqual(result);
  });

  it('calls fetch without a receiver, as a browser’s fetch requires', async () => {
    const receivers: unknown[] = [];
    const fetch = function (this: unknown) {
      receivers.push(this);
      return Promise.resolve(response(200, queueEntry('waiting')));
    };
    await new CandidateApi(fetch, PLATFORM_URL, 'device-token').state();
    expect(receivers).toEqual([undefined]);
  });
});
