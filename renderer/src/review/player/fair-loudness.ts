import { dbToLinear, normalisingGainDb } from '@common/media/loudness';
import type { Waveform } from '@common/contract';
import type { PartState } from './angle-source';

/** What the player knows of one angle's loudness. */
export type AngleLoudness =
  | { readonly state: 'none' }
  | { readonly state: 'pending' }
  | { readonly state: 'no_audio' }
  /** Measured (lufs null: too quiet to measure, played as it is). */
  | { readonly state: 'measured'; readonly lufs: number | null };

export function loudnessOf(waveform: PartState<Waveform> | null): AngleLoudness {
  if (waveform === null || waveform.state === 'none' || waveform.state === 'failed') return { state: 'none' };
  if (waveform.state === 'pending') return { state: 'pending' };
  if (waveform.value.kind === 'no_audio') return { state: 'no_audio' };
  return { state: 'measured', lufs: waveform.value.integratedLufs ?? null };
}

/** The gain in dB an angle plays at: its normalising gain while fair loudness is on, else none. */
export function angleGainDb(loudness: AngleLoudness, on: boolean): number {
  return on && loudness.state === 'measured' ? normalisingGainDb(loudness.lufs) : 0;
}

/**
 * One AudioContext for the page: a media element, once given to a MediaElementSource, plays
 * only through the context that took it, for the rest of its life, so the sources are kept here
 * by element and never made twice.
 */
let shared: AudioContext | null = null;
const sources = new WeakMap<HTMLMediaElement, MediaElementAudioSourceNode>();

function context(): AudioContext | null {
  if (shared) return shared;
  if (typeof AudioContext === 'undefined') return null;
  shared = new AudioContext();
  return shared;
}

/**
 * Makes the page's AudioContext ahead of need, suspended (the player resumes it on play).
 * Making one opens the audio device, tens of milliseconds in which the page does nothing else:
 * the review screen does it while idle, so that opening an exam does not wait for it.
 */
export function prepareAudio(): void {
  if (shared) return;
  const audio = context();
  if (audio?.state === 'running') void audio.suspend().catch(() => undefined);
}

function sourceOf(audio: AudioContext, element: HTMLMediaElement): MediaElementAudioSourceNode {
  let source = sources.get(element);
  if (!source) {
    source = audio.createMediaElementSource(element);
    sources.set(element, source);
  }
  return source;
}

/**
 * The player's sound: each angle's element → its own gain → an analyser (the output level) →
 * the speakers. Where Web Audio is missing, the elements play as they are and nothing is applied.
 */
export class FairLoudnessGraph {
  readonly #audio: AudioContext | null = context();
  readonly #analyser: AnalyserNode | null = null;
  readonly #angles = new Map<string, { element: HTMLMediaElement; source: MediaElementAudioSourceNode; gain: GainNode }>();
  #samples: Float32Array<ArrayBuffer> | null = null;

  constructor() {
    if (this.#audio) {
      this.#analyser = this.#audio.createAnalyser();
      this.#analyser.fftSize = 2048;
      this.#analyser.connect(this.#audio.destination);
    }
  }

  get supported(): boolean {
    return this.#audio !== null;
  }

  /** Puts an angle's element (or none) on the graph at a gain in dB. */
  attach(angle: string, element: HTMLMediaElement | null, gainDb: number): void {
    const audio = this.#audio;
    const analyser = this.#analyser;
    const current = this.#angles.get(angle);
    if (current && current.element !== element) {
      current.source.disconnect();
      current.gain.disconnect();
      this.#angles.delete(angle);
    }
    if (!audio || !analyser || !element) return;
    const entry = this.#angles.get(angle);
    if (entry) {
      entry.gain.gain.value = dbToLinear(gainDb);
      return;
    }
    let source: MediaElementAudioSourceNode;
    try {
      source = sourceOf(audio, element);
    } catch {
      // Taken by another context (cannot happen with the page's one): it plays as it is.
      return;
    }
    const gain = audio.createGain();
    gain.gain.value = dbToLinear(gainDb);
    source.connect(gain).connect(analyser);
    this.#angles.set(angle, { element, source, gain });
  }

  /** The linear gain applied to an angle, or null when it is not on the graph. */
  applied(angle: string): number | null {
    return this.#angles.get(angle)?.gain.gain.value ?? null;
  }

  /** A context made before the grader's first gesture starts suspended: resumed when they press play. */
  resume(): void {
    if (this.#audio?.state === 'suspended') void this.#audio.resume().catch(() => undefined);
  }

  /** The output's peak over the analyser's last window, 0..1 (null without Web Audio). */
  level(): number | null {
    const analyser = this.#analyser;
    if (!analyser) return null;
    if (!this.#samples || this.#samples.length !== analyser.fftSize) this.#samples = new Float32Array(analyser.fftSize);
    analyser.getFloatTimeDomainData(this.#samples);
    let peak = 0;
    for (const sample of this.#samples) peak = Math.max(peak, Math.abs(sample));
    return peak;
  }

  dispose(): void {
    for (const { source, gain } of this.#angles.values()) {
      source.disconnect();
      gain.disconnect();
    }
    this.#angles.clear();
  }
}
