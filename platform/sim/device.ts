import SimplePeer from 'simple-peer';
import WebSocket from 'ws';
import { CandidateDevice, type Connection, type PeerState } from '@common/candidate/device';
import type { DeviceEnvironment } from '@common/candidate/ports';
import { untilSnapshot } from '@common/candidate/until';
import type { Device, QueueEntry } from '@common/platform/queue';
import type { QuickMessageId } from '@common/platform/realtime';
import { asPeerStream, peerWrtc, type WrtcStream } from './wrtc';

export type { Connection, PeerState };

export interface DeviceSnapshot {
  readonly connection: Connection;
  readonly entry: QueueEntry | null;
  /** The examiner's prompts, as text. */
  readonly prompts: readonly string[];
  readonly peer: PeerState;
  /** The last refusal or failure. */
  readonly problem: string | null;
}

export interface DeviceOptions {
  readonly platformUrl: string;
  readonly token: string;
  readonly device: Device;
  readonly stream: WrtcStream;
  /** Face verification attempts that fail before one matches (main device). */
  readonly faceFailures?: number;
}

/** Node's side of the shared flow: `ws` for the socket, simple-peer with @roamhq/wrtc for WebRTC. */
function nodeEnvironment(stream: WrtcStream): DeviceEnvironment {
  return {
    fetch,
    openSocket: (url, events) => {
      const socket = new WebSocket(url);
      socket.on('message', (data, isBinary) => {
        if (!isBinary) events.message(String(data));
      });
      // A refused or failed connection ends in 'close' too, which retries.
      socket.on('error', () => {});
      socket.on('close', (code) => events.close(code));
      return socket;
    },
    openPeer: () => new SimplePeer({ initiator: false, wrtc: peerWrtc, stream: asPeerStream(stream), trickle: true }),
    schedule: (callback, ms) => {
      const timer = setTimeout(callback, ms);
      return () => clearTimeout(timer);
    },
  };
}

/**
 * One simulated candidate device in Node: the candidate page's flow (common/candidate/device.ts)
 * with a wrtc camera, its snapshot's prompts reduced to their text for tests and the CLI.
 */
export class SimulatedDevice {
  readonly device: Device;
  readonly #flow: CandidateDevice;
  #snapshot: DeviceSnapshot;

  constructor(options: DeviceOptions) {
    this.device = options.device;
    this.#flow = new CandidateDevice(
      { platformUrl: options.platformUrl, token: options.token, device: options.device, faceFailures: options.faceFailures ?? 0 },
      nodeEnvironment(options.stream),
    );
    this.#snapshot = this.#simplified();
    // Subscribed first, so every later listener reads this change's snapshot.
    this.#flow.subscribe(() => {
      this.#snapshot = this.#simplified();
    });
  }

  get snapshot(): DeviceSnapshot {
    return this.#snapshot;
  }

  subscribe(listener: () => void): () => void {
    return this.#flow.subscribe(listener);
  }

  /** Resolves once `predicate` holds for the device's snapshot (now or after a change). */
  until(predicate: (snapshot: DeviceSnapshot) => boolean): Promise<DeviceSnapshot> {
    return untilSnapshot(this, predicate);
  }

  /** Connects; resolves once the platform greeted the device. */
  start(): Promise<void> {
    return this.#flow.start();
  }

  /** An interruption: the device loses its connection for `seconds`, then comes back. */
  drop(seconds: number): Promise<void> {
    return this.#flow.drop(seconds);
  }

  quickMessage(messageId: QuickMessageId): boolean {
    return this.#flow.quickMessage(messageId);
  }

  stop(): void {
    this.#flow.stop();
  }

  #simplified(): DeviceSnapshot {
    const { prompts, ...rest } = this.#flow.snapshot;
    return { ...rest, prompts: prompts.map((prompt) => prompt.text) };
  }
}
