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

const loaded = createRequire(import.meta.url)('@roamhq/wrtc') as unknown;

// wrtc's native finalizers crash a process that ends by running out of work
// (node-webrtc/node-webrtc#636; a test worker that loaded it was seen dying so after its tests
// had passed): a process that loaded it exits explicitly instead, with the code it had.
process.once('beforeExit', (code) => process.exit(code));

export const wrtc = loaded as Wrtc;

/** What simple-peer needs to run in Node (its `wrtc` option). */
export const peerWrtc = loaded as NonNullable<SimplePeer.Options['wrtc']>;

/** A wrtc stream as simple-peer's `stream` option (typed with the DOM's MediaStream). */
export const asPeerStream = (stream: WrtcStream) => stream as unknown as NonNullable<SimplePeer.Options['stream']>;

/** A stream simple-peer handed over (DOM-typed), as wrtc's. */
export const asWrtcStream = (stream: unknown) => stream as WrtcStream;

/** A track simple-peer handed over (DOM-typed), as wrtc's. */
export const asWrtcTrack = (track: unknown) => track as WrtcTrack;
