import { rm } from 'node:fs/promises';
import type { FfmpegTools } from '../../node-shared/media/binaries';
import { mediaRunner, probeMedia, type ProbedMedia } from './probe';

/**
 * A recording as a candidate's phone would upload it, made from ffmpeg's test sources: a moving
 * pattern, a tone, a keyframe every 2 seconds, H.264 (or HEVC, as iPhones record) with AAC in an
 * MP4 whose index is at the front.
 */
export interface SyntheticRecording {
  readonly seconds: number;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  /** Both move; testsrc2 for a main camera and testsrc for a side camera so the angles look apart. */
  readonly pattern: 'testsrc2' | 'testsrc';
  readonly video: 'h264' | 'hevc';
  /**
   * A sine tone, muted between `silence.from` and `silence.to` (seconds); or, with `performance`,
   * instead of the tone the one performance every phone of a pair hears (performanceSound), from
   * `fromS` into it and `gainDb` louder or quieter; null: no audio stream at all.
   */
  readonly audio: {
    readonly toneHz: number;
    readonly silence?: { readonly from: number; readonly to: number };
    readonly performance?: { readonly fromS: number; readonly gainDb: number };
  } | null;
  /** Degrees a player must turn the stored landscape picture: 90 is a phone held upright. */
  readonly displayRotation: 0 | 90;
}

/**
 * One performance as every phone in the room hears it, from `fromS` seconds into it: a melody of
 * tones changing at uneven moments, gated on and off (ffmpeg's aevalsrc, without its rate and
 * duration). Two angles of it line up only at one offset, which is what aligning by sound needs.
 */
export function performanceSound(fromS: number): string {
  const T = `(t+${String(fromS)})`;
  const pitch = `(220+110*mod(floor(${T}*2.9),7))`;
  const gate = `gt(sin(2*PI*0.83*${T})+sin(2*PI*1.37*${T})+0.5*sin(2*PI*3.1*${T}),0.4)`;
  return `aevalsrc=exprs='0.4*sin(2*PI*${pitch}*${T})*${gate}'`;
}

/** ffmpeg's arguments that encode `spec` into `output` (without display rotation: see writeSyntheticRecording). */
export function encodeArguments(spec: SyntheticRecording, output: string): string[] {
  const duration = String(spec.seconds);
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y'];
  args.push('-f', 'lavfi', '-i', `${spec.pattern}=size=${spec.width}x${spec.height}:rate=${spec.fps}:duration=${duration}`);
  const performance = spec.audio?.performance;
  if (performance) args.push('-f', 'lavfi', '-i', `${performanceSound(performance.fromS)}:s=48000:d=${duration}`);
  else if (spec.audio) args.push('-f', 'lavfi', '-i', `sine=frequency=${spec.audio.toneHz}:sample_rate=48000:duration=${duration}`);
  args.push('-map', '0:v');
  if (spec.audio) args.push('-map', '1:a');

  // A phone's encoder puts a keyframe every 2 s and never on scene cuts; review seeks rely on that.
  const gop = String(spec.fps * 2);
  if (spec.video === 'hevc') {
    // hvc1 is the sample entry iPhones write.
    args.push('-c:v', 'libx265', '-preset', 'ultrafast', '-crf', '32', '-x265-params', 'log-level=error:scenecut=0', '-tag:v', 'hvc1');
  } else {
    args.push('-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '30', '-sc_threshold', '0');
  }
  args.push('-g', gop, '-pix_fmt', 'yuv420p');

  if (spec.audio) {
    const { silence } = spec.audio;
    const filters = [performance ? `volume=${String(performance.gainDb)}dB` : null, silence ? `volume=volume=0:enable='between(t,${String(silence.from)},${String(silence.to)})'` : null];
    if (filters.some((filter) => filter !== null)) args.push('-af', filters.filter((filter) => filter !== null).join(','));
    args.push('-c:a', 'aac', '-b:a', '64k', '-ac', '1');
  }
  args.push('-movflags', '+faststart', '-f', 'mp4', output);
  return args;
}

/**
 * Writes `spec` to `output` and returns what ffprobe finds there, having checked that the file
 * is what was asked for (codec, audio, rotation), so a different ffmpeg cannot quietly produce a
 * demo without the case it is there to show.
 */
export async function writeSyntheticRecording(tools: FfmpegTools, spec: SyntheticRecording, output: string): Promise<ProbedMedia> {
  const timeoutMs = 60_000 + spec.seconds * 1000;
  const runner = mediaRunner(tools);
  if (spec.displayRotation === 0) {
    await runner.run({ tool: 'ffmpeg', args: encodeArguments(spec, output), timeoutMs });
  } else {
    // ffmpeg 5.1 turns the `rotate` tag into a display matrix only when stream-copying, so encode, then remux.
    const unrotated = `${output}.unrotated`;
    try {
      await runner.run({ tool: 'ffmpeg', args: encodeArguments(spec, unrotated), timeoutMs });
      const remux = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-i', unrotated, '-map', '0', '-c', 'copy'];
      remux.push('-metadata:s:v:0', `rotate=${String(spec.displayRotation)}`, '-movflags', '+faststart', '-f', 'mp4', output);
      await runner.run({ tool: 'ffmpeg', args: remux, timeoutMs });
    } finally {
      await rm(unrotated, { force: true });
    }
  }

  const probed = await probeMedia(tools, output);
  const video = probed.streams.find((stream) => stream.type === 'video');
  const audio = probed.streams.some((stream) => stream.type === 'audio');
  const codec = spec.video === 'hevc' ? 'hevc' : 'h264';
  if (video?.codec !== codec) throw new Error(`${output}: expected ${codec} video, ffprobe found ${video?.codec ?? 'none'}`);
  if (audio !== (spec.audio !== null)) throw new Error(`${output}: expected ${spec.audio ? 'an' : 'no'} audio stream`);
  if (Math.abs(video.rotation) !== spec.displayRotation) {
    throw new Error(
      `${output}: expected a ${String(spec.displayRotation)}° display rotation, ffprobe found ${String(video.rotation)}° ` +
        '(ffmpeg 6 and later ignore the rotate tag; use Debian 12’s ffmpeg 5.1 or set FFMPEG_PATH to one)',
    );
  }
  return probed;
}
