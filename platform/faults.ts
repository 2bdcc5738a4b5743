import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { PlatformContext } from './context';

/**
 * Fault injection for tests of the workstation's sync: a share of requests fails with 500,
 * times out after committing, has its connection reset, is delayed, or is answered twice.
 */
export const FaultMode = z.enum(['error_500', 'timeout_after_commit', 'reset', 'delay', 'duplicate']);
export type FaultMode = z.infer<typeof FaultMode>;

export const FaultSettings = z.strictObject({
  /** Share of matching requests that get a fault, 0..1. */
  rate: z.number().min(0).max(1),
  modes: z.array(FaultMode).min(1),
  /** Only requests whose path starts with one of these (below /api/v1); empty: all but health and admin. */
  paths: z.array(z.string().max(200)).max(20).default([]),
  /** For `delay` and `timeout_after_commit`: how long, in ms. */
  delayMs: z.number().int().min(0).max(120_000).default(2_000),
  /** Seed of the pseudo-random choice, so a failing test can be replayed. */
  seed: z.number().int().default(1),
});
export type FaultSettings = z.infer<typeof FaultSettings>;

/** Installs the fault hooks; `initial` null: no faults until the admin endpoint sets some. */
export function installFaults(_app: FastifyInstance, _ctx: PlatformContext, _initial: FaultSettings | null): void {
  // Filled in by the commit that builds fault injection.
}
