import SimplePeer from 'simple-peer';
import { startSimulatedCamera, type SimulatedCamera } from '../../platform/sim/camera';
import { asPeerStream, asWrtcTrack, peerWrtc, wrtc, type WrtcTrack } from '../../platform/sim/wrtc';
import type { SfuPeer, SfuRoom } from '../../platform/sfu/sfu';

/**
 * Real WebRTC clients (@roamhq/wrtc + simple-peer) of an SfuRoom, as the platform's room would
 * wire them: the client's signals go to the SfuPeer, the SFU's to the client.
 */

export type CloseReason = 'failed' | 'sfu_restarted';

interface ClientBase {
  readonly peer: SimplePeer.Instance;
  readonly sfuPeer: SfuPeer;
  /** Resolves with the reason the SFU gave when it closed this peer. */
  readonly closed: Promise<CloseReason>;
  /** The reason, once closed (null before). */
  closedWith(): CloseReason | null;
  destroy(): void;
}

export interface PublisherClient extends ClientBase {
  readonly camera: SimulatedCamera;
  /** Resolves when the SFU says the feed is live. */
  readonly live: Promise<void>;
}

export interface SubscriberClient extends ClientBase {
  /** Tracks the client received, as they came. */
  readonly tracks: WrtcTrack[];
  /** Resolves once `count` decoded video frames arrived. */
  videoFrames(count: number): Promise<void>;
}

/** A promise and its resolver. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

function wire(peer: SimplePeer.Instance, connect: (handlers: Parameters<SfuRoom['publish']>[1]) => SfuPeer, live?: () => void) {
  const closed = deferred<CloseReason>();
  let reason: CloseReason | null = null;
  const sfuPeer = connect({
    onSignal: (data) => {
      if (!peer.destroyed) peer.signal(data as unknown as SimplePeer.SignalData);
    },
    ...(live ? { onLive: live } : {}),
    onClosed: (why) => {
      reason = why;
      closed.resolve(why);
    },
  });
  peer.on('signal', (data: SimplePeer.SignalData) => sfuPeer.signal(data as unknown as Record<string, unknown>));
  // A client whose peer connection ends (the SFU went away) is an expected outcome here.
  peer.on('error', () => undefined);
  return { sfuPeer, closed: closed.promise, closedWith: () => reason };
}

export function publishCamera(room: SfuRoom, feed: string): PublisherClient {
  const camera = startSimulatedCamera({ device: 'main', width: 320, height: 240, fps: 15, toneHz: 440 });
  const peer = new SimplePeer({
    initiator: true,
    trickle: true,
    wrtc: peerWrtc,
    stream: asPeerStream(camera.stream),
    config: { iceServers: [] },
  });
  const live = deferred<undefined>();
  const wired = wire(peer, (handlers) => room.publish(feed, handlers), () => live.resolve(undefined));
  return {
    peer,
    camera,
    live: live.promise,
    ...wired,
    destroy: () => {
      wired.sfuPeer.close();
      peer.destroy();
      camera.stop();
    },
  };
}

export function subscribeTo(room: SfuRoom, feed: string, kinds?: readonly ('audio' | 'video')[]): SubscriberClient {
  const peer = new SimplePeer({ initiator: false, trickle: true, wrtc: peerWrtc, config: { iceServers: [] } });
  const tracks: WrtcTrack[] = [];
  let frames = 0;
  const waiting: { count: number; resolve: () => void }[] = [];
  const sinks: { stop(): void }[] = [];
  peer.on('track', (track: unknown) => {
    const received = asWrtcTrack(track);
    tracks.push(received);
    if (received.kind !== 'video') return;
    const sink = new wrtc.nonstandard.RTCVideoSink(received);
    sinks.push(sink);
    sink.onframe = ({ frame }) => {
      if (frame.width <= 0 || frame.height <= 0) return;
      frames++;
      for (const waiter of waiting.filter((w) => frames >= w.count)) {
        waiting.splice(waiting.indexOf(waiter), 1);
        waiter.resolve();
      }
    };
  });
  const wired = wire(peer, (handlers) => room.subscribe(feed, handlers, kinds));
  return {
    peer,
    tracks,
    ...wired,
    videoFrames: (count) =>
      frames >= count ? Promise.resolve() : new Promise<void>((resolve) => waiting.push({ count, resolve })),
    destroy: () => {
      for (const sink of sinks) sink.stop();
      wired.sfuPeer.close();
      peer.destroy();
    },
  };
}

interface PeerConnectionInside {
  getStats(): Promise<Map<string, Record<string, unknown>>>;
  readonly remoteDescription: { readonly sdp: string } | null;
}

/** simple-peer's RTCPeerConnection (not public API, but stable in simple-peer 9). */
const connectionOf = (peer: SimplePeer.Instance) => (peer as unknown as { _pc: PeerConnectionInside })._pc;

/** The SDP the client received (the SFU's offer, for a subscriber). */
export function remoteSdp(peer: SimplePeer.Instance): string {
  return connectionOf(peer).remoteDescription?.sdp ?? '';
}

/** Resolves once RTP packets of `kind` have arrived (polls the stats; no deadline of its own). */
export async function inboundPackets(peer: SimplePeer.Instance, kind: 'audio' | 'video'): Promise<number> {
  for (;;) {
    const stats = await connectionOf(peer).getStats();
    const received = [...stats.values()]
      .filter((report) => report['type'] === 'inbound-rtp' && report['kind'] === kind)
      .reduce((sum, report) => sum + Number(report['packetsReceived'] ?? 0), 0);
    if (received > 0) return received;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The selected ICE candidate pair's addresses, from the peer connection's stats. */
export async function selectedPairAddresses(peer: SimplePeer.Instance): Promise<{ local: string; remote: string } | null> {
  const stats = await connectionOf(peer).getStats();
  const reports = [...stats.values()];
  const transport = reports.find((report) => report['type'] === 'transport');
  const pairId = transport?.['selectedCandidatePairId'];
  const pair =
    reports.find((report) => report['type'] === 'candidate-pair' && report['id'] === pairId) ??
    reports.find((report) => report['type'] === 'candidate-pair' && report['nominated'] === true && report['state'] === 'succeeded');
  if (!pair) return null;
  const address = (id: unknown) => {
    const candidate = stats.get(String(id));
    return String(candidate?.['address'] ?? candidate?.['ip'] ?? '');
  };
  return { local: address(pair['localCandidateId']), remote: address(pair['remoteCandidateId']) };
}
