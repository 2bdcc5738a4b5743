import { DIRECT_ROUTE_CAPACITY, type MediaRoute, type RouteReason } from '@common/platform/room';
import type { Device } from '@common/platform/queue';
import type { PushToCandidate } from '@common/platform/realtime';
import { send } from '../realtime/clients';
import type { ExaminerClient } from '../realtime/clients';
import type { Sfu, SfuRoom, SignalObject } from '../sfu/sfu';
import { RoomPeers, type DevicePeer, type ExaminerPeer } from './peers';

/** What the media of a room needs of the room itself. */
export interface MediaHost {
  readonly entryId: string;
  isOnline(device: Device): boolean;
  toDevice(device: Device, message: PushToCandidate): void;
  /** The route or the epoch changed: the room pushes its state and logs it. */
  routeChanged(): void;
}

/** A refusal of a client's media message: the `error` push it gets, the room carrying on. */
export interface MediaRefusal {
  readonly code: string;
  readonly message: string;
  readonly peerId?: string;
}

type PeerClosedReason = 'device_left' | 'republished' | 'sfu_restarted' | 'refused' | 'room_closed' | 'failed';

const DEVICES: readonly Device[] = ['main', 'side'];
const voiceFeedOf = (memberId: string) => `voice-${memberId}`;

/** The route a room takes for an SFU in this status (none: the direct route, because none is installed). */
export function routeFor(sfu: Sfu | null): { route: MediaRoute; reason: RouteReason } {
  if (!sfu) return { route: 'direct', reason: 'sfu_not_installed' };
  const status = sfu.status;
  switch (status.state) {
    case 'up':
      return { route: 'sfu', reason: 'sfu' };
    case 'restarting':
      return { route: 'sfu', reason: 'sfu_restarting' };
    case 'unavailable':
      return { route: 'direct', reason: status.why === 'not_installed' ? 'sfu_not_installed' : 'sfu_unreachable' };
  }
}

/**
 * The media of one panel room: translates the realtime protocol (common/platform/realtime.ts)
 * into peers on the platform's SFU, or, without one, relays each examiner's peer to a device
 * peer of its own (the direct route). Who offers never changes: the platform side of a feed
 * (the SFU's subscriber, or the device) and the examiner's voice.
 */
export class RoomMedia {
  readonly peers = new RoomPeers();
  route: MediaRoute;
  routeReason: RouteReason;
  epoch = 0;
  #sfuRoom: SfuRoom | null = null;
  /** Feeds the SFU receives now ('main', 'side', 'voice-<member>'). */
  readonly #live = new Set<string>();
  #opened = 0;
  #closed = false;

  constructor(
    private readonly host: MediaHost,
    private readonly sfu: Sfu | null,
  ) {
    ({ route: this.route, reason: this.routeReason } = routeFor(sfu));
  }

  /** The room opened: on the SFU route, open the SFU's room and ask the devices to publish. */
  start(): void {
    if (this.route === 'sfu' && this.routeReason === 'sfu') this.#openSfuRoom();
  }

  // ── examiners ─────────────────────────────────────────────────────────────────────

  feedSubscribe(client: ExaminerClient, examinerId: string, memberId: string, device: Device, peerId: string): MediaRefusal | null {
    if (this.peers.examinerPeer(client, peerId)) return { code: 'duplicate_peer', message: `peer ${peerId} is already open`, peerId };
    if (this.route === 'direct') {
      const holders = new Set(
        this.peers
          .examinerPeers()
          .filter((peer) => peer.purpose.kind === 'feed' && peer.examinerId !== examinerId)
          .map((peer) => peer.examinerId),
      );
      if (holders.size >= DIRECT_ROUTE_CAPACITY) {
        return {
          code: 'direct_route_full',
          message: `the direct route carries the feeds of at most ${DIRECT_ROUTE_CAPACITY} examiners and ${holders.size} already hold them`,
          peerId,
        };
      }
    }
    const peer = this.peers.addExaminerPeer({ client, peerId, examinerId, memberId, purpose: { kind: 'feed', device } });
    this.#startFeed(peer);
    return null;
  }

  voicePublish(client: ExaminerClient, examinerId: string, memberId: string, peerId: string): MediaRefusal | null {
    if (this.peers.examinerPeer(client, peerId)) return { code: 'duplicate_peer', message: `peer ${peerId} is already open`, peerId };
    if (this.route === 'direct' && !this.host.isOnline('main')) {
      return { code: 'device_offline', message: "the candidate's main device is not connected", peerId };
    }
    // One voice per member: a new one replaces the last (e.g. another microphone).
    for (const old of this.peers.examinerPeers()) {
      if (old.memberId === memberId && old.purpose.kind === 'voice') this.#closeExaminerPeer(old, 'republished');
    }
    const peer = this.peers.addExaminerPeer({ client, peerId, examinerId, memberId, purpose: { kind: 'voice' } });
    if (this.route === 'direct') {
      const receiver = this.peers.addDevicePeer('main', 'receive');
      this.peers.pair(peer, receiver);
      this.host.toDevice('main', { type: 'receive', peerId: receiver.platformPeerId });
    } else if (this.#sfuRoom) {
      this.#publishVoice(this.#sfuRoom, peer);
    }
    return null;
  }

  examinerSignal(client: ExaminerClient, peerId: string, data: SignalObject): MediaRefusal | null {
    const peer = this.peers.examinerPeer(client, peerId);
    if (!peer) return { code: 'unknown_peer', message: `no peer ${peerId} of yours in this room`, peerId };
    if (peer.relay) {
      this.host.toDevice(peer.relay.device, { type: 'signal', peerId: peer.relay.platformPeerId, data });
    } else if (peer.sfu) {
      peer.sfu.signal(data);
    } else {
      this.peers.queue(peer, data);
    }
    return null;
  }

  examinerPeerClose(client: ExaminerClient, peerId: string): MediaRefusal | null {
    const peer = this.peers.examinerPeer(client, peerId);
    if (!peer) return { code: 'unknown_peer', message: `no peer ${peerId} of yours in this room`, peerId };
    this.#closeExaminerPeer(peer, null);
    return null;
  }

  /** The examiner left the room (or their socket closed): their peers end. */
  examinerGone(client: ExaminerClient): void {
    for (const peer of this.peers.examinerPeers()) if (peer.client === client) this.#closeExaminerPeer(peer, null);
  }

  /** How many examiners hold feeds (the direct route's load). */
  feedHolders(): number {
    return new Set(this.peers.examinerPeers().filter((peer) => peer.purpose.kind === 'feed').map((peer) => peer.examinerId)).size;
  }

  // ── devices ───────────────────────────────────────────────────────────────────────

  /** Whether this room holds a peer of that id (for telling "not yours" from "unknown"). */
  holds(platformPeerId: string): boolean {
    return this.peers.devicePeer(platformPeerId) !== null;
  }

  deviceSignal(device: Device, platformPeerId: string, data: SignalObject): MediaRefusal | null {
    const peer = this.peers.devicePeer(platformPeerId);
    if (!peer || peer.device !== device) {
      return { code: 'not_your_peer', message: `peer ${platformPeerId} is not one of this device's`, peerId: platformPeerId };
    }
    if (peer.relay) {
      send(peer.relay.client.socket, { type: 'signal', entryId: this.host.entryId, peerId: peer.relay.peerId, data });
    } else {
      peer.sfu?.signal(data);
    }
    return null;
  }

  devicePeerClose(device: Device, platformPeerId: string): MediaRefusal | null {
    const peer = this.peers.devicePeer(platformPeerId);
    if (!peer || peer.device !== device) {
      return { code: 'not_your_peer', message: `peer ${platformPeerId} is not one of this device's`, peerId: platformPeerId };
    }
    this.#closeDevicePeer(peer, 'device_left', false);
    return null;
  }

  deviceOnline(device: Device): void {
    if (this.route === 'direct') {
      // Feeds waiting for this device start now; voices are republished by their examiners.
      for (const peer of this.peers.examinerPeers()) {
        if (peer.purpose.kind === 'feed' && peer.purpose.device === device && !peer.relay) this.#startFeed(peer);
      }
      return;
    }
    if (!this.#sfuRoom) return;
    this.#requestPublish(this.#sfuRoom, device);
    if (device === 'main') {
      for (const peer of this.peers.examinerPeers()) {
        if (peer.purpose.kind === 'voice' && this.#live.has(voiceFeedOf(peer.memberId))) this.#receiveVoice(this.#sfuRoom, peer.memberId);
      }
    }
  }

  /** The device's socket closed: its peers end, and every examiner peer that depended on them. */
  deviceOffline(device: Device): void {
    for (const peer of this.peers.devicePeers()) if (peer.device === device) this.#closeDevicePeer(peer, 'device_left', true);
    this.#live.delete(device);
    if (this.route === 'sfu') {
      for (const peer of this.peers.examinerPeers()) {
        if (peer.purpose.kind === 'feed' && peer.purpose.device === device && peer.sfu) this.#closeExaminerPeer(peer, 'device_left');
      }
    }
  }

  // ── the SFU ───────────────────────────────────────────────────────────────────────

  /** The SFU's status changed: a restart ends every peer (new epoch); back up, the room opens again. */
  sfuStatus(): void {
    if (this.#closed) return;
    const next = routeFor(this.sfu);
    if (next.route === this.route && next.reason === this.routeReason) return;
    const wasUp = this.route === 'sfu' && this.routeReason === 'sfu';
    if (wasUp || next.route !== this.route) {
      this.#resetPeers('sfu_restarted');
      this.epoch += 1;
    }
    this.route = next.route;
    this.routeReason = next.reason;
    this.host.routeChanged();
    // Up again after a restart: reopen and ask for the feeds; examiners subscribe again by themselves.
    if (next.route === 'sfu' && next.reason === 'sfu') this.#openSfuRoom();
  }

  /** The room closed: every peer ends, the SFU's room with them. */
  close(): void {
    this.#closed = true;
    this.#resetPeers('room_closed');
  }

  #resetPeers(reason: PeerClosedReason): void {
    for (const peer of this.peers.examinerPeers()) this.#closeExaminerPeer(peer, reason);
    for (const peer of this.peers.devicePeers()) this.#closeDevicePeer(peer, reason, true);
    this.#live.clear();
    const room = this.#sfuRoom;
    this.#sfuRoom = null;
    this.#opened += 1;
    // A failure to close on an SFU that went away changes nothing for the room.
    if (room) void room.close().catch(() => undefined);
  }

  #openSfuRoom(): void {
    if (!this.sfu) return;
    const attempt = ++this.#opened;
    this.sfu.openRoom(`${this.host.entryId}-${String(attempt)}`).then(
      (room) => {
        if (this.#closed || attempt !== this.#opened || this.route !== 'sfu') {
          void room.close().catch(() => undefined);
          return;
        }
        this.#sfuRoom = room;
        for (const device of DEVICES) if (this.host.isOnline(device)) this.#requestPublish(room, device);
        for (const peer of this.peers.examinerPeers()) {
          if (peer.purpose.kind === 'voice' && !peer.sfu) this.#publishVoice(room, peer);
        }
      },
      () => {
        // The SFU went away meanwhile: its status change resets the room and opens it again.
      },
    );
  }

  /** Asks a device to publish its camera to the SFU (again, after it returned or failed). */
  #requestPublish(room: SfuRoom, device: Device): void {
    for (const old of this.peers.devicePeers()) if (old.device === device && old.role === 'publish') this.#closeDevicePeer(old, 'republished', true);
    this.#live.delete(device);
    const peer = this.peers.addDevicePeer(device, 'publish');
    this.host.toDevice(device, { type: 'publish', peerId: peer.platformPeerId });
    peer.sfu = room.publish(device, {
      onSignal: (data) => this.host.toDevice(device, { type: 'signal', peerId: peer.platformPeerId, data }),
      onLive: () => {
        if (this.#sfuRoom !== room || this.peers.devicePeer(peer.platformPeerId) !== peer) return;
        this.#live.add(device);
        for (const waiting of this.peers.examinerPeers()) {
          if (waiting.purpose.kind === 'feed' && waiting.purpose.device === device && !waiting.sfu) this.#subscribeFeed(room, waiting);
        }
      },
      onClosed: (reason) => {
        if (this.peers.devicePeer(peer.platformPeerId) !== peer) return;
        peer.sfu = null;
        this.#closeDevicePeer(peer, reason === 'sfu_restarted' ? 'sfu_restarted' : 'failed', true);
        // A publisher that failed (its ICE, say) is asked again while the device is connected.
        if (reason === 'failed' && this.#sfuRoom === room && this.host.isOnline(device)) this.#requestPublish(room, device);
      },
    });
  }

  #startFeed(peer: ExaminerPeer): void {
    if (peer.purpose.kind !== 'feed') return;
    const device = peer.purpose.device;
    if (this.route === 'direct') {
      // The device offers on its own peer for this examiner; the examiner answers.
      if (!this.host.isOnline(device)) return;
      const publisher = this.peers.addDevicePeer(device, 'publish');
      this.peers.pair(peer, publisher);
      this.host.toDevice(device, { type: 'publish', peerId: publisher.platformPeerId });
      return;
    }
    if (this.#sfuRoom && this.#live.has(device)) this.#subscribeFeed(this.#sfuRoom, peer);
  }

  #subscribeFeed(room: SfuRoom, peer: ExaminerPeer): void {
    if (peer.purpose.kind !== 'feed') return;
    peer.sfu = room.subscribe(peer.purpose.device, {
      onSignal: (data) => send(peer.client.socket, { type: 'signal', entryId: this.host.entryId, peerId: peer.peerId, data }),
      onClosed: (reason) => {
        peer.sfu = null;
        this.#closeExaminerPeer(peer, reason);
      },
    });
    for (const data of peer.queued.splice(0)) peer.sfu.signal(data);
  }

  #publishVoice(room: SfuRoom, peer: ExaminerPeer): void {
    const feed = voiceFeedOf(peer.memberId);
    peer.sfu = room.publish(feed, {
      onSignal: (data) => send(peer.client.socket, { type: 'signal', entryId: this.host.entryId, peerId: peer.peerId, data }),
      onLive: () => {
        if (this.#sfuRoom !== room) return;
        this.#live.add(feed);
        if (this.host.isOnline('main')) this.#receiveVoice(room, peer.memberId);
      },
      onClosed: (reason) => {
        peer.sfu = null;
        this.#closeExaminerPeer(peer, reason);
      },
    });
    for (const data of peer.queued.splice(0)) peer.sfu.signal(data);
  }

  /** The main device plays a member's voice: a receiving peer, audio only, the SFU offering. */
  #receiveVoice(room: SfuRoom, memberId: string): void {
    const feed = voiceFeedOf(memberId);
    for (const old of this.peers.devicePeers()) if (old.voiceFeed === feed) this.#closeDevicePeer(old, 'republished', true);
    const receiver = this.peers.addDevicePeer('main', 'receive', feed);
    this.host.toDevice('main', { type: 'receive', peerId: receiver.platformPeerId });
    receiver.sfu = room.subscribe(
      feed,
      {
        onSignal: (data) => this.host.toDevice('main', { type: 'signal', peerId: receiver.platformPeerId, data }),
        onClosed: () => {
          receiver.sfu = null;
          this.#closeDevicePeer(receiver, 'failed', true);
        },
      },
      ['audio'],
    );
  }

  /** Ends an examiner's peer; `reason` null when the examiner ended it (nothing to tell them). */
  #closeExaminerPeer(peer: ExaminerPeer, reason: PeerClosedReason | null): void {
    if (this.peers.examinerPeer(peer.client, peer.peerId) !== peer) return;
    const relayed = peer.relay;
    this.peers.removeExaminerPeer(peer);
    peer.sfu?.close();
    peer.sfu = null;
    if (reason !== null) send(peer.client.socket, { type: 'peer_closed', entryId: this.host.entryId, peerId: peer.peerId, reason });
    if (relayed) this.#closeDevicePeer(relayed, reason ?? 'failed', true);
    if (peer.purpose.kind === 'voice') {
      this.#live.delete(voiceFeedOf(peer.memberId));
      for (const receiver of this.peers.devicePeers()) {
        if (receiver.voiceFeed === voiceFeedOf(peer.memberId)) this.#closeDevicePeer(receiver, 'failed', true);
      }
    }
  }

  /**
   * Ends a device's peer; `tellDevice` when the device did not end it itself. The examiner peer
   * relayed to it (direct route) ends too, with `reason`.
   */
  #closeDevicePeer(peer: DevicePeer, reason: PeerClosedReason, tellDevice: boolean): void {
    if (this.peers.devicePeer(peer.platformPeerId) !== peer) return;
    const relayed = peer.relay;
    this.peers.removeDevicePeer(peer);
    peer.sfu?.close();
    peer.sfu = null;
    if (tellDevice) this.host.toDevice(peer.device, { type: 'peer_closed', peerId: peer.platformPeerId });
    if (relayed) this.#closeExaminerPeer(relayed, reason);
  }
}
