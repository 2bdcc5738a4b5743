import { ContractFailure, type MediaProbe } from '@common/contract';
import { MediaJobError } from '../../node-shared/media/failures';
import type { ProbedRecording } from './probe';
import type { FfmpegRunner } from '../../node-shared/media/runner';

/**
 * The jobs that write video: the review proxy and the two exports. Each writes H.264/AAC in MP4,
 * which Chromium plays everywhere. ffmpeg's autorotation turns a portrait phone's frames upright
 * before they are encoded and drops the rotation from the output, so what comes out is upright
 * with no display matrix left to apply twice.
 */

const H264 = ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-pix_fmt', 'yuv420p'];
const AAC = ['-c:a', 'aac', '-b:a', '128k'];
const QUIET = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error', '-progress', 'pipe:2'];

/**
 * A browser-playable copy. Fragmented MP4 (a moov up front with no samples, then a fragment per
 * keyframe) can be played while it is still being written, so review need not wait for the end;
 * a keyframe every 2 seconds keeps seeking in it quick.
 */
export function proxyArgs(input: string, output: string): string[] {
  return [
    ...QUIET,
    '-i',
    input,
    '-map',
    '0:v:0',
    '-map',
    '0:a:0?',
    '-sn',
    '-dn',
    // libx264 needs even dimensions; phones' odd crops exist.
    '-vf',
    'scale=trunc(iw/2)*2:trunc(ih/2)*2',
    ...H264,
    '-force_key_frames',
    'expr:gte(t,n_forced*2)',
    ...AAC,
    '-movflags',
    '+frag_keyframe+empty_moov+default_base_moof',
    '-f',
    'mp4',
    '-y',
    output,
  ];
}

export interface SideBySideLayout {
  readonly height: number;
  readonly mainWidth: number;
  readonly sideWidth: number;
}

/** Both angles at one height (the lower of `height` and the taller source, even pixels), widths by their upright aspect. */
export function sideBySideLayout(main: NonNullable<MediaProbe['video']>, side: NonNullable<MediaProbe['video']>, height: number): SideBySideLayout {
  const capped = Math.min(height, Math.max(main.displayHeight, side.displayHeight));
  const target = Math.max(2, capped - (capped % 2));
  const widthFor = (video: NonNullable<MediaProbe['video']>) => Math.max(2, Math.round((target * video.displayWidth) / video.displayHeight / 2) * 2);
  return { height: target, mainWidth: widthFor(main), sideWidth: widthFor(side) };
}

/** A range on the main's clock, in whole milliseconds. */
export interface MainRange {
  readonly startMs: number;
  readonly endMs: number;
}

/**
 * The main angle left, the side angle right, audio from the main (from the side if the main has
 * none). The side is put on the main's clock by `offsetMs` (how long after the main it started,
 * the assignment's alignment): a side that started later is held back by that much (black until
 * it starts), one that started earlier has its first `−offsetMs` cut, so the halves line up.
 * With a `range` (a clip), both inputs are sought to it instead: the main to its start, the side to
 * start − offset, or held back by what is left of the offset when that is before the side began.
 */
export function sideBySideArgs(
  main: string,
  side: string,
  output: string,
  layout: SideBySideLayout,
  audioFrom: 0 | 1 | null,
  offsetMs = 0,
  range: MainRange | null = null,
): string[] {
  const sideStartMs = range === null ? 0 : range.startMs - offsetMs;
  // > 0: the side is held back (black) this long; < 0: its first −shiftMs are cut.
  const shiftMs = range === null ? offsetMs : Math.max(0, -sideStartMs);
  const shiftBy = seconds(Math.abs(shiftMs) / 1000);
  const shift = shiftMs > 0 ? `tpad=start_duration=${shiftBy}:start_mode=add:color=black,` : shiftMs < 0 ? `trim=start=${shiftBy},setpts=PTS-STARTPTS,` : '';
  const start = offsetMs === 0 && range === null ? '' : 'setpts=PTS-STARTPTS,';
  const filters = [
    `[0:v]${start}scale=${layout.mainWidth}:${layout.height},setsar=1,format=yuv420p[main]`,
    `[1:v]${start}${shift}scale=${layout.sideWidth}:${layout.height},setsar=1,format=yuv420p[side]`,
    '[main][side]hstack=inputs=2[both]',
  ];
  let audio: string[] = audioFrom === null ? ['-an'] : ['-map', `${audioFrom}:a:0`, ...AAC];
  if (audioFrom === 1 && shiftMs !== 0) {
    // The side's own sound, shifted with its picture.
    filters.push(
      shiftMs > 0
        ? `[1:a:0]asetpts=PTS-STARTPTS,adelay=delays=${String(Math.round(shiftMs))}:all=1[sound]`
        : `[1:a:0]atrim=start=${shiftBy},asetpts=PTS-STARTPTS[sound]`,
    );
    audio = ['-map', '[sound]', ...AAC];
  }
  const inputs =
    range === null
      ? ['-i', main, '-i', side]
      : ['-ss', seconds(range.startMs / 1000), '-i', main, ...(sideStartMs > 0 ? ['-ss', seconds(sideStartMs / 1000)] : []), '-i', side];
  const length = range === null ? [] : ['-t', seconds((range.endMs - range.startMs) / 1000)];
  return [...QUIET, ...inputs, '-filter_complex', filters.join(';'), '-map', '[both]', ...audio, ...H264, ...length, '-movflags', '+faststart', '-f', 'mp4', '-y', output];
}

/**
 * Where a clip of an assignment's angles lies, its range given on the main's clock: `side` is the
 * part of the side recording that range covers (side time = main time − offset; refused when the
 * side was not recording then), `both` the range itself, which both angles must have some of.
 * Ends past the recordings are cut to them. Pure.
 */
export function clipWindow(
  angles: 'main' | 'side' | 'both',
  range: MainRange,
  offsetMs: number,
  durations: { readonly mainMs: number; readonly sideMs: number | null },
): MainRange {
  const sideEndOnMain = durations.sideMs === null ? null : offsetMs + durations.sideMs;
  const refuse = (why: string): never => {
    throw new ContractFailure('invalid_input', why);
  };
  switch (angles) {
    case 'main':
      if (range.startMs >= durations.mainMs) refuse(`the clip starts after the main recording ends (${String(durations.mainMs)} ms)`);
      return { startMs: range.startMs, endMs: Math.min(range.endMs, durations.mainMs) };
    case 'side': {
      if (durations.sideMs === null || sideEndOnMain === null) return refuse('the assignment has no side recording');
      if (range.endMs <= offsetMs || range.startMs >= sideEndOnMain) refuse('the side angle was not recording in that range');
      return { startMs: Math.max(0, range.startMs - offsetMs), endMs: Math.min(range.endMs, sideEndOnMain) - offsetMs };
    }
    case 'both': {
      if (durations.sideMs === null || sideEndOnMain === null) return refuse('the assignment has no side recording');
      if (range.startMs >= durations.mainMs || range.startMs >= sideEndOnMain || range.endMs <= offsetMs) refuse('both angles must have been recording in that range');
      return { startMs: range.startMs, endMs: Math.min(range.endMs, Math.max(durations.mainMs, sideEndOnMain)) };
    }
  }
}

export type ClipMode = 'copy' | 'encode';

/**
 * A marked range. When it starts on a keyframe, the packets are copied as they are (instant, no
 * loss, and the rotation metadata travels with them); otherwise the first frames would depend
 * on a keyframe before the cut, so the range is re-encoded from an exact seek.
 */
export function clipArgs(input: string, output: string, startSeconds: number, durationSeconds: number, mode: ClipMode): string[] {
  const seek = ['-ss', seconds(startSeconds), '-i', input, '-t', seconds(durationSeconds), '-map', '0:v:0', '-map', '0:a:0?', '-sn', '-dn'];
  const codecs = mode === 'copy' ? ['-c', 'copy', '-avoid_negative_ts', 'make_zero'] : [...H264, ...AAC];
  return [...QUIET, ...seek, ...codecs, '-movflags', '+faststart', '-f', 'mp4', '-y', output];
}

/** The keyframe times (seconds) of the first video stream between `from` and `to`, from its packet index: no decoding. */
export function keyframeArgs(input: string, from: number, to: number): string[] {
  return [
    '-v',
    'error',
    '-select_streams',
    'v:0',
    '-read_intervals',
    `${seconds(Math.max(0, from))}%${seconds(to)}`,
    '-show_entries',
    'packet=pts_time,flags',
    '-of',
    'csv=p=0',
    input,
  ];
}

/** `pts_time,flags` lines → the times of packets flagged K (keyframes). Pure. */
export function parseKeyframes(csv: string): number[] {
  const times: number[] = [];
  for (const line of csv.split('\n')) {
    const [time, flags] = line.trim().split(',');
    if (time === undefined || flags === undefined || !flags.includes('K')) continue;
    const value = Number(time);
    if (Number.isFinite(value)) times.push(value);
  }
  return times;
}

/** Within a millisecond and a half: the contract's times are whole milliseconds. */
export function startsOnKeyframe(keyframes: readonly number[], startSeconds: number): boolean {
  return keyframes.some((time) => Math.abs(time - startSeconds) <= 0.0015);
}

export interface ClipPlan {
  readonly mode: ClipMode;
  readonly startSeconds: number;
  readonly durationSeconds: number;
}

export async function planClip(
  runner: FfmpegRunner,
  input: string,
  probe: ProbedRecording,
  range: { startMs: number; endMs: number },
  signal: AbortSignal,
): Promise<ClipPlan> {
  const durationMs = probe.summary.durationMs;
  if (range.startMs >= durationMs) throw new ContractFailure('invalid_input', `the clip starts after the recording ends (${durationMs} ms)`);
  const endMs = Math.min(range.endMs, durationMs);
  const startSeconds = probe.startSeconds + range.startMs / 1000;
  const { stdout } = await runner.run({ tool: 'ffprobe', args: keyframeArgs(input, startSeconds - 1, startSeconds + 1), timeoutMs: 30_000, signal });
  const mode: ClipMode = startsOnKeyframe(parseKeyframes(stdout.toString('utf8')), startSeconds) ? 'copy' : 'encode';
  return { mode, startSeconds, durationSeconds: (endMs - range.startMs) / 1000 };
}

export function requireVideo(probe: ProbedRecording): NonNullable<MediaProbe['video']> {
  const video = probe.summary.video;
  if (!video) throw new MediaJobError('unsupported', 'the recording has no video stream');
  return video;
}

const seconds = (value: number) => (Math.round(value * 1e6) / 1e6).toFixed(6);
