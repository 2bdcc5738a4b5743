import { randomBytes } from 'node:crypto';
import type { Device } from '@common/platform/queue';
import type { ExaminerClient } from '../realtime/clients';
import type { SfuPeer, SignalObject } from '../sfu/sfu';

/**
 * The peers of one room, and the only place that maps the ids of either side: an examiner names
 * their peers with ids of their own choosing, which never leave this book; a device knows only
 * the ids the platform chose for it (`platformPeerId`), which name no examiner.
 */

/** An examiner's peer: one of the candidate's feeds coming in, or their voice going out. */
export interface ExaminerPeer {
  readonly client: ExaminerClient;
  /** The examiner's own id for it; never sent to a device. */
  readonly peerId: string;
  readonly examinerId: string;
  readonly memberId: string;
  readonly purpose: { readonly kind: 'feed'; readonly device: Device } | { readonly kind: 'voice' };
  /** SFU route: its peer on the SFU (null while it waits for the feed, or for the SFU's room). */
  sfu: SfuPeer | null;
  /** Direct route: the device's peer it is relayed to. */
  relay: DevicePeer | null;
  /** Signals the examiner sent before the peer on the other side existed, in order. */
  readonly queued: SignalObject[];
}

/** A device's peer: its camera published, or the panel's voice received (main device). */
export interface DevicePeer {
  /** Chosen by the platform; the only id the device knows. */
  readonly platformPeerId: string;
  readonly device: Device;
  readonly role: 'publish' | 'receive';
  /** For a receiving peer on the SFU route: the voice feed it plays. */
  readonly voiceFeed: string | null;
  sfu: SfuPeer | null;
  relay: ExaminerPeer | null;
}

/** Most signals kept for a peer whose other side does not exist yet (an offer and its candidates). */
const MAX_QUEUED = 64;

export class RoomPeers {
  readonly #examiner = new Map<ExaminerClient, Map<string, ExaminerPeer>>();
  readonly #device = new Map<string, DevicePeer>();

  addExaminerPeer(peer: Omit<ExaminerPeer, 'sfu' | 'relay' | 'queued'>): ExaminerPeer {
    const full: ExaminerPeer = { ...peer, sfu: null, relay: null, queued: [] };
    let ofClient = this.#examiner.get(peer.client);
    if (!ofClient) this.#examiner.set(peer.client, (ofClient = new Map()));
    ofClient.set(peer.peerId, full);
    return full;
  }

  examinerPeer(client: ExaminerClient, peerId: string): ExaminerPeer | null {
    return this.#examiner.get(client)?.get(peerId) ?? null;
  }

  examinerPeers(): ExaminerPeer[] {
    return [...this.#examiner.values()].flatMap((peers) => [...peers.values()]);
  }

  /** Forgets it (and unpairs its relay); whoever calls tells the clients. */
  removeExaminerPeer(peer: ExaminerPeer): void {
    const ofClient = this.#examiner.get(peer.client);
    if (ofClient?.get(peer.peerId) === peer) ofClient.delete(peer.peerId);
    if (ofClient?.size === 0) this.#examiner.delete(peer.client);
    if (peer.relay?.relay === peer) peer.relay.relay = null;
    peer.relay = null;
  }

  queue(peer: ExaminerPeer, data: SignalObject): void {
    if (peer.queued.length < MAX_QUEUED) peer.queued.push(data);
  }

  addDevicePeer(device: Device, role: DevicePeer['role'], voiceFeed: string | null = null): DevicePeer {
    const peer: DevicePeer = { platformPeerId: `p-${randomBytes(12).toString('base64url')}`, device, role, voiceFeed, sfu: null, relay: null };
    this.#device.set(peer.platformPeerId, peer);
    return peer;
  }

  devicePeer(platformPeerId: string): DevicePeer | null {
    return this.#device.get(platformPeerId) ?? null;
  }

  devicePeers(): DevicePeer[] {
    return [...this.#device.values()];
  }

  removeDevicePeer(peer: DevicePeer): void {
    if (this.#device.get(peer.platformPeerId) === peer) this.#device.delete(peer.platformPeerId);
    if (peer.relay?.relay === peer) peer.relay.relay = null;
    peer.relay = null;
  }

  /** Pairs an examiner's peer with a device's for the direct route. */
  pair(examiner: ExaminerPeer, device: DevicePeer): void {
    examiner.relay = device;
    device.relay = examiner;
  }
}
