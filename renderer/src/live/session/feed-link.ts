import SimplePeer from 'simple-peer/simplepeer.min.js';
import type { Device, IceServer } from '@common/platform';
import { RoomPeer, type LinkEnd, type LinkState } from './room-peer';
import type { Signaling } from './signaling';

export type { LinkEnd, LinkState } from './room-peer';

export interface FeedLinkHandlers {
  onStream(stream: MediaStream): void;
  onState(state: LinkState): void;
  /** ICE connectivity came back after the path was lost (a network cut that ended): media may resume. */
  onPathRestored(): void;
  /** The connection is gone (the platform ended or refused it, ICE failed, or close() was called). */
  onClosed(end: LinkEnd): void;
}

/**
 * One subscription to one camera of the candidate in the panel room: a simple-peer that is NOT
 * the initiator and sends nothing. It asks with `live.feedSubscribe` under a fresh peer id; the
 * platform (the SFU's subscriber, or the device on the direct route) offers and this answers.
 * A lost connection is closed, and the caller subscribes again with a new id.
 */
export class FeedLink {
  readonly peerId: string;
  readonly #link: RoomPeer;

  constructor(
    readonly entryId: string,
    readonly device: Device,
    signaling: Signaling,
    handlers: FeedLinkHandlers,
    /** The room's (RoomState.iceServers): they replace simple-peer's default public STUN servers. */
    iceServers: readonly IceServer[],
  ) {
    this.peerId = `feed-${device}-${crypto.randomUUID()}`;
    const peer = new SimplePeer({ initiator: false, trickle: true, config: { iceServers: [...iceServers] } });
    peer.on('stream', (stream: MediaStream) => {
      if (this.#link.state !== 'closed') handlers.onStream(stream);
    });
    // simple-peer only ends a connection whose ICE failed; a path that comes back is seen here.
    let lost = false;
    const onIce = (ice: RTCIceConnectionState) => {
      if (ice === 'disconnected') lost = true;
      else if (lost && (ice === 'connected' || ice === 'completed')) {
        lost = false;
        handlers.onPathRestored();
      }
    };
    this.#link = new RoomPeer(entryId, this.peerId, peer, signaling, { onState: handlers.onState, onClosed: handlers.onClosed, onIce }, () =>
      signaling.feedSubscribe({ entryId, device, peerId: this.peerId }),
    );
  }

  get state(): LinkState {
    return this.#link.state;
  }

  /** The underlying connection, for getStats and its ICE state; null once closed. */
  get connection(): RTCPeerConnection | null {
    return this.#link.connection;
  }

  close(): void {
    this.#link.close();
  }
}
