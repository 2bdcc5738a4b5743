import type { WebSocket } from 'ws';
import type { Device } from '@common/platform/queue';
import type { PushToCandidate, PushToExaminer } from '@common/platform/realtime';

/** An examiner's socket; an examiner may hold several (e.g. two windows), each with its subscriptions. */
export interface ExaminerClient {
  readonly role: 'examiner';
  readonly socket: WebSocket;
  readonly examinerId: string;
  readonly slots: Set<string>;
}

/** A candidate device's socket: at most one per device, a newer one replaces it. */
export interface DeviceClient {
  readonly role: 'candidate';
  readonly socket: WebSocket;
  readonly candidateId: string;
  readonly device: Device;
  /** Set when a newer connection of the same device took over: its closing is no interruption. */
  replaced: boolean;
}

export type Client = ExaminerClient | DeviceClient;

export function send(socket: WebSocket, message: PushToExaminer | PushToCandidate): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
}

export function sendError(socket: WebSocket, code: string, message: string): void {
  send(socket, { type: 'error', code, message });
}
