import type { z } from 'zod';
import type { SignalData } from '@common/platform/realtime';
import type { IceServer } from '@common/platform/room';

/**
 * What the simulated candidate's device flow needs from where it runs. The candidate page
 * (a browser) and the headless simulator (Node with `ws` and @roamhq/wrtc) each pass their own;
 * platform/shared sees neither the DOM nor Node, and the unit tests pass fakes.
 */

export interface ResponseLike {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  json(): Promise<unknown>;
}

export interface RequestLike {
  readonly method: 'GET' | 'POST';
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** The global `fetch` of a browser or of Node satisfies this as it is. */
export type FetchLike = (url: string, init: RequestLike) => Promise<ResponseLike>;

/** What the flow does with its realtime socket; a browser `WebSocket` and a `ws` one satisfy it. */
export interface SocketLike {
  /** 1 is OPEN, in browsers and in `ws` alike. */
  readonly readyState: number;
  send(text: string): void;
  close(code: number, reason: string): void;
}

/** Text frames and the close code: all the flow reads of its socket. */
export interface SocketEvents {
  message(text: string): void;
  close(code: number): void;
}

/**
 * Opens a socket to `url` and reports its text messages and its close (a failed connection
 * closes too), always after it returned.
 */
export type SocketFactory = (url: string, events: SocketEvents) => SocketLike;

export type PeerSignal = z.infer<typeof SignalData>;

/**
 * One WebRTC connection of the device; a simple-peer instance satisfies it as it is. `Stream`
 * is whatever media stream the environment has (the DOM's in a browser, wrtc's in Node): the
 * flow only hands it back to the environment.
 */
export interface PeerLike<Stream = unknown> {
  /**
   * The platform's offer, answer or ICE candidate, relayed untouched: the peer itself checks its
   * shape. (simple-peer takes a string too; the flow only ever passes objects.)
   */
  signal(data: string | object): void;
  on(event: 'signal', listener: (data: PeerSignal) => void): unknown;
  on(event: 'connect' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'stream', listener: (stream: Stream) => void): unknown;
  destroy(): void;
}

/**
 * What a peer is for (common/platform/realtime.ts, "who offers"):
 *   - `publish`: the initiator, sending the device's camera (and microphone);
 *   - `receive`: not the initiator and sending nothing; it answers the offer that follows and
 *     receives one of the panel's voices.
 */
export type PeerRole = 'publish' | 'receive';

/** Opens a peer for `role` with exactly these ICE servers (the platform's; never a library's default). */
export type PeerFactory<Stream = unknown> = (role: PeerRole, iceServers: readonly IceServer[]) => PeerLike<Stream>;

/** Runs `callback` after `ms`; calling the answer cancels it. */
export type Schedule = (callback: () => void, ms: number) => () => void;

export interface DeviceEnvironment<Stream = unknown> {
  readonly fetch: FetchLike;
  readonly openSocket: SocketFactory;
  readonly openPeer: PeerFactory<Stream>;
  readonly schedule: Schedule;
  /** A panel voice arrived on peer `peerId`: play it (the main device plays the panel's voices). */
  readonly playVoice: (peerId: string, stream: Stream) => void;
  /** That voice's peer ended: stop playing it. */
  readonly stopVoice: (peerId: string) => void;
}
