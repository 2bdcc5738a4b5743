import { spawn } from 'node:child_process';
import { constants, setPriority } from 'node:os';
import type { FfmpegTools } from './binaries';
import { formatCommandLine } from './command-line';
import { classifyFfmpegFailure, describeFailure, MediaAbort, MediaJobError, readTruncatedInput, type AbortCause } from './failures';
import { parseFfmpegProgressLine, progressFraction, type FfmpegProgressUpdate } from './progress';

/** Where runs are reported: the command line of each, and each failure. main's Logger is one. */
export interface RunLog {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

export interface RunRequest {
  readonly tool: 'ffmpeg' | 'ffprobe';
  readonly args: readonly string[];
  /** The run is killed after this long (its own limit, whatever the job's is). */
  readonly timeoutMs: number;
  /** The job's signal: aborting it kills the process. */
  readonly signal?: AbortSignal;
  /** The input's duration, to turn the output time ffmpeg reports into a fraction. */
  readonly durationMs?: number | null;
  readonly onProgress?: (fraction: number, update: FfmpegProgressUpdate) => void;
  /** Every stderr line (showinfo and silencedetect report there). */
  readonly onStderrLine?: (line: string) => void;
  /** Streams stdout to the caller (PCM for the waveform); otherwise stdout is collected. */
  readonly onStdout?: (chunk: Buffer) => void;
  /** Cap on collected stdout (ffprobe's JSON); more fails the run rather than growing without bound. */
  readonly maxStdoutBytes?: number;
  /** Exit 0 after reading a cut-off file ("partial file") counts as corrupt input. */
  readonly refuseTruncatedInput?: boolean;
}

/** Below normal (nice 10 on Linux and macOS; the matching class on Windows): for the workstation's media jobs. */
export const BELOW_NORMAL_PRIORITY = constants.priority.PRIORITY_BELOW_NORMAL;

export interface RunnerOptions {
  /**
   * The OS priority of every process this runner starts (nice value: 0 normal, 19 lowest;
   * Windows maps it to a priority class). The workstation's media jobs run below normal so the
   * grader's player, decoding in Chromium on the same cores, is never starved by a waveform or an
   * export; on an idle machine a lower priority costs them nothing.
   */
  readonly priority?: number;
}

export interface RunResult {
  readonly stdout: Buffer;
  /** The end of stderr. */
  readonly stderr: string;
}

export interface ActiveRun {
  readonly pid: number;
  readonly commandLine: string;
}

const STDERR_TAIL = 16 * 1024;
const DEFAULT_MAX_STDOUT = 16 * 1024 * 1024;

/**
 * The one module that starts ffmpeg and ffprobe (cf. LosslessCut's main/ffmpeg.ts): the
 * workstation's review jobs and evidence, and the reference platform's demo recordings. Every run
 * gets its own AbortController, linked to the job's signal and to its own timeout, and is tracked
 * until its process has exited, so `abortAll()` at quit leaves no ffmpeg behind. The exact
 * command line is logged, shell-quoted. Progress comes from the pure parseFfmpegProgressLine and
 * failures are sorted by the pure classifyFfmpegFailure.
 *
 * ffmpeg is spawned directly with an argument array rather than through fluent-ffmpeg: the
 * strip needs `-skip_frame nokey` placed before its input and the waveform streams PCM from
 * stdout, both of which fluent-ffmpeg reorders or wraps, and fluent-ffmpeg is deprecated
 * upstream. It remains a dependency only as the benchmark's baseline (tests/bench/review.bench.ts).
 */
export class FfmpegRunner {
  readonly #runs = new Map<AbortController, ActiveRun | null>();
  readonly #idle = new Set<() => void>();
  #tools: FfmpegTools | null = null;

  constructor(
    private readonly resolveTools: () => FfmpegTools,
    private readonly log: RunLog,
    private readonly options: RunnerOptions = {},
  ) {}

  /** Resolved at first use and kept; a failure is not kept, so installing ffmpeg needs no restart. */
  tools(): FfmpegTools {
    this.#tools ??= this.resolveTools();
    return this.#tools;
  }

  /** Processes running now: for the log, and for tests that check none is left behind. */
  get active(): readonly ActiveRun[] {
    return [...this.#runs.values()].filter((run): run is ActiveRun => run !== null);
  }

  /** Stops every run (at quit). Each run's promise rejects as cancelled once its process is gone. */
  abortAll(): void {
    for (const controller of this.#runs.keys()) controller.abort(new MediaAbort('cancelled'));
  }

  /** Resolves when no process is running. */
  whenIdle(): Promise<void> {
    if (this.#runs.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.add(resolve));
  }

  /** Best effort: a process that already ended, or a system that refuses, runs as it is. */
  #lowerPriority(pid: number): void {
    if (this.options.priority === undefined) return;
    try {
      setPriority(pid, this.options.priority);
    } catch (error) {
      this.log.warn('media tool priority not set', { pid, error: (error as Error).message });
    }
  }

  run(request: RunRequest): Promise<RunResult> {
    const tools = this.tools();
    const binary = request.tool === 'ffmpeg' ? tools.ffmpeg : tools.ffprobe;
    const commandLine = formatCommandLine(binary, request.args);
    const aborted = request.signal?.aborted ? causeOf(request.signal.reason) : null;
    if (aborted) return Promise.reject(new MediaJobError(aborted, abortMessage(aborted), { commandLine }));

    const controller = new AbortController();
    this.#runs.set(controller, null);
    const onJobAbort = () => controller.abort(request.signal?.reason);
    request.signal?.addEventListener('abort', onJobAbort, { once: true });
    const timer = setTimeout(() => controller.abort(new MediaAbort('timed_out')), request.timeoutMs);

    this.log.info('media tool run', { commandLine });
    return new Promise<RunResult>((resolve, reject) => {
      const child = spawn(binary, request.args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
      if (child.pid !== undefined) {
        this.#runs.set(controller, { pid: child.pid, commandLine });
        this.#lowerPriority(child.pid);
      }
      const kill = () => child.kill('SIGKILL');
      controller.signal.addEventListener('abort', kill, { once: true });

      const stdout: Buffer[] = [];
      let stdoutBytes = 0;
      let stderr = '';
      let partialLine = '';
      let spawnError: Error | null = null;
      let ownFailure: MediaJobError | null = null;
      const maxStdout = request.maxStdoutBytes ?? DEFAULT_MAX_STDOUT;

      child.stdout.on('data', (chunk: Buffer) => {
        if (request.onStdout) {
          try {
            request.onStdout(chunk);
          } catch (error) {
            ownFailure ??= new MediaJobError('failed', `reading ffmpeg's output failed: ${(error as Error).message}`, { commandLine });
            kill();
          }
          return;
        }
        stdoutBytes += chunk.length;
        if (stdoutBytes > maxStdout) {
          ownFailure ??= new MediaJobError('failed', `${request.tool} wrote more than ${maxStdout} bytes`, { commandLine });
          kill();
          return;
        }
        stdout.push(chunk);
      });
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (chunk: string) => {
        stderr = (stderr + chunk).slice(-STDERR_TAIL);
        const lines = (partialLine + chunk).split(/\r\n|\r|\n/);
        partialLine = lines.pop() ?? '';
        for (const line of lines) this.#line(line, request);
      });
      child.once('error', (error) => {
        spawnError = error;
      });
      child.once('close', (exitCode, signal) => {
        if (partialLine !== '') this.#line(partialLine, request);
        clearTimeout(timer);
        request.signal?.removeEventListener('abort', onJobAbort);
        controller.signal.removeEventListener('abort', kill);
        this.#runs.delete(controller);
        if (this.#runs.size === 0) {
          for (const resolveIdle of this.#idle) resolveIdle();
          this.#idle.clear();
        }

        const abortCause = controller.signal.aborted ? causeOf(controller.signal.reason) : null;
        let failure: MediaJobError | null = null;
        if (abortCause) failure = new MediaJobError(abortCause, abortMessage(abortCause), { commandLine, stderr });
        else if (ownFailure) failure = ownFailure;
        else if (spawnError) failure = new MediaJobError('failed', `could not start ${binary}: ${spawnError.message}`, { commandLine });
        else if (exitCode !== 0) {
          const kind = classifyFfmpegFailure({ exitCode, signal, stderr, aborted: null });
          failure = new MediaJobError(kind, describeFailure(kind, stderr), { commandLine, stderr });
        } else if (request.refuseTruncatedInput && readTruncatedInput(stderr)) {
          failure = new MediaJobError('corrupt_input', 'the recording is truncated: it ends before its index says it does', { commandLine, stderr });
        }
        if (failure) {
          this.log.warn('media tool run failed', { commandLine, kind: failure.kind, exitCode, signal, stderr: stderr.slice(-2000) });
          reject(failure);
        } else {
          resolve({ stdout: Buffer.concat(stdout), stderr });
        }
      });
    });
  }

  #line(line: string, request: RunRequest): void {
    request.onStderrLine?.(line);
    if (!request.onProgress) return;
    const update = parseFfmpegProgressLine(line);
    if (!update) return;
    if (update.timeSeconds !== undefined || update.end) {
      request.onProgress(update.end ? 1 : progressFraction(update.timeSeconds ?? 0, request.durationMs ?? 0), update);
    }
  }
}

function causeOf(reason: unknown): AbortCause {
  return reason instanceof MediaAbort ? reason.abortCause : 'cancelled';
}

function abortMessage(cause: AbortCause): string {
  return cause === 'cancelled' ? 'the job was cancelled' : 'the job took too long and was stopped';
}
