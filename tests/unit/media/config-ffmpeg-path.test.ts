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

describe('the configured ffmpeg path', () => {
  it('is absent unless configured', () => {
    expect(resolveConfig({ argv: [], env: {}, defaultDataDir: dataDir }).ffmpegPath).toBeUndefined();
  });

  it('comes from --ffmpeg-path over EXAMINER_FFMPEG_PATH over config.json "ffmpegPath"', () => {
    writeConfig({ ffmpegPath: '/from/config/ffmpeg' });
    expect(resolveConfig({ argv: [], env: {}, defaultDataDir: dataDir }).ffmpegPath).toBe('/from/config/ffmpeg');
    expect(resolveConfig({ argv: [], env: { EXAMINER_FFMPEG_PATH: '/from/env/ffmpeg' }, defaultDataDir: dataDir }).ffmpegPath).toBe('/from/env/ffmpeg');
    expect(
      resolveConfig({ argv: ['--ffmpeg-path', '/from/flag/ffmpeg'], env: { EXAMINER_FFMPEG_PATH: '/from/env/ffmpeg' }, defaultDataDir: dataDir }).ffmpegPath,
    ).toBe('/from/flag/ffmpeg');
    expect(resolveConfig({ argv: ['--ffmpeg-path=/eq/ffmpeg'], env: {}, defaultDataDir: dataDir }).ffmpegPath).toBe('/eq/ffmpeg');
  });

  it('refuses a config.json ffmpegPath that is not a non-empty string, and a flag without a value', () => {
    writeConfig({ ffmpegPath: '' });
    expect(() => resolveConfig({ argv: [], env: {}, defaultDataDir: dataDir })).toThrow(ConfigError);
    writeConfig({ ffmpegPath: 42 });
    expect(() => resolveConfig({ argv: [], env: {}, defaultDataDir: dataDir })).toThrow(/ffmpegPath/);
    expect(() => resolveConfig({ argv: ['--ffmpeg-path'], env: {}, defaultDataDir: dataDir })).toThrow(/needs a value/);
  });
});
