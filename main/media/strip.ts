import { stat } from 'node:fs/promises';
import type { MediaProbe } from '@common/contract';
import { MediaJobError } from '../../node-shared/media/failures';
import type { ProbedRecording } from './probe';
import type { FfmpegRunner } from '../../node-shared/media/runner';

export interface StripLayout {
  readonly tiles: number;
  readonly columns: number;
  readonly rows: number;
  readonly tileWidth: number;
  readonly tileHeight: number;
}

export const STRIP_TILE_HEIGHT = 90;
const MAX_COLUMNS = 10;

/** Tiles as tall as `tileHeight`, as wide as the upright picture's aspect says (even pixels), ten to a row. */
export function stripLayout(video: NonNullable<MediaProbe['video']>, tiles: number, tileHeight = STRIP_TILE_HEIGHT): StripLayout {
  const aspect = video.displayHeight > 0 ? video.displayWidth / video.displayHeight : 16 / 9;
  const tileWidth = Math.max(2, Math.round((tileHeight * aspect) / 2) * 2);
  const columns = Math.min(tiles, MAX_COLUMNS);
  return { tiles, columns, rows: Math.ceil(tiles / columns), tileWidth, tileHeight };
}

/**
 * One ffmpeg pass: read and decode keyframes only (`-discard nokey` makes the demuxer skip the
 * other packets without reading them, which alone makes the pass about 3× faster on a phone-like
 * file; `-skip_frame nokey` keeps the decoder to keyframes where a demuxer ignores discard), keep the first keyframe at or after each of `tiles` evenly spaced
 * times (`select` on `selected_n`), scale and tile them into one JPEG. `showinfo` logs the
 * time of each kept frame, which becomes the tile's time. ffmpeg's autorotation turns a phone
 * held upright before `select` sees the frame, so the tiles come out upright.
 */
export function stripArgs(input: string, output: string, layout: StripLayout, durationSeconds: number, startSeconds: number): string[] {
  const interval = Math.max(durationSeconds, 0.001) / layout.tiles;
  const select = `select='gte(t-${fixed(startSeconds)},selected_n*${fixed(interval)})'`;
  const filter = `${select},showinfo,scale=${layout.tileWidth}:${layout.tileHeight},tile=${layout.columns}x${layout.rows}`;
  return [
    '-hide_banner',
    '-nostdin',
    '-nostats',
    // showinfo reports at the info level.
    '-loglevel',
    'info',
    '-discard',
    'nokey',
    '-skip_frame',
    'nokey',
    '-i',
    input,
    '-map',
    '0:v:0',
    '-an',
    '-sn',
    '-dn',
    '-vf',
    filter,
    '-frames:v',
    '1',
    '-update',
    '1',
    // The output is written under a temporary name, so the codec cannot be guessed from it.
    '-c:v',
    'mjpeg',
    '-q:v',
    '4',
    '-f',
    'image2',
    '-y',
    output,
  ];
}

const SHOWINFO = /\[Parsed_showinfo_\d+ @ [^\]]+\]\s+n:\s*\d+\s+pts:\s*-?\d+\s+pts_time:(-?[\d.]+(?:e[-+]?\d+)?)/;

/** The presentation time (seconds) of a frame showinfo logged, or null for any other line. */
export function parseShowinfoLine(line: string): number | null {
  const match = SHOWINFO.exec(line);
  if (!match?.[1]) return null;
  const seconds = Number(match[1]);
  return Number.isFinite(seconds) ? seconds : null;
}

export interface StripResult {
  readonly layout: StripLayout;
  readonly tileTimesMs: readonly number[];
  readonly bytes: number;
}

export async function makeStrip(
  runner: FfmpegRunner,
  input: string,
  output: string,
  probe: ProbedRecording,
  tiles: number,
  context: { signal: AbortSignal; progress(fraction: number): void },
  timeoutMs: number,
): Promise<StripResult> {
  const video = probe.summary.video;
  if (!video) throw new MediaJobError('unsupported', 'the recording has no video stream');
  const layout = stripLayout(video, tiles);
  const durationSeconds = probe.summary.durationMs / 1000;
  const times: number[] = [];
  await runner.run({
    tool: 'ffmpeg',
    args: stripArgs(input, output, layout, durationSeconds, probe.startSeconds),
    timeoutMs,
    signal: context.signal,
    refuseTruncatedInput: true,
    onStderrLine: (line) => {
      const seconds = parseShowinfoLine(line);
      if (seconds === null || times.length >= layout.tiles) return;
      const ms = Math.max(0, Math.round((seconds - probe.startSeconds) * 1000));
      times.push(ms);
      if (durationSeconds > 0) context.progress(ms / 1000 / durationSeconds);
    },
  });
  const size = await stat(output).then(
    (info) => info.size,
    () => 0,
  );
  if (times.length === 0 || size === 0) throw new MediaJobError('corrupt_input', 'no keyframe of the recording could be decoded');
  return { layout, tileTimesMs: times, bytes: size };
}

const fixed = (value: number) => String(Math.round(value * 1e6) / 1e6);
