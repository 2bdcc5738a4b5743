/**
 * The examiner's microphone for talk-back: the audio inputs to pick from, the one picked (kept
 * across launches), its stream and its level. Audio only: an examiner's camera is never asked
 * for (and main's permission handler refuses it).
 */
export interface MicInput {
  readonly deviceId: string;
  readonly label: string;
}

const STORAGE_KEY = 'examiner.talkback.microphone';
const LEVEL_INTERVAL_MS = 100;

export function rememberedMicrophone(): string | null {
  try {
    return window.localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function rememberMicrophone(deviceId: string | null): void {
  try {
    if (deviceId === null) window.localStorage.removeItem(STORAGE_KEY);
    else window.localStorage.setItem(STORAGE_KEY, deviceId);
  } catch {
    // Storage refused (private mode): the choice lasts this session only.
  }
}

export async function listMicrophones(): Promise<MicInput[]> {
  const devices = await navigator.mediaDevices.enumerateDevices();
  return devices
    .filter((device) => device.kind === 'audioinput')
    .map((device, index) => ({ deviceId: device.deviceId, label: device.label || `#${index + 1}` }));
}

/** One captured microphone and a meter of its level (0–1, the peak of the last interval). */
export class Microphone {
  #context: AudioContext | null = null;
  #timer: ReturnType<typeof setInterval> | null = null;
  #level = 0;

  private constructor(readonly stream: MediaStream) {}

  static async open(deviceId: string | null): Promise<Microphone> {
    const audio: MediaTrackConstraints = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };
    const stream = await navigator.mediaDevices.getUserMedia({ audio: deviceId ? { ...audio, deviceId: { exact: deviceId } } : audio, video: false });
    return new Microphone(stream);
  }

  get track(): MediaStreamTrack | null {
    return this.stream.getAudioTracks()[0] ?? null;
  }

  /** The device actually captured (the default one resolves to a real id). */
  get deviceId(): string | null {
    return this.track?.getSettings().deviceId ?? null;
  }

  get level(): number {
    return this.#level;
  }

  /** Meters the level whether or not the voice is sent, so the examiner can check the mic before speaking. */
  meter(onLevel: (level: number) => void): void {
    if (this.#timer !== null || typeof AudioContext === 'undefined') return;
    const context = new AudioContext();
    this.#context = context;
    const analyser = context.createAnalyser();
    analyser.fftSize = 512;
    context.createMediaStreamSource(this.stream).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    this.#timer = setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      let peak = 0;
      for (const sample of samples) peak = Math.max(peak, Math.abs(sample));
      const level = Math.min(1, peak);
      if (Math.abs(level - this.#level) < 0.01) return;
      this.#level = level;
      onLevel(level);
    }, LEVEL_INTERVAL_MS);
    // The meter's context may start suspended until a click; the capture itself does not need it.
    void context.resume().catch(() => undefined);
  }

  close(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    void this.#context?.close().catch(() => undefined);
    this.#context = null;
    for (const track of this.stream.getTracks()) track.stop();
  }
}
