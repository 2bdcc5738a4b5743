import { z } from 'zod';
import type { MediaTools } from './tools';
import { runTool } from './run';

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

/** What ffprobe says of a media file: its duration and streams. */
export async function probeMedia(tools: MediaTools, file: string, timeoutMs = 30_000): Promise<ProbedMedia> {
  const json = await runTool(tools.ffprobe, ['-v', 'error', '-show_format', '-show_streams', '-of', 'json', file], { timeoutMs });
  const parsed = FfprobeOutput.parse(JSON.parse(json));
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
