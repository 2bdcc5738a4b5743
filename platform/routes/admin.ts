import type { FastifyInstance } from 'fastify';
import type { PlatformContext } from '../context';

/** Loopback admin: fault injection and simulator tokens. */
export function adminRoutes(_app: FastifyInstance, _ctx: PlatformContext): void {
  // Filled in by the commit that builds this part of the platform.
}
