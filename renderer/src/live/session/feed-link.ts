import SimplePeer from 'simple-peer/simplepeer.min.js';
import type { LivePeerClosed } from '@common/contract';
import type { Device } from '@common/platform';
import type { Signaling } from './signaling';

export type LinkState = 'connecting' | 'connected' | 'closed';

/** Why a link ended: the platform closed it (with its reason), refused it (with a code), or this side did. */
export type LinkEnd =
  | { readonly by: 'platform'; readonly reason: LivePeerClosed['reason'] }
  | { readonly by: 'refused'; readonly code: string }
  | { readonly by: 'local'; readonly error: string | null };

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
 * simple-peer cannot restart ICE, so a lost connection is never repaired: it is closed, and the
 * caller subscribes again with a new id.
 */
export class FeedLink {
  readonly peerId: string;
  #state: LinkState = 'connecting';
  readonly #peer: SimplePeer.Instance;
  readonly #unsubscribe: (() => void)[];

  constructor(
    readonly entryId: string,
    readonly device: Device,
    private readonly signaling: Signaling,
    private readonly handlers: FeedLinkHandlers,
  ) {
    this.peerId = `feed-${device}-${crypto.randomUUID()}`;
    this.#peer = new SimplePeer({ initiator: false, trickle: true });
    const mine = (entry: string, peer: string) => peer === this.peerId && entry === entryId && this.#state !== 'closed';
    this.#unsubscribe = [
      signaling.subscribe((signal) => {
        if (mine(signal.entryId, signal.peerId)) this.#peer.signal(signal.data as unknown as SimplePeer.SignalData);
      }),
      signaling.onPeerClosed((closed) => {
        if (mine(closed.entryId, closed.peerId)) this.#end({ by: 'platform', reason: closed.reason }, false);
      }),
      signaling.onRefused((refusal) => {
        if (refusal.peerId === this.peerId && this.#state !== 'closed') this.#end({ by: 'refused', code: refusal.code }, false);
      }),
    ];
    this.#peer.on('signal', (data: SimplePeer.SignalData) => {
      if (this.#state !== 'closed') signaling.send({ entryId, peerId: this.peerId, data: { ...data } });
    });
    this.#peer.on('stream', (stream: MediaStream) => {
      if (this.#state !== 'closed') handlers.onStream(stream);
    });
    this.#peer.on('connect', () => this.#setState('connected'));
    this.#peer.on('error', (error: Error) => this.#end({ by: 'local', error: error.message }, true));
    this.#peer.on('close', () => this.#end({ by: 'local', error: null }, true));
    this.#watchPath();
    void signaling.feedSubscribe({ entryId, device, peerId: this.peerId }).then((refused) => {
      if (refused !== null && this.#state !== 'closed') this.#end({ by: 'refused', code: refused }, false);
    });
  }

  /** Watches ICE on the peer's connection (simple-peer creates it in its constructor). */
  #watchPath(): void {
    // simple-peer only ends a connection whose ICE failed; a path that comes back is seen here.
    const connection = this.connection;
    let lost = false;
    connection?.addEventListener('iceconnectionstatechange', () => {
      const ice = connection.iceConnectionState;
      // Connected when media can flow: simple-peer's own 'connect' waits for a data channel,
      // which an SFU's offer does not carry.
      if (ice === 'connected' || ice === 'completed') this.#setState('connected');
      if (ice === 'disconnected') lost = true;
      else if (lost && (ice === 'connected' || ice === 'completed') && this.#state !== 'closed') {
        lost = false;
        this.handlers.onPathRestored();
      }
    });
  }

  get state(): LinkState {
    return this.#state;
  }

  /** The underlying connection, for getStats and its ICE state; null once closed. */
  get connection(): RTCPeerConnection | null {
    if (this.#state === 'closed') return null;
    // simple-peer keeps it in an undocumented field; its typings do not list it.
    return (this.#peer as unknown as { _pc?: RTCPeerConnection })._pc ?? null;
  }

  close(): void {
    this.#end({ by: 'local', error: null }, true);
  }

  #setState(state: LinkState): void {
    if (this.#state === state || this.#state === 'closed') return;
    this.#state = state;
    this.handlers.onState(state);
  }

  /** `tell`: the platform does not know yet (this side ended it), so it is told with peer_close. */
  #end(end: LinkEnd, tell: boolean): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    this.#peer.destroy();
    if (tell) this.signaling.peerClose({ entryId: this.entryId, peerId: this.peerId });
    this.handlers.onState('closed');
    this.handlers.onClosed(end);
  }
}
