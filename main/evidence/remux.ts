import { z } from 'zod';
import { ContractFailure } from '@common/contract';
import { FfmpegNotFoundError } from '../../node-shared/media/binaries';
import { MediaAbort, MediaJobError } from '../../node-shared/media/failures';
import type { FfmpegRunner } from '../../node-shared/media/runner';

/**
 * ffmpeg runs of evidence recording, through the workstation's one ffmpeg runner (main/media):
 * the remux that turns MediaRecorder's stream (WebM with no cues and no duration, possibly cut
 * short by a crash) into a file that seeks, and the probe that says what the result holds. Each
 * run has a time limit; `abortAll` stops evidence's runs only, not the review's media jobs.
 */

const REMUX_TIMEOUT_MS = 10 * 60_000;
const PROBE_TIMEOUT_MS = 30_000;

export class EvidenceMedia {
  #controller = new AbortController();

  constructor(private readonly runner: FfmpegRunner) {}

  /**
   * Copies the streams of `input` into a fresh WebM at `output` without re-encoding: the muxer
   * writes the duration and the cues (the seek index) a live recording could not have.
   */
  async remux(input: string, output: string): Promise<void> {
    await this.#run('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-i', input, '-map', '0', '-c', 'copy', '-f', 'webm', output], REMUX_TIMEOUT_MS);
  }

  async probe(file: string): Promise<ProbeSummary> {
    const stdout = await this.#run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration:stream=codec_type,codec_name,width,height', '-of', 'json', file], PROBE_TIMEOUT_MS);
    return summariseProbe(stdout);
  }

  abortAll(): void {
    this.#controller.abort(new MediaAbort('cancelled'));
    this.#controller = new AbortController();
  }

  /** Runs a tool; its failures come out as the contract's typed errors (ffmpeg_missing, media_*). */
  async #run(tool: 'ffmpeg' | 'ffprobe', args: readonly string[], timeoutMs: number): Promise<string> {
    try {
      const { stdout } = await this.runner.run({ tool, args, timeoutMs, signal: this.#controller.signal });
      return stdout.toString('utf8');
    } catch (error) {
      if (error instanceof FfmpegNotFoundError) throw new ContractFailure('ffmpeg_missing', error.message);
      if (error instanceof MediaJobError) throw error.toContractFailure();
      throw error;
    }
  }
}

export interface ProbeSummary {
  readonly durationMs: number | null;
  readonly video: { readonly codec: string; readonly width: number; readonly height: number } | null;
  readonly audio: { readonly codec: string } | null;
}

const ProbeOutput = z.object({
  streams: z
    .array(
      z.object({
        codec_type: z.string().optional(),
        codec_name: z.string().optional(),
        width: z.number().optional(),
        height: z.number().optional(),
      }),
    )
    .default([]),
  format: z.object({ duration: z.string().optional() }).default({}),
});

/** What evidence needs of ffprobe's JSON: the duration and the first video and audio stream. */
export function summariseProbe(json: string): ProbeSummary {
  const parsed = ProbeOutput.parse(JSON.parse(json));
  const video = parsed.streams.find((stream) => stream.codec_type === 'video');
  const audio = parsed.streams.find((stream) => stream.codec_type === 'audio');
  const seconds = Number(parsed.format.duration);
  return {
    durationMs: Number.isFinite(seconds) && seconds >= 0 ? Math.round(seconds * 1000) : null,
    video: video ? { codec: video.codec_name ?? 'unknown', width: video.width ?? 0, height: video.height ?? 0 } : null,
    audio: audio ? { codec: audio.codec_name ?? 'unknown' } : null,
  };
}
