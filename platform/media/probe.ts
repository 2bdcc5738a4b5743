import { z } from 'zod';
import type { FfmpegTools } from '../../node-shared/media/binaries';
import { FfmpegRunner, type RunLog } from '../../node-shared/media/runner';

const FfprobeOutput = z.object({
  format: z.object({ duration: z.coerce.number().nonnegative().optional(), format_name: z.string() }),
  streams: z.array(
    z.object({
      index: z.number().int(),
      codec_type: z.string(),
      codec_name: z.string().optional(),
      codec_tag_string: z.string().optional(),
      width: z.number().int().optional(),
      height: z.number().int().optional(),
      side_data_list: z.array(z.object({ side_data_type: z.string().optional(), rotation: z.number().optional() })).optional(),
      tags: z.record(z.string(), z.string()).optional(),
    }),
  ),
});

export interface ProbedStream {
  readonly index: number;
  readonly type: string;
  readonly codec: string | null;
  readonly codecTag: string | null;
  readonly width: number | null;
  readonly height: number | null;
  /** Display rotation in degrees as ffprobe reports it (display matrix side data, or the older `rotate` tag); 0: none. */
  readonly rotation: number;
}

export interface ProbedMedia {
  readonly durationMs: number;
  readonly formatName: string;
  readonly streams: readonly ProbedStream[];
}

/** The platform keeps no log: its runs are not reported, but a failed one is, on stderr, with the command to rerun it. */
const RUN_LOG: RunLog = {
  info: () => {},
  warn: (message, fields) => process.stderr.write(`${message} ${JSON.stringify(fields ?? {})}\n`),
};

/** The shared runner (node-shared/media/runner.ts) for the platform's media, with these tools. */
export function mediaRunner(tools: FfmpegTools): FfmpegRunner {
  return new FfmpegRunner(() => tools, RUN_LOG);
}

/** What ffprobe says of a media file: its duration and streams. */
export async function probeMedia(tools: FfmpegTools, file: string, timeoutMs = 30_000): Promise<ProbedMedia> {
  const args = ['-v', 'error', '-show_format', '-show_streams', '-of', 'json', file];
  const { stdout } = await mediaRunner(tools).run({ tool: 'ffprobe', args, timeoutMs });
  const parsed = FfprobeOutput.parse(JSON.parse(stdout.toString('utf8')));
  return {
    durationMs: Math.round((parsed.format.duration ?? 0) * 1000),
    formatName: parsed.format.format_name,
    streams: parsed.streams.map((stream) => ({
      index: stream.index,
      type: stream.codec_type,
      codec: stream.codec_name ?? null,
      codecTag: stream.codec_tag_string ?? null,
      width: stream.width ?? null,
      height: stream.height ?? null,
      rotation: stream.side_data_list?.find((data) => data.rotation !== undefined)?.rotation ?? Number(stream.tags?.rotate ?? 0),
    })),
  };
}
