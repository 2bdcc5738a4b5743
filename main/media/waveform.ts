import type { SilentGap, Waveform } from '@common/contract';
import type { FfmpegRunner } from './runner';

/** The waveform is computed from mono 8 kHz PCM: enough for the eye, and cheap to decode and move. */
export const WAVEFORM_SAMPLE_RATE = 8000;
/** Fine buckets of 50 ms; the requested number of peaks is reduced from these. */
const SAMPLES_PER_BUCKET = 400;
/** Quieter than this for at least this long is a silent gap: the candidate stopped. */
export const SILENCE_THRESHOLD_DB = -40;
export const SILENCE_MIN_SECONDS = 1;

/**
 * One ffmpeg pass for both: the first audio stream resampled to mono 8 kHz, `silencedetect` on
 * it (it logs the gaps to stderr at the info level), and the samples as raw s16le on stdout.
 */
export function waveformArgs(input: string): string[] {
  const filter = [
    `aresample=${WAVEFORM_SAMPLE_RATE}`,
    'aformat=sample_fmts=s16:channel_layouts=mono',
    `silencedetect=noise=${SILENCE_THRESHOLD_DB}dB:duration=${SILENCE_MIN_SECONDS}`,
  ].join(',');
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
    '-map',
    '0:a:0',
    '-vn',
    '-sn',
    '-dn',
    '-af',
    filter,
    '-c:a',
    'pcm_s16le',
    '-f',
    's16le',
    'pipe:1',
  ];
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

export async function makeWaveform(
  runner: FfmpegRunner,
  input: string,
  hasAudio: boolean,
  peaks: number,
  durationMs: number,
  context: { signal: AbortSignal; progress(fraction: number): void },
  timeoutMs: number,
): Promise<Waveform> {
  if (!hasAudio) return { kind: 'no_audio' };
  const reducer = new PeakReducer();
  const silence = new SilenceCollector();
  await runner.run({
    tool: 'ffmpeg',
    args: waveformArgs(input),
    timeoutMs,
    signal: context.signal,
    durationMs,
    refuseTruncatedInput: true,
    onStdout: (chunk) => reducer.push(chunk),
    onStderrLine: (line) => silence.line(line),
    onProgress: (fraction) => context.progress(fraction),
  });
  const decodedSeconds = reducer.samples / WAVEFORM_SAMPLE_RATE;
  const { min, max } = reducer.peaks(peaks);
  return { kind: 'peaks', durationMs: Math.round(decodedSeconds * 1000), min, max, silentGaps: silence.finish(decodedSeconds).slice(0, 2000) };
}
