import type { FastifyInstance } from 'fastify';
import type { Device } from '@common/platform/queue';
import type { PushToCandidate, PushToExaminer } from '@common/platform/realtime';
import type { Notifier, PlatformContext } from '../context';

/**
 * The realtime side of the platform: one WebSocket per examiner or candidate device at
 * /api/v1/realtime (protocol in common/platform/realtime.ts). It relays signaling, quick
 * messages and prompts, pushes queue changes, and turns device presence into interruptions.
 */
export class RealtimeHub implements Notifier {
  toExaminer(_examinerId: string, _message: PushToExaminer): void {}
  toSlot(_slotId: string, _build: (examinerId: string) => PushToExaminer | null): void {}
  toCandidate(_candidateId: string, _device: Device | 'both', _message: PushToCandidate): void {}
  isOnline(_candidateId: string, _device: Device): boolean {
    return false;
  }

  /** Registers the WebSocket route; `ctx` is complete by the time a client connects. */
  register(_app: FastifyInstance, _ctx: () => PlatformContext): void {}

  /** Closes every socket (at platform shutdown). */
  closeAll(): void {}
}
