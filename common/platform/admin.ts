import { z } from 'zod';
import { Id } from './exams';
import { QueueState } from './queue';

/**
 * The reference platform's admin endpoints (`/api/v1/admin/...`): fault injection for tests of
 * the workstation's sync, and the candidate devices' tokens for the simulator. A production
 * platform has neither. They answer only loopback peers that send the admin secret.
 */

export const ADMIN_SECRET_HEADER = 'x-admin-secret';

/**
 * What a faulted request suffers (platform/faults.ts says how each is done). All but one break
 * the transport; `no_replay` breaks a promise of the API instead: the score intake forgets the
 * answers it recorded under idempotency keys, so a repeated key with the same body is processed
 * as a new submission (and then refused as stale, or stored again) instead of replayed with
 * `idempotent-replayed: true`. A key reused with a different body is still refused. It stands for
 * a platform whose replay is broken, for the conformance check to catch.
 */
export const FaultMode = z.enum(['error_500', 'timeout_after_commit', 'reset', 'delay', 'duplicate', 'no_replay']);
export type FaultMode = z.infer<typeof FaultMode>;

export const FaultSettings = z.strictObject({
  /** Share of matching requests that get a fault, 0..1. */
  rate: z.number().min(0).max(1),
  modes: z.array(FaultMode).min(1),
  /** Only requests whose path starts with one of these (below /api/v1); empty: all but health, admin and realtime. */
  paths: z.array(z.string().max(200)).max(20).default([]),
  /** For `delay` and `timeout_after_commit`: how long, in ms. */
  delayMs: z.number().int().min(0).max(120_000).default(2_000),
  /** Seed of the pseudo-random choice, so a failing test can be replayed. */
  seed: z.number().int().default(1),
});
export type FaultSettings = z.infer<typeof FaultSettings>;

const FaultCount = z.number().int().nonnegative();

export const FaultCounters = z.object({
  /** Matching requests since the settings were last put (each drew from the seeded sequence). */
  considered: z.number().int().nonnegative(),
  /**
   * Faults that took effect, per mode: an object with one property per mode rather than a record
   * keyed by FaultMode, so the documents generated from it name each (a record's JSON schema
   * requires keys it never defines).
   */
  injected: z.object(Object.fromEntries(FaultMode.options.map((mode) => [mode, FaultCount])) as Record<FaultMode, typeof FaultCount>),
});
export type FaultCounters = z.infer<typeof FaultCounters>;

/** Answer of GET, PUT and DELETE /admin/faults. */
export const FaultStatus = z.object({
  settings: FaultSettings.nullable(),
  counters: FaultCounters,
});
export type FaultStatus = z.infer<typeof FaultStatus>;

export const AdminCandidatesQuery = z.strictObject({ slotId: Id });
export type AdminCandidatesQuery = z.infer<typeof AdminCandidatesQuery>;

/** A candidate of a slot with both devices' tokens, for the simulator to connect as them. */
export const AdminCandidate = z.object({
  candidateId: Id,
  entryId: Id,
  appointmentAt: z.iso.datetime(),
  state: QueueState,
  mainToken: z.string().min(1),
  sideToken: z.string().min(1),
});
export type AdminCandidate = z.infer<typeof AdminCandidate>;

export const AdminCandidateList = z.object({ candidates: z.array(AdminCandidate) });
export type AdminCandidateList = z.infer<typeof AdminCandidateList>;
