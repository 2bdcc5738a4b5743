import SimplePeer from 'simple-peer';
import WebSocket from 'ws';
import type { Device, QueueEntry } from '@common/platform/queue';
import type { QuickMessageId } from '@common/platform/realtime';
import { CandidateDevice, type Connection, type PeerCounts, type PeerState } from '../shared/candidate/device';
import type { DeviceEnvironment } from '../shared/candidate/ports';
import { untilSnapshot } from '../shared/candidate/until';
import { VoiceMeter } from './voice-meter';
import { asPeerStream, asWrtcStream, peerWrtc, type WrtcStream } from './wrtc';

export type { Connection, PeerState };

/** What a simulated phone shows a test: the shared flow's snapshot with the prompts as their text. */
export interface SimulatedDeviceSnapshot extends PeerCounts {
  readonly connection: Connection;
  readonly entry: QueueEntry | null;
  /** The examiner's prompts, as text. */
  readonly prompts: readonly string[];
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

/**
 * Node's side of the shared flow: `ws` for the socket, simple-peer with @roamhq/wrtc for WebRTC
 * (publishing the camera's stream, or receiving a voice with nothing to send), and a meter on
 * each voice instead of a loudspeaker.
 */
function nodeEnvironment(stream: WrtcStream, meters: Map<string, VoiceMeter>, publishers: Set<SimplePeer.Instance>): DeviceEnvironment<WrtcStream> {
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
    openPeer: (role, iceServers) => {
      // The platform's ICE servers replace simple-peer's default public STUN servers.
      const config = { iceServers: [...iceServers] };
      const peer =
        role === 'publish'
          ? new SimplePeer({ initiator: true, wrtc: peerWrtc, stream: asPeerStream(stream), trickle: true, config })
          : new SimplePeer({ initiator: false, wrtc: peerWrtc, trickle: true, config });
      if (role === 'publish') {
        publishers.add(peer);
        peer.once('close', () => publishers.delete(peer));
      }
      // simple-peer's streams are DOM-typed; in Node they are wrtc's.
      return {
        signal: (data) => peer.signal(data as SimplePeer.SignalData),
        on: (event: string, listener: (...args: never[]) => void) => {
          if (event === 'stream') peer.on('stream', (received: unknown) => (listener as (s: WrtcStream) => void)(asWrtcStream(received)));
          else peer.on(event, listener as (...args: unknown[]) => void);
        },
        destroy: () => peer.destroy(),
      };
    },
    playVoice: (peerId, voice) => {
      const track = voice.getAudioTracks()[0];
      if (track) meters.set(peerId, new VoiceMeter(track));
    },
    stopVoice: (peerId) => {
      meters.get(peerId)?.stop();
      meters.delete(peerId);
    },
    schedule: (callback, ms) => {
      const timer = setTimeout(callback, ms);
      return () => clearTimeout(timer);
    },
  };
}

/**
 * One simulated candidate device in Node: the candidate page's flow (platform/shared/candidate/device.ts)
 * with a wrtc camera, its snapshot's prompts reduced to their text for tests and the CLI.
 */
export class SimulatedDevice {
  readonly device: Device;
  readonly #flow: CandidateDevice<WrtcStream>;
  readonly #meters = new Map<string, VoiceMeter>();
  /** The peers publishing this device's camera now (one through an SFU, one per examiner when direct). */
  readonly #publishers = new Set<SimplePeer.Instance>();
  #snapshot: SimulatedDeviceSnapshot;

  constructor(options: DeviceOptions) {
    this.device = options.device;
    this.#flow = new CandidateDevice(
      { platformUrl: options.platformUrl, token: options.token, device: options.device, faceFailures: options.faceFailures ?? 0 },
      nodeEnvironment(options.stream, this.#meters, this.#publishers),
    );
    this.#snapshot = this.#simplified();
    // Subscribed first, so every later listener reads this change's snapshot.
    this.#flow.subscribe(() => {
      this.#snapshot = this.#simplified();
    });
  }

  get snapshot(): SimulatedDeviceSnapshot {
    return this.#snapshot;
  }

  subscribe(listener: () => void): () => void {
    return this.#flow.subscribe(listener);
  }

  /** Resolves once `predicate` holds for the device's snapshot (now or after a change). */
  until(predicate: (snapshot: SimulatedDeviceSnapshot) => boolean): Promise<SimulatedDeviceSnapshot> {
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

  /**
   * The energy of the panel's voices at `hz` (0..1 of full scale; the loudest voice), over the
   * last 200 ms: an examiner's tone shows at its own pitch, not at others.
   */
  voiceLevel(hz: number): number {
    return Math.max(0, ...[...this.#meters.values()].map((meter) => meter.level(hz)));
  }

  /**
   * Bytes this device sent so far on the peers that publish its camera now (RTP payload and
   * headers of every outbound stream, from getStats): the phone's uplink, for the benchmark.
   */
  async outboundBytes(): Promise<number> {
    const totals = await Promise.all([...this.#publishers].map((peer) => sentBytes(peer)));
    return totals.reduce((sum, bytes) => sum + bytes, 0);
  }

  stop(): void {
    this.#flow.stop();
    for (const meter of this.#meters.values()) meter.stop();
    this.#meters.clear();
  }

  #simplified(): SimulatedDeviceSnapshot {
    const { prompts, ...rest } = this.#flow.snapshot;
    return { ...rest, prompts: prompts.map((prompt) => prompt.text) };
  }
}

/** simple-peer keeps its RTCPeerConnection in an undocumented field; its typings do not list it. */
async function sentBytes(peer: SimplePeer.Instance): Promise<number> {
  const connection = (peer as unknown as { _pc?: { getStats(): Promise<Map<string, Record<string, unknown>>> } })._pc;
  if (!connection || peer.destroyed) return 0;
  try {
    let bytes = 0;
    for (const stats of (await connection.getStats()).values()) {
      if (stats.type === 'outbound-rtp' && typeof stats.bytesSent === 'number') bytes += stats.bytesSent + (typeof stats.headerBytesSent === 'number' ? stats.headerBytesSent : 0);
    }
    return bytes;
  } catch {
    return 0;
  }
}
