import { ContractFailure, type AssignmentRecordings, type DownloadState, type RecordingDownload, type RecordingsOverview } from '@common/contract';
import { AssignmentList, type Assignment, type Device } from '@common/platform';
import type { EventHub } from '../contract/event-hub';
import { errorOf, linksOfAssignment, linksOfRecording, recordingRow, type LinkRow, type RecordingRow } from '../recording-cache';
import type { PlatformCache } from '../services/platform-cache';
import type { SessionService } from '../services/session-service';
import type { Store } from '../store/connection';

export interface RecordingsStateDeps {
  readonly store: Store;
  readonly session: SessionService;
  /** The platform's answers main keeps: the assignments (and their recordings) as listed last. */
  readonly platformCache: PlatformCache;
  readonly events: EventHub;
  /** Bytes a running download has now (ahead of its row, which hears of them once a second). */
  readonly liveBytes: (recordingId: string) => number | undefined;
}

/**
 * The download state the renderer sees: each assignment's recordings as `AssignmentRecordings`
 * (from the cache's rows, the platform's list and the live bytes of running downloads), sent as
 * `recordings.progress`. The assignments come from the platform cache, so this works offline and
 * before sign-in.
 */
export class RecordingsState {
  constructor(private readonly deps: RecordingsStateDeps) {}

  overview(examinerId: string, usage: RecordingsOverview['usage']): RecordingsOverview {
    const recorded = this.assignments(examinerId).filter((assignment) => assignment.recordings.length > 0);
    return { assignments: recorded.map((assignment) => this.of(examinerId, assignment.assignmentId)), usage };
  }

  /** Sends a recording's state to the renderer: that of each of the signed-in examiner's assignments that need it. */
  publishRecording(recordingId: string): void {
    const examinerId = this.deps.session.session?.examiner.id;
    if (examinerId === undefined) return;
    for (const link of linksOfRecording(this.deps.store.reader, recordingId)) {
      if (link.examiner_id === examinerId) this.publishAssignment(examinerId, link.assignment_id);
    }
  }

  /** Sends these assignments' state, those of the signed-in examiner (a recording just removed: its links are gone). */
  publishAssignments(assignments: readonly { examinerId: string; assignmentId: string }[]): void {
    const examinerId = this.deps.session.session?.examiner.id;
    if (examinerId === undefined) return;
    for (const link of assignments) if (link.examinerId === examinerId) this.publishAssignment(examinerId, link.assignmentId);
  }

  publishAssignment(examinerId: string, assignmentId: string): AssignmentRecordings {
    const state = this.of(examinerId, assignmentId);
    this.deps.events.emit('recordings.progress', state);
    return state;
  }

  of(examinerId: string, assignmentId: string): AssignmentRecordings {
    const wanted = this.#wanted(examinerId, assignmentId);
    const recordings = wanted.map((recording) =>
      downloadOf(recording, recordingRow(this.deps.store.reader, recording.recordingId), this.deps.liveBytes(recording.recordingId)),
    );
    return {
      assignmentId,
      state: aggregateState(recordings.map((recording) => recording.state)),
      bytesDone: recordings.reduce((sum, recording) => sum + recording.bytesDone, 0),
      bytes: recordings.reduce((sum, recording) => sum + recording.bytes, 0),
      recordings,
    };
  }

  assignments(examinerId: string): Assignment[] {
    return this.deps.platformCache.peek(examinerId, 'assignments', 'all', AssignmentList)?.assignments ?? [];
  }

  requireAssignment(examinerId: string, assignmentId: string): Assignment {
    const assignment = this.assignments(examinerId).find((candidate) => candidate.assignmentId === assignmentId);
    if (!assignment) throw new ContractFailure('not_found', `no assignment ${assignmentId} (list assignments while online first)`);
    if (assignment.recordings.length === 0) throw new ContractFailure('not_found', `assignment ${assignmentId} has no recordings`);
    return assignment;
  }

  /** The cache's links of an assignment; throws not_found when it has none and the platform's list does not know it. */
  requireLinks(examinerId: string, assignmentId: string): LinkRow[] {
    const links = linksOfAssignment(this.deps.store.reader, examinerId, assignmentId);
    if (links.length === 0) this.requireAssignment(examinerId, assignmentId);
    return links;
  }

  /** An assignment's due date as the platform said last (the cache, so it works offline and before sign-in); null when unknown. */
  dueAt(examinerId: string, assignmentId: string): number | null {
    const assignment = this.assignments(examinerId).find((candidate) => candidate.assignmentId === assignmentId);
    const dueAt = assignment ? Date.parse(assignment.dueAt) : Number.NaN;
    return Number.isFinite(dueAt) ? dueAt : null;
  }

  /** The assignment's recordings as the platform listed them last, else as the cache links remember them. */
  #wanted(examinerId: string, assignmentId: string): WantedRecording[] {
    const assignment = this.assignments(examinerId).find((candidate) => candidate.assignmentId === assignmentId);
    if (assignment) return assignment.recordings.map((recording) => ({ recordingId: recording.recordingId, angle: recording.angle, bytes: recording.bytes }));
    const links = linksOfAssignment(this.deps.store.reader, examinerId, assignmentId);
    if (links.length === 0) throw new ContractFailure('not_found', `no assignment ${assignmentId} (list assignments while online first)`);
    return links.map((link) => ({
      recordingId: link.recording_id,
      angle: link.angle,
      bytes: recordingRow(this.deps.store.reader, link.recording_id)?.expected_bytes ?? 0,
    }));
  }
}

/** A recording an assignment needs, as far as its download goes. */
export interface WantedRecording {
  readonly recordingId: string;
  readonly angle: Device;
  readonly bytes: number;
}

export function downloadOf(recording: WantedRecording, row: RecordingRow | undefined, liveBytes: number | undefined): RecordingDownload {
  if (!row) {
    return { recordingId: recording.recordingId, angle: recording.angle, state: 'none', bytesDone: 0, bytes: recording.bytes, mediaId: null, error: null };
  }
  const ready = row.state === 'ready';
  return {
    recordingId: recording.recordingId,
    angle: recording.angle,
    state: row.state,
    bytesDone: ready ? row.expected_bytes : Math.min(row.expected_bytes, liveBytes ?? row.bytes_done),
    bytes: row.expected_bytes,
    mediaId: ready ? row.media_id : null,
    // A failed download's reason, or why a ready one cannot be read (RecordingCache.markUnreadable).
    error: row.state === 'failed' || ready ? errorOf(row) : null,
  };
}

/** An assignment's state is its least advanced recording's: failed first, ready only when all are. */
export function aggregateState(states: readonly DownloadState[]): DownloadState {
  if (states.length === 0) return 'none';
  if (states.every((state) => state === 'ready')) return 'ready';
  for (const state of ['failed', 'downloading', 'verifying', 'queued', 'paused'] as const) {
    if (states.includes(state)) return state;
  }
  return 'none';
}
