import { z } from 'zod';
import { command, type CommandSpec } from './command';
import {
  Alignment,
  AssignmentMediaRef,
  AssignmentRecordings,
  ExportClipInput,
  ExportList,
  ExportSideBySideInput,
  JobRef,
  JobStarted,
  PrepareInput,
  RecordingArtefacts,
  RecordingsOverview,
  SetAlignmentInput,
} from './media-schemas';
import { NoInput } from './schemas';

/** Recordings: downloads, media jobs, review artefacts (see main/downloads and main/media). */
export const mediaCommands = {
  'recordings.overview': command({
    summary: "Download state of every recorded assignment of the examiner, and how full the media cache is.",
    input: NoInput,
    output: RecordingsOverview,
  }),
  'recordings.state': command({
    summary: "One assignment's recordings (main and side): download state, progress, error, media id when ready.",
    input: AssignmentMediaRef,
    output: AssignmentRecordings,
  }),
  'recordings.download': command({
    summary: "Download an assignment's recordings into the cache (a few at once, resumable, sha256-verified).",
    input: AssignmentMediaRef,
    output: AssignmentRecordings,
  }),
  'recordings.pause': command({
    summary: "Pause an assignment's downloads; what has arrived is kept.",
    input: AssignmentMediaRef,
    output: AssignmentRecordings,
  }),
  'recordings.resume': command({
    summary: "Resume an assignment's paused or failed downloads from where they stopped.",
    input: AssignmentMediaRef,
    output: AssignmentRecordings,
  }),
  'recordings.cancel': command({
    summary: "Stop an assignment's downloads and discard what has arrived (ready recordings stay).",
    input: AssignmentMediaRef,
    output: AssignmentRecordings,
  }),
  'media.prepare': command({
    summary: 'Derive what review needs of a downloaded recording; the rest arrives as media.artefacts events.',
    input: PrepareInput,
    output: RecordingArtefacts,
  }),
  'media.getAlignment': command({
    summary:
      "Where the side angle sits on the main's clock: found from the two angles' sound once both waveforms are made (reason pending until then), or as the grader set it; kept with the assignment.",
    input: AssignmentMediaRef,
    output: Alignment,
  }),
  'media.setAlignment': command({
    summary: "The grader's own offset of the side angle (a nudge of a frame or 100 ms from the current one); exports use it.",
    input: SetAlignmentInput,
    output: Alignment,
  }),
  'media.resetAlignment': command({
    summary: 'Back to the offset the sound found (zero when it found none).',
    input: AssignmentMediaRef,
    output: Alignment,
  }),
  'media.exportSideBySide': command({
    summary: "Export an assignment's main and side angles side by side, the side on the main's clock by the assignment's alignment (audio from the main); done arrives as media.job.",
    input: ExportSideBySideInput,
    output: JobStarted,
  }),
  'media.exportClip': command({
    summary:
      "Export a marked range (on the main's clock) of an assignment's main angle, its side angle (by the alignment) or both side by side; one angle is stream-copied when it starts on a keyframe, re-encoded otherwise; done arrives as media.job.",
    input: ExportClipInput,
    output: JobStarted,
  }),
  'media.listExports': command({
    summary: "An assignment's exports of this session, newest first, as main keeps them (file name, state, progress, result, error); media.job keeps them current.",
    input: AssignmentMediaRef,
    output: ExportList,
  }),
  'media.cancelJob': command({
    summary: 'Cancel a queued or running media job; its ffmpeg process is stopped.',
    input: JobRef,
    output: z.null(),
  }),
} as const satisfies Record<string, CommandSpec<z.ZodType, z.ZodType>>;
