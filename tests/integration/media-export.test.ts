import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alignment, CommandInput, CommandName, ErrorCode, MediaJob, RecordingArtefacts } from '@common/contract';
import type { Assignment } from '@common/platform';
import { HOST_COOKIE } from '../../main/host/browser-host';
import { DEMO_RECORDED_SLOT_IDS } from '../../platform/demo/exam';
import { probeMedia } from '../../platform/media/probe';
import { sha256File } from '../../platform/media/sha256';
import { resolveMediaTools } from '../../node-shared/media/binaries';
import type { RunningPlatform } from '../../platform/server';
import { recordingOf, saveRecording } from '../../platform/state/recordings';
import { brightness, durationSeconds, halves, pictureLagMs, PICTURE_FPS, recordPerformance, type PerformanceAngle } from '../support/performance-pair';
import { startStack, type Stack } from '../support/servers';
import { workstationCommands } from '../support/workstation';

/**
 * Clips of an assignment's angles through the workstation's commands, with real ffmpeg, on a pair
 * of one performance whose side phone started 2.37 s after the main (pictures drawn from the
 * sound, so the exported pictures can be lined up): the range is on the main's clock, the side's
 * part is taken by the alignment the sound found, `both` puts the two side by side on that clock;
 * and main keeps the list of exports (names, states, files) for the renderer to load.
 */
const SIDE_STARTS_S = 2.37;
const FRAME_MS = 1000 / PICTURE_FPS;
const PAIR = {
  main: { start: 0, seconds: 26, gainDb: 0, noise: { colour: 'pink', amplitude: 0.02, seed: 1 }, sound: 'heard' },
  side: { start: SIDE_STARTS_S, seconds: 24, gainDb: -10, noise: { colour: 'white', amplitude: 0.03, seed: 2 }, sound: 'heard' },
} as const satisfies Record<string, PerformanceAngle>;

let stack: Stack;
let platformDir: string;
let scratch: string;
let assignment: Assignment;
let alignment: Alignment;

const { call, waitFor } = workstationCommands(() => stack.workstation);
async function refusal<N extends CommandName>(name: N, input: CommandInput<N>): Promise<ErrorCode | null> {
  const result = await stack.workstation.dispatch(name, input, { transport: 'test' });
  return result.ok ? null : result.error.code;
}
const ended = (jobId: string) => waitFor('media.job', (job: MediaJob) => job.jobId === jobId && (job.state === 'done' || job.state === 'failed'));
const recordingOfAngle = (angle: 'main' | 'side') => assignment.recordings.find((recording) => recording.angle === angle)?.recordingId ?? '';

/** Starts an export and waits for its end; the job as its last event says. */
async function exported(start: Promise<{ jobId: string }>): Promise<MediaJob> {
  const ends: MediaJob[] = [];
  const off = stack.workstation.events.subscribe((event, payload) => {
    const job = payload as MediaJob;
    if (event === 'media.job' && (job.state === 'done' || job.state === 'failed')) ends.push(job);
  });
  try {
    const { jobId } = await start;
    const seen = ends.find((job) => job.jobId === jobId);
    return seen ?? (await ended(jobId));
  } finally {
    off();
  }
}

/** The exported file, fetched as the renderer's save link would, into the scratch folder. */
async function saved(mediaId: string, name: string): Promise<string> {
  const served = await fetch(`${stack.host.origin}/media/${mediaId}`, { headers: { cookie: `${HOST_COOKIE}=${stack.host.openSession()}` } });
  expect(served.status).toBe(200);
  const file = join(scratch, name);
  writeFileSync(file, Buffer.from(await served.arrayBuffer()));
  return file;
}

beforeAll(async () => {
  platformDir = mkdtempSync(join(tmpdir(), 'media-export-platform-'));
  scratch = mkdtempSync(join(tmpdir(), 'media-export-'));
  stack = await startStack({ platform: { dataDir: platformDir, demo: { liveCandidates: 1, recordedPerSlot: 1, danceCandidates: 0 }, demoMedia: { seconds: 4, longSeconds: 6 } } });
  const platform = stack.platform as RunningPlatform;
  // grader1's first recorded assignment gets the performance pair in place of the demo's recordings.
  const row = platform.ctx.db
    .prepare(`SELECT id, candidate_id, slot_id FROM assignments WHERE examiner_id = 'gr-01' AND slot_id IN (${DEMO_RECORDED_SLOT_IDS.map(() => '?').join(', ')}) ORDER BY id LIMIT 1`)
    .get(...DEMO_RECORDED_SLOT_IDS) as { id: string; candidate_id: string; slot_id: string } | undefined;
  if (!row) throw new Error('grader1 has no recorded assignment in the demo');
  const tools = resolveMediaTools();
  for (const angle of ['main', 'side'] as const) {
    const file = join(scratch, `${angle}.mp4`);
    await recordPerformance(PAIR[angle], file);
    const before = recordingOf(platform.ctx.db, row.candidate_id, row.slot_id, angle);
    if (!before) throw new Error(`the demo has no ${angle} recording for ${row.candidate_id}`);
    saveRecording(platform.ctx.db, {
      ...before,
      path: file,
      bytes: (await stat(file)).size,
      sha256: await sha256File(file),
      duration_ms: (await probeMedia(tools, file)).durationMs,
    });
  }

  await call('session.login', { username: 'grader1', password: 'demo1234' });
  const found = (await call('assignments.list', {})).assignments
    .map((item) => item.assignment)
    .find((item) => item.assignmentId === row.id);
  if (!found) throw new Error('the assignment with the performance pair is not listed');
  assignment = found;
  const ready = waitFor('recordings.progress', (state) => state.assignmentId === assignment.assignmentId && state.state === 'ready');
  if ((await call('recordings.download', { assignmentId: assignment.assignmentId })).state !== 'ready') await ready;

  // Both waveforms made: the sound finds the offset.
  const announced = waitFor('media.alignment', (found) => found.assignmentId === assignment.assignmentId && found.reason !== 'pending');
  const settled = (artefacts: RecordingArtefacts) => artefacts.waveform.state !== 'pending';
  for (const recordingId of [recordingOfAngle('main'), recordingOfAngle('side')]) {
    const done = waitFor('media.artefacts', (artefacts) => artefacts.recordingId === recordingId && settled(artefacts));
    if (!settled(await call('media.prepare', { recordingId, priority: 'now', tiles: 12, peaks: 100 }))) await done;
  }
  alignment = await announced;
}, 240_000);

afterAll(async () => {
  await stack?.stop();
  if (platformDir) rmSync(platformDir, { recursive: true, force: true });
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('clips of an assignment, on the main clock', () => {
  const RANGE = { startMs: 5000, endMs: 15_000 } as const;
  const jobs = new Map<string, MediaJob>();

  it('has the side 2.37 s after the main, found by the sound', () => {
    expect(alignment.source).toBe('sound');
    expect(Math.abs(alignment.offsetMs - SIDE_STARTS_S * 1000)).toBeLessThanOrEqual(FRAME_MS);
  });

  it('exports the main and the side for one range of the main clock: as long as the range, showing the same moments', async () => {
    const { assignmentId } = assignment;
    const main = await exported(call('media.exportClip', { assignmentId, angles: 'main', ...RANGE }));
    const side = await exported(call('media.exportClip', { assignmentId, angles: 'side', ...RANGE }));
    expect([main.state, side.state]).toEqual(['done', 'done']);
    jobs.set('main', main).set('side', side);
    const mainFile = await saved(main.result?.mediaId ?? '', 'main-clip.mp4');
    const sideFile = await saved(side.result?.mediaId ?? '', 'side-clip.mp4');
    expect(Math.abs((await durationSeconds(mainFile)) - 10)).toBeLessThanOrEqual(0.1);
    expect(Math.abs((await durationSeconds(sideFile)) - 10)).toBeLessThanOrEqual(0.1);
    // The side's clip is of its own recording from 5 − 2.37 s: the same moments of the performance as the main's.
    expect(Math.abs(pictureLagMs(await brightness(mainFile, scratch), await brightness(sideFile, scratch)))).toBeLessThanOrEqual(FRAME_MS);
  }, 120_000);

  it('exports both side by side for that range, the halves lined up', async () => {
    const both = await exported(call('media.exportClip', { assignmentId: assignment.assignmentId, angles: 'both', ...RANGE, height: 180 }));
    expect(both).toMatchObject({ state: 'done', kind: 'clip', assignmentId: assignment.assignmentId });
    jobs.set('both', both);
    const file = await saved(both.result?.mediaId ?? '', 'both-clip.mp4');
    expect(Math.abs((await durationSeconds(file)) - 10)).toBeLessThanOrEqual(0.1);
    const { left, right } = await halves(file, scratch);
    expect(left.length).toBeGreaterThanOrEqual(10 * PICTURE_FPS - 3);
    expect(Math.abs(pictureLagMs(left, right))).toBeLessThanOrEqual(FRAME_MS);
  }, 120_000);

  it('holds the side back (black) in a range that starts before the side phone did, still lined up', async () => {
    const early = { startMs: 1000, endMs: 12_000 };
    const both = await exported(call('media.exportClip', { assignmentId: assignment.assignmentId, angles: 'both', ...early, height: 180 }));
    expect(both.state).toBe('done');
    const file = await saved(both.result?.mediaId ?? '', 'both-early.mp4');
    expect(Math.abs((await durationSeconds(file)) - 11)).toBeLessThanOrEqual(0.1);
    const { left, right } = await halves(file, scratch);
    // Black until the side started, 1.37 s in: the right half is dark there and not after.
    const blackFrames = Math.floor(((SIDE_STARTS_S * 1000 - early.startMs) / 1000) * PICTURE_FPS) - 2;
    expect(Math.max(...right.subarray(0, blackFrames))).toBeLessThanOrEqual(16);
    expect(Math.abs(pictureLagMs(left, right))).toBeLessThanOrEqual(FRAME_MS);
  }, 120_000);

  it('refuses a side clip of a range the side phone was not recording, and lists nothing for it', async () => {
    const before = (await call('media.listExports', { assignmentId: assignment.assignmentId })).exports.length;
    expect(await refusal('media.exportClip', { assignmentId: assignment.assignmentId, angles: 'side', startMs: 0, endMs: 2000 })).toBe('invalid_input');
    expect(await refusal('media.exportClip', { assignmentId: assignment.assignmentId, angles: 'sides' as 'side', startMs: 0, endMs: 4000 })).toBe('invalid_input');
    expect((await call('media.listExports', { assignmentId: assignment.assignmentId })).exports).toHaveLength(before);
  });

  it('lists the exports newest first, with the names main gave them, their state and their files', async () => {
    const { exports } = await call('media.listExports', { assignmentId: assignment.assignmentId });
    const code = assignment.candidateCode.replace(/[^A-Za-z0-9_-]+/g, '_');
    expect(exports.slice(1).map((entry) => [entry.angles, entry.fileName, entry.state, entry.mediaId])).toEqual([
      ['both', `${code}_side-by-side_5.0-15.0s.mp4`, 'done', jobs.get('both')?.result?.mediaId],
      ['side', `${code}_side_5.0-15.0s.mp4`, 'done', jobs.get('side')?.result?.mediaId],
      ['main', `${code}_main_5.0-15.0s.mp4`, 'done', jobs.get('main')?.result?.mediaId],
    ]);
    expect(exports[0]).toMatchObject({ kind: 'clip', angles: 'both', range: { startMs: 1000, endMs: 12_000 }, state: 'done', error: null });
    // Another assignment has none of them.
    const other = (await call('assignments.list', {})).assignments.find((item) => item.assignment.assignmentId !== assignment.assignmentId)?.assignment.assignmentId ?? '';
    expect((await call('media.listExports', { assignmentId: other })).exports).toEqual([]);
  });

  it('lists a cancelled export as failed with media_cancelled and no file', async () => {
    const { jobId } = await call('media.exportSideBySide', { assignmentId: assignment.assignmentId, height: 180 });
    const end = ended(jobId);
    await call('media.cancelJob', { jobId });
    expect(await end).toMatchObject({ state: 'failed', result: null, error: { code: 'media_cancelled' } });
    const [newest] = (await call('media.listExports', { assignmentId: assignment.assignmentId })).exports;
    expect(newest).toMatchObject({ jobId, kind: 'side_by_side', angles: 'both', range: null, state: 'failed', mediaId: null, error: { code: 'media_cancelled' } });
    expect(newest?.fileName).toMatch(/_side-by-side\.mp4$/);

    await call('session.logout', {});
    expect(await refusal('media.listExports', { assignmentId: assignment.assignmentId })).toBe('not_signed_in');
  });
});
