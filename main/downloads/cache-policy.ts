import type { ContractError } from '@common/contract';
import { purgeEvidence } from '../evidence/evidence-purge';
import type { Logger } from '../log';
import type { RecordingCache, RecordingRow } from '../recording-cache';
import type { Store } from '../store/connection';
import { cacheUsage, evictionCandidates, evidencePurgeCandidates, purgeCandidates } from './quota';
import { systemClock, type Clock } from '../util/clock';

export interface CachePolicyOptions {
  /** Most bytes the media cache may hold (default 20 GiB). */
  readonly quotaBytes?: number;
  /** Days after an assignment's dueAt before an accepted recording is purged (default 7). */
  readonly purgeAfterDueDays?: number;
  readonly now?: Clock;
}

export interface CachePolicyDeps {
  readonly store: Store;
  readonly cache: RecordingCache;
  readonly log: Logger;
  /** The folder of evidence recordings (main/evidence), purged with the assignments' recordings. */
  readonly evidenceDir: string;
  /** An assignment's due date as the platform said last; null when unknown (its evidence is kept). */
  readonly dueAt: (examinerId: string, assignmentId: string) => number | null;
}

const GIB = 1024 ** 3;
const DAY_MS = 24 * 3600_000;

/**
 * What the cache may hold and for how long: a queued recording gets room under the quota by
 * evicting least recently used recordings whose assignments are all scored (else it fails with
 * quota_exceeded), and accepted recordings (and live interviews' evidence) are purged once their
 * grading window is over, at start and every hour. The rules are the queries of quota.ts; the
 * removing is the media cache's.
 */
export class CachePolicy {
  readonly #now: Clock;
  #purgeTimer: NodeJS.Timeout | null = null;
  #stopped = false;

  constructor(
    private readonly deps: CachePolicyDeps,
    private readonly options: CachePolicyOptions = {},
  ) {
    this.#now = options.now ?? systemClock;
  }

  get quotaBytes(): number {
    return this.options.quotaBytes ?? 20 * GIB;
  }

  usedBytes(): number {
    return cacheUsage(this.deps.store.reader);
  }

  /** Purges what expired now, then every hour. */
  start(): void {
    this.#purgeSafely();
    this.#purgeTimer = setInterval(() => this.#purgeSafely(), 3600_000);
    this.#purgeTimer.unref();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#purgeTimer) clearInterval(this.#purgeTimer);
  }

  /**
   * Makes room for a queued recording: evicts scored recordings, least recently used first,
   * until it fits; if it cannot fit without touching an unscored assignment, it fails instead.
   * `spare`: recordings never evicted for it (those of the same assignment).
   */
  reserve(row: RecordingRow, spare: readonly string[]): void {
    const need = row.expected_bytes;
    let used = cacheUsage(this.deps.store.reader, row.recording_id);
    if (used + need <= this.quotaBytes) return;
    for (const candidate of evictionCandidates(this.deps.store.reader, spare)) {
      this.deps.cache.remove(candidate.recording_id, 'evicted');
      used -= candidate.bytes;
      if (used + need <= this.quotaBytes) return;
    }
    const error: ContractError = {
      code: 'quota_exceeded',
      message: `the recording needs ${String(need)} bytes; the cache holds ${String(used)} of ${String(this.quotaBytes)} for unscored assignments`,
    };
    this.deps.cache.setState(row.recording_id, 'failed', { error });
  }

  /**
   * Removes recordings whose every sheet is accepted and whose grading window closed more than the
   * configured days ago, and by the same rule the evidence recorded in live interviews. Returns
   * the ids of both.
   */
  purgeExpired(): string[] {
    if (this.#stopped) return [];
    const cutoff = this.#now().getTime() - (this.options.purgeAfterDueDays ?? 7) * DAY_MS;
    const purged = purgeCandidates(this.deps.store.reader, cutoff);
    for (const recordingId of purged) this.deps.cache.remove(recordingId, 'purged');
    const evidence = evidencePurgeCandidates(this.deps.store.reader, cutoff, this.deps.dueAt);
    return [...purged, ...purgeEvidence(this.deps.store, this.deps.evidenceDir, evidence.map((row) => row.id), this.deps.log)];
  }

  #purgeSafely(): void {
    try {
      this.purgeExpired();
    } catch (error) {
      this.deps.log.error('media purge failed', { error });
    }
  }
}
