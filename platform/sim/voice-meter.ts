import { wrtc, type AudioData, type WrtcTrack } from './wrtc';

/** How much received audio the meter keeps: enough for a steady tone to show, little to compute. */
const WINDOW_MS = 200;

/**
 * The energy of a received audio track at one frequency, so a test can tell that an examiner's
 * tone (and not just any sound) reached the candidate. Keeps the last WINDOW_MS of the first
 * channel and runs the Goertzel filter on it when asked: cheap enough for a simulator that only
 * listens now and then.
 */
export class VoiceMeter {
  readonly #sink;
  #window = new Float32Array(0);
  #sampleRate = 48_000;
  #received = 0;

  constructor(track: WrtcTrack) {
    this.#sink = new wrtc.nonstandard.RTCAudioSink(track);
    this.#sink.ondata = (data) => this.#take(data);
  }

  /** Audio chunks received so far. */
  chunks(): number {
    return this.#received;
  }

  /** The amplitude (0..1 of full scale) of the component at `hz` in the last WINDOW_MS. */
  level(hz: number): number {
    const samples = this.#window;
    const n = samples.length;
    if (n === 0) return 0;
    const coefficient = 2 * Math.cos((2 * Math.PI * hz) / this.#sampleRate);
    let previous = 0;
    let beforePrevious = 0;
    for (let i = 0; i < n; i++) {
      const current = (samples[i] ?? 0) + coefficient * previous - beforePrevious;
      beforePrevious = previous;
      previous = current;
    }
    const power = previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious;
    return (2 * Math.sqrt(Math.max(0, power))) / n;
  }

  stop(): void {
    this.#sink.stop();
  }

  #take({ samples, sampleRate, channelCount, numberOfFrames }: AudioData): void {
    this.#received++;
    this.#sampleRate = sampleRate;
    const keep = Math.round((sampleRate * WINDOW_MS) / 1000);
    const mono = new Float32Array(numberOfFrames);
    for (let i = 0; i < numberOfFrames; i++) mono[i] = (samples[i * channelCount] ?? 0) / 32768;
    const joined = new Float32Array(Math.min(keep, this.#window.length + mono.length));
    const fromOld = joined.length - mono.length;
    if (fromOld > 0) joined.set(this.#window.subarray(this.#window.length - fromOld), 0);
    joined.set(fromOld >= 0 ? mono : mono.subarray(-fromOld), Math.max(0, fromOld));
    this.#window = joined;
  }
}
