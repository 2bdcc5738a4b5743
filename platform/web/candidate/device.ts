import SimplePeer from 'simple-peer/simplepeer.min.js';
import { CandidateDevice } from '../../shared/candidate/device';
import type { PeerLike, Schedule, SocketFactory } from '../../shared/candidate/ports';
import type { PageSettings } from './settings';
import type { VoicePlayer } from './voices';

export type { Connection, DeviceSnapshot, PeerState, Prompt } from '../../shared/candidate/device';
export type PageDevice = CandidateDevice<MediaStream>;

/** The browser's WebSocket, reporting text messages only (the platform sends no binary ones). */
const openSocket: SocketFactory = (url, events) => {
  const socket = new WebSocket(url);
  socket.addEventListener('message', (event) => {
    if (typeof event.data === 'string') events.message(event.data);
  });
  socket.addEventListener('close', (event) => events.close(event.code));
  return socket;
};

const schedule: Schedule = (callback, ms) => {
  const timer = setTimeout(callback, ms);
  return () => clearTimeout(timer);
};

/** The page's publishing peers, for the outbound statistics of the test handle. */
export interface PublishingPeers {
  /** Sum of bytesSent of every outbound RTP stream of the peers open now. */
  outboundBytes(): Promise<number>;
}

/** simple-peer's RTCPeerConnection: not in its typings, but stable in simple-peer 9. */
const connectionOf = (peer: SimplePeer.Instance) => (peer as unknown as { _pc: RTCPeerConnection | null })._pc;

/**
 * This page's device (platform/shared/candidate/device.ts) in the browser: the page's fetch
 * and WebSocket; simple-peer publishing the camera's stream, or receiving a voice that the
 * voice player plays.
 */
export function openPageDevice(settings: PageSettings, stream: MediaStream, voices: VoicePlayer): { device: PageDevice; publishing: PublishingPeers } {
  const publishers = new Set<SimplePeer.Instance>();
  const device = new CandidateDevice<MediaStream>(
    { platformUrl: settings.platformOrigin, token: settings.token, device: settings.device, faceFailures: settings.faceFailures },
    {
      fetch,
      openSocket,
      openPeer: (role, iceServers): PeerLike<MediaStream> => {
        // The platform's ICE servers replace simple-peer's default public STUN servers.
        const config = { iceServers: [...iceServers] };
        const peer = role === 'publish' ? new SimplePeer({ initiator: true, stream, trickle: true, config }) : new SimplePeer({ initiator: false, trickle: true, config });
        if (role === 'publish') {
          publishers.add(peer);
          peer.on('close', () => publishers.delete(peer));
        }
        return peer;
      },
      schedule,
      playVoice: (peerId, voice) => voices.play(peerId, voice),
      stopVoice: (peerId) => voices.stop(peerId),
    },
  );
  const outboundBytes = async () => {
    let total = 0;
    for (const peer of publishers) {
      const connection = connectionOf(peer);
      if (!connection) continue;
      const report = await connection.getStats();
      report.forEach((entry: { type: string; bytesSent?: number }) => {
        if (entry.type === 'outbound-rtp') total += entry.bytesSent ?? 0;
      });
    }
    return total;
  };
  return { device, publishing: { outboundBytes } };
}
