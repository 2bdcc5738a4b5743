import SimplePeer from 'simple-peer/simplepeer.min.js';
import type { IceServer } from '@common/platform';
import { RoomPeer, type LinkEnd, type LinkState } from '../session/room-peer';
import type { Signaling } from '../session/signaling';

/**
 * The examiner's voice into the room: a simple-peer INITIATOR with the microphone's stream
 * (audio only), announced with `live.voicePublish` under a fresh peer id; its offer follows, and
 * the platform (the SFU, or the candidate's main device on the direct route) answers. Published
 * once per room: talking only enables the track, so pressing the key costs no negotiation.
 */
export class VoiceLink {
  readonly peerId = `voice-${crypto.randomUUID()}`;
  readonly #link: RoomPeer;

  constructor(
    readonly entryId: string,
    stream: MediaStream,
    signaling: Signaling,
    handlers: { onState(state: LinkState): void; onClosed(end: LinkEnd): void },
    /** The room's (RoomState.iceServers): they replace simple-peer's default public STUN servers. */
    iceServers: readonly IceServer[],
  ) {
    const peer = new SimplePeer({
      initiator: true,
      trickle: true,
      stream,
      offerOptions: { offerToReceiveAudio: false, offerToReceiveVideo: false },
      config: { iceServers: [...iceServers] },
    });
    this.#link = new RoomPeer(entryId, this.peerId, peer, signaling, handlers, () => signaling.voicePublish({ entryId, peerId: this.peerId }));
  }

  get state(): LinkState {
    return this.#link.state;
  }

  close(): void {
    this.#link.close();
  }
}
