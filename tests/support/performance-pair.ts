import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { crossCorrelate } from '../../main/media/align';
import { performanceSound } from '../../platform/media/synthetic-recording';
import { resolveMediaTools } from '../../node-shared/media/binaries';

/**
 * Recordings of one performance by two phones, made by real ffmpeg, whose pictures can be lined
 * up as well as their sound: each phone's picture is drawn from the source's sound (`showwaves`),
 * so the brightness of its frames follows the melody. Used to check that an export puts the two
 * angles on one clock (media-alignment and media-export tests).
 */
const tools = resolveMediaTools();
const run = promisify(execFile);

/** The frame rate of the recordings' pictures (and of what is measured of them). */
export const PICTURE_FPS = 30;

/** The source's sound from `start` (the demo's performance, as aevalsrc with its rate and duration to come). */
const melody = (start: number) => `${performanceSound(start)}:s=48000:d=`;

export interface PerformanceAngle {
  /** Where in the performance this phone started, in seconds. */
  readonly start: number;
  readonly seconds: number;
  readonly gainDb: number;
  /** anoisesrc's colour and amplitude; null: no noise. */
  readonly noise: { colour: string; amplitude: number; seed: number } | null;
  /** Silent: the source is not heard at all (only the noise); none: no audio stream. */
  readonly sound: 'heard' | 'silent' | 'none';
}

/** A recording of the source from `angle.start`, picture and sound, as a phone would upload it. */
export async function recordPerformance(angle: PerformanceAngle, output: string): Promise<void> {
  const duration = String(angle.seconds);
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `${melody(angle.start)}${duration}`];
  const noise = angle.noise ?? { colour: 'white', amplitude: 0, seed: 1 };
  if (angle.sound !== 'none') args.push('-f', 'lavfi', '-i', `anoisesrc=c=${noise.colour}:a=${String(noise.amplitude)}:seed=${String(noise.seed)}:r=48000:d=${duration}`);
  const heard = angle.sound === 'silent' ? 'volume=0' : `volume=${String(angle.gainDb)}dB`;
  const picture = `[0:a]asplit=2[s1][s2];[s1]showwaves=s=320x180:mode=cline:rate=${String(PICTURE_FPS)},format=yuv420p[v]`;
  const sound =
    `[s2]${heard},aformat=sample_fmts=fltp:channel_layouts=mono[s3];[1:a]aformat=sample_fmts=fltp:channel_layouts=mono[n];` +
    '[s3][n]amerge=inputs=2,pan=mono|c0=c0+c1[a]';
  const filter = angle.sound === 'none' ? `${picture};[s2]anullsink` : `${picture};${sound}`;
  args.push('-filter_complex', filter, '-map', '[v]');
  if (angle.sound !== 'none') args.push('-map', '[a]', '-c:a', 'aac', '-b:a', '96k');
  args.push('-c:v', 'libx264', '-preset', 'ultrafast', '-g', '60', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', '-f', 'mp4', output);
  await run(tools.ffmpeg, args);
}

/** Mean brightness of each frame of the left and right halves of a side-by-side export (scratch files in `dir`). */
export async function halves(file: string, dir: string): Promise<{ left: Float32Array; right: Float32Array }> {
  const left = join(dir, 'left.gray');
  const right = join(dir, 'right.gray');
  const filter = '[0:v]split=2[a][b];[a]crop=iw/2:ih:0:0,scale=1:1:flags=area,format=gray[l];[b]crop=iw/2:ih:iw/2:0,scale=1:1:flags=area,format=gray[r]';
  await run(tools.ffmpeg, ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-i', file, '-filter_complex', filter, '-map', '[l]', '-f', 'rawvideo', left, '-map', '[r]', '-f', 'rawvideo', right]);
  return { left: Float32Array.from(readFileSync(left)), right: Float32Array.from(readFileSync(right)) };
}

/** Mean brightness of each frame of a whole picture (scratch file in `dir`). */
export async function brightness(file: string, dir: string): Promise<Float32Array> {
  const out = join(dir, 'whole.gray');
  await run(tools.ffmpeg, ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-i', file, '-vf', 'scale=1:1:flags=area,format=gray', '-f', 'rawvideo', out]);
  return Float32Array.from(readFileSync(out));
}

/**
 * How far behind `left` the same moments of the performance show in `right`, in milliseconds
 * (0 when the two pictures are on one clock), from the frames' brightness; throws when the two
 * cannot be compared at all.
 */
export function pictureLagMs(left: Float32Array, right: Float32Array, maxLagSeconds = 10): number {
  const found = crossCorrelate(left, right, PICTURE_FPS, maxLagSeconds);
  if (found === null) throw new Error('the two pictures have nothing to compare');
  return (found.lag * 1000) / PICTURE_FPS;
}

/** A file's duration in seconds, as ffprobe reads its container. */
export async function durationSeconds(file: string): Promise<number> {
  const { stdout } = await run(tools.ffprobe, ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file]);
  return Number(stdout.trim());
}
