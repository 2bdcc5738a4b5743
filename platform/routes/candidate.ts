import type { FastifyInstance } from 'fastify';
import type { PlatformContext } from '../context';

/** Actions of a candidate's devices: check-in, face verification, ready, join. */
export function candidateRoutes(_app: FastifyInstance, _ctx: PlatformContext): void {
  // Filled in by the commit that builds this part of the platform.
}
