import { ContractError, type EvidenceMimeType, type EvidenceRecording, type EvidenceState } from '@common/contract';
import type { Device } from '@common/platform';

/** A row of evidence_recordings (migration 0003), as SQLite returns it. */
export interface EvidenceRow {
  id: string;
  assignment_id: string;
  examiner_id: string;
  device: Device;
  mime_type: EvidenceMimeType;
  state: EvidenceState;
  partial_file: string;
  final_file: string | null;
  media_id: string;
  bytes: number;
  chunks: number;
  started_at: string;
  finished_at: string | null;
  duration_ms: number | null;
  video_codec: string | null;
  video_width: number | null;
  video_height: number | null;
  audio_codec: string | null;
  recovered: 0 | 1;
  /** A ContractError as JSON (older versions wrote an English sentence). */
  error: string | null;
}

export function recordingOf(row: EvidenceRow): EvidenceRecording {
  return {
    recordingId: row.id,
    assignmentId: row.assignment_id,
    device: row.device,
    mimeType: row.mime_type,
    state: row.state,
    bytes: row.bytes,
    chunks: row.chunks,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    durationMs: row.duration_ms,
    video: row.video_codec === null ? null : { codec: row.video_codec, width: row.video_width ?? 0, height: row.video_height ?? 0 },
    audio: row.audio_codec === null ? null : { codec: row.audio_codec },
    mediaId: row.state === 'finished' ? row.media_id : null,
    recovered: row.recovered === 1,
    error: row.state === 'failed' ? errorOf(row.error) : null,
  };
}

/** The stored failure; a sentence from an older version is an ffmpeg failure, which is all they stored. */
export function errorOf(stored: string | null): ContractError {
  const text = stored ?? 'unknown failure';
  try {
    const parsed = ContractError.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
  } catch {
    // Not JSON: a sentence from before errors had codes.
  }
  return { code: 'media_failed', message: text.slice(0, 2000) };
}
