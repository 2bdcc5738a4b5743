import { MAX_LISTED_EXPORTS, type ExportAngles, type ExportEntry, type ExportKind, type MediaJob } from '@common/contract';

/**
 * The exports each examiner started, per assignment, for as long as main runs: the renderer's
 * export panel lists them from here (media.listExports), so leaving the player or reloading the
 * renderer loses none. Kept current from the queue's job reports; the files themselves are
 * artefacts in the cache, served by media id.
 */
export class ExportList {
  /** examiner → assignment → entries, oldest first. */
  readonly #entries = new Map<string, Map<string, ExportEntry[]>>();
  /** job id → where its entry is, and which exports make the same file. */
  readonly #where = new Map<string, { examinerId: string; assignmentId: string; same: string }>();

  /**
   * `same` names the file it makes (kind, angles, range, …): a later export of the same file
   * replaces it in the cache, so the entries done before then offer the new one.
   */
  add(examinerId: string, entry: ExportEntry, same: string): void {
    let byAssignment = this.#entries.get(examinerId);
    if (!byAssignment) this.#entries.set(examinerId, (byAssignment = new Map()));
    const list = byAssignment.get(entry.assignmentId) ?? [];
    list.push(entry);
    // The oldest finished ones make room; one still queued or running is always kept.
    while (list.length > MAX_LISTED_EXPORTS) {
      const index = list.findIndex((old) => old.state === 'done' || old.state === 'failed');
      if (index < 0) break;
      const [gone] = list.splice(index, 1);
      if (gone) this.#where.delete(gone.jobId);
    }
    byAssignment.set(entry.assignmentId, list);
    this.#where.set(entry.jobId, { examinerId, assignmentId: entry.assignmentId, same });
  }

  /** A job report (or the state the queue holds when the entry is added): applied to its entry, if it is an export. */
  update(job: Pick<MediaJob, 'jobId' | 'state' | 'progress' | 'result' | 'error'>): void {
    const where = this.#where.get(job.jobId);
    if (!where) return;
    const list = this.#entries.get(where.examinerId)?.get(where.assignmentId);
    const index = list?.findIndex((entry) => entry.jobId === job.jobId) ?? -1;
    const entry = list?.[index];
    if (!list || !entry) return;
    const mediaId = job.result?.mediaId ?? entry.mediaId;
    list[index] = { ...entry, state: job.state, progress: job.progress, mediaId, error: job.state === 'failed' ? job.error : null };
    if (job.state !== 'done' || mediaId === null) return;
    list.forEach((other, at) => {
      if (other.state === 'done' && other.mediaId !== mediaId && this.#where.get(other.jobId)?.same === where.same) list[at] = { ...other, mediaId };
    });
  }

  /**
   * Forgets the finished exports whose file is no longer in the cache (its recording was evicted
   * or purged), so the list never offers a file that is gone. `exists` says whether an examiner
   * can still be served a media id.
   */
  prune(exists: (examinerId: string, mediaId: string) => boolean): void {
    for (const [examinerId, byAssignment] of this.#entries) {
      for (const [assignmentId, list] of byAssignment) {
        const kept = list.filter((entry) => entry.state !== 'done' || entry.mediaId === null || exists(examinerId, entry.mediaId));
        for (const gone of list) if (!kept.includes(gone)) this.#where.delete(gone.jobId);
        if (kept.length === 0) byAssignment.delete(assignmentId);
        else byAssignment.set(assignmentId, kept);
      }
    }
  }

  /** Newest first, at most MAX_LISTED_EXPORTS. */
  list(examinerId: string, assignmentId: string): ExportEntry[] {
    return [...(this.#entries.get(examinerId)?.get(assignmentId) ?? [])].reverse().slice(0, MAX_LISTED_EXPORTS);
  }
}

/**
 * The name an export is offered under: the candidate code, what it shows, and a clip's range, in
 * characters any file system takes (never a path; the renderer only suggests it to the browser).
 */
export function exportFileName(candidateCode: string | null, kind: ExportKind, angles: ExportAngles, range: { startMs: number; endMs: number } | null): string {
  const code = (candidateCode ?? '').replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^[_-]+|_+$/g, '').slice(0, 40) || 'recording';
  const what = kind === 'side_by_side' || angles === 'both' ? 'side-by-side' : angles;
  const seconds = (ms: number) => (ms / 1000).toFixed(1);
  const span = range ? `_${seconds(range.startMs)}-${seconds(range.endMs)}s` : '';
  return `${code}_${what}${span}.mp4`;
}
