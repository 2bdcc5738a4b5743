import type { FfmpegRunner } from '../../node-shared/media/runner';

/**
 * Where a recording's keyframes are, from its video packets' flags (`ffprobe -show_entries
 * packet`): the demuxer reads the index and the packets' headers, nothing is decoded (a fifth of
 * a second for a 10-minute 720p file here). The player uses them to show a seek's keyframe at
 * once, before the exact frame (renderer/src/review/player/sync.ts, `keyframeFirst`).
 *
 * Times are the packets' presentation times on the file's own timeline, the one Chromium's
 * `currentTime` uses for an MP4 (both read it through FFmpeg's demuxer).
 */

/** Keyframes closer together than this on average are not listed: seeking there decodes little. */
export const DENSE_KEYFRAMES_MS = 500;
/** At most this many are listed (the contract's bound); a file with more is dense anyway. */
export const MAX_KEYFRAMES = 20_000;

export function keyframeArgs(file: string): string[] {
  return ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', file];
}

/** Collects keyframe times from ffprobe's CSV lines (`12.345000,K__`), as they stream. */
export class KeyframeLines {
  readonly #times: number[] = [];
  #rest = '';
  #overflow = false;

  push(chunk: Buffer): void {
    const text = this.#rest + chunk.toString('latin1');
    const lines = text.split('\n');
    this.#rest = lines.pop() ?? '';
    for (const line of lines) this.#line(line);
  }

  /** Keyframe times in ms, ascending and distinct; null when there were too many to list. */
  finish(): number[] | null {
    if (this.#rest !== '') this.#line(this.#rest);
    this.#rest = '';
    if (this.#overflow) return null;
    return [...new Set(this.#times)].sort((a, b) => a - b);
  }

  #line(line: string): void {
    const [time, flags] = line.trim().split(',');
    if (!flags?.startsWith('K') || time === undefined) return;
    const seconds = Number(time);
    // 'N/A' (no timestamp) and negative times (before the start, edit lists) are not seek targets.
    if (!Number.isFinite(seconds) || seconds < 0) return;
    if (this.#times.length >= MAX_KEYFRAMES) {
      this.#overflow = true;
      return;
    }
    this.#times.push(Math.round(seconds * 1000));
  }
}

/**
 * The keyframes worth listing for a recording of `durationMs`: none when unknown, too many, or
 * so dense (under DENSE_KEYFRAMES_MS apart on average) that a seek decodes little anyway.
 */
export function keyframesWorthListing(keyframesMs: readonly number[] | null, durationMs: number): number[] | undefined {
  if (keyframesMs === null || keyframesMs.length === 0) return undefined;
  if (durationMs > 0 && durationMs / keyframesMs.length < DENSE_KEYFRAMES_MS) return undefined;
  return [...keyframesMs];
}

/** The file's keyframes in ms, or null when ffprobe could not list them (the player then seeks as before). */
export async function readKeyframes(runner: FfmpegRunner, file: string, signal: AbortSignal, timeoutMs: number): Promise<number[] | null> {
  const lines = new KeyframeLines();
  try {
    await runner.run({ tool: 'ffprobe', args: keyframeArgs(file), timeoutMs, signal, onStdout: (chunk) => lines.push(chunk) });
  } catch (error) {
    if (signal.aborted) throw error;
    return null;
  }
  return lines.finish();
}
