import SimplePeer from 'simple-peer/simplepeer.min.js';
import type { LinkEnd, LinkState } from '../session/feed-link';
import type { Signaling } from '../session/signaling';

/**
 * The examiner's voice into the room: a simple-peer INITIATOR with the microphone's stream
 * (audio only), announced with `live.voicePublish` under a fresh peer id; its offer follows, and
 * the platform (the SFU, or the candidate's main device on the direct route) answers. Published
 * once per room: talking only enables the track, so pressing the key costs no negotiation.
 */
export class VoiceLink {
  readonly peerId = `voice-${crypto.randomUUID()}`;
  #state: LinkState = 'connecting';
  readonly #peer: SimplePeer.Instance;
  readonly #unsubscribe: (() => void)[];
  /** Signals held until the platform took the announcement, so the offer never overtakes it. */
  #held: SimplePeer.SignalData[] | null = [];

  constructor(
    readonly entryId: string,
    stream: MediaStream,
    private readonly signaling: Signaling,
    private readonly handlers: { onState(state: LinkState): void; onClosed(end: LinkEnd): void },
  ) {
    this.#peer = new SimplePeer({ initiator: true, trickle: true, stream, offerOptions: { offerToReceiveAudio: false, offerToReceiveVideo: false } });
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
      if (this.#state === 'closed') return;
      if (this.#held) this.#held.push(data);
      else this.#send(data);
    });
    this.#peer.on('connect', () => this.#setState('connected'));
    // Connected when the sound can flow, data channel or not (an SFU may not take one).
    const connection = (this.#peer as unknown as { _pc?: RTCPeerConnection })._pc;
    connection?.addEventListener('iceconnectionstatechange', () => {
      if (connection.iceConnectionState === 'connected' || connection.iceConnectionState === 'completed') this.#setState('connected');
    });
    this.#peer.on('error', (error: Error) => this.#end({ by: 'local', error: error.message }, true));
    this.#peer.on('close', () => this.#end({ by: 'local', error: null }, true));
    void signaling.voicePublish({ entryId, peerId: this.peerId }).then((refused) => {
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
