import SimplePeer from 'simple-peer/simplepeer.min.js';
import { CandidateDevice } from '@common/candidate/device';
import type { Schedule, SocketFactory } from '@common/candidate/ports';
import type { PageSettings } from './settings';

export type { CandidateDevice, Connection, DeviceSnapshot, PeerState, Prompt } from '@common/candidate/device';

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

/**
 * This page's device (common/candidate/device.ts) in the browser: the page's fetch and
 * WebSocket, and simple-peer answering with the canvas camera's stream.
 */
export function openPageDevice(settings: PageSettings, stream: MediaStream): CandidateDevice {
  return new CandidateDevice(
    { platformUrl: settings.platformOrigin, token: settings.token, device: settings.device, faceFailures: settings.faceFailures },
    { fetch, openSocket, openPeer: () => new SimplePeer({ initiator: false, stream, trickle: true }), schedule },
  );
}
