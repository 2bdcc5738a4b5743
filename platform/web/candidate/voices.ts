/**
 * The panel's voices on the candidate's main device: one autoplaying <audio> element per voice,
 * and an analyser on each so the page can show when an examiner is speaking (and a test can
 * measure the energy at an examiner's tone). The audio element plays; WebAudio only listens.
 */
export interface VoicePlayer {
  play(peerId: string, stream: MediaStream): void;
  stop(peerId: string): void;
  /** Voices playing now. */
  count(): number;
  /** The loudest voice's energy at `hz`, 0..255 (AnalyserNode's byte scale); 0 with no voice. */
  level(hz: number): number;
  /** Whether any voice carries sound now (not silence). */
  speaking(): boolean;
  /** Told whenever a voice starts or stops. */
  subscribe(listener: () => void): () => void;
}

interface Voice {
  readonly element: HTMLAudioElement;
  readonly source: MediaStreamAudioSourceNode;
  readonly analyser: AnalyserNode;
}

const FFT_SIZE = 2048;
/** RMS of the time-domain signal above which a voice counts as speaking (silence is ~0). */
const SPEAKING_RMS = 0.01;

export function createVoicePlayer(container: HTMLElement): VoicePlayer {
  const voices = new Map<string, Voice>();
  const listeners = new Set<() => void>();
  let audio: AudioContext | null = null;
  // Browsers start an AudioContext suspended until the user interacts with the page.
  const resume = () => void audio?.resume();
  window.addEventListener('pointerdown', resume);
  const changed = () => {
    for (const listener of [...listeners]) listener();
  };

  return {
    play(peerId, stream) {
      this.stop(peerId);
      const element = document.createElement('audio');
      element.autoplay = true;
      element.srcObject = stream;
      element.dataset.testid = 'voice';
      element.dataset.peerId = peerId;
      container.append(element);
      void element.play().catch(() => undefined);
      audio ??= new AudioContext();
      resume();
      const source = audio.createMediaStreamSource(stream);
      const analyser = audio.createAnalyser();
      analyser.fftSize = FFT_SIZE;
      source.connect(analyser);
      voices.set(peerId, { element, source, analyser });
      changed();
    },
    stop(peerId) {
      const voice = voices.get(peerId);
      if (!voice) return;
      voices.delete(peerId);
      voice.source.disconnect();
      voice.element.srcObject = null;
      voice.element.remove();
      changed();
    },
    count: () => voices.size,
    level(hz) {
      let loudest = 0;
      for (const { analyser } of voices.values()) {
        const bins = new Uint8Array(analyser.frequencyBinCount);
        analyser.getByteFrequencyData(bins);
        const bin = Math.round((hz * analyser.fftSize) / analyser.context.sampleRate);
        loudest = Math.max(loudest, bins[bin] ?? 0);
      }
      return loudest;
    },
    speaking() {
      for (const { analyser } of voices.values()) {
        const samples = new Float32Array(analyser.fftSize);
        analyser.getFloatTimeDomainData(samples);
        let sum = 0;
        for (const sample of samples) sum += sample * sample;
        if (Math.sqrt(sum / samples.length) > SPEAKING_RMS) return true;
      }
      return false;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
