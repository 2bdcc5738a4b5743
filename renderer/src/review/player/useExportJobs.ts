import { useCallback, useEffect, useRef, useState } from 'react';
import type { ErrorCode, MediaJob, MediaJobState } from '@common/contract';
import { examiner } from '../../bridge';
import { asContractError, call } from '../../app/call';

export type ExportKind = 'side_by_side' | 'clip';

/** One export the grader started here, as the latest `media.job` event says it stands. */
export interface ExportJob {
  /** The job id, or a local key when main refused to start it. */
  readonly key: string;
  readonly jobId: string | null;
  readonly kind: ExportKind;
  /** What to call the file when it is saved (no path). */
  readonly fileName: string;
  readonly state: MediaJobState;
  readonly progress: number | null;
  readonly mediaId: string | null;
  /** Why it failed (a contract error code: `errors.<code>`); `media_cancelled` when the grader cancelled it. */
  readonly error: ErrorCode | null;
}

export interface ExportJobs {
  /** Newest first. */
  readonly jobs: readonly ExportJob[];
  start(kind: ExportKind, fileName: string, begin: () => Promise<{ jobId: string }>): Promise<void>;
  cancel(jobId: string): Promise<void>;
}

/** Events of jobs whose start has not answered yet (the first ones can overtake the answer). */
const EARLY_LIMIT = 64;

function apply(job: ExportJob, event: MediaJob): ExportJob {
  return {
    ...job,
    state: event.state,
    progress: event.progress,
    mediaId: event.result?.mediaId ?? job.mediaId,
    error: event.state === 'failed' ? (event.error?.code ?? 'media_failed') : null,
  };
}

/**
 * The export jobs started from this panel, kept current by `media.job`. Other jobs (probes,
 * strips, other panels' exports) are not shown.
 */
export function useExportJobs(): ExportJobs {
  const [jobs, setJobs] = useState<readonly ExportJob[]>([]);
  const mine = useRef(new Set<string>());
  const early = useRef(new Map<string, MediaJob>());
  const local = useRef(0);
  const live = useRef(true);

  useEffect(() => {
    live.current = true;
    const off = examiner().on('media.job', (event) => {
      if (event.kind !== 'side_by_side' && event.kind !== 'clip') return;
      if (!mine.current.has(event.jobId)) {
        early.current.set(event.jobId, event);
        if (early.current.size > EARLY_LIMIT) {
          const oldest = early.current.keys().next().value;
          if (oldest !== undefined) early.current.delete(oldest);
        }
        return;
      }
      setJobs((current) => current.map((job) => (job.jobId === event.jobId ? apply(job, event) : job)));
    });
    return () => {
      live.current = false;
      off();
    };
  }, []);

  const start = useCallback(async (kind: ExportKind, fileName: string, begin: () => Promise<{ jobId: string }>) => {
    try {
      const { jobId } = await begin();
      if (!live.current) return;
      mine.current.add(jobId);
      let job: ExportJob = { key: jobId, jobId, kind, fileName, state: 'queued', progress: null, mediaId: null, error: null };
      const seen = early.current.get(jobId);
      if (seen) {
        early.current.delete(jobId);
        job = apply(job, seen);
      }
      setJobs((current) => [job, ...current]);
    } catch (failure) {
      if (!live.current) return;
      local.current += 1;
      const job: ExportJob = { key: `local-${String(local.current)}`, jobId: null, kind, fileName, state: 'failed', progress: null, mediaId: null, error: asContractError(failure).code };
      setJobs((current) => [job, ...current]);
    }
  }, []);

  const cancel = useCallback(async (jobId: string) => {
    // A job that finished meanwhile is not_found: its own event says how it ended.
    await call('media.cancelJob', { jobId }).catch(() => undefined);
  }, []);

  return { jobs, start, cancel };
}
