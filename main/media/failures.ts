import { ContractFailure, type MediaFailure } from '@common/contract';
import { FfmpegNotFoundError } from '../../node-shared/media/binaries';
import { MediaAbort, MediaJobError } from '../../node-shared/media/failures';

// A job's failure as the workstation reports it. The errors a run throws, and the sorting of
// ffmpeg's stderr into kinds, are node-shared/media/failures.ts (the platform runs ffmpeg too).

/** Any error a job threw, as a failure the renderer can show. */
export function failureOf(error: unknown): MediaFailure {
  if (error instanceof MediaJobError) return error.toFailure();
  if (error instanceof MediaAbort) return new MediaJobError(error.abortCause, error.message).toFailure();
  if (error instanceof FfmpegNotFoundError) return { kind: 'failed', code: 'ffmpeg_missing', message: error.message.slice(0, 2000) };
  if (isNoSpace(error)) return new MediaJobError('out_of_space', 'the disk is full').toFailure();
  if (error instanceof ContractFailure) return { kind: 'failed', code: error.code, message: error.message.slice(0, 2000) };
  return { kind: 'failed', code: 'media_failed', message: error instanceof Error ? error.message.slice(0, 2000) : String(error) };
}

export function isNoSpace(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

