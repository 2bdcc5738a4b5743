import type { SilentGap, Waveform } from '@common/contract';
import type { FfmpegRunner } from '../../node-shared/media/runner';

/** The waveform is computed from mono 8 kHz PCM: enough for the eye, and cheap to decode and move. */
export const WAVEFORM_SAMPLE_RATE = 8000;
/** Fine buckets of 50 ms; the requested number of peaks is reduced from these. */
const SAMPLES_PER_BUCKET = 400;
/** Quieter than this for at least this long is a silent gap: the candidate stopped. */
export const SILENCE_THRESHOLD_DB = -40;
export const SILENCE_MIN_SECONDS = 1;

/**
 * One ffmpeg pass for all of it: the first audio stream split in two, one branch measured by
 * `ebur128` as it is (integrated loudness, EBU R128; its summary goes to stderr at the info level,
 * its per-frame lines only at verbose) and dropped, the other resampled to mono 8 kHz with
 * `silencedetect` on it (it logs the gaps to stderr at the info level), the samples as raw s16le
 * on stdout (peaks and the alignment envelope are both made from them).
 */
export function waveformArgs(input: string): string[] {
  const wave = [
    `aresample=${WAVEFORM_SAMPLE_RATE}`,
    'aformat=sample_fmts=s16:channel_layouts=mono',
    `silencedetect=noise=${SILENCE_THRESHOLD_DB}dB:duration=${SILENCE_MIN_SECONDS}`,
  ].join(',');
  const filter = `[0:a:0]asplit=2[loud][wave];[loud]ebur128=peak=none:framelog=verbose,anullsink;[wave]${wave}[pcm]`;
  return [
    '-hide_banner',
    '-nostdin',
    '-nostats',
    '-loglevel',
    'info',
    '-progress',
    'pipe:2',
    '-i',
    input,
    '-vn',
    '-sn',
    '-dn',
    '-filter_complex',
    filter,
    '-map',
    '[pcm]',
    '-c:a',
    'pcm_s16le',
    '-f',
    's16le',
    'pipe:1',
  ];
}

/** ffmpeg's floor for integrated loudness: what `ebur128` reports when everything was gated out (silence). */
export const LOUDNESS_FLOOR_LUFS = -70;
const INTEGRATED = /^\s*I:\s*(-?(?:[\d.]+|inf))\s*LUFS/;

/**
 * The integrated loudness from `ebur128`'s summary lines. ffmpeg may print a summary more than
 * once (an empty one when the graph is configured, of -70 LUFS); the last is the measurement.
 * Null when there is none, or at the floor (all silence). Pure.
 */
export class LoudnessCollector {
  #inIntegrated = false;
  #last: number | null = null;
  #seen = false;

  line(line: string): void {
    if (/Integrated loudness:/.test(line)) {
      this.#inIntegrated = true;
      return;
    }
    if (!this.#inIntegrated) return;
    const value = INTEGRATED.exec(line)?.[1];
    if (value === undefined) return;
    this.#inIntegrated = false;
    this.#seen = true;
    const lufs = Number(value);
    this.#last = Number.isFinite(lufs) ? lufs : null;
  }

  get integratedLufs(): number | null {
    if (!this.#seen || this.#last === null || this.#last <= LOUDNESS_FLOOR_LUFS + 0.05) return null;
    return Math.round(this.#last * 10) / 10;
  }
}

/**
 * Min and max of signed 16-bit samples, fed in arbitrary chunks (a chunk may end in the middle
 * of a sample), kept per fine bucket so any number of peaks can be taken at the end. Pure.
 */
export class PeakReducer {
  #mins: number[] = [];
  #maxs: number[] = [];
  #bucketMin = 0;
  #bucketMax = 0;
  #inBucket = 0;
  #samples = 0;
  #carry: number | null = null;

  constructor(private readonly samplesPerBucket = SAMPLES_PER_BUCKET) {}

  get samples(): number {
    return this.#samples;
  }

  push(chunk: Uint8Array): void {
    let offset = 0;
    if (this.#carry !== null && chunk.length > 0) {
      this.#add(toInt16(this.#carry | ((chunk[0] ?? 0) << 8)));
      this.#carry = null;
      offset = 1;
    }
    const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    for (; offset + 1 < chunk.length; offset += 2) this.#add(view.getInt16(offset, true));
    if (offset < chunk.length) this.#carry = chunk[offset] ?? 0;
  }

  /** `count` min/max pairs over equal slices of everything pushed, in -1..1. */
  peaks(count: number): { min: number[]; max: number[] } {
    const mins = [...this.#mins];
    const maxs = [...this.#maxs];
    if (this.#inBucket > 0) {
      mins.push(this.#bucketMin);
      maxs.push(this.#bucketMax);
    }
    const min: number[] = [];
    const max: number[] = [];
    const buckets = mins.length;
    if (buckets === 0) return { min: new Array<number>(count).fill(0), max: new Array<number>(count).fill(0) };
    for (let i = 0; i < count; i++) {
      const from = Math.floor((i * buckets) / count);
      const to = Math.max(from + 1, Math.floor(((i + 1) * buckets) / count));
      let low = Infinity;
      let high = -Infinity;
      for (let b = from; b < to && b < buckets; b++) {
        low = Math.min(low, mins[b] ?? 0);
        high = Math.max(high, maxs[b] ?? 0);
      }
      min.push(normalise(low));
      max.push(normalise(high));
    }
    return { min, max };
  }

  #add(sample: number): void {
    if (this.#inBucket === 0) {
      this.#bucketMin = sample;
      this.#bucketMax = sample;
    } else {
      if (sample < this.#bucketMin) this.#bucketMin = sample;
      if (sample > this.#bucketMax) this.#bucketMax = sample;
    }
    this.#samples++;
    if (++this.#inBucket === this.samplesPerBucket) {
      this.#mins.push(this.#bucketMin);
      this.#maxs.push(this.#bucketMax);
      this.#inBucket = 0;
    }
  }
}

const toInt16 = (value: number) => (value & 0x8000 ? value - 0x10000 : value);
const normalise = (sample: number) => Math.round((Math.max(-32768, Math.min(32767, sample)) / 32768) * 10_000) / 10_000;

const SILENCE_START = /\[silencedetect @ [^\]]+\]\s+silence_start:\s*(-?[\d.]+(?:e[-+]?\d+)?)/;
const SILENCE_END = /\[silencedetect @ [^\]]+\]\s+silence_end:\s*(-?[\d.]+(?:e[-+]?\d+)?)/;

/** Silent gaps from silencedetect's log lines; a gap still open at the end closes at the end. Pure. */
export class SilenceCollector {
  readonly #gaps: SilentGap[] = [];
  #openAt: number | null = null;

  line(line: string): void {
    const start = SILENCE_START.exec(line)?.[1];
    if (start !== undefined) {
      this.#openAt = Math.max(0, Number(start));
      return;
    }
    const end = SILENCE_END.exec(line)?.[1];
    if (end !== undefined && this.#openAt !== null) {
      this.#push(this.#openAt, Math.max(0, Number(end)));
      this.#openAt = null;
    }
  }

  finish(endSeconds: number): SilentGap[] {
    if (this.#openAt !== null && endSeconds - this.#openAt >= SILENCE_MIN_SECONDS) this.#push(this.#openAt, endSeconds);
    this.#openAt = null;
    return [...this.#gaps];
  }

  #push(from: number, to: number): void {
    if (!Number.isFinite(from) || !Number.isFinite(to) || to <= from) return;
    this.#gaps.push({ startMs: Math.round(from * 1000), endMs: Math.round(to * 1000) });
  }
}

/**
 * The waveform of a recording (peaks, silent gaps, integrated loudness) in one ffmpeg pass; an
 * `envelope` builder, if given, is fed the same samples (the alignment envelope, no second decode).
 */
export async function makeWaveform(
  runner: FfmpegRunner,
  input: string,
  hasAudio: boolean,
  peaks: number,
  durationMs: number,
  context: { signal: AbortSignal; progress(fraction: number): void },
  timeoutMs: number,
  envelope?: { push(chunk: Uint8Array): void },
): Promise<Waveform> {
  if (!hasAudio) return { kind: 'no_audio' };
  const reducer = new PeakReducer();
  const silence = new SilenceCollector();
  const loudness = new LoudnessCollector();
  await runner.run({
    tool: 'ffmpeg',
    args: waveformArgs(input),
    timeoutMs,
    signal: context.signal,
    durationMs,
    refuseTruncatedInput: true,
    onStdout: (chunk) => {
      reducer.push(chunk);
      envelope?.push(chunk);
    },
    onStderrLine: (line) => {
      silence.line(line);
      loudness.line(line);
    },
    onProgress: (fraction) => context.progress(fraction),
  });
  const decodedSeconds = reducer.samples / WAVEFORM_SAMPLE_RATE;
  const { min, max } = reducer.peaks(peaks);
  const lufs = loudness.integratedLufs;
  return {
    kind: 'peaks',
    durationMs: Math.round(decodedSeconds * 1000),
    min,
    max,
    silentGaps: silence.finish(decodedSeconds).slice(0, 2000),
    integratedLufs: lufs === null ? null : Math.max(-120, Math.min(10, lufs)),
  };
}
