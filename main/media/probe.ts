import { z } from 'zod';
import type { MediaProbe, Rotation } from '@common/contract';
import { MediaJobError } from '../../node-shared/media/failures';
import { keyframesWorthListing, readKeyframes } from './keyframes';
import { chromiumPlayability } from './playable';
import type { FfmpegRunner } from '../../node-shared/media/runner';

const Ratio = z.string().max(40).optional();

/** The part of `ffprobe -show_format -show_streams -of json` this workstation reads. */
const FfprobeOutput = z.object({
  format: z
    .object({
      format_name: z.string().max(200).optional(),
      duration: z.coerce.number().nonnegative().optional(),
      start_time: z.coerce.number().optional(),
    })
    .optional(),
  streams: z
    .array(
      z.object({
        codec_type: z.string().max(40).optional(),
        codec_name: z.string().max(64).optional(),
        codec_tag_string: z.string().max(64).optional(),
        profile: z.string().max(100).optional(),
        pix_fmt: z.string().max(40).optional(),
        width: z.number().int().nonnegative().optional(),
        height: z.number().int().nonnegative().optional(),
        r_frame_rate: Ratio,
        avg_frame_rate: Ratio,
        sample_rate: z.coerce.number().int().nonnegative().optional(),
        channels: z.number().int().nonnegative().optional(),
        duration: z.coerce.number().nonnegative().optional(),
        side_data_list: z.array(z.object({ side_data_type: z.string().optional(), rotation: z.number().optional() })).optional(),
        tags: z.record(z.string(), z.string()).optional(),
        disposition: z.object({ attached_pic: z.number().optional() }).optional(),
      }),
    )
    .max(64)
    .default([]),
});

/** What a probe found: the contract's summary and what later jobs need to know. */
export interface ProbedRecording {
  readonly summary: MediaProbe;
  /** The presentation time of the first frame; usually 0. */
  readonly startSeconds: number;
  /** Why Chromium cannot play the original (so a proxy is needed), or null when it can. */
  readonly proxyReason: string | null;
}

export function probeArgs(file: string): string[] {
  return ['-v', 'error', '-show_format', '-show_streams', '-of', 'json', file];
}

export async function probeRecording(runner: FfmpegRunner, file: string, signal: AbortSignal, timeoutMs = 30_000): Promise<ProbedRecording> {
  const { stdout } = await runner.run({ tool: 'ffprobe', args: probeArgs(file), timeoutMs, signal, maxStdoutBytes: 4 * 1024 * 1024 });
  let json: unknown;
  try {
    json = JSON.parse(stdout.toString('utf8'));
  } catch {
    throw new MediaJobError('failed', 'ffprobe wrote something that is not JSON');
  }
  const probed = interpretProbe(json);
  // Keyframes of the file the player plays as it is (a proxy has its own, close together).
  if (!probed.summary.playableInChromium) return probed;
  const keyframesMs = keyframesWorthListing(await readKeyframes(runner, file, signal, timeoutMs), probed.summary.durationMs);
  return keyframesMs ? { ...probed, summary: { ...probed.summary, keyframesMs } } : probed;
}

/**
 * Reads ffprobe's JSON into what review needs. Refuses (as unsupported) a file without a video
 * stream, or whose video codec ffmpeg cannot name: there would be nothing to review.
 */
export function interpretProbe(json: unknown): ProbedRecording {
  const parsed = FfprobeOutput.safeParse(json);
  if (!parsed.success) throw new MediaJobError('failed', 'ffprobe output does not have the expected shape');
  const { format, streams } = parsed.data;
  const video = streams.find((stream) => stream.codec_type === 'video' && stream.disposition?.attached_pic !== 1);
  const audio = streams.find((stream) => stream.codec_type === 'audio');
  if (!video) throw new MediaJobError('unsupported', 'the file has no video stream: it is not a video recording');
  if (!video.codec_name || video.codec_name === 'unknown' || video.codec_name === 'none') {
    const tag = video.codec_tag_string && video.codec_tag_string !== '[0][0][0][0]' ? ` (${video.codec_tag_string})` : '';
    throw new MediaJobError('unsupported', `the video codec of this recording${tag} is unknown to ffmpeg`);
  }
  const width = video.width ?? 0;
  const height = video.height ?? 0;
  if (width === 0 || height === 0) throw new MediaJobError('corrupt_input', 'the video stream has no picture size');

  const rotation = displayRotation(video.side_data_list, video.tags);
  const turned = rotation === 90 || rotation === 270;
  const real = parseRatio(video.r_frame_rate);
  const average = parseRatio(video.avg_frame_rate);
  const durationSeconds = format?.duration ?? video.duration ?? 0;

  const summary: Omit<MediaProbe, 'playableInChromium'> = {
    durationMs: Math.round(durationSeconds * 1000),
    container: format?.format_name ?? 'unknown',
    video: {
      codec: video.codec_name,
      width,
      height,
      displayWidth: turned ? height : width,
      displayHeight: turned ? width : height,
      rotation,
      frameRate: round3(average ?? real ?? 0),
      variableFrameRate: isVariableFrameRate(real, average),
    },
    audio: audio
      ? { codec: audio.codec_name ?? 'unknown', sampleRate: audio.sample_rate ?? 0, channels: audio.channels ?? 0 }
      : null,
  };
  const playability = chromiumPlayability({
    container: summary.container,
    videoCodec: video.codec_name,
    profile: video.profile ?? null,
    pixelFormat: video.pix_fmt ?? null,
    audioCodec: audio?.codec_name ?? null,
  });
  return {
    summary: { ...summary, playableInChromium: playability.playable },
    startSeconds: format?.start_time ?? 0,
    proxyReason: playability.playable ? null : playability.reason,
  };
}

/**
 * Clockwise degrees the picture is turned for display. ffprobe reports a display matrix's
 * rotation counter-clockwise (av_display_rotation_get: an iPhone held upright says -90); the
 * older `rotate` tag is clockwise.
 */
export function displayRotation(
  sideData: readonly { side_data_type?: string | undefined; rotation?: number | undefined }[] | undefined,
  tags: Readonly<Record<string, string>> | undefined,
): Rotation {
  const matrix = sideData?.find((data) => data.rotation !== undefined)?.rotation;
  if (matrix !== undefined) return normaliseRotation(-matrix);
  const tag = Number(tags?.rotate ?? 0);
  return normaliseRotation(Number.isFinite(tag) ? tag : 0);
}

export function normaliseRotation(degrees: number): Rotation {
  const quarter = (((Math.round(degrees / 90) * 90) % 360) + 360) % 360;
  return quarter as Rotation;
}

/** "30/1" → 30; "0/0" and anything malformed → null. */
export function parseRatio(value: string | undefined): number | null {
  const match = /^(\d+)\/(\d+)$/.exec(value ?? '');
  if (!match) return null;
  const numerator = Number(match[1]);
  const denominator = Number(match[2]);
  return numerator > 0 && denominator > 0 ? numerator / denominator : null;
}

/**
 * r_frame_rate is the rate the timestamps are based on, avg_frame_rate what the frames average
 * to: a constant-rate recording has both equal; a phone that dropped or bunched frames does not.
 */
export function isVariableFrameRate(real: number | null, average: number | null): boolean {
  if (real === null || average === null) return false;
  return Math.abs(real - average) / real > 0.01;
}

const round3 = (value: number) => Math.round(value * 1000) / 1000;
