/**
 * What the platform's panel rooms (platform/room) need of an SFU, whichever it is. The reference
 * platform implements it with Janus (platform/sfu/janus-*.ts); a production platform could put
 * LiveKit or mediasoup behind the same interface. Clients never see any of this: they speak the
 * realtime protocol (common/platform/realtime.ts), and the room translates.
 *
 * Signals are simple-peer's signal objects, both ways:
 *   { type: 'offer' | 'answer', sdp: string }
 *   { type: 'candidate', candidate: { candidate: string, sdpMid?: string | null, sdpMLineIndex?: number | null } }
 * (simple-peer's other signal kinds, `renegotiate` and `transceiverRequest`, are refused with
 * onClosed('failed'): the SFU's peers never need them.)
 */

export type SignalObject = Record<string, unknown>;

/** `up`: rooms can be opened. `restarting`: it died and is being started again. `unavailable`: none here. */
export type SfuStatus =
  | { readonly state: 'up' }
  | { readonly state: 'restarting'; readonly why: string }
  | { readonly state: 'unavailable'; readonly why: 'not_installed' | 'unreachable'; readonly detail: string };

export interface SfuPeerHandlers {
  /** An SDP or ICE candidate for this peer's client. */
  onSignal(data: SignalObject): void;
  /**
   * Publishers only: the SFU receives the feed's media now, so subscriptions to it can start.
   * Called once per publisher.
   */
  onLive?(): void;
  /**
   * The SFU ended this peer: its ICE failed, it hung up, or the SFU went away (`sfu_restarted`;
   * the whole room is gone then, and must be opened again once the status is `up`). Never called
   * after close(), and at most once.
   */
  onClosed(reason: 'failed' | 'sfu_restarted'): void;
}

export interface SfuPeer {
  /** The client's SDP answer/offer or ICE candidate; a malformed one closes the peer ('failed'). */
  signal(data: SignalObject): void;
  /** Ends the peer on the SFU (idempotent); its handlers are not called again. */
  close(): void;
}

export interface SfuRoom {
  /**
   * A publisher of `feed` (e.g. 'main', 'side', 'voice-<member>'): its client's first signal is
   * the offer, the SFU answers. A second publisher of the same feed replaces the first (which is
   * closed without a callback).
   */
  publish(feed: string, handlers: SfuPeerHandlers): SfuPeer;
  /**
   * A subscriber to `feed`, which must be live (see onLive): the SFU offers, the client answers.
   * A feed that is not published closes the subscriber at once with onClosed('failed').
   * `kinds` limits what is sent (a candidate's phone takes only the panel's audio).
   */
  subscribe(feed: string, handlers: SfuPeerHandlers, kinds?: readonly ('audio' | 'video')[]): SfuPeer;
  /** Ends every peer of the room and the room itself on the SFU. */
  close(): Promise<void>;
}

export interface Sfu {
  readonly status: SfuStatus;
  /** Told of every status change (e.g. up → restarting → up after a crash). */
  onStatus(listener: (status: SfuStatus) => void): () => void;
  /** Opens the room of one interview on the SFU; rejects unless the status is `up`. */
  openRoom(roomKey: string): Promise<SfuRoom>;
  /** Stops the SFU and everything in it. */
  stop(): Promise<void>;
}
