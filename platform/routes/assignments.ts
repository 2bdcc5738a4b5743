import type { FastifyInstance } from 'fastify';
import type { PlatformContext } from '../context';

/** The examiner's assignments. */
export function assignmentRoutes(_app: FastifyInstance, _ctx: PlatformContext): void {
  // Filled in by the commit that builds this part of the platform.
}
