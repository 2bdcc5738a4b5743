import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FfmpegNotFoundError, resolveFfmpegTools, resolveMediaTools, unpackedFromAsar } from '../../../node-shared/media/binaries';
import { fakeBinary } from '../../support/fake-binaries';

// How ffmpeg and ffprobe are found: resolveFfmpegTools as the workstation uses it (its configured
// path, the bundled binaries, PATH), and resolveMediaTools as the platform, the tests and the
// benches do (FFMPEG_PATH / FFPROBE_PATH, else PATH).

let root: string;
const dir = (...parts: string[]) => join(root, ...parts);

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'ffmpeg-resolution-'));
  fakeBinary(dir('configured', 'ffmpeg'));
  fakeBinary(dir('configured', 'ffprobe'));
  fakeBinary(dir('lonely', 'ffmpeg'));
  fakeBinary(dir('static', 'ffmpeg'));
  fakeBinary(dir('path-a', 'ffprobe'));
  fakeBinary(dir('path-b', 'ffmpeg'));
  fakeBinary(dir('path-b', 'ffprobe'));
  fakeBinary(dir('not-executable', 'ffmpeg'), false);
  fakeBinary(dir('not-executable', 'ffprobe'), false);
  fakeBinary(dir('Resources', 'app.asar.unpacked', 'node_modules', 'ffmpeg-static', 'ffmpeg'));
  fakeBinary(dir('Resources', 'app.asar.unpacked', 'node_modules', '@ffprobe-installer', 'linux-x64', 'ffprobe'));
  fakeBinary(dir('probe-installer', 'ffprobe'));
  fakeBinary(dir('path', 'ffmpeg'));
  fakeBinary(dir('path', 'ffprobe'));
  fakeBinary(dir('pair', 'ffmpeg'));
  fakeBinary(dir('pair', 'ffprobe'));
  fakeBinary(dir('probe-only', 'ffprobe'));
  mkdirSync(dir('a-directory', 'ffmpeg'), { recursive: true });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const PATH = (...dirs: string[]) => dirs.map((name) => dir(name)).join(delimiter);
const env = (...dirs: string[]) => ({ PATH: PATH(...dirs) });

describe('resolveFfmpegTools', () => {
  it('takes the configured ffmpeg first, with the ffprobe beside it', () => {
    const tools = resolveFfmpegTools({ configuredPath: dir('configured', 'ffmpeg'), bundledPath: dir('static', 'ffmpeg'), env: env('path-b') });
    expect(tools).toEqual({ ffmpeg: dir('configured', 'ffmpeg'), ffprobe: dir('configured', 'ffprobe'), source: 'configured' });
  });

  it("takes ffmpeg-static's binary when its file exists, and @ffprobe-installer's ffprobe (ffmpeg-static has none)", () => {
    const tools = resolveFfmpegTools({ configuredPath: null, bundledPath: dir('static', 'ffmpeg'), bundledProbePath: dir('probe-installer', 'ffprobe'), env: env('path-a', 'path-b') });
    expect(tools).toEqual({ ffmpeg: dir('static', 'ffmpeg'), ffprobe: dir('probe-installer', 'ffprobe'), source: 'bundled' });
  });

  it('asks @ffprobe-installer itself when not told, and gets the binary its platform package shipped', () => {
    const shipped = (createRequire(import.meta.url)('@ffprobe-installer/ffprobe') as { path: string }).path;
    const tools = resolveFfmpegTools({ configuredPath: null, bundledPath: dir('static', 'ffmpeg'), env: env('path-a') });
    expect(tools.ffprobe).toBe(shipped);
  });

  it('takes ffprobe from PATH when no ffprobe was shipped for this computer', () => {
    const tools = resolveFfmpegTools({ configuredPath: null, bundledPath: dir('static', 'ffmpeg'), bundledProbePath: null, env: env('path-a', 'path-b') });
    expect(tools).toEqual({ ffmpeg: dir('static', 'ffmpeg'), ffprobe: dir('path-a', 'ffprobe'), source: 'bundled' });
  });

  it("keeps a configured ffmpeg's own ffprobe over the shipped one, and uses the shipped one when it has none", () => {
    const bundledProbePath = dir('probe-installer', 'ffprobe');
    expect(resolveFfmpegTools({ configuredPath: dir('configured', 'ffmpeg'), bundledProbePath, env: env('path-b') }).ffprobe).toBe(dir('configured', 'ffprobe'));
    expect(resolveFfmpegTools({ configuredPath: dir('lonely', 'ffmpeg'), bundledProbePath, env: env('path-b') }).ffprobe).toBe(bundledProbePath);
  });

  it("falls back to PATH when ffmpeg-static's binary was never downloaded (as on this machine)", () => {
    const tools = resolveFfmpegTools({
      configuredPath: null,
      bundledPath: dir('static-missing', 'ffmpeg'),
      bundledProbePath: dir('probe-installer', 'ffprobe'),
      env: env('path-a', 'path-b'),
    });
    // The ffprobe beside the ffmpeg found wins over one earlier on PATH: a matching pair.
    expect(tools).toEqual({ ffmpeg: dir('path-b', 'ffmpeg'), ffprobe: dir('path-b', 'ffprobe'), source: 'path' });
  });

  it('uses the unpacked copy of a binary that ffmpeg-static places inside app.asar, in a packaged app', () => {
    const inAsar = dir('Resources', 'app.asar', 'node_modules', 'ffmpeg-static', 'ffmpeg');
    const probeInAsar = dir('Resources', 'app.asar', 'node_modules', '@ffprobe-installer', 'linux-x64', 'ffprobe');
    const tools = resolveFfmpegTools({ configuredPath: null, bundledPath: inAsar, bundledProbePath: probeInAsar, env: env('path-a') });
    expect(tools.ffmpeg).toBe(dir('Resources', 'app.asar.unpacked', 'node_modules', 'ffmpeg-static', 'ffmpeg'));
    expect(tools.ffprobe).toBe(dir('Resources', 'app.asar.unpacked', 'node_modules', '@ffprobe-installer', 'linux-x64', 'ffprobe'));
    expect(tools.source).toBe('bundled');
    // Also found from process.resourcesPath when the bundler hid the packages' own answers: not PATH's.
    const fromResources = resolveFfmpegTools({
      configuredPath: null,
      bundledPath: null,
      bundledProbePath: null,
      resourcesPath: dir('Resources'),
      platform: 'linux',
      arch: 'x64',
      env: env('path-a'),
    });
    expect(fromResources).toEqual(tools);
  });

  it.each([
    ['a path inside app.asar', '/opt/App/resources/app.asar/node_modules/ffmpeg-static/ffmpeg', '/opt/App/resources/app.asar.unpacked/node_modules/ffmpeg-static/ffmpeg'],
    ['a Windows path', 'C:\\App\\resources\\app.asar\\node_modules\\ffmpeg-static\\ffmpeg.exe', 'C:\\App\\resources\\app.asar.unpacked\\node_modules\\ffmpeg-static\\ffmpeg.exe'],
    ['a development path', '/home/examiner/src/node_modules/ffmpeg-static/ffmpeg', '/home/examiner/src/node_modules/ffmpeg-static/ffmpeg'],
    ['an already unpacked path', '/x/app.asar.unpacked/ffmpeg', '/x/app.asar.unpacked/ffmpeg'],
  ])('unpackedFromAsar: %s', (_label, path, expected) => {
    expect(unpackedFromAsar(path)).toBe(expected);
  });

  it('refuses a configured path that is not an executable file, rather than quietly running another ffmpeg', () => {
    for (const bad of [dir('not-executable', 'ffmpeg'), dir('a-directory', 'ffmpeg'), dir('nowhere', 'ffmpeg')]) {
      expect(() => resolveFfmpegTools({ configuredPath: bad, bundledPath: null, env: env('path-b') })).toThrow(FfmpegNotFoundError);
      expect(() => resolveFfmpegTools({ configuredPath: bad, bundledPath: null, env: env('path-b') })).toThrow(bad);
    }
  });

  it('names everything it tried when there is no ffmpeg at all', () => {
    let error: unknown;
    try {
      resolveFfmpegTools({ configuredPath: null, bundledPath: dir('static-missing', 'ffmpeg'), env: env('path-a') });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(FfmpegNotFoundError);
    const missing = error as FfmpegNotFoundError;
    expect(missing.tool).toBe('ffmpeg');
    expect(missing.tried).toEqual([`ffmpeg-static's binary ${dir('static-missing', 'ffmpeg')}`, 'ffmpeg on PATH']);
    expect(missing.message).toContain('--ffmpeg-path');
  });

  it('says ffprobe is missing when ffmpeg is found but no ffprobe is', () => {
    const bundledProbePath = dir('probe-installer-missing', 'ffprobe');
    expect(() => resolveFfmpegTools({ configuredPath: dir('lonely', 'ffmpeg'), bundledPath: null, bundledProbePath, env: env('path-b-missing') })).toThrow(
      expect.objectContaining({
        tool: 'ffprobe',
        tried: [`next to ffmpeg (${dir('lonely', 'ffprobe')})`, `@ffprobe-installer's binary ${bundledProbePath}`, 'ffprobe on PATH'],
      }) as Error,
    );
  });
});

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
