import type { CandidateMessage } from '@common/platform/realtime';
import type { IceServer } from '@common/platform/room';
import type { DeviceEnvironment, PeerLike, PeerRole, PeerSignal } from './ports';

export type PeerState = 'none' | 'connecting' | 'connected';

/** What the device shows of its peers. */
export interface PeerCounts {
  /** The camera's link to the panel: connected when any publishing peer is. */
  readonly publish: PeerState;
  /** Publishing peers open now: one through the SFU, one per examiner on the direct route. */
  readonly publishers: number;
  /** Panel voices being played now. */
  readonly voices: number;
}

export const NO_PEERS: PeerCounts = { publish: 'none', publishers: 0, voices: 0 };

interface OpenPeer<Stream> {
  readonly id: string;
  readonly role: PeerRole;
  readonly instance: PeerLike<Stream>;
  connected: boolean;
  playing: boolean;
}

export interface PeerHooks {
  /** Sends on the realtime socket; false when it is not open. */
  send(message: CandidateMessage): boolean;
  changed(counts: PeerCounts): void;
  problem(text: string): void;
}

/**
 * The device's peer connections, each named by the platform's peer id: `publish` opens an
 * initiator with the camera, `receive` a silent answerer whose stream is a panel voice. Several
 * may be open at once (the direct route publishes once per examiner). A peer the platform ended
 * (`peer_closed`) is destroyed quietly; one that ended by itself is reported with `peer_close`.
 * Late signals of a retired peer open nothing.
 */
export class DevicePeers<Stream> {
  readonly #open = new Map<string, OpenPeer<Stream>>();
  readonly #retired = new Set<string>();
  /** The platform's, from its latest greeting; none until then. */
  #iceServers: readonly IceServer[] = [];

  constructor(
    private readonly environment: Pick<DeviceEnvironment<Stream>, 'openPeer' | 'playVoice' | 'stopVoice'>,
    private readonly hooks: PeerHooks,
  ) {}

  counts(): PeerCounts {
    const publishers = [...this.#open.values()].filter((peer) => peer.role === 'publish');
    const publish: PeerState = publishers.some((peer) => peer.connected) ? 'connected' : publishers.length > 0 ? 'connecting' : 'none';
    const voices = [...this.#open.values()].filter((peer) => peer.playing).length;
    return { publish, publishers: publishers.length, voices };
  }

  /** Peer ids open now (for tests and the page's statistics). */
  ids(role: PeerRole): string[] {
    return [...this.#open.values()].filter((peer) => peer.role === role).map((peer) => peer.id);
  }

  /** The ICE servers the platform named in its greeting: every peer opened from now on uses them. */
  useIceServers(iceServers: readonly IceServer[]): void {
    this.#iceServers = iceServers;
  }

  open(peerId: string, role: PeerRole): void {
    if (this.#open.has(peerId) || this.#retired.has(peerId)) return;
    const instance = this.environment.openPeer(role, this.#iceServers);
    const peer: OpenPeer<Stream> = { id: peerId, role, instance, connected: false, playing: false };
    this.#open.set(peerId, peer);
    const current = () => this.#open.get(peerId) === peer;
    instance.on('signal', (data) => {
      if (current()) this.hooks.send({ type: 'signal', peerId, data: { ...data } });
    });
    instance.on('connect', () => {
      if (!current()) return;
      peer.connected = true;
      this.#changed();
    });
    instance.on('stream', (stream) => {
      if (!current() || role !== 'receive') return;
      peer.playing = true;
      this.environment.playVoice(peerId, stream);
      this.#changed();
    });
    instance.on('error', (error) => {
      if (current()) this.hooks.problem(`WebRTC: ${error.message}`);
    });
    instance.on('close', () => {
      // Ended by itself (its connection failed): the platform hears it from the device.
      if (!current()) return;
      this.#retire(peer);
      this.hooks.send({ type: 'peer_close', peerId });
      this.#changed();
    });
    this.#changed();
  }

  signal(peerId: string, data: PeerSignal): void {
    // Only peers the platform announced (publish / receive) take signals; late ones are dropped.
    this.#open.get(peerId)?.instance.signal(data);
  }

  /** The platform ended this peer (`peer_closed`). */
  closedByPlatform(peerId: string): void {
    const peer = this.#open.get(peerId);
    if (!peer) return;
    this.#retire(peer);
    peer.instance.destroy();
    this.#changed();
  }

  /** The socket is gone: every peer ends with it (the platform ends its side by itself). */
  closeAll(): void {
    if (this.#open.size === 0) return;
    const peers = [...this.#open.values()];
    for (const peer of peers) this.#retire(peer);
    for (const peer of peers) peer.instance.destroy();
    this.#changed();
  }

  #retire(peer: OpenPeer<Stream>): void {
    this.#open.delete(peer.id);
    this.#retired.add(peer.id);
    if (peer.playing) {
      peer.playing = false;
      this.environment.stopVoice(peer.id);
    }
  }

  #changed(): void {
    this.hooks.changed(this.counts());
  }
}
