import type { Device } from '@common/platform';

interface FeedAudio {
  readonly analyser: AnalyserNode;
  /** What evidence recording takes as the feed's sound; it outlives reconnects. */
  readonly recording: MediaStreamAudioDestinationNode;
  source: MediaStreamAudioSourceNode | null;
  samples: Float32Array<ArrayBuffer>;
}

/**
 * The interview's sound, one AudioContext for both feeds: per feed an AnalyserNode for the
 * volume meter and a destination that evidence recording records, fed by whichever remote
 * stream the feed has now. Listening is the video element's job (so mute is the element's);
 * nothing here reaches the speakers. Browsers start an AudioContext suspended until the user
 * interacts with the page: `resume()` belongs in a click handler.
 */
export class InterviewAudio {
  #context: AudioContext | null = null;
  readonly #feeds = new Map<Device, FeedAudio>();

  /** Routes `stream`'s audio (if any) into the feed's meter and recording, replacing the previous one. */
  attach(device: Device, stream: MediaStream): void {
    const feed = this.#feed(device);
    feed.source?.disconnect();
    feed.source = null;
    if (stream.getAudioTracks().length === 0) return;
    const source = this.#audioContext().createMediaStreamSource(stream);
    source.connect(feed.analyser);
    source.connect(feed.recording);
    feed.source = source;
  }

  detach(device: Device): void {
    const feed = this.#feeds.get(device);
    feed?.source?.disconnect();
    if (feed) feed.source = null;
  }

  /** The feed's loudness now, 0–1 (RMS of the last few milliseconds, scaled so speech fills it). */
  level(device: Device): number {
    const feed = this.#feeds.get(device);
    if (!feed?.source || this.#context?.state !== 'running') return 0;
    feed.analyser.getFloatTimeDomainData(feed.samples);
    let sum = 0;
    for (const sample of feed.samples) sum += sample * sample;
    const rms = Math.sqrt(sum / feed.samples.length);
    return Math.min(1, rms * 4);
  }

  /** The feed's sound as a track that stays the same across reconnects, for MediaRecorder. */
  recordingTrack(device: Device): MediaStreamTrack | null {
    return this.#feed(device).recording.stream.getAudioTracks()[0] ?? null;
  }

  get running(): boolean {
    return this.#context?.state === 'running';
  }

  /** Starts the sound after a user gesture; true when it runs. */
  async resume(): Promise<boolean> {
    const context = this.#audioContext();
    if (context.state !== 'running') await context.resume().catch(() => undefined);
    return context.state === 'running';
  }

  close(): void {
    for (const device of this.#feeds.keys()) this.detach(device);
    this.#feeds.clear();
    void this.#context?.close().catch(() => undefined);
    this.#context = null;
  }

  #audioContext(): AudioContext {
    this.#context ??= new AudioContext({ latencyHint: 'interactive' });
    return this.#context;
  }

  #feed(device: Device): FeedAudio {
    let feed = this.#feeds.get(device);
    if (!feed) {
      const context = this.#audioContext();
      const analyser = context.createAnalyser();
      analyser.fftSize = 1024;
      feed = { analyser, recording: context.createMediaStreamDestination(), source: null, samples: new Float32Array(analyser.fftSize) };
      this.#feeds.set(device, feed);
    }
    return feed;
  }
}
