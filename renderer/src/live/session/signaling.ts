import type { LiveSignal } from '@common/contract';
import { examiner } from '../../bridge';

/**
 * The WebRTC signaling path of the live interview: the renderer's peers talk to the candidate's
 * devices only through the contract (`live.signal` command out, `live.signal` event in), which
 * main relays over its authenticated connection to the platform. Never the network directly.
 */
export interface Signaling {
  send(signal: LiveSignal): void;
  subscribe(listener: (signal: LiveSignal) => void): () => void;
}

export function contractSignaling(onFailure: (message: string) => void = () => undefined): Signaling {
  return {
    send(signal) {
      void examiner()
        .invoke('live.signal', signal)
        .then((result) => {
          // A refused signal is not fatal: the connection it belonged to times out and is replaced.
          if (!result.ok) onFailure(`${result.error.code}: ${result.error.message}`);
        });
    },
    subscribe(listener) {
      return examiner().on('live.signal', listener);
    },
  };
}
