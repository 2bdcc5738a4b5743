import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FfmpegNotFoundError, resolveFfmpegTools, resolveMediaTools } from '../../../node-shared/media/binaries';
import { fakeBinary } from '../../support/fake-binaries';

// resolveFfmpegTools as the workstation uses it is tested in tests/unit/media/binaries.test.ts;
// here, what the platform, the tests and the benches use: FFMPEG_PATH / FFPROBE_PATH, else PATH.

let root: string;
const dir = (...parts: string[]) => join(root, ...parts);


beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'media-tools-'));
  fakeBinary(dir('path', 'ffmpeg'));
  fakeBinary(dir('path', 'ffprobe'));
  fakeBinary(dir('pair', 'ffmpeg'));
  fakeBinary(dir('pair', 'ffprobe'));
  fakeBinary(dir('lonely', 'ffmpeg'));
  fakeBinary(dir('probe-only', 'ffprobe'));
  fakeBinary(dir('not-executable', 'ffprobe'), false);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const PATH = (...dirs: string[]) => dirs.map((name) => dir(name)).join(delimiter);

describe('resolveMediaTools', () => {
  it('takes both from PATH when nothing is set, and never a bundled binary', () => {
    expect(resolveMediaTools({ PATH: PATH('path') })).toEqual({ ffmpeg: dir('path', 'ffmpeg'), ffprobe: dir('path', 'ffprobe'), source: 'path' });
  });

  it('takes FFMPEG_PATH with the ffprobe beside it, and FFPROBE_PATH over that', () => {
    expect(resolveMediaTools({ FFMPEG_PATH: dir('pair', 'ffmpeg'), PATH: PATH('path') })).toEqual({
      ffmpeg: dir('pair', 'ffmpeg'),
      ffprobe: dir('pair', 'ffprobe'),
      source: 'configured',
    });
    expect(resolveMediaTools({ FFMPEG_PATH: dir('pair', 'ffmpeg'), FFPROBE_PATH: dir('probe-only', 'ffprobe'), PATH: PATH('path') }).ffprobe).toBe(
      dir('probe-only', 'ffprobe'),
    );
    expect(resolveMediaTools({ FFMPEG_PATH: dir('lonely', 'ffmpeg'), PATH: PATH('path') }).ffprobe).toBe(dir('path', 'ffprobe'));
    expect(resolveMediaTools({ FFMPEG_PATH: '', FFPROBE_PATH: '', PATH: PATH('pair') })).toEqual({
      ffmpeg: dir('pair', 'ffmpeg'),
      ffprobe: dir('pair', 'ffprobe'),
      source: 'path',
    });
  });

  it('refuses a set path that is not an executable file rather than run another, and says which variable to set', () => {
    const badProbe = () => resolveMediaTools({ FFPROBE_PATH: dir('not-executable', 'ffprobe'), PATH: PATH('path') });
    expect(badProbe).toThrow(FfmpegNotFoundError);
    expect(badProbe).toThrow(`tried the configured path ${dir('not-executable', 'ffprobe')}`);
    const missing = (() => {
      try {
        resolveMediaTools({ FFMPEG_PATH: dir('nowhere', 'ffmpeg'), PATH: PATH('path') });
      } catch (error) {
        return error;
      }
      return null;
    })();
    expect(missing).toBeInstanceOf(FfmpegNotFoundError);
    expect((missing as FfmpegNotFoundError).message).toContain('FFMPEG_PATH');
    expect((missing as FfmpegNotFoundError).message).not.toContain('--ffmpeg-path');
  });

  it('finds no ffmpeg on an empty PATH even where ffmpeg-static would have one', () => {
    expect(() => resolveMediaTools({ PATH: PATH('probe-only') })).toThrow(/ffmpeg was not found; tried ffmpeg on PATH\./);
  });
});

describe('resolveFfmpegTools with a configured ffprobe', () => {
  it('runs it whatever ffmpeg was found, and keeps the workstation hint by default', () => {
    const tools = resolveFfmpegTools({ configuredPath: null, configuredProbePath: dir('probe-only', 'ffprobe'), bundledPath: null, env: { PATH: PATH('pair') } });
    expect(tools).toEqual({ ffmpeg: dir('pair', 'ffmpeg'), ffprobe: dir('probe-only', 'ffprobe'), source: 'path' });
    expect(() => resolveFfmpegTools({ configuredPath: null, bundledPath: null, env: { PATH: PATH('probe-only') } })).toThrow('--ffmpeg-path');
  });
});
