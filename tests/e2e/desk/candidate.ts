import WebSocket from 'ws';
import type { AdminCandidate } from '@common/platform/admin';
import type { Device } from '@common/platform/queue';
import { HEARTBEAT } from '@common/platform/realtime';

/**
 * A candidate's two phones as the platform sees them, without cameras: each device a realtime
 * socket (its presence, kept with the protocol's heartbeat), the main one acting through the
 * candidate API. Enough to walk the live queue and drop out of the room.
 */
export class RawCandidate {
  readonly #sockets = new Map<Device, WebSocket>();
  readonly #heartbeats = new Map<Device, NodeJS.Timeout>();

  constructor(
    private readonly platformUrl: string,
    readonly candidate: AdminCandidate,
  ) {}

  async connect(device: Device): Promise<void> {
    const token = device === 'main' ? this.candidate.mainToken : this.candidate.sideToken;
    const socket = new WebSocket(`${this.platformUrl.replace(/^http/, 'ws')}/api/v1/realtime?token=${encodeURIComponent(token)}`);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    this.#sockets.set(device, socket);
    // The platform takes a socket silent for HEARTBEAT.deadAfterMs for dead, as it would a phone gone.
    const heartbeat = setInterval(() => socket.send(JSON.stringify({ type: 'heartbeat' })), HEARTBEAT.intervalMs);
    this.#heartbeats.set(device, heartbeat);
    socket.once('close', () => clearInterval(heartbeat));
  }

  async disconnect(device: Device): Promise<void> {
    const socket = this.#sockets.get(device);
    this.#sockets.delete(device);
    clearInterval(this.#heartbeats.get(device));
    this.#heartbeats.delete(device);
    if (!socket || socket.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.close();
    await closed;
  }

  quickMessage(messageId: string): void {
    this.#sockets.get('main')?.send(JSON.stringify({ type: 'quick_message', messageId }));
  }

  async act(action: 'check-in' | 'face' | 'ready' | 'join', body?: unknown): Promise<void> {
    const response = await fetch(`${this.platformUrl}/api/v1/candidate/${action}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.candidate.mainToken}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`candidate ${action}: HTTP ${response.status} ${await response.text()}`);
  }

  async close(): Promise<void> {
    await Promise.all([...this.#sockets.keys()].map((device) => this.disconnect(device)));
  }
}
