import { spawn } from 'node:child_process';
import { z } from 'zod';
import type { Logger } from '../log';
import type { EvidenceTools } from './ffmpeg-tools';

/**
 * ffmpeg runs of evidence recording: the remux that turns MediaRecorder's stream (WebM with no
 * cues and no duration, possibly cut short by a crash) into a file that seeks, and the probe
 * that says what the result holds. Each run has a time limit and is killed with the workstation.
 */

export class ToolRunError extends Error {
  override readonly name = 'ToolRunError';
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(message);
  }
}

const REMUX_TIMEOUT_MS = 10 * 60_000;
const PROBE_TIMEOUT_MS = 30_000;
const STDERR_KEEP = 8_000;

export class ToolRunner {
  readonly #running = new Set<AbortController>();

  constructor(
    private readonly tools: () => EvidenceTools,
    private readonly log: Logger,
  ) {}

  /**
   * Copies the streams of `input` into a fresh WebM at `output` without re-encoding: the muxer
   * writes the duration and the cues (the seek index) a live recording could not have.
   */
  async remux(input: string, output: string): Promise<void> {
    await this.#run(
      this.tools().ffmpeg,
      ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-i', input, '-map', '0', '-c', 'copy', '-f', 'webm', output],
      REMUX_TIMEOUT_MS,
    );
  }

  async probe(file: string): Promise<ProbeSummary> {
    const stdout = await this.#run(
      this.tools().ffprobe,
      ['-v', 'error', '-show_entries', 'format=duration:stream=codec_type,codec_name,width,height', '-of', 'json', file],
      PROBE_TIMEOUT_MS,
    );
    return summariseProbe(stdout);
  }

  abortAll(): void {
    for (const controller of this.#running) controller.abort();
    this.#running.clear();
  }

  #run(binary: string, args: readonly string[], timeoutMs: number): Promise<string> {
    const controller = new AbortController();
    this.#running.add(controller);
    const commandLine = [binary, ...args].map((part) => (/^[\w./:=+-]+$/.test(part) ? part : JSON.stringify(part))).join(' ');
    this.log.info('evidence: running', { command: commandLine });
    return new Promise<string>((resolve, reject) => {
      const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], signal: controller.signal, timeout: timeoutMs, killSignal: 'SIGKILL' });
      const stdout: Buffer[] = [];
      let stderr = '';
      child.stdout.on('data', (data: Buffer) => stdout.push(data));
      child.stderr.on('data', (data: Buffer) => {
        stderr = (stderr + data.toString('utf8')).slice(-STDERR_KEEP);
      });
      child.once('error', (error) => {
        this.#running.delete(controller);
        reject(new ToolRunError(`${binary} could not run: ${error.message}`, stderr));
      });
      child.once('close', (code, signal) => {
        this.#running.delete(controller);
        if (code === 0) resolve(Buffer.concat(stdout).toString('utf8'));
        else reject(new ToolRunError(`${commandLine} ended with ${signal ?? `code ${String(code)}`}: ${stderr.trim().split('\n').at(-1) ?? ''}`, stderr));
      });
    });
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
