import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig } from '../../../main/config';

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'examiner-config-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const writeConfig = (json: unknown) => writeFileSync(join(dataDir, 'config.json'), JSON.stringify(json));
const resolve = (argv: string[] = [], env: NodeJS.ProcessEnv = {}) => resolveConfig({ argv, env, defaultDataDir: dataDir });

describe('the media cache quota and the purge delay', () => {
  it('are absent unless configured, so the download service keeps its defaults', () => {
    const config = resolve();
    expect(config.mediaCacheGiB).toBeUndefined();
    expect(config.purgeAfterDays).toBeUndefined();
  });

  it('come from the flag over the environment over config.json', () => {
    writeConfig({ mediaCacheGiB: 50, purgeAfterDays: 14 });
    expect(resolve()).toMatchObject({ mediaCacheGiB: 50, purgeAfterDays: 14 });
    expect(resolve([], { EXAMINER_MEDIA_CACHE_GIB: '8', EXAMINER_PURGE_AFTER_DAYS: '0' })).toMatchObject({ mediaCacheGiB: 8, purgeAfterDays: 0 });
    expect(resolve(['--media-cache-gib', '2.5', '--purge-after-days=30'], { EXAMINER_MEDIA_CACHE_GIB: '8' })).toMatchObject({ mediaCacheGiB: 2.5, purgeAfterDays: 30 });
  });

  it('refuse values that would fill the disk, purge nothing sensible, or are not numbers, naming the setting', () => {
    expect(() => resolve(['--media-cache-gib', 'lots'])).toThrow(/--media-cache-gib "lots"/);
    expect(() => resolve(['--media-cache-gib', '0'])).toThrow(ConfigError);
    expect(() => resolve([], { EXAMINER_PURGE_AFTER_DAYS: '1.5' })).toThrow(/--purge-after-days/);
    expect(() => resolve(['--purge-after-days', '-1'])).toThrow(ConfigError);
    writeConfig({ mediaCacheGiB: '20' });
    expect(() => resolve()).toThrow(/mediaCacheGiB/);
    writeConfig({ purgeAfterDays: 400 });
    expect(() => resolve()).toThrow(/purgeAfterDays/);
  });
});
