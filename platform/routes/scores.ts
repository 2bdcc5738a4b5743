import type { FastifyInstance } from 'fastify';
import type { PlatformContext } from '../context';

/** Score intake. */
export function scoreRoutes(_app: FastifyInstance, _ctx: PlatformContext): void {
  // Filled in by the commit that builds this part of the platform.
}
