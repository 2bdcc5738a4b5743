import { createHash, randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Device } from '@common/platform/queue';
import type { PlatformContext } from '../context';
import { sha256File } from '../media/sha256';
import { writeSyntheticRecording, type SyntheticRecording } from '../media/synthetic-recording';
import { resolveMediaTools, type FfmpegTools as MediaTools } from '../../node-shared/media/binaries';
import { recordingFile, recordingOf, saveRecording, type RecordingRow } from '../state/recordings';
import { DEMO_DANCE_SLOT_ID, DEMO_RECORDED_SLOT_IDS } from './exam';

export interface DemoMediaOptions {
  /** Length of an ordinary demo recording in seconds (default 20); tests ask for a few. */
  readonly seconds?: number;
  /** Length of the one long recording (default 200: the review player's "few minutes" case). */
  readonly longSeconds?: number;
  /** Default: resolved from FFMPEG_PATH / FFPROBE_PATH, else PATH. */
  readonly tools?: MediaTools;
}

export interface DemoMediaResult {
  /** Recording ids written by this call. */
  readonly generated: readonly string[];
  /** Recording ids whose cached file was intact and kept. */
  readonly reused: readonly string[];
}

export interface PlannedRecording {
  readonly candidateId: string;
  readonly slotId: string;
  readonly angle: Device;
  readonly spec: SyntheticRecording;
  /** Named after its recipe too, so changed options make a new file rather than reuse an old one. */
  readonly fileName: string;
}

const PARTIAL_SUFFIX = '.partial';

/** How long after the main the side phone of the demo's performance pair (candidate 5 of the recorded slots) started. */
export const DEMO_SIDE_LATE_S = 2.4;

/**
 * Generates (once; cached in ctx.mediaDir) and registers a main and a side recording for every
 * candidate of the demo's recorded slots, the dance slot's (and its anchors') included. The first few candidates carry the cases review has
 * to cope with: a portrait phone (display rotation), HEVC video (which Chromium cannot play),
 * a silent gap, a recording a few minutes long, a side camera without audio, and two phones of one
 * performance that started 2.4 s apart at different loudness.
 */
export async function ensureDemoRecordings(ctx: PlatformContext, options: DemoMediaOptions = {}): Promise<DemoMediaResult> {
  const mediaDir = ctx.mediaDir;
  if (mediaDir === null) throw new Error('demo recordings need a data folder (PlatformOptions.dataDir)');
  const plan = planDemoRecordings(ctx, options);
  const tools = options.tools ?? resolveMediaTools();
  await mkdir(mediaDir, { recursive: true });
  await removePartials(mediaDir);

  const generated: string[] = [];
  const reused: string[] = [];
  const stale: PlannedRecording[] = [];
  for (const planned of plan) {
    const row = recordingOf(ctx.db, planned.candidateId, planned.slotId, planned.angle);
    if (row && row.path === planned.fileName && (await isIntact(mediaDir, row))) reused.push(row.id);
    else stale.push(planned);
  }

  const jobs = stale.map((planned) => async () => {
    generated.push(await generate(ctx, mediaDir, tools, planned));
  });
  // Each ffmpeg is mostly one busy thread at these sizes; two at a time fill a 2-core machine.
  await runAll(jobs, Math.max(1, Math.min(2, availableParallelism())));
  return { generated, reused };
}

/** Which recordings the demo has, and how each is made; in the order of the recorded slots and their candidates. */
export function planDemoRecordings(ctx: PlatformContext, options: Omit<DemoMediaOptions, 'tools'> = {}): PlannedRecording[] {
  const seconds = checkedSeconds(options.seconds ?? 20, 'seconds');
  const longSeconds = checkedSeconds(options.longSeconds ?? 200, 'longSeconds');
  const pairs: { candidateId: string; slotId: string; special: boolean }[] = [];
  const candidatesOf = ctx.db.prepare('SELECT DISTINCT candidate_id FROM assignments WHERE slot_id = ? ORDER BY candidate_id');
  // The dance slot (its anchors' candidates among them) comes last and has only ordinary recordings.
  for (const slotId of [...DEMO_RECORDED_SLOT_IDS, DEMO_DANCE_SLOT_ID]) {
    const special = slotId !== DEMO_DANCE_SLOT_ID;
    for (const { candidate_id } of candidatesOf.all(slotId) as { candidate_id: string }[]) pairs.push({ candidateId: candidate_id, slotId, special });
  }
  return pairs.flatMap(({ candidateId, slotId, special }, index) =>
    (['main', 'side'] as const).map((angle) => {
      const spec = demoSpec(index, angle, seconds, longSeconds, special);
      const recipe = createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, 12);
      return { candidateId, slotId, angle, spec, fileName: `${candidateId}_${slotId}_${angle}_${recipe}.mp4` };
    }),
  );
}

/** What candidate number `index` of the recorded slots uploaded from each phone; the odd cases only where `special`. */
function demoSpec(index: number, angle: Device, seconds: number, longSeconds: number, special = true): SyntheticRecording {
  const toneHz = (angle === 'main' ? 220 : 330) + (index % 40) * 20;
  const main: SyntheticRecording = {
    seconds,
    width: 640,
    height: 360,
    fps: 30,
    pattern: 'testsrc2',
    video: 'h264',
    audio: { toneHz },
    displayRotation: 0,
  };
  const side: SyntheticRecording = { ...main, width: 480, height: 270, pattern: 'testsrc' };
  const base = angle === 'main' ? main : side;
  if (!special) return base;
  switch (index) {
    case 0:
      // A side phone held upright: stored landscape, shown portrait.
      return angle === 'side' ? { ...side, displayRotation: 90 } : main;
    case 1:
      // An iPhone main camera records HEVC; the side phone's microphone was off.
      return angle === 'main' ? { ...main, video: 'hevc' } : { ...side, audio: null };
    case 2: {
      // The candidate stopped playing for a while: the waveform must show the gap.
      const silence = { from: round1(seconds * 0.35), to: round1(seconds * 0.6) };
      return angle === 'main' ? { ...main, audio: { toneHz, silence } } : side;
    }
    case 3:
      // A whole piece: minutes long, at a low resolution so generating it stays quick.
      return { ...base, seconds: longSeconds, width: 320, height: 180, fps: 15 };
    case 4:
      // Both phones heard one performance, the side started 2.4 s after the main and stands
      // farther away (8 dB quieter): review lines them up by their sound and plays both as loud.
      // At least 20 s however short the demo's recordings are: a few seconds hold too few notes to tell.
      return angle === 'main'
        ? { ...main, seconds: Math.max(seconds, 20), audio: { toneHz, performance: { fromS: 0, gainDb: 0 } } }
        : { ...side, seconds: Math.max(seconds, 20) - 2, audio: { toneHz, performance: { fromS: DEMO_SIDE_LATE_S, gainDb: -8 } } };
    default:
      return base;
  }
}

async function generate(ctx: PlatformContext, mediaDir: string, tools: MediaTools, planned: PlannedRecording): Promise<string> {
  const target = join(mediaDir, planned.fileName);
  const partial = `${target}.${randomBytes(4).toString('hex')}${PARTIAL_SUFFIX}`;
  try {
    const probed = await writeSyntheticRecording(tools, planned.spec, partial);
    // Hash what will be served; the rename is atomic, so the final name never holds half a file.
    const [sha256, { size }] = await Promise.all([sha256File(partial), stat(partial)]);
    await rename(partial, target);
    const previous = recordingOf(ctx.db, planned.candidateId, planned.slotId, planned.angle);
    const row = saveRecording(ctx.db, {
      id: `rec-${randomBytes(8).toString('hex')}`,
      candidate_id: planned.candidateId,
      slot_id: planned.slotId,
      angle: planned.angle,
      path: planned.fileName,
      content_type: 'video/mp4',
      bytes: size,
      sha256,
      duration_ms: probed.durationMs,
    });
    const previousFile = previous ? recordingFile(mediaDir, previous) : null;
    if (previousFile !== null && previous?.path !== planned.fileName) await rm(previousFile, { force: true });
    return row.id;
  } finally {
    await rm(partial, { force: true });
  }
}

async function isIntact(mediaDir: string, row: RecordingRow): Promise<boolean> {
  const file = recordingFile(mediaDir, row);
  if (file === null) return false;
  try {
    return (await stat(file)).size === row.bytes && (await sha256File(file)) === row.sha256;
  } catch {
    return false;
  }
}

/** Leftovers of a generation that was killed: never referenced by a row, so safe to drop. */
async function removePartials(mediaDir: string): Promise<void> {
  for (const name of await readdir(mediaDir)) {
    if (name.endsWith(PARTIAL_SUFFIX) || name.endsWith(`${PARTIAL_SUFFIX}.unrotated`)) await rm(join(mediaDir, name), { force: true });
  }
}

/** Runs the jobs `limit` at a time; waits for every started job before reporting the first failure. */
async function runAll(jobs: readonly (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const worker = async () => {
    while (next < jobs.length && errors.length === 0) {
      const job = jobs[next++];
      try {
        await job?.();
      } catch (error) {
        errors.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  if (errors.length > 0) throw errors[0];
}

function checkedSeconds(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1 || value > 3600) throw new RangeError(`demo media ${name} must be a whole number of seconds from 1 to 3600`);
  return value;
}

const round1 = (value: number) => Math.round(value * 10) / 10;
