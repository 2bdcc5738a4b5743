import { z } from 'zod';
import { Id } from '../platform/exams';
import { Device } from '../platform/queue';
import { ContractError, ErrorCode } from './errors';

/**
 * Schemas of recordings and media: downloads into the local cache, the artefacts ffmpeg derives
 * for review (probe, thumbnail strip, waveform, playback proxy) and export jobs. The renderer
 * never sees a path: a file is a `MediaId`, served at `/media/<id>` by the browser host and at
 * `app://workstation/media/<id>` by the Electron shell.
 */

/** An opaque id of one servable file (a downloaded recording, a strip, a proxy, an export). */
export const MediaId = z.string().regex(/^m[0-9a-f]{24}$/);
export type MediaId = z.infer<typeof MediaId>;

export const JobId = z.string().regex(/^j[0-9a-f]{16}$/);
export type JobId = z.infer<typeof JobId>;

const Bytes = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const Millis = z.number().int().nonnegative().max(1_000 * 3600 * 48);

/** Where a recording stands in the local cache; `none` before anything was asked. */
export const DownloadState = z.enum(['none', 'queued', 'downloading', 'paused', 'verifying', 'ready', 'failed']);
export type DownloadState = z.infer<typeof DownloadState>;

export const RecordingDownload = z.strictObject({
  recordingId: Id,
  angle: Device,
  state: DownloadState,
  bytesDone: Bytes,
  bytes: Bytes,
  /** The file to play, once it is downloaded and verified. */
  mediaId: MediaId.nullable(),
  /** Why the download failed; or, on a ready recording, why the workstation cannot read it (found once it is downloaded, before it is opened). */
  error: ContractError.nullable(),
});
export type RecordingDownload = z.infer<typeof RecordingDownload>;

/** One assignment's recordings (main and side) and their download state. */
export const AssignmentRecordings = z.strictObject({
  assignmentId: Id,
  /** The least advanced of its recordings (failed wins over everything, ready only when all are). */
  state: DownloadState,
  bytesDone: Bytes,
  bytes: Bytes,
  recordings: z.array(RecordingDownload).max(16),
});
export type AssignmentRecordings = z.infer<typeof AssignmentRecordings>;

export const CacheUsage = z.strictObject({ usedBytes: Bytes, quotaBytes: Bytes });
export type CacheUsage = z.infer<typeof CacheUsage>;

export const RecordingsOverview = z.strictObject({
  assignments: z.array(AssignmentRecordings).max(10_000),
  usage: CacheUsage,
});
export type RecordingsOverview = z.infer<typeof RecordingsOverview>;

export const AssignmentMediaRef = z.strictObject({ assignmentId: Id });

/** `now`: what the grader has open; it goes before any background preparation. */
export const JobPriority = z.enum(['now', 'background']);
export type JobPriority = z.infer<typeof JobPriority>;

export const PrepareInput = z.strictObject({
  recordingId: Id,
  priority: JobPriority.default('now'),
  /** Tiles in the thumbnail strip. */
  tiles: z.number().int().min(4).max(120).default(60),
  /** Min/max pairs in the waveform. */
  peaks: z.number().int().min(50).max(4000).default(1000),
});
export type PrepareInput = z.input<typeof PrepareInput>;

/** How ffmpeg sorts a failure (cf. LosslessCut: aborted, out of space, failed). */
export const MediaFailureKind = z.enum(['corrupt_input', 'unsupported', 'out_of_space', 'cancelled', 'timed_out', 'failed']);
export type MediaFailureKind = z.infer<typeof MediaFailureKind>;

/** The contract error code the renderer localises for each kind of failure. */
export const MEDIA_FAILURE_CODES = {
  corrupt_input: 'media_corrupt_input',
  unsupported: 'media_unsupported',
  out_of_space: 'disk_full',
  cancelled: 'media_cancelled',
  timed_out: 'media_timed_out',
  failed: 'media_failed',
} as const satisfies Record<MediaFailureKind, ErrorCode>;

export const MediaFailure = z.strictObject({ kind: MediaFailureKind, code: ErrorCode, message: z.string().max(2000) });
export type MediaFailure = z.infer<typeof MediaFailure>;

/** Clockwise degrees the stored picture is turned for display (a phone held upright: 90 or 270). */
export const Rotation = z.union([z.literal(0), z.literal(90), z.literal(180), z.literal(270)]);
export type Rotation = z.infer<typeof Rotation>;

const Dimension = z.number().int().nonnegative().max(16_384);

export const MediaProbe = z.strictObject({
  durationMs: Millis,
  container: z.string().max(200),
  video: z
    .strictObject({
      codec: z.string().max(64),
      /** As stored. */
      width: Dimension,
      height: Dimension,
      /** As shown, after rotation. */
      displayWidth: Dimension,
      displayHeight: Dimension,
      rotation: Rotation,
      /** Average frames per second. */
      frameRate: z.number().nonnegative().max(1000),
      /** Phones often record with a variable frame rate; frame stepping then cannot assume 1/fps. */
      variableFrameRate: z.boolean(),
    })
    .nullable(),
  audio: z.strictObject({ codec: z.string().max(64), sampleRate: z.number().int().nonnegative(), channels: z.number().int().nonnegative() }).nullable(),
  /** Whether Chromium plays the original as is; when not, a proxy is made. */
  playableInChromium: z.boolean(),
  /**
   * When the video's keyframes are, in ms on the file's own timeline, in order: a paused seek
   * shows the keyframe before its time first (one frame to decode) and then the exact frame.
   * Absent when unknown, or when keyframes are so close together that seeking is quick anyway.
   */
  keyframesMs: z.array(Millis).max(20_000).optional(),
});
export type MediaProbe = z.infer<typeof MediaProbe>;

/** One JPEG sprite of keyframes, `columns` × `rows` tiles, filled row by row. */
export const ThumbnailStrip = z.strictObject({
  mediaId: MediaId,
  tileWidth: Dimension,
  tileHeight: Dimension,
  columns: z.number().int().min(1).max(120),
  rows: z.number().int().min(1).max(120),
  /** Time of each tile that holds a picture, in order; fewer than columns × rows when keyframes are sparse. */
  tileTimesMs: z.array(Millis).max(120),
});
export type ThumbnailStrip = z.infer<typeof ThumbnailStrip>;

export const SilentGap = z.strictObject({ startMs: Millis, endMs: Millis });
export type SilentGap = z.infer<typeof SilentGap>;

export const Waveform = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('peaks'),
    durationMs: Millis,
    /** Lowest and highest sample of each equal slice of the recording, in -1..1. */
    min: z.array(z.number().min(-1).max(1)).max(4000),
    max: z.array(z.number().min(-1).max(1)).max(4000),
    /** Where the candidate stopped: at least a second below the silence threshold. */
    silentGaps: z.array(SilentGap).max(2000),
    /**
     * Integrated loudness (EBU R128, ffmpeg's `ebur128`, measured in the same pass), in LUFS; null
     * when the sound is too quiet to measure (all silence) or for artefacts made before it was.
     */
    integratedLufs: z.number().min(-120).max(10).nullable().default(null),
  }),
  /** The recording has no audio stream (e.g. a side phone with its microphone off): not an error. */
  z.strictObject({ kind: z.literal('no_audio') }),
]);
export type Waveform = z.infer<typeof Waveform>;

export const Playback = z.discriminatedUnion('kind', [
  /** Chromium plays the downloaded file itself. */
  z.strictObject({ kind: z.literal('original'), mediaId: MediaId }),
  /** A browser-playable H.264/AAC copy, made because the original is not playable (e.g. HEVC). */
  z.strictObject({ kind: z.literal('proxy'), mediaId: MediaId, reason: z.string().max(300) }),
]);
export type Playback = z.infer<typeof Playback>;

function artefact<T extends z.ZodType>(value: T) {
  return z.discriminatedUnion('state', [
    z.strictObject({ state: z.literal('pending'), jobId: JobId.nullable(), progress: z.number().min(0).max(1).nullable() }),
    z.strictObject({ state: z.literal('ready'), value }),
    z.strictObject({ state: z.literal('failed'), error: MediaFailure }),
  ]);
}

/** Everything review needs of one recording, each part arriving as its job finishes. */
export const RecordingArtefacts = z.strictObject({
  recordingId: Id,
  probe: artefact(MediaProbe),
  strip: artefact(ThumbnailStrip),
  waveform: artefact(Waveform),
  playback: artefact(Playback),
});
export type RecordingArtefacts = z.infer<typeof RecordingArtefacts>;

export const MediaJobKind = z.enum(['probe', 'strip', 'waveform', 'proxy', 'side_by_side', 'clip']);
export type MediaJobKind = z.infer<typeof MediaJobKind>;

export const MediaJobState = z.enum(['queued', 'running', 'done', 'failed']);
export type MediaJobState = z.infer<typeof MediaJobState>;

export const MediaJob = z.strictObject({
  jobId: JobId,
  kind: MediaJobKind,
  priority: JobPriority,
  recordingId: Id.nullable(),
  assignmentId: Id.nullable(),
  state: MediaJobState,
  /** 0..1 while running, when ffmpeg's output says how far it is. */
  progress: z.number().min(0).max(1).nullable(),
  /** What an export produced. */
  result: z.strictObject({ mediaId: MediaId }).nullable(),
  error: MediaFailure.nullable(),
});
export type MediaJob = z.infer<typeof MediaJob>;

export const JobRef = z.strictObject({ jobId: JobId });
export const JobStarted = z.strictObject({ jobId: JobId });

export const ExportSideBySideInput = z.strictObject({
  assignmentId: Id,
  /** Both angles are scaled to this height (even pixels). */
  height: z.number().int().min(120).max(1080).multipleOf(2).default(720),
});
export type ExportSideBySideInput = z.input<typeof ExportSideBySideInput>;

/** Which angles a clip shows: one of them, or both side by side on the main's clock. */
export const ExportAngles = z.enum(['main', 'side', 'both']);
export type ExportAngles = z.infer<typeof ExportAngles>;

/**
 * A marked range of an assignment's recordings, on the main's review clock (the side's part is
 * taken at main time − the assignment's alignment offset); `both` is side by side like
 * media.exportSideBySide, for that range. The older form, a `recordingId` and a range on that
 * recording's own clock, is kept.
 */
export const ExportClipInput = z
  .union([
    z.strictObject({
      assignmentId: Id,
      angles: ExportAngles,
      startMs: Millis,
      endMs: Millis,
      /** For `both`: both angles are scaled to this height (even pixels). */
      height: z.number().int().min(120).max(1080).multipleOf(2).default(720),
    }),
    z.strictObject({ recordingId: Id, startMs: Millis, endMs: Millis }),
  ])
  .refine((input) => input.endMs > input.startMs, { message: 'the clip must end after it starts', path: ['endMs'] });
export type ExportClipInput = z.input<typeof ExportClipInput>;

export const ExportKind = z.enum(['side_by_side', 'clip']);
export type ExportKind = z.infer<typeof ExportKind>;

/** The most exports main keeps listed per assignment (the oldest finished ones go first). */
export const MAX_LISTED_EXPORTS = 50;

/**
 * One export of an assignment as main keeps it (for the session): what it shows, the name it is
 * offered under (decided by main; a suggested download name, never a path), and how it stands.
 */
export const ExportEntry = z.strictObject({
  jobId: JobId,
  assignmentId: Id,
  kind: ExportKind,
  angles: ExportAngles,
  /** A clip's range on the main's clock (on its recording's own clock for the older form); null for a whole side by side. */
  range: z.strictObject({ startMs: Millis, endMs: Millis }).nullable(),
  fileName: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,119}$/),
  state: MediaJobState,
  progress: z.number().min(0).max(1).nullable(),
  /** The exported file, once done. */
  mediaId: MediaId.nullable(),
  /** Why it failed (`media_cancelled` when the grader cancelled it). */
  error: MediaFailure.nullable(),
  startedAt: z.number().int().nonnegative(),
});
export type ExportEntry = z.infer<typeof ExportEntry>;

/** An assignment's exports, newest first. */
export const ExportList = z.strictObject({ assignmentId: Id, exports: z.array(ExportEntry).max(MAX_LISTED_EXPORTS) });
export type ExportList = z.infer<typeof ExportList>;

/** The common level both angles play at when loudness normalisation is on (EBU R128's target). */
export const TARGET_LUFS = -23;
/** The most a normalising gain may raise a quiet angle, so a near-silent one is not blown up into noise. */
export const MAX_NORMALISING_GAIN_DB = 20;

/**
 * How the side angle sits on the main's clock: the side started `offsetMs` after the main (so the
 * side's time is the main's minus the offset; negative when it started first).
 * - `sound`: found by cross-correlating the two angles' sound, with its `confidence` (0..1);
 * - `grader`: set by the grader (nudged from the sound's, or from zero);
 * - `none`: the sound could not tell (`reason`), the offset is zero.
 * `detectedMs` keeps what the sound found, for a reset.
 */
export const AlignmentReason = z.enum(['no_audio', 'silent', 'low_confidence', 'no_side', 'pending', 'failed']);
export type AlignmentReason = z.infer<typeof AlignmentReason>;
export const Alignment = z.strictObject({
  assignmentId: Id,
  offsetMs: z.number().int().min(-600_000).max(600_000),
  source: z.enum(['sound', 'grader', 'none']),
  confidence: z.number().min(0).max(1).nullable(),
  detectedMs: z.number().int().min(-600_000).max(600_000).nullable(),
  reason: AlignmentReason.nullable(),
});
export type Alignment = z.infer<typeof Alignment>;

export const SetAlignmentInput = z.strictObject({ assignmentId: Id, offsetMs: z.number().int().min(-600_000).max(600_000) });
export type SetAlignmentInput = z.infer<typeof SetAlignmentInput>;
