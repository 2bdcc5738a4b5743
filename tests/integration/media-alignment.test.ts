import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alignment, MediaJob, RecordingArtefacts, Waveform } from '@common/contract';
import type { Assignment } from '@common/platform';
import { normalisingGainDb } from '@common/media/loudness';
import { alignAngles, type AngleSound } from '../../main/media/align';
import { resolveFfmpegTools, resolveMediaTools } from '../../node-shared/media/binaries';
import { EnvelopeBuilder } from '../../main/media/envelope';
import { probeRecording } from '../../main/media/probe';
import { FfmpegRunner } from '../../node-shared/media/runner';
import { requireVideo, sideBySideArgs, sideBySideLayout } from '../../main/media/transcode';
import { makeWaveform } from '../../main/media/waveform';
import { sql } from '../../main/store/sql';
import { HOST_COOKIE } from '../../main/host/browser-host';
import { silentLogger } from '../../main/log';
import { DEMO_RECORDED_SLOT_IDS } from '../../platform/demo/exam';
import { halves, pictureLagMs, recordPerformance, type PerformanceAngle } from '../support/performance-pair';
import { startStack, type Stack } from '../support/servers';
import { workstationCommands } from '../support/workstation';

/**
 * Aligning two angles of one performance by their sound, on recordings made by real ffmpeg: one
 * source (a melody of tones switching at uneven moments, gated on and off), heard by a main phone
 * and by a side phone that started 2.37 s later, each with its own gain and noise; both with a
 * picture drawn from the source's sound (`showwaves`), so the exported halves can be compared too.
 */
const tools = resolveMediaTools();
const run = promisify(execFile);
const runner = new FfmpegRunner(() => resolveFfmpegTools({ configuredPath: null, bundledPath: null }), silentLogger);
const signal = new AbortController().signal;
const context = { signal, progress: () => undefined };
const SIDE_STARTS_S = 2.37;
const FRAME_MS = 1000 / 30;

const ANGLES = {
  main: { start: 0, seconds: 26, gainDb: 0, noise: { colour: 'pink', amplitude: 0.02, seed: 1 }, sound: 'heard' },
  side: { start: SIDE_STARTS_S, seconds: 24, gainDb: -10, noise: { colour: 'white', amplitude: 0.03, seed: 2 }, sound: 'heard' },
  silentSide: { start: SIDE_STARTS_S, seconds: 20, gainDb: 0, noise: { colour: 'white', amplitude: 0.001, seed: 3 }, sound: 'silent' },
  hush: { start: 0, seconds: 10, gainDb: 0, noise: null, sound: 'silent' },
  muteSide: { start: SIDE_STARTS_S, seconds: 20, gainDb: 0, noise: null, sound: 'none' },
  quiet: { start: 0, seconds: 20, gainDb: -12, noise: null, sound: 'heard' },
  loud: { start: 0, seconds: 20, gainDb: 0, noise: null, sound: 'heard' },
} satisfies Record<string, PerformanceAngle>;
type Name = keyof typeof ANGLES;

let dir: string;
const files = {} as Record<Name, string>;
const waveforms = {} as Record<Name, Waveform>;
const sounds = {} as Record<Name, AngleSound>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'media-alignment-'));
  await Promise.all(
    (Object.entries(ANGLES) as [Name, PerformanceAngle][]).map(async ([name, angle]) => {
      files[name] = join(dir, `${name}.mp4`);
      await recordPerformance(angle, files[name]);
      const envelope = new EnvelopeBuilder();
      const probe = await probeRecording(runner, files[name], signal);
      waveforms[name] = await makeWaveform(runner, files[name], probe.summary.audio !== null, 200, probe.summary.durationMs, context, 60_000, envelope);
      sounds[name] = waveforms[name].kind === 'no_audio' ? 'no_audio' : envelope.finish();
    }),
  );
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('aligning two angles by their sound', () => {
  it('finds that the side started 2.37 s after the main, within a frame at 30 fps', () => {
    const found = alignAngles(sounds.main, sounds.side);
    expect(found.reason).toBeNull();
    expect(Math.abs(found.offsetMs - SIDE_STARTS_S * 1000)).toBeLessThanOrEqual(FRAME_MS);
    expect(found.confidence).toBeGreaterThan(0.5);
  });

  it('finds the same pair the other way round as the main starting 2.37 s after the side', () => {
    const found = alignAngles(sounds.side, sounds.main);
    expect(found.reason).toBeNull();
    expect(Math.abs(found.offsetMs + SIDE_STARTS_S * 1000)).toBeLessThanOrEqual(FRAME_MS);
  });

  it('says why it found nothing: a silent side, a side without audio, no side', () => {
    expect(waveforms.silentSide.kind).toBe('peaks');
    expect(alignAngles(sounds.main, sounds.silentSide)).toEqual({ offsetMs: 0, confidence: null, reason: 'silent' });
    expect(waveforms.muteSide.kind).toBe('no_audio');
    expect(alignAngles(sounds.main, sounds.muteSide)).toEqual({ offsetMs: 0, confidence: null, reason: 'no_audio' });
    expect(alignAngles(sounds.main, null)).toEqual({ offsetMs: 0, confidence: null, reason: 'no_side' });
  });
});

describe('the side-by-side export on the main clock', () => {
  async function exportPair(offsetMs: number, name: string): Promise<{ left: Float32Array; right: Float32Array }> {
    const [main, side] = await Promise.all([probeRecording(runner, files.main, signal), probeRecording(runner, files.side, signal)]);
    const layout = sideBySideLayout(requireVideo(main), requireVideo(side), 180);
    const output = join(dir, name);
    await runner.run({ tool: 'ffmpeg', args: sideBySideArgs(files.main, files.side, output, layout, 0, offsetMs), timeoutMs: 120_000, signal, durationMs: 26_000 });
    return halves(output, dir);
  }

  it('lines the halves up when exported with the offset, and not without it', async () => {
    const found = alignAngles(sounds.main, sounds.side);
    const aligned = await exportPair(found.offsetMs, 'aligned.mp4');
    const apart = await exportPair(0, 'apart.mp4');
    const lagOf = ({ left, right }: { left: Float32Array; right: Float32Array }) => pictureLagMs(left, right);
    // Without it the right half shows the source 2.37 s ahead of the left: the measure sees it.
    expect(Math.abs(lagOf(apart) - SIDE_STARTS_S * 1000)).toBeLessThanOrEqual(FRAME_MS);
    expect(Math.abs(lagOf(aligned))).toBeLessThanOrEqual(FRAME_MS);
  }, 120_000);
});

describe('loudness, measured in the waveform pass', () => {
  it('measures two recordings 12 dB apart about 12 LU apart, and the normalising gains bring them within 1 dB', () => {
    const loud = waveforms.loud.kind === 'peaks' ? waveforms.loud.integratedLufs : null;
    const quiet = waveforms.quiet.kind === 'peaks' ? waveforms.quiet.integratedLufs : null;
    expect(loud).not.toBeNull();
    expect(quiet).not.toBeNull();
    expect(Math.abs((loud ?? 0) - (quiet ?? 0) - 12)).toBeLessThanOrEqual(0.5);
    const levelled = [(loud ?? 0) + normalisingGainDb(loud), (quiet ?? 0) + normalisingGainDb(quiet)];
    expect(Math.abs((levelled[0] ?? 0) - (levelled[1] ?? 0))).toBeLessThanOrEqual(1);
  });

  it('has no loudness for a recording of digital silence, and a faint hiss measures far below the others', () => {
    expect(waveforms.hush).toMatchObject({ kind: 'peaks', integratedLufs: null });
    expect(alignAngles(sounds.main, sounds.hush).reason).toBe('silent');
    const hiss = waveforms.silentSide.kind === 'peaks' ? waveforms.silentSide.integratedLufs : null;
    expect(hiss ?? -70).toBeLessThan(-50);
  });
});

/**
 * The same through the workstation's commands and events, on the demo's recordings (a steady tone
 * on each phone; one pair whose side phone has no audio): pending until both waveforms are made,
 * found and announced when the second is, kept, set and reset by the grader, and used by the export.
 */
describe('media.getAlignment / setAlignment / resetAlignment', () => {
  let stack: Stack;
  let platformDir: string;
  let assignments: Assignment[];
  const seen: Alignment[] = [];

  const { call, waitFor } = workstationCommands(() => stack.workstation);
  const settled = (artefacts: RecordingArtefacts) => artefacts.waveform.state !== 'pending';
  async function prepare(recordingId: string): Promise<RecordingArtefacts> {
    const done = waitFor('media.artefacts', (artefacts) => artefacts.recordingId === recordingId && settled(artefacts));
    const now = await call('media.prepare', { recordingId, priority: 'now', tiles: 12, peaks: 100 });
    return settled(now) ? now : done;
  }
  const angleOf = (assignment: Assignment, angle: 'main' | 'side') => assignment.recordings.find((recording) => recording.angle === angle)?.recordingId ?? '';

  beforeAll(async () => {
    platformDir = mkdtempSync(join(tmpdir(), 'media-alignment-platform-'));
    stack = await startStack({ platform: { dataDir: platformDir, demo: { liveCandidates: 1, recordedPerSlot: 2 }, demoMedia: { seconds: 6, longSeconds: 8 } } });
    await call('session.login', { username: 'grader1', password: 'demo1234' });
    stack.workstation.events.subscribe((event, payload) => {
      if (event === 'media.alignment') seen.push(payload as Alignment);
    });
    assignments = (await call('assignments.list', {})).assignments
      .map((item) => item.assignment)
      .filter((assignment) => assignment.kind === 'recorded' && (DEMO_RECORDED_SLOT_IDS as readonly string[]).includes(assignment.slotId))
    for (const assignment of assignments) {
      const ready = waitFor('recordings.progress', (state) => state.assignmentId === assignment.assignmentId && state.state === 'ready');
      const state = await call('recordings.download', { assignmentId: assignment.assignmentId });
      if (state.state !== 'ready') await ready;
    }
  }, 120_000);

  afterAll(async () => {
    await stack.stop();
    rmSync(platformDir, { recursive: true, force: true });
  });

  it('is pending until both waveforms are made, then found once and announced', async () => {
    const [first] = assignments;
    if (!first) throw new Error('no demo assignment');
    expect(await call('media.getAlignment', { assignmentId: first.assignmentId })).toMatchObject({ reason: 'pending', offsetMs: 0, source: 'none' });
    await prepare(angleOf(first, 'main'));
    expect(await call('media.getAlignment', { assignmentId: first.assignmentId })).toMatchObject({ reason: 'pending' });
    expect(seen.filter((alignment) => alignment.assignmentId === first.assignmentId)).toEqual([]);
    const announced = waitFor('media.alignment', (alignment) => alignment.assignmentId === first.assignmentId);
    await prepare(angleOf(first, 'side'));
    const found = await announced;
    expect(found.reason).not.toBe('pending');
    expect(found.source === 'sound' ? found.detectedMs : found.offsetMs).toBe(found.offsetMs);
    // Stored: asked again, the same, with nothing announced again.
    expect(await call('media.getAlignment', { assignmentId: first.assignmentId })).toEqual(found);
    expect(seen.filter((alignment) => alignment.assignmentId === first.assignmentId)).toHaveLength(1);
  }, 60_000);

  it("keeps the grader's offset, announces it, uses it in the export, and resets to what the sound found", async () => {
    const [first] = assignments;
    if (!first) throw new Error('no demo assignment');
    const found = await call('media.getAlignment', { assignmentId: first.assignmentId });
    const announced = waitFor('media.alignment', (alignment) => alignment.assignmentId === first.assignmentId && alignment.source === 'grader');
    const set = await call('media.setAlignment', { assignmentId: first.assignmentId, offsetMs: 3000 });
    expect(set).toEqual({ ...found, offsetMs: 3000, source: 'grader' });
    expect(await announced).toEqual(set);
    expect(await call('media.getAlignment', { assignmentId: first.assignmentId })).toEqual(set);

    // The side starts 3 s into the export, so the export runs until 3 s after the side's end.
    const { jobId } = await call('media.exportSideBySide', { assignmentId: first.assignmentId, height: 180 });
    const job = await waitFor('media.job', (event: MediaJob) => event.jobId === jobId && (event.state === 'done' || event.state === 'failed'));
    expect(job.state).toBe('done');
    const row = stack.workstation.store.reader.get<{ variant: string }>(sql`SELECT variant FROM media_artefacts WHERE media_id = ${job.result?.mediaId ?? ''}`);
    expect(row?.variant).toContain(':offset=3000');
    const served = await fetch(`${stack.host.origin}/media/${job.result?.mediaId ?? ''}`, { headers: { cookie: `${HOST_COOKIE}=${stack.host.openSession()}` } });
    expect(served.status).toBe(200);
    const file = join(platformDir, 'export.mp4');
    writeFileSync(file, Buffer.from(await served.arrayBuffer()));
    const { stdout } = await run(tools.ffprobe, ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file]);
    const durationOf = (angle: 'main' | 'side') => (first.recordings.find((recording) => recording.angle === angle)?.durationMs ?? Number.NaN) / 1000;
    expect(Number(stdout.trim())).toBeCloseTo(Math.max(durationOf('main'), durationOf('side') + 3), 0);

    const reset = await call('media.resetAlignment', { assignmentId: first.assignmentId });
    expect(reset).toEqual(found);
    expect(seen.at(-1)).toEqual(found);
  }, 60_000);

  it('says no_audio for the pair whose side phone had its microphone off, and fills in what the sound found under an offset set before', async () => {
    const rest = assignments.slice(1);
    const early = rest[0]?.assignmentId ?? '';
    // The grader nudged this one before either waveform was made: the sound's findings come later, the offset stays.
    expect(await call('media.setAlignment', { assignmentId: early, offsetMs: 500 })).toMatchObject({ offsetMs: 500, source: 'grader', detectedMs: null, reason: null });
    const found = new Map<string, { alignment: Alignment; sideWaveform: RecordingArtefacts['waveform'] }>();
    for (const assignment of rest) {
      const announced = waitFor('media.alignment', (alignment) => alignment.assignmentId === assignment.assignmentId && (alignment.detectedMs !== null || alignment.reason !== null));
      const [, side] = await Promise.all([prepare(angleOf(assignment, 'main')), prepare(angleOf(assignment, 'side'))]);
      found.set(assignment.assignmentId, { alignment: await announced, sideWaveform: side.waveform });
    }
    expect(found.get(early)?.alignment).toMatchObject({ offsetMs: 500, source: 'grader' });
    expect(await call('media.getAlignment', { assignmentId: early })).toEqual(found.get(early)?.alignment);

    const mute = [...found].filter(([, { sideWaveform }]) => sideWaveform.state === 'ready' && sideWaveform.value.kind === 'no_audio');
    expect(mute).toHaveLength(1);
    const [assignmentId, { alignment }] = mute[0] ?? ['', { alignment: null }];
    expect(alignment).toMatchObject({ assignmentId, confidence: null, detectedMs: null, reason: 'no_audio' });
    if (assignmentId !== early) expect(alignment).toEqual({ assignmentId, offsetMs: 0, source: 'none', confidence: null, detectedMs: null, reason: 'no_audio' });
    for (const [id, other] of found) if (id !== assignmentId) expect(other.alignment.reason).not.toBe('no_audio');
  }, 60_000);
});
