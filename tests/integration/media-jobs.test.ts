import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveFfmpegTools, resolveMediaTools } from '../../node-shared/media/binaries';
import { decodedKeyframes } from '../support/decoded-keyframes';
import { MediaJobError } from '../../node-shared/media/failures';
import { probeRecording, type ProbedRecording } from '../../main/media/probe';
import { BELOW_NORMAL_PRIORITY, FfmpegRunner } from '../../node-shared/media/runner';
import { makeStrip } from '../../main/media/strip';
import { clipArgs, planClip, proxyArgs, sideBySideArgs, sideBySideLayout } from '../../main/media/transcode';
import { makeWaveform } from '../../main/media/waveform';
import { silentLogger, type Logger } from '../../main/log';
import { writeSyntheticRecording, type SyntheticRecording } from '../../platform/media/synthetic-recording';

/**
 * The media jobs on real recordings made by ffmpeg (as a candidate's phones would upload them),
 * through the real runner; every output is checked with ffprobe.
 */
const tools = resolveMediaTools();
const run = promisify(execFile);
const logged: string[] = [];
const log: Logger = { ...silentLogger, info: (_message, fields) => logged.push(String(fields?.commandLine ?? '')) };
const runner = new FfmpegRunner(() => resolveFfmpegTools({ configuredPath: null, bundledPath: null }), log);
const signal = new AbortController().signal;
const context = { signal, progress: () => undefined };

const BASE: SyntheticRecording = {
  seconds: 4,
  width: 320,
  height: 180,
  fps: 30,
  pattern: 'testsrc2',
  video: 'h264',
  audio: { toneHz: 440 },
  displayRotation: 0,
};
const SPECS = {
  landscape: BASE,
  portrait: { ...BASE, pattern: 'testsrc', displayRotation: 90 },
  hevc: { ...BASE, seconds: 3, video: 'hevc' },
  mute: { ...BASE, seconds: 3, audio: null },
  gap: { ...BASE, seconds: 6, audio: { toneHz: 330, silence: { from: 2, to: 4.5 } } },
} satisfies Record<string, SyntheticRecording>;
type Name = keyof typeof SPECS;

let dir: string;
const files = {} as Record<Name, string>;
const probes = {} as Record<Name, ProbedRecording>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'media-jobs-'));
  for (const [name, spec] of Object.entries(SPECS) as [Name, SyntheticRecording][]) {
    files[name] = join(dir, `${name}.mp4`);
    await writeSyntheticRecording(tools, spec, files[name]);
  }
  for (const name of Object.keys(SPECS) as Name[]) probes[name] = await probeRecording(runner, files[name], signal);
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Probed {
  streams: { codec_type: string; codec_name?: string; width?: number; height?: number; side_data_list?: { rotation?: number }[] }[];
  format: { duration: string; format_name: string };
}
async function ffprobe(file: string): Promise<Probed> {
  const { stdout } = await run(tools.ffprobe, ['-v', 'error', '-show_format', '-show_streams', '-of', 'json', file]);
  return JSON.parse(stdout) as Probed;
}
const videoOf = (probed: Probed) => probed.streams.find((stream) => stream.codec_type === 'video');
const audioOf = (probed: Probed) => probed.streams.find((stream) => stream.codec_type === 'audio');
const out = (name: string) => join(dir, name);

async function ffmpeg(args: string[], durationMs: number, progress?: number[]): Promise<void> {
  await runner.run({ tool: 'ffmpeg', args, timeoutMs: 60_000, signal, durationMs, onProgress: (fraction) => progress?.push(fraction) });
}

/** Is there a process with this pid (that is not a zombie)? */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const status = existsSync(`/proc/${pid}/status`) ? readFileSync(`/proc/${pid}/status`, 'utf8') : '';
  return !/^State:\s+Z/m.test(status);
}

describe('probe', () => {
  it('reads duration, streams and codecs', () => {
    expect(probes.landscape.summary).toMatchObject({
      video: { codec: 'h264', width: 320, height: 180, displayWidth: 320, displayHeight: 180, rotation: 0, frameRate: 30, variableFrameRate: false },
      audio: { codec: 'aac', channels: 1 },
      playableInChromium: true,
    });
    expect(probes.landscape.summary.durationMs).toBeGreaterThanOrEqual(3900);
    expect(probes.landscape.summary.durationMs).toBeLessThanOrEqual(4100);
  });

  it('turns the portrait phone upright, wants a proxy for HEVC only, and reports no audio as no audio', () => {
    expect(probes.portrait.summary.video).toMatchObject({ width: 320, height: 180, displayWidth: 180, displayHeight: 320 });
    expect([90, 270]).toContain(probes.portrait.summary.video?.rotation);
    expect(probes.hevc.summary.playableInChromium).toBe(false);
    expect(probes.hevc.proxyReason).toMatch(/HEVC/);
    expect(probes.mute.summary.audio).toBeNull();
    expect(probes.mute.proxyReason).toBeNull();
  });

  it('lists the keyframes of a file Chromium plays where a decoder finds them, and none of one it does not', async () => {
    // The decoder's view (keyframes decoded, nothing else), not the packet flags the probe reads.
    const decoded = (await decodedKeyframes(tools.ffprobe, files.gap)).map((seconds) => Math.round(seconds * 1000));
    // Six seconds with a keyframe every two.
    expect(decoded.length).toBeGreaterThanOrEqual(3);
    expect(probes.gap.summary.keyframesMs).toEqual(decoded);
    // HEVC plays as a proxy, whose keyframes are not the original's.
    expect(probes.hevc.summary.keyframesMs).toBeUndefined();
  });

  it('logs the exact command line, which a shell can run as it is', async () => {
    const commandLine = logged.find((entry) => entry.includes('ffprobe') && entry.includes(files.landscape));
    expect(commandLine).toMatch(/^\S*ffprobe -v error -show_format -show_streams -of json /);
    const { stdout } = await run('sh', ['-c', commandLine ?? 'false']);
    expect(JSON.parse(stdout)).toHaveProperty('streams');
  });
});

describe('thumbnail strip', () => {
  it('makes one JPEG of tiles × tile size from keyframes, with the time of each tile', async () => {
    const output = out('landscape-strip.jpg');
    const strip = await makeStrip(runner, files.landscape, output, probes.landscape, 8, context, 30_000);
    expect(strip.layout).toEqual({ tiles: 8, columns: 8, rows: 1, tileWidth: 160, tileHeight: 90 });
    // Keyframes every 2 s in 4 s: only two can be shown, at their own times.
    expect(strip.tileTimesMs).toEqual([0, 2000]);
    const image = videoOf(await ffprobe(output));
    expect(image).toMatchObject({ codec_name: 'mjpeg', width: 8 * 160, height: 90 });
  });

  it('makes the portrait recording’s tiles upright', async () => {
    const output = out('portrait-strip.jpg');
    const strip = await makeStrip(runner, files.portrait, output, probes.portrait, 12, context, 30_000);
    expect(strip.layout.tileWidth).toBeLessThan(strip.layout.tileHeight);
    expect(videoOf(await ffprobe(output))).toMatchObject({ width: 10 * strip.layout.tileWidth, height: 2 * strip.layout.tileHeight });
  });

  it('makes a strip of an HEVC original', async () => {
    const output = out('hevc-strip.jpg');
    const strip = await makeStrip(runner, files.hevc, output, probes.hevc, 4, context, 30_000);
    expect(strip.tileTimesMs[0]).toBe(0);
    expect(videoOf(await ffprobe(output))).toMatchObject({ width: 4 * 160, height: 90 });
  });
});

describe('waveform', () => {
  it('reduces the audio to the peaks asked for and finds the silent gap where the candidate stopped', async () => {
    const waveform = await makeWaveform(runner, files.gap, true, 120, probes.gap.summary.durationMs, context, 30_000);
    if (waveform.kind !== 'peaks') throw new Error('expected peaks');
    expect(waveform.min).toHaveLength(120);
    expect(waveform.max).toHaveLength(120);
    expect(waveform.durationMs).toBeGreaterThan(5900);
    expect(waveform.silentGaps).toHaveLength(1);
    const [gap] = waveform.silentGaps;
    expect(gap?.startMs).toBeGreaterThan(1900);
    expect(gap?.startMs).toBeLessThan(2150);
    expect(gap?.endMs).toBeGreaterThan(4400);
    expect(gap?.endMs).toBeLessThan(4650);
    // Loud before and after the gap, flat inside it.
    const at = (seconds: number) => Math.floor((seconds / 6) * 120);
    expect(waveform.max[at(1)]).toBeGreaterThan(0.1);
    expect(waveform.max[at(3.2)]).toBeLessThan(0.01);
    expect(waveform.max[at(5.5)]).toBeGreaterThan(0.1);
  });

  it('says "no audio" for a recording without an audio stream, without running ffmpeg', async () => {
    const before = logged.length;
    await expect(makeWaveform(runner, files.mute, probes.mute.summary.audio !== null, 100, 3000, context, 30_000)).resolves.toEqual({ kind: 'no_audio' });
    expect(logged.length).toBe(before);
  });
});

describe('review proxy', () => {
  it('transcodes HEVC to fragmented H.264/AAC MP4, reporting progress as it goes', async () => {
    const output = out('hevc-proxy.mp4');
    const progress: number[] = [];
    await ffmpeg(proxyArgs(files.hevc, output), probes.hevc.summary.durationMs, progress);
    const probed = await ffprobe(output);
    expect(videoOf(probed)).toMatchObject({ codec_name: 'h264', width: 320, height: 180 });
    expect(audioOf(probed)?.codec_name).toBe('aac');
    expect(Number(probed.format.duration)).toBeCloseTo(3, 0);
    // Fragmented: movie fragments follow an empty moov, so a player can start before the end.
    expect(readFileSync(output).includes(Buffer.from('moof'))).toBe(true);
    expect(progress.at(-1)).toBe(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('turns the portrait recording upright and leaves no rotation to apply twice', async () => {
    const output = out('portrait-proxy.mp4');
    await ffmpeg(proxyArgs(files.portrait, output), probes.portrait.summary.durationMs);
    const video = videoOf(await ffprobe(output));
    expect(video).toMatchObject({ codec_name: 'h264', width: 180, height: 320 });
    expect(video?.side_data_list?.some((data) => data.rotation !== undefined && data.rotation !== 0) ?? false).toBe(false);
  });
});

describe('exports', () => {
  it('puts main and side side by side at one height, the side upright, with the main’s audio', async () => {
    const layout = sideBySideLayout(probes.landscape.summary.video ?? fail(), probes.portrait.summary.video ?? fail(), 720);
    expect(layout).toEqual({ height: 320, mainWidth: 568, sideWidth: 180 });
    const output = out('side-by-side.mp4');
    await ffmpeg(sideBySideArgs(files.landscape, files.portrait, output, layout, 0), 4000);
    const probed = await ffprobe(output);
    expect(videoOf(probed)).toMatchObject({ codec_name: 'h264', width: layout.mainWidth + layout.sideWidth, height: layout.height });
    expect(audioOf(probed)?.codec_name).toBe('aac');
  });

  it('copies a clip that starts on a keyframe, keeping the portrait rotation, to within 0.1 s', async () => {
    const plan = await planClip(runner, files.portrait, probes.portrait, { startMs: 2000, endMs: 3500 }, signal);
    expect(plan).toEqual({ mode: 'copy', startSeconds: 2, durationSeconds: 1.5 });
    const output = out('clip-copy.mp4');
    await ffmpeg(clipArgs(files.portrait, output, plan.startSeconds, plan.durationSeconds, plan.mode), 1500);
    const probed = await ffprobe(output);
    expect(Math.abs(Number(probed.format.duration) - 1.5)).toBeLessThanOrEqual(0.1);
    const video = videoOf(probed);
    // Copied packets: still stored landscape, still shown upright through the display matrix.
    expect(video).toMatchObject({ width: 320, height: 180 });
    expect(Math.abs(video?.side_data_list?.find((data) => data.rotation !== undefined)?.rotation ?? 0)).toBe(90);
  });

  it('re-encodes a clip that starts between keyframes, upright, to within 0.1 s', async () => {
    const plan = await planClip(runner, files.portrait, probes.portrait, { startMs: 1000, endMs: 2700 }, signal);
    expect(plan.mode).toBe('encode');
    const output = out('clip-encode.mp4');
    await ffmpeg(clipArgs(files.portrait, output, plan.startSeconds, plan.durationSeconds, plan.mode), 1700);
    const probed = await ffprobe(output);
    expect(Math.abs(Number(probed.format.duration) - 1.7)).toBeLessThanOrEqual(0.1);
    expect(videoOf(probed)).toMatchObject({ width: 180, height: 320 });
  });

  it('refuses a clip that starts after the recording ends', async () => {
    await expect(planClip(runner, files.landscape, probes.landscape, { startMs: 60_000, endMs: 61_000 }, signal)).rejects.toMatchObject({
      code: 'invalid_input',
    });
  });
});

describe('the runner leaves no ffmpeg behind', () => {
  /** A real ffmpeg that would run for minutes: decoding ten minutes of test pattern to nowhere. */
  const endless = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-progress', 'pipe:2', '-nostats', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=64x36:rate=10:duration=600', '-f', 'null', '-'];
  const started = (of: FfmpegRunner = runner) =>
    new Promise<number>((resolve) => {
      const poll = () => {
        const pid = of.active[0]?.pid;
        if (pid === undefined) setImmediate(poll);
        else resolve(pid);
      };
      poll();
    });

  it('kills a cancelled run, and its promise settles only once the process is gone', async () => {
    const controller = new AbortController();
    let firstProgress!: () => void;
    const progressed = new Promise<void>((resolve) => (firstProgress = resolve));
    const running = runner.run({ tool: 'ffmpeg', args: endless, timeoutMs: 60_000, signal: controller.signal, durationMs: 600_000, onProgress: () => firstProgress() });
    const pid = await started();
    await progressed;
    expect(alive(pid)).toBe(true);
    controller.abort();
    await expect(running).rejects.toMatchObject({ kind: 'cancelled' });
    expect(alive(pid)).toBe(false);
    expect(runner.active).toEqual([]);
  });

  it('kills a run that passes its time limit, as timed_out', async () => {
    const running = runner.run({ tool: 'ffmpeg', args: endless, timeoutMs: 300, signal });
    const pid = await started();
    await expect(running).rejects.toEqual(expect.any(MediaJobError));
    await expect(running).rejects.toMatchObject({ kind: 'timed_out' });
    expect(alive(pid)).toBe(false);
  });

  it('starts its processes at the priority it was given, and at the workstation’s own otherwise', async () => {
    const lowered = new FfmpegRunner(() => resolveFfmpegTools({ configuredPath: null, bundledPath: null }), log, { priority: BELOW_NORMAL_PRIORITY });
    const priorities: number[] = [];
    for (const each of [lowered, runner]) {
      const controller = new AbortController();
      const running = each.run({ tool: 'ffmpeg', args: endless, timeoutMs: 60_000, signal: controller.signal });
      priorities.push(getPriority(await started(each)));
      controller.abort();
      await expect(running).rejects.toMatchObject({ kind: 'cancelled' });
    }
    expect(priorities).toEqual([BELOW_NORMAL_PRIORITY, getPriority()]);
    expect(BELOW_NORMAL_PRIORITY).toBeGreaterThan(getPriority());
  });

  it('abortAll (at quit) stops every run', async () => {
    const runs = [0, 1, 2].map(() => runner.run({ tool: 'ffmpeg', args: endless, timeoutMs: 60_000, signal }));
    await new Promise<void>((resolve) => {
      const poll = () => (runner.active.length === 3 && runner.active.every((entry) => entry.pid > 0) ? resolve() : setImmediate(poll));
      poll();
    });
    const pids = runner.active.map((entry) => entry.pid);
    runner.abortAll();
    const outcomes = await Promise.allSettled(runs);
    expect(outcomes.map((outcome) => (outcome.status === 'rejected' ? (outcome.reason as MediaJobError).kind : 'fulfilled'))).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(pids.filter(alive)).toEqual([]);
    await runner.whenIdle();
    expect(runner.active).toEqual([]);
  });
});

function fail(): never {
  throw new Error('expected a video stream');
}
