import { describe, expect, it } from 'vitest';
import type { Logger } from '../../../main/log';
import { PlatformClient } from '../../../main/platform/client';
import type { PlatformHealthMonitor } from '../../../main/services/platform-health-monitor';
import type { SessionService } from '../../../main/services/session-service';
import { SheetProgressReporter } from '../../../main/services/sheet-progress-reporter';

const log: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined } as unknown as Logger;

function setup(state: 'online' | 'offline' = 'online', status = 204) {
  const sent: { method: string; url: string; body: unknown; auth: string | null }[] = [];
  const release: (() => void)[] = [];
  const health = { current: { state } };
  const fetchImpl = (async (url: string, init: RequestInit) => {
    sent.push({ method: init.method ?? '', url, body: JSON.parse(String(init.body)), auth: new Headers(init.headers).get('authorization') });
    // Held until the test lets it go, so what queues meanwhile can be seen coalescing.
    await new Promise<void>((resolve) => release.push(resolve));
    return new Response(status === 204 ? null : JSON.stringify({ error: { code: 'offline', message: 'x' } }), { status });
  }) as unknown as typeof fetch;
  const client = new PlatformClient('http://127.0.0.1:9', fetchImpl);
  const session = { requireToken: () => 'token-1' } as unknown as SessionService;
  const reporter = new SheetProgressReporter(client, session, health as unknown as PlatformHealthMonitor, log);
  const flush = async () => {
    for (let round = 0; round < 20; round += 1) {
      release.splice(0).forEach((go) => go());
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    await reporter.idle();
  };
  return { reporter, sent, health, flush };
}

describe('SheetProgressReporter', () => {
  it('reports a draft once per base version and a submission each time, with the state only', async () => {
    const { reporter, sent, flush } = setup();
    reporter.saved('as-1', 0);
    // Nothing goes out inside the save's own call.
    expect(sent).toHaveLength(0);
    await flush();
    reporter.saved('as-1', 0);
    reporter.saved('as-1', 0);
    await flush();
    reporter.saved('as-1', 3);
    await flush();
    reporter.submitted('as-1');
    await flush();
    expect(sent).toEqual([
      { method: 'PUT', url: 'http://127.0.0.1:9/api/v1/assignments/as-1/progress', body: { state: 'saved' }, auth: 'Bearer token-1' },
      { method: 'PUT', url: 'http://127.0.0.1:9/api/v1/assignments/as-1/progress', body: { state: 'saved' }, auth: 'Bearer token-1' },
      { method: 'PUT', url: 'http://127.0.0.1:9/api/v1/assignments/as-1/progress', body: { state: 'submitted' }, auth: 'Bearer token-1' },
    ]);
  });

  it('coalesces what piles up behind a slow report: one per sheet, submitted outranking saved', async () => {
    const { reporter, sent, flush } = setup();
    reporter.saved('as-1', 0);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(sent).toHaveLength(1);
    // While the first is held: three more for as-2 and one for as-3.
    reporter.saved('as-2', 0);
    reporter.submitted('as-2');
    reporter.saved('as-2', 1);
    reporter.saved('as-3', 0);
    await flush();
    expect(sent.map((report) => [report.url.split('/').at(-2), report.body])).toEqual([
      ['as-1', { state: 'saved' }],
      ['as-2', { state: 'submitted' }],
      ['as-3', { state: 'saved' }],
    ]);
  });

  it('never reports a recused sheet: one queued behind a slow report is dropped, and none after', async () => {
    const { reporter, sent, flush } = setup();
    reporter.saved('as-1', 0);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(sent).toHaveLength(1);
    reporter.saved('as-2', 0);
    reporter.recused('as-2');
    reporter.submitted('as-2');
    reporter.saved('as-2', 4);
    await flush();
    expect(sent.map((report) => report.url.split('/').at(-2))).toEqual(['as-1']);
  });

  it('drops reports while offline, and a refused one is not retried', async () => {
    const offline = setup('offline');
    offline.reporter.saved('as-1', 0);
    offline.reporter.submitted('as-1');
    await offline.flush();
    expect(offline.sent).toHaveLength(0);

    const refused = setup('online', 503);
    refused.reporter.submitted('as-1');
    await refused.flush();
    expect(refused.sent).toHaveLength(1);
    await refused.flush();
    expect(refused.sent).toHaveLength(1);
  });
});
