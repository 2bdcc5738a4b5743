import type { FastifyInstance } from 'fastify';
import type { PlatformContext } from '../context';

/** Recordings with ranges, ETag and sha256. */
export function recordingRoutes(_app: FastifyInstance, _ctx: PlatformContext): void {
  // Filled in by the commit that builds this part of the platform.
}
