import { useCallback, useEffect, useRef, useState } from 'react';
import type { ErrorCode, ExportAngles, ExportEntry, ExportKind, MediaJob, MediaJobState } from '@common/contract';
import { examiner } from '../../bridge';
import { asContractError, call } from '../../app/call';

export type { ExportAngles, ExportKind };

/** One export of the assignment, as main lists it and the latest `media.job` event says it stands. */
export interface ExportJob {
  /** The job id, or a local key when main refused to start it. */
  readonly key: string;
  readonly jobId: string | null;
  readonly kind: ExportKind;
  readonly angles: ExportAngles;
  /** What main offers the file as (no path); null for an export main refused to start. */
  readonly fileName: string | null;
  readonly state: MediaJobState;
  readonly progress: number | null;
  readonly mediaId: string | null;
  /** Why it failed (a contract error code: `errors.<code>`); `media_cancelled` when the grader cancelled it. */
  readonly error: ErrorCode | null;
  readonly startedAt: number;
}

export interface ExportJobs {
  /** Newest first. */
  readonly jobs: readonly ExportJob[];
  start(kind: ExportKind, angles: ExportAngles, begin: () => Promise<{ jobId: string }>): Promise<void>;
  cancel(jobId: string): Promise<void>;
}

/** What the hook holds, of one assignment. */
interface Held {
  readonly assignmentId: string;
  readonly entries: ReadonlyMap<string, ExportEntry>;
  /** Exports main refused to start: only here, never in main's list. */
  readonly refused: readonly ExportJob[];
}

const RANK: Record<MediaJobState, number> = { queued: 0, running: 1, done: 2, failed: 2 };

/** Whichever of two reports of one job is further along (a list answer and an event can cross). */
function further(a: ExportEntry, b: ExportEntry): ExportEntry {
  if (RANK[a.state] !== RANK[b.state]) return RANK[a.state] > RANK[b.state] ? a : b;
  return (b.progress ?? 0) > (a.progress ?? 0) ? b : a;
}

function applyEvent(entry: ExportEntry, event: MediaJob): ExportEntry {
  return further(entry, {
    ...entry,
    state: event.state,
    progress: event.progress,
    mediaId: event.result?.mediaId ?? entry.mediaId,
    error: event.state === 'failed' ? event.error : null,
  });
}

function rowOf(entry: ExportEntry): ExportJob {
  return {
    key: entry.jobId,
    jobId: entry.jobId,
    kind: entry.kind,
    angles: entry.angles,
    fileName: entry.fileName,
    state: entry.state,
    progress: entry.progress,
    mediaId: entry.mediaId,
    error: entry.state === 'failed' ? (entry.error?.code ?? 'media_failed') : null,
    startedAt: entry.startedAt,
  };
}

/**
 * The assignment's exports, as main keeps them (`media.listExports`, loaded on mount, so none is
 * lost by leaving the player or reloading), kept current by `media.job`. An export of this
 * assignment that main reports and the list lacks (started elsewhere, or its first reports
 * overtook the start's answer) makes the list load again.
 */
export function useExportJobs(assignmentId: string): ExportJobs {
  const [held, setHeld] = useState<Held>(() => ({ assignmentId, entries: new Map(), refused: [] }));
  /** Changes what is held of one assignment (starting afresh when it held another's). */
  const change = useCallback((forAssignment: string, update: (before: Held) => Held) => {
    setHeld((before) => update(before.assignmentId === forAssignment ? before : { assignmentId: forAssignment, entries: new Map(), refused: [] }));
  }, []);
  const known = useRef(new Set<string>());
  const local = useRef(0);
  const current = useRef(assignmentId);
  const loading = useRef<{ again: boolean } | null>(null);

  const load = useCallback(async () => {
    if (loading.current) {
      loading.current.again = true;
      return;
    }
    const forAssignment = current.current;
    const token = { again: false };
    loading.current = token;
    try {
      do {
        token.again = false;
        const answer = await call('media.listExports', { assignmentId: forAssignment }).catch(() => null);
        if (current.current !== forAssignment || loading.current !== token) return;
        if (answer === null) continue;
        for (const entry of answer.exports) known.current.add(entry.jobId);
        change(forAssignment, (before) => {
          const entries = new Map(before.entries);
          for (const entry of answer.exports) {
            const seen = entries.get(entry.jobId);
            entries.set(entry.jobId, seen ? further(seen, entry) : entry);
          }
          return { ...before, entries };
        });
      } while (token.again);
    } finally {
      if (loading.current === token) loading.current = null;
    }
  }, [change]);

  useEffect(() => {
    current.current = assignmentId;
    loading.current = null;
    known.current = new Set();
    const off = examiner().on('media.job', (event) => {
      if ((event.kind !== 'side_by_side' && event.kind !== 'clip') || event.assignmentId !== assignmentId) return;
      if (!known.current.has(event.jobId)) {
        void load();
        return;
      }
      change(assignmentId, (before) => {
        const entry = before.entries.get(event.jobId);
        if (!entry) return before;
        return { ...before, entries: new Map(before.entries).set(event.jobId, applyEvent(entry, event)) };
      });
    });
    void load();
    return () => {
      current.current = '';
      off();
    };
  }, [assignmentId, load, change]);

  const start = useCallback(
    async (kind: ExportKind, angles: ExportAngles, begin: () => Promise<{ jobId: string }>) => {
      const forAssignment = current.current;
      try {
        await begin();
        // Main names the file and keeps the job: the list says it.
        await load();
      } catch (failure) {
        if (current.current !== forAssignment) return;
        local.current += 1;
        const job: ExportJob = {
          key: `local-${String(local.current)}`,
          jobId: null,
          kind,
          angles,
          fileName: null,
          state: 'failed',
          progress: null,
          mediaId: null,
          error: asContractError(failure).code,
          startedAt: Date.now(),
        };
        change(forAssignment, (before) => ({ ...before, refused: [job, ...before.refused] }));
      }
    },
    [load, change],
  );

  const cancel = useCallback(async (jobId: string) => {
    // A job that finished meanwhile is not_found: its own event says how it ended.
    await call('media.cancelJob', { jobId }).catch(() => undefined);
  }, []);

  const shown = held.assignmentId === assignmentId ? held : null;
  const jobs = shown === null ? [] : [...[...shown.entries.values()].map(rowOf), ...shown.refused].sort((a, b) => b.startedAt - a.startedAt);
  return { jobs, start, cancel };
}
