import SimplePeer from 'simple-peer/simplepeer.min.js';
import type { Device } from '@common/platform';
import type { Signaling } from './signaling';

export type LinkState = 'connecting' | 'connected' | 'closed';

export interface FeedLinkHandlers {
  onStream(stream: MediaStream): void;
  onState(state: LinkState): void;
  /** ICE connectivity came back after the path was lost (a network cut that ended): media may resume. */
  onPathRestored(): void;
  /** The connection is gone (the other side left, ICE failed, or close() was called). */
  onClosed(reason: string | null): void;
}

/**
 * One WebRTC connection to one candidate device: a simple-peer initiator that asks for the
 * device's audio and video and sends nothing. Each connection has its own peer id; simple-peer
 * cannot restart ICE, so a lost connection is never repaired: it is closed, and the caller
 * negotiates a new link with a new id (the candidate's device tears down the old one when it
 * sees the new id).
 */
export class FeedLink {
  readonly peerId: string;
  #state: LinkState = 'connecting';
  readonly #peer: SimplePeer.Instance;
  readonly #unsubscribe: () => void;

  constructor(
    readonly entryId: string,
    readonly device: Device,
    signaling: Signaling,
    private readonly handlers: FeedLinkHandlers,
  ) {
    this.peerId = `peer-${crypto.randomUUID()}`;
    this.#peer = new SimplePeer({
      initiator: true,
      trickle: true,
      offerOptions: { offerToReceiveAudio: true, offerToReceiveVideo: true },
    });
    this.#unsubscribe = signaling.subscribe((signal) => {
      if (signal.peerId === this.peerId && signal.entryId === entryId && signal.device === device && this.#state !== 'closed') {
        this.#peer.signal(signal.data as unknown as SimplePeer.SignalData);
      }
    });
    this.#peer.on('signal', (data: SimplePeer.SignalData) => {
      if (this.#state !== 'closed') signaling.send({ entryId, device, peerId: this.peerId, data: { ...data } });
    });
    this.#peer.on('stream', (stream: MediaStream) => {
      if (this.#state !== 'closed') handlers.onStream(stream);
    });
    // simple-peer only ends a connection whose ICE failed; a path that comes back is seen here.
    const connection = this.connection;
    let lost = false;
    connection?.addEventListener('iceconnectionstatechange', () => {
      const ice = connection.iceConnectionState;
      if (ice === 'disconnected') lost = true;
      else if (lost && (ice === 'connected' || ice === 'completed') && this.#state !== 'closed') {
        lost = false;
        handlers.onPathRestored();
      }
    });
    this.#peer.on('connect', () => this.#setState('connected'));
    this.#peer.on('error', (error: Error) => this.#end(error.message));
    this.#peer.on('close', () => this.#end(null));
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
    this.#end(null);
  }

  #setState(state: LinkState): void {
    if (this.#state === state || this.#state === 'closed') return;
    this.#state = state;
    this.handlers.onState(state);
  }

  #end(reason: string | null): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#unsubscribe();
    this.#peer.destroy();
    this.handlers.onState('closed');
    this.handlers.onClosed(reason);
  }
}
