import type SimplePeer from 'simple-peer/simplepeer.min.js';
import type { LivePeerClosed } from '@common/contract';
import type { Signaling } from './signaling';

export type LinkState = 'connecting' | 'connected' | 'closed';

/** Why a link ended: the platform closed it (with its reason), refused it (with a code), or this side did. */
export type LinkEnd =
  | { readonly by: 'platform'; readonly reason: LivePeerClosed['reason'] }
  | { readonly by: 'refused'; readonly code: string }
  | { readonly by: 'local'; readonly error: string | null };

export interface RoomPeerHandlers {
  onState(state: LinkState): void;
  onClosed(end: LinkEnd): void;
  /** Every change of the connection's ICE state (a feed watches for a path that comes back). */
  onIce?(state: RTCIceConnectionState): void;
}

/**
 * One simple-peer of this examiner in a panel room, negotiated through the contract under its
 * own peer id: what a feed and a voice have in common. `announce` asks the platform for the peer
 * (live.feedSubscribe or live.voicePublish) and answers null, or the code it was refused with;
 * the peer's own signals wait until then, so an offer never overtakes its announcement. The
 * platform's signals, peer_closed and refusals for this id reach the peer; ending it on this
 * side tells the platform (peer_close). simple-peer cannot restart ICE, so a lost connection is
 * never repaired here: the owner opens a new one under a new id.
 */
export class RoomPeer {
  #state: LinkState = 'connecting';
  readonly #unsubscribe: (() => void)[];
  #held: SimplePeer.SignalData[] | null = [];

  constructor(
    readonly entryId: string,
    readonly peerId: string,
    private readonly peer: SimplePeer.Instance,
    private readonly signaling: Signaling,
    private readonly handlers: RoomPeerHandlers,
    announce: () => Promise<string | null>,
  ) {
    const mine = (entry: string, id: string) => id === peerId && entry === entryId && this.#state !== 'closed';
    this.#unsubscribe = [
      signaling.subscribe((signal) => {
        if (mine(signal.entryId, signal.peerId)) peer.signal(signal.data as unknown as SimplePeer.SignalData);
      }),
      signaling.onPeerClosed((closed) => {
        if (mine(closed.entryId, closed.peerId)) this.#end({ by: 'platform', reason: closed.reason }, false);
      }),
      signaling.onRefused((refusal) => {
        if (refusal.peerId === peerId && this.#state !== 'closed') this.#end({ by: 'refused', code: refusal.code }, false);
      }),
    ];
    peer.on('signal', (data: SimplePeer.SignalData) => {
      if (this.#state === 'closed') return;
      if (this.#held) this.#held.push(data);
      else this.#send(data);
    });
    peer.on('connect', () => this.#setState('connected'));
    peer.on('error', (error: Error) => this.#end({ by: 'local', error: error.message }, true));
    peer.on('close', () => this.#end({ by: 'local', error: null }, true));
    const connection = this.connection;
    connection?.addEventListener('iceconnectionstatechange', () => {
      const ice = connection.iceConnectionState;
      // Connected when media can flow: simple-peer's own 'connect' waits for a data channel,
      // which an SFU's offer does not carry.
      if (ice === 'connected' || ice === 'completed') this.#setState('connected');
      if (this.#state !== 'closed') handlers.onIce?.(ice);
    });
    void announce().then((refused) => {
      if (this.#state === 'closed') return;
      if (refused !== null) {
        this.#end({ by: 'refused', code: refused }, false);
        return;
      }
      const held = this.#held ?? [];
      this.#held = null;
      for (const data of held) this.#send(data);
    });
  }

  get state(): LinkState {
    return this.#state;
  }

  /** The underlying connection, for getStats and its ICE state; null once closed. */
  get connection(): RTCPeerConnection | null {
    if (this.#state === 'closed') return null;
    // simple-peer keeps it in an undocumented field; its typings do not list it.
    return (this.peer as unknown as { _pc?: RTCPeerConnection })._pc ?? null;
  }

  close(): void {
    this.#end({ by: 'local', error: null }, true);
  }

  #send(data: SimplePeer.SignalData): void {
    this.signaling.send({ entryId: this.entryId, peerId: this.peerId, data: { ...data } });
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
    this.peer.destroy();
    if (tell) this.signaling.peerClose({ entryId: this.entryId, peerId: this.peerId });
    this.handlers.onState('closed');
    this.handlers.onClosed(end);
  }
}
