import type { FeedSubscribeInput, LivePeerClosed, LiveRefusal, LiveSignal, PeerCloseInput, TalkingInput, VoicePublishInput } from '@common/contract';
import { examiner } from '../../bridge';

/**
 * The renderer's side of the panel room's signaling: its peers talk to the platform (the SFU,
 * or a device on the direct route) only through the contract, which main relays over its
 * authenticated connection. Never the network directly. Who offers is fixed by the protocol
 * (common/platform/realtime.ts): the platform offers a feed, the examiner offers its voice.
 */
export interface Signaling {
  send(signal: LiveSignal): void;
  subscribe(listener: (signal: LiveSignal) => void): () => void;
  /** Asks for a feed on a new peer; resolves with the refusal's code, or null once asked. */
  feedSubscribe(input: FeedSubscribeInput): Promise<string | null>;
  /** Announces the voice's new peer (its offer follows with send); resolves like feedSubscribe. */
  voicePublish(input: VoicePublishInput): Promise<string | null>;
  talking(input: TalkingInput): void;
  peerClose(input: PeerCloseInput): void;
  onPeerClosed(listener: (closed: LivePeerClosed) => void): () => void;
  onRefused(listener: (refusal: LiveRefusal) => void): () => void;
}

export function contractSignaling(onFailure: (message: string) => void = () => undefined): Signaling {
  const api = () => examiner();
  return {
    send(signal) {
      void api()
        .invoke('live.signal', signal)
        .then((result) => {
          // A refused signal is not fatal: the connection it belonged to times out and is replaced.
          if (!result.ok) onFailure(`${result.error.code}: ${result.error.message}`);
        });
    },
    subscribe: (listener) => api().on('live.signal', listener),
    feedSubscribe: async (input) => {
      const result = await api().invoke('live.feedSubscribe', input);
      return result.ok ? null : result.error.code;
    },
    voicePublish: async (input) => {
      const result = await api().invoke('live.voicePublish', input);
      return result.ok ? null : result.error.code;
    },
    talking(input) {
      void api()
        .invoke('live.talking', input)
        .then((result) => {
          if (!result.ok) onFailure(`${result.error.code}: ${result.error.message}`);
        });
    },
    peerClose(input) {
      void api().invoke('live.peerClose', input);
    },
    onPeerClosed: (listener) => api().on('live.peerClosed', listener),
    onRefused: (listener) => api().on('live.refused', listener),
  };
}
