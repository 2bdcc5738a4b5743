import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordingsOverview } from '@common/contract';
import { silentLogger } from '../../main/log';
import { createWorkstation } from '../../main/workstation';
import { startPlatform, type RunningPlatform } from '../../platform/server';

let platform: RunningPlatform;
const dirs: string[] = [];
const scratch = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};

beforeAll(async () => {
  platform = await startPlatform({ dataDir: scratch('cache-config-platform-'), demo: { liveCandidates: 1, recordedPerSlot: 1 }, demoMedia: false });
});
afterAll(async () => {
  await platform?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('the configured media cache quota', () => {
  it('is the quota the grader sees and the downloads keep to', async () => {
    const quotas: number[] = [];
    for (const mediaCacheGiB of [undefined, 2.5]) {
      const workstation = createWorkstation({
        host: 'browser',
        config: { platformUrl: platform.url, dataDir: scratch('cache-config-ws-'), demo: false, ...(mediaCacheGiB === undefined ? {} : { mediaCacheGiB }) },
        log: silentLogger,
        backupIntervalMs: 3_600_000,
      });
      workstation.start();
      try {
        const login = await workstation.dispatch('session.login', { username: 'grader1', password: 'demo1234' }, { transport: 'test' });
        expect(login.ok).toBe(true);
        const overview = await workstation.dispatch('recordings.overview', {}, { transport: 'test' });
        if (!overview.ok) throw new Error(overview.error.message);
        quotas.push(RecordingsOverview.parse(overview.value).usage.quotaBytes);
      } finally {
        workstation.stop();
      }
    }
    expect(quotas).toEqual([20 * 2 ** 30, 2.5 * 2 ** 30]);
  });
});
