import type { FastifyInstance } from 'fastify';
import type { PlatformContext } from '../context';

/** The live queue of a slot (issue 3; built in its own commit). */
export function queueRoutes(_app: FastifyInstance, _ctx: PlatformContext): void {
  // Filled in by the commit that builds this part of the platform.
}
