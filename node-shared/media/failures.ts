import { ContractFailure, MEDIA_FAILURE_CODES, type MediaFailure, type MediaFailureKind } from '@common/contract';

/** Why a job was aborted; passed as the AbortSignal's reason so the runner can tell them apart. */
export type AbortCause = 'cancelled' | 'timed_out';

export class MediaAbort extends Error {
  override readonly name = 'MediaAbort';
  constructor(readonly abortCause: AbortCause) {
    super(abortCause === 'cancelled' ? 'the job was cancelled' : 'the job took too long');
  }
}

/**
 * A run (or the media job around it) that failed, sorted by kind; `detail` keeps ffmpeg's own
 * words for the log. The kinds and codes are the workstation's contract (common/contract).
 */
export class MediaJobError extends Error {
  override readonly name = 'MediaJobError';
  constructor(
    readonly kind: MediaFailureKind,
    message: string,
    readonly detail: { readonly commandLine?: string; readonly stderr?: string } = {},
  ) {
    super(message);
  }

  toFailure(): MediaFailure {
    return { kind: this.kind, code: MEDIA_FAILURE_CODES[this.kind], message: this.message.slice(0, 2000) };
  }

  toContractFailure(): ContractFailure {
    return new ContractFailure(MEDIA_FAILURE_CODES[this.kind], this.message, { cause: this });
  }
}

export interface FinishedRun {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The end of what the tool wrote to stderr. */
  readonly stderr: string;
  /** Set when we stopped the run ourselves. */
  readonly aborted: AbortCause | null;
}

const OUT_OF_SPACE = /No space left on device|ENOSPC|Disk quota exceeded/i;
const UNSUPPORTED = [
  /Decoder \(codec [^)]*\) not found/i,
  /Unknown decoder/i,
  /Unsupported codec/i,
  /codec not currently supported/i,
  /no decoder for/i,
  /is not supported by this (?:build|decoder)/i,
  /Stream map '[^']*' matches no streams/i,
  /Output file #\d+ does not contain any stream/i,
];
const CORRUPT = [
  /Invalid data found when processing input/i,
  /moov atom not found/i,
  /partial file/i,
  /Invalid NAL unit size/i,
  /Error splitting the input into NAL units/i,
  /could not find codec parameters/i,
  /Truncat/i,
  /End of file/i,
  /error while decoding/i,
];

/**
 * Sorts a finished ffmpeg or ffprobe run that did not succeed. Pure: the same exit and stderr
 * always give the same kind, and each rule is tested against stderr captured from real runs.
 * Order matters: our own abort first (ffmpeg's stderr then says nothing useful), then a full
 * disk (which also produces "Invalid argument" lines), then what the input is.
 */
export function classifyFfmpegFailure(run: FinishedRun): MediaFailureKind {
  if (run.aborted) return run.aborted;
  if (OUT_OF_SPACE.test(run.stderr)) return 'out_of_space';
  if (UNSUPPORTED.some((pattern) => pattern.test(run.stderr))) return 'unsupported';
  if (CORRUPT.some((pattern) => pattern.test(run.stderr))) return 'corrupt_input';
  return 'failed';
}

/** A run that exited 0 yet read a cut-off file (ffmpeg logs "partial file" and carries on). */
export function readTruncatedInput(stderr: string): boolean {
  return /partial file/i.test(stderr);
}

const KIND_MESSAGES: Record<MediaFailureKind, string> = {
  corrupt_input: 'ffmpeg cannot read the recording: it is damaged, truncated, empty or not a media file',
  unsupported: 'the recording uses a codec or format this workstation cannot decode',
  out_of_space: 'the disk is full',
  cancelled: 'the job was cancelled',
  timed_out: 'the job took too long and was stopped',
  failed: 'ffmpeg failed',
};

/** A readable message: the kind's sentence and ffmpeg's most telling line. */
export function describeFailure(kind: MediaFailureKind, stderr: string): string {
  const lines = stderr
    .split(/\r?\n|\r/)
    .map((line) => line.replace(/^\[[^\]]+ @ 0x[0-9a-f]+\]\s*/, '').trim())
    .filter((line) => line !== '' && !/^(frame|size|out_time|progress|speed|bitrate|total_size|fps|stream_\d|dup_frames|drop_frames)=/.test(line));
  const last = lines.at(-1);
  return last ? `${KIND_MESSAGES[kind]} (${last.slice(0, 300)})` : KIND_MESSAGES[kind];
}
