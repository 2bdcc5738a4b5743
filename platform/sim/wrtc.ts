import { createRequire } from 'node:module';
import type SimplePeer from 'simple-peer';

/**
 * @roamhq/wrtc (WebRTC for Node), typed as far as the simulator uses it. It is CommonJS whose
 * exports Node's ESM loader cannot list, so it is required; its own typings re-export the
 * DOM's classes, which a Node project does not have.
 */
export interface WrtcTrack {
  readonly id: string;
  readonly kind: string;
  stop(): void;
}

export interface WrtcStream {
  getTracks(): WrtcTrack[];
  getAudioTracks(): WrtcTrack[];
}

/** An I420 frame: the Y plane (width × height), then U and V (each a quarter of that). */
export interface I420Frame {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

interface VideoSource {
  createTrack(): WrtcTrack;
  onFrame(frame: I420Frame): void;
}

interface AudioSource {
  createTrack(): WrtcTrack;
  onData(data: { samples: Int16Array; sampleRate: number; bitsPerSample?: number; channelCount?: number; numberOfFrames?: number }): void;
}

/** Decoded audio as wrtc hands it out: 16-bit samples, interleaved when there are several channels. */
export interface AudioData {
  readonly samples: Int16Array;
  readonly sampleRate: number;
  readonly channelCount: number;
  readonly numberOfFrames: number;
}

interface AudioSink {
  ondata: ((data: AudioData) => void) | null;
  stop(): void;
}

interface VideoSink {
  onframe: ((event: { frame: I420Frame }) => void) | null;
  stop(): void;
}

interface Wrtc {
  readonly MediaStream: new (tracks?: WrtcTrack[]) => WrtcStream;
  readonly nonstandard: {
    readonly RTCVideoSource: new () => VideoSource;
    readonly RTCAudioSource: new () => AudioSource;
    readonly RTCVideoSink: new (track: WrtcTrack) => VideoSink;
    readonly RTCAudioSink: new (track: WrtcTrack) => AudioSink;
  };
}

const loaded = createRequire(import.meta.url)('@roamhq/wrtc') as Wrtc & Record<string, unknown>;

// wrtc's native finalizers crash the process: at its end (node-webrtc/node-webrtc#636) and when
// the garbage collector finalizes a closed RTCPeerConnection (WonderInventions/node-webrtc#35:
// the last one's destructor releases the shared PeerConnectionFactory under objects that still
// use it). A vitest worker died mid-run in CI, which only these native crashes explain. So every wrtc
// object this process makes is kept for as long as the process lives (the finalizers never run
// mid-run; a closed peer's wrapper is a few hundred bytes), and a process that loaded wrtc exits
// explicitly, with the code it had, instead of running out of work.
const kept: object[] = [];

function keep<T extends object>(value: T): T {
  kept.push(value);
  return value;
}

/** A wrtc class whose every instance is kept, and with it the tracks it creates. */
function keeping<T extends object>(Class: T): T {
  return new Proxy(Class, {
    construct(target, args: unknown[], newTarget: object) {
      for (const arg of args) if (typeof arg === 'object' && arg !== null) keep(arg);
      const made = keep(Reflect.construct(target as new (...a: unknown[]) => object, args, newTarget as new (...a: unknown[]) => object));
      const createTrack = (made as { createTrack?: () => object }).createTrack;
      if (typeof createTrack === 'function') {
        Object.defineProperty(made, 'createTrack', { value: () => keep(createTrack.call(made)) });
      }
      return made;
    },
  });
}

process.once('beforeExit', (code) => process.exit(code));

const kinds = ['RTCPeerConnection', 'MediaStream'] as const;
const sinksAndSources = ['RTCVideoSource', 'RTCAudioSource', 'RTCVideoSink', 'RTCAudioSink'] as const;
const keptWrtc = {
  ...loaded,
  ...Object.fromEntries(kinds.map((name) => [name, keeping(loaded[name] as object)])),
  nonstandard: {
    ...loaded.nonstandard,
    ...Object.fromEntries(sinksAndSources.map((name) => [name, keeping(loaded.nonstandard[name])])),
  },
};

export const wrtc = keptWrtc as Wrtc;

/** What simple-peer needs to run in Node (its `wrtc` option). */
export const peerWrtc = keptWrtc as unknown as NonNullable<SimplePeer.Options['wrtc']>;

/** A wrtc stream as simple-peer's `stream` option (typed with the DOM's MediaStream). */
export const asPeerStream = (stream: WrtcStream) => stream as unknown as NonNullable<SimplePeer.Options['stream']>;

/** A stream simple-peer handed over (DOM-typed), as wrtc's. */
export const asWrtcStream = (stream: unknown) => stream as WrtcStream;

/** A track simple-peer handed over (DOM-typed), as wrtc's. */
export const asWrtcTrack = (track: unknown) => track as WrtcTrack;
