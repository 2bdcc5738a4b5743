import { statfs } from 'node:fs/promises';

const MIB = 1024 * 1024;

/**
 * Free disk space evidence recording leaves to everything else: the database and its backups,
 * score sheets' autosave, downloads. A recording that would eat into it stops instead.
 */
export const EVIDENCE_RESERVE_BYTES = 512 * MIB;

/** A recording does not start without this much above the reserve: some ten minutes of one camera. */
export const EVIDENCE_START_HEADROOM_BYTES = 64 * MIB;

export interface EvidenceSpaceOptions {
  /** Free space recording must leave (default EVIDENCE_RESERVE_BYTES). */
  readonly reserveBytes?: number;
  /** Room above the reserve a recording needs to start (default EVIDENCE_START_HEADROOM_BYTES). */
  readonly startHeadroomBytes?: number;
  /** Free bytes for this user on the disk that holds `dir` (default: statfs). */
  readonly freeBytes?: (dir: string) => Promise<number>;
}

/** Free bytes for this user (not root's reserved blocks) on the disk that holds `dir`. */
export async function freeBytes(dir: string): Promise<number> {
  const stats = await statfs(dir);
  return stats.bavail * stats.bsize;
}

/**
 * What a remux of `bytes` needs on the disk: ffmpeg copies the streams into a new file, a little
 * larger than the grown one (cues, a duration), before the grown one can go.
 */
export function remuxRoom(bytes: number): number {
  return bytes === 0 ? 0 : bytes + Math.ceil(bytes / 64) + MIB;
}

/**
 * The space rules of evidence recording, as pure arithmetic on free bytes. Each open recording
 * must still be remuxed when it ends, so the room for those remuxes is held back as well as the
 * reserve: a recording stopped for space can always be finished.
 */
export interface SpaceRules {
  readonly reserveBytes: number;
  readonly startHeadroomBytes: number;
}

/** Whether a recording may start while the open ones hold `openBytes`. */
export function mayStart(rules: SpaceRules, free: number, openBytes: number): boolean {
  return free - remuxRoom(openBytes) >= rules.reserveBytes + rules.startHeadroomBytes;
}

/** Whether `chunk` more bytes may be written while the open recordings hold `openBytes` (this one's included). */
export function mayWrite(rules: SpaceRules, free: number, openBytes: number, chunk: number): boolean {
  return free - chunk - remuxRoom(openBytes + chunk) >= rules.reserveBytes;
}

/** Whether a grown file of `bytes` may be remuxed now. */
export function mayRemux(rules: SpaceRules, free: number, bytes: number): boolean {
  return free - remuxRoom(bytes) >= rules.reserveBytes;
}
