import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandInput, CommandName, CommandOutput, EventName, EventPayload, RecordingArtefacts } from '@common/contract';
import type { Assignment } from '@common/platform';
import type { MediaStackOptions } from '../../main/media-stack';
import { silentLogger } from '../../main/log';
import { createWorkstation, type Workstation } from '../../main/workstation';
import { DEMO_RECORDED_SLOT_IDS } from '../../platform/demo/exam';
import { sha256File } from '../../platform/media/sha256';
import { writeSyntheticRecording, type SyntheticRecording } from '../../platform/media/synthetic-recording';
import { resolveMediaTools } from '../../node-shared/media/binaries';
import { startPlatform, type RunningPlatform } from '../../platform/server';
import { saveRecording } from '../../platform/state/recordings';
import { mediaProcessesIn } from '../support/media-processes';
import { workstationCommands } from '../support/workstation';

/**
 * Recordings review cannot use as they are, each arriving through the whole path (platform →
 * download → media jobs → contract): each gives a clear error on its own assignment, the rest of
 * the queue keeps working, and no ffmpeg process is left behind. Plus the 3-hour recording,
 * whose probe and strip stay quick because the strip reads keyframes only.
 */
const tools = resolveMediaTools();
let platform: RunningPlatform;
let platformDir: string;
let mediaDir: string;

const GOOD: SyntheticRecording = { seconds: 3, width: 320, height: 180, fps: 30, pattern: 'testsrc2', video: 'h264', audio: { toneHz: 440 }, displayRotation: 0 };

type Case = 'empty' | 'notVideo' | 'truncated' | 'unknownCodec' | 'threeHours' | 'good' | 'mute';
const files = {} as Record<Case, string>;
/** Which candidate (and slot) uploaded which pair: [main, side]. */
const PAIRS: [Case, Case][] = [
  ['empty', 'good'],
  ['notVideo', 'mute'],
  ['truncated', 'unknownCodec'],
  ['threeHours', 'good'],
];
const recordingIds = new Map<string, Case>();

beforeAll(async () => {
  mediaDir = mkdtempSync(join(tmpdir(), 'media-bad-input-'));
  const path = (name: string) => join(mediaDir, name);
  files.good = path('good.mp4');
  files.mute = path('mute.mp4');
  await writeSyntheticRecording(tools, GOOD, files.good);
  await writeSyntheticRecording(tools, { ...GOOD, pattern: 'testsrc', audio: null }, files.mute);
  files.empty = path('empty.mp4');
  writeFileSync(files.empty, '');
  files.notVideo = path('notes.mp4');
  writeFileSync(files.notVideo, '评分说明：这不是视频文件。\n'.repeat(50));
  // A candidate's upload cut off after its index: the index promises 3 s that are not there.
  files.truncated = path('truncated.mp4');
  const good = readFileSync(files.good);
  writeFileSync(files.truncated, good.subarray(0, Math.floor(good.length * 0.55)));
  // A codec ffmpeg cannot decode: the sample entry's fourcc renamed.
  files.unknownCodec = path('unknown-codec.mp4');
  const entry = good.indexOf('avc1', good.indexOf('stsd'));
  writeFileSync(files.unknownCodec, Buffer.concat([good.subarray(0, entry), Buffer.from('xyz1'), good.subarray(entry + 4)]));
  // Three hours, made cheaply: a tiny picture at one frame per second, and silence.
  files.threeHours = path('three-hours.mp4');
  await promisify(execFile)(tools.ffmpeg, [
    '-hide_banner', '-nostdin', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', 'color=size=64x36:rate=1:duration=10800',
    '-f', 'lavfi', '-i', 'anullsrc=channel_layout=mono:sample_rate=8000', '-t', '10800',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '60', '-c:a', 'aac', '-b:a', '16k', '-movflags', '+faststart', files.threeHours,
  ]);

  platformDir = mkdtempSync(join(tmpdir(), 'media-bad-input-platform-'));
  platform = await startPlatform({ dataDir: platformDir, demo: { liveCandidates: 1, recordedPerSlot: 2 } });
  const candidates = platform.ctx.db
    .prepare(`SELECT DISTINCT candidate_id, slot_id FROM assignments WHERE slot_id IN (?, ?) ORDER BY slot_id, candidate_id`)
    .all(...DEMO_RECORDED_SLOT_IDS) as { candidate_id: string; slot_id: string }[];
  for (const [index, pair] of PAIRS.entries()) {
    const candidate = candidates[index];
    if (!candidate) throw new Error('the demo has fewer recorded candidates than cases');
    for (const [angle, name] of [['main', pair[0]], ['side', pair[1]]] as const) {
      const id = `rec-${name}-${angle}-${randomBytes(3).toString('hex')}`;
      recordingIds.set(id, name);
      saveRecording(platform.ctx.db, {
        id,
        candidate_id: candidate.candidate_id,
        slot_id: candidate.slot_id,
        angle,
        path: files[name],
        content_type: 'video/mp4',
        bytes: statSync(files[name]).size,
        sha256: await sha256File(files[name]),
        duration_ms: name === 'threeHours' ? 10_800_000 : 3000,
      });
    }
  }
}, 60_000);

afterAll(async () => {
  await platform.close();
  rmSync(platformDir, { recursive: true, force: true });
  rmSync(mediaDir, { recursive: true, force: true });
});

interface Opened {
  readonly workstation: Workstation;
  readonly dataDir: string;
  call<N extends CommandName>(name: N, input: CommandInput<N>): Promise<CommandOutput<N>>;
  refusal(name: CommandName, input: unknown): Promise<{ code: string; message: string } | null>;
  waitFor<N extends EventName>(name: N, match: (payload: EventPayload<N>) => boolean): Promise<EventPayload<N>>;
  /** Resolves once every recording of the cases has had its probe (each is probed once it is downloaded). */
  allProbed: Promise<void>;
  stop(): void;
}

function open(media: MediaStackOptions = {}, ffmpegPath: string | null = null): Opened {
  const dataDir = mkdtempSync(join(tmpdir(), 'media-bad-input-ws-'));
  const workstation = createWorkstation({
    host: 'browser',
    config: { platformUrl: platform.url, dataDir, demo: false, ffmpegPath },
    log: silentLogger,
    healthIntervalMs: { online: 1_000, offline: 100 },
    backupIntervalMs: 3_600_000,
    media,
  });
  workstation.start();
  const probed = new Set<string>();
  const allProbed = new Promise<void>((resolve) => {
    const off = workstation.events.subscribe((event, payload) => {
      const job = payload as EventPayload<'media.job'>;
      if (event !== 'media.job' || job.kind !== 'probe' || job.recordingId === null || (job.state !== 'done' && job.state !== 'failed')) return;
      probed.add(job.recordingId);
      if (probed.size === recordingIds.size) {
        off();
        resolve();
      }
    });
  });
  return {
    workstation,
    dataDir,
    ...workstationCommands(() => workstation),
    refusal: async (name, input) => {
      const result = await workstation.dispatch(name, input, { transport: 'test' });
      return result.ok ? null : result.error;
    },
    allProbed,
    stop: () => {
      workstation.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const settledArtefacts = (artefacts: RecordingArtefacts) =>
  [artefacts.probe, artefacts.strip, artefacts.waveform, artefacts.playback].every((slot) => slot.state !== 'pending');

/** Asks for everything review needs of a recording and waits until each part is ready or failed. */
async function prepared(ws: Opened, recordingId: string): Promise<RecordingArtefacts> {
  const done = ws.waitFor('media.artefacts', (artefacts) => artefacts.recordingId === recordingId && settledArtefacts(artefacts));
  const now = await ws.call('media.prepare', { recordingId, priority: 'now', tiles: 60, peaks: 200 });
  return settledArtefacts(now) ? now : done;
}

/** Signs in, downloads every case and (with ffmpeg) waits for their background probes, so no ffmpeg is running when it returns. */
async function downloadAll(ws: Opened, { probes = true } = {}): Promise<Assignment[]> {
  await ws.call('session.login', { username: 'grader1', password: 'demo1234' });
  const assignments = (await ws.call('assignments.list', {})).assignments.map((item) => item.assignment).filter((assignment) => assignment.recordings.length > 0);
  expect(assignments).toHaveLength(PAIRS.length);
  await Promise.all(
    assignments.map(async (assignment) => {
      const ready = ws.waitFor('recordings.progress', (state) => state.assignmentId === assignment.assignmentId && state.state === 'ready');
      const state = await ws.call('recordings.download', { assignmentId: assignment.assignmentId });
      if (state.state !== 'ready') await ready;
    }),
  );
  if (probes) await ws.allProbed;
  return assignments;
}

const idOf = (name: Case, angle: 'main' | 'side' = 'main') =>
  [...recordingIds].find(([id, which]) => which === name && id.includes(`-${angle}-`))?.[0] ?? '';

describe('bad input through the whole path', () => {
  let ws: Opened;
  const results = new Map<Case, RecordingArtefacts>();

  beforeAll(async () => {
    ws = open();
    await downloadAll(ws);
    // All at once, bad and good mixed: the queue has to keep going past each failure.
    const everything = await Promise.all([...recordingIds.keys()].map((id) => prepared(ws, id)));
    for (const artefacts of everything) {
      const name = recordingIds.get(artefacts.recordingId);
      if (name && !results.has(name)) results.set(name, artefacts);
    }
  }, 60_000);
  afterAll(() => ws.stop());

  it.each<[Case, string]>([
    ['empty', 'media_corrupt_input'],
    ['notVideo', 'media_corrupt_input'],
    ['unknownCodec', 'media_unsupported'],
  ])('a %s recording fails its probe as %s, and so every part of it, with a message', (name, code) => {
    const artefacts = results.get(name);
    for (const slot of [artefacts?.probe, artefacts?.strip, artefacts?.waveform, artefacts?.playback]) {
      expect(slot).toMatchObject({ state: 'failed', error: { code } });
      if (slot?.state === 'failed') expect(slot.error.message.length).toBeGreaterThan(20);
    }
  });

  it('a recording cut off after its index probes, but its strip and waveform say it is truncated', () => {
    const artefacts = results.get('truncated');
    expect(artefacts?.probe.state).toBe('ready');
    expect(artefacts?.strip).toMatchObject({ state: 'failed', error: { kind: 'corrupt_input', code: 'media_corrupt_input' } });
    expect(artefacts?.waveform).toMatchObject({ state: 'failed', error: { kind: 'corrupt_input' } });
    if (artefacts?.strip.state === 'failed') expect(artefacts.strip.error.message).toMatch(/truncated/);
  });

  it('a recording without audio has a waveform of "no audio", not an error, and everything else', () => {
    const artefacts = results.get('mute');
    expect(artefacts?.waveform).toEqual({ state: 'ready', value: { kind: 'no_audio' } });
    expect(artefacts?.strip.state).toBe('ready');
    expect(artefacts?.playback).toMatchObject({ state: 'ready', value: { kind: 'original' } });
  });

  it('the good recordings beside the bad ones are fully prepared: the queue kept working', () => {
    const artefacts = results.get('good');
    for (const slot of [artefacts?.probe, artefacts?.strip, artefacts?.waveform, artefacts?.playback]) expect(slot?.state).toBe('ready');
  });

  it('a 3-hour recording probes and strips from its keyframes alone (bounded by the test timeout, not a stopwatch)', () => {
    const artefacts = results.get('threeHours');
    if (artefacts?.probe.state !== 'ready' || artefacts.strip.state !== 'ready' || artefacts.waveform.state !== 'ready') {
      throw new Error(`the 3-hour recording was not prepared: ${JSON.stringify(artefacts)}`);
    }
    expect(artefacts.probe.value.durationMs).toBe(10_800_000);
    // One tile every 3 minutes, each on the keyframe (one a minute) at or after its time.
    expect(artefacts.strip.value.tileTimesMs).toHaveLength(60);
    expect(artefacts.strip.value.tileTimesMs.slice(0, 3)).toEqual([0, 180_000, 360_000]);
    if (artefacts.waveform.value.kind !== 'peaks') throw new Error('expected peaks');
    // Silence from start to end: one gap the length of the recording.
    expect(artefacts.waveform.value.silentGaps).toHaveLength(1);
    expect(artefacts.waveform.value.silentGaps[0]?.endMs).toBeGreaterThan(10_799_000);
  });

  it('leaves no ffmpeg or ffprobe behind', () => {
    expect(mediaProcessesIn(ws.dataDir)).toEqual([]);
  });

  it('tries again what failed when the recording is opened again (and fails the same way)', async () => {
    const again = await prepared(ws, idOf('unknownCodec', 'side'));
    expect(again.probe).toMatchObject({ state: 'failed', error: { code: 'media_unsupported' } });
  });
});

describe('the review queue, before an exam is opened', () => {
  it('says which angle cannot be read once it is downloaded (a background probe), leaving the assignment ready and the readable angles alone', async () => {
    const ws = open();
    try {
      // Every recording is probed once it is downloaded (downloadAll waits for that); nothing here opens one (no media.prepare).
      const assignments = await downloadAll(ws);
      const overview = await ws.call('recordings.overview', {});
      const mine = overview.assignments.filter((state) => assignments.some((assignment) => assignment.assignmentId === state.assignmentId));
      expect(mine.map((state) => state.state)).toEqual(assignments.map(() => 'ready'));
      const errors = Object.fromEntries(mine.flatMap((state) => state.recordings).map((recording) => [recording.recordingId, recording.error?.code ?? null]));
      const expected = Object.fromEntries([...recordingIds].map(([id, name]) => [id, name === 'empty' || name === 'notVideo' ? 'media_corrupt_input' : name === 'unknownCodec' ? 'media_unsupported' : null]));
      expect(errors).toEqual(expected);
      expect(mediaProcessesIn(ws.dataDir)).toEqual([]);
    } finally {
      ws.stop();
    }
  }, 60_000);

  it('probes each recording once: opening one while its download check runs follows that probe', async () => {
    const ws = open();
    try {
      const probes = new Map<string, Set<string>>();
      ws.workstation.events.subscribe((event, payload) => {
        const job = payload as EventPayload<'media.job'>;
        if (event === 'media.job' && job.kind === 'probe' && job.recordingId !== null) probes.set(job.recordingId, (probes.get(job.recordingId) ?? new Set()).add(job.jobId));
      });
      await downloadAll(ws, { probes: false });
      // Opened at once, most likely while its check is still queued or running.
      const good = await prepared(ws, idOf('good', 'side'));
      expect(good.probe.state).toBe('ready');
      await ws.allProbed;
      expect([...probes.keys()].sort()).toEqual([...recordingIds.keys()].sort());
      expect([...probes.values()].map((jobs) => jobs.size)).toEqual([...probes.values()].map(() => 1));
      expect(mediaProcessesIn(ws.dataDir)).toEqual([]);
    } finally {
      ws.stop();
    }
  }, 60_000);
});

describe('limits', () => {
  it('stops a job that runs past its time limit, as timed out on that part only', async () => {
    const ws = open({ media: { timeoutsMs: { waveform: 1 } } });
    try {
      await downloadAll(ws);
      const artefacts = await prepared(ws, idOf('good', 'side'));
      expect(artefacts.waveform).toMatchObject({ state: 'failed', error: { kind: 'timed_out', code: 'media_timed_out' } });
      expect(artefacts.strip.state).toBe('ready');
      expect(mediaProcessesIn(ws.dataDir)).toEqual([]);
    } finally {
      ws.stop();
    }
  });

  it('says clearly when there is no ffmpeg, naming what it tried; downloads still work', async () => {
    const missing = join(mediaDir, 'no-such-dir', 'ffmpeg');
    const ws = open({}, missing);
    try {
      await downloadAll(ws, { probes: false });
      const refusal = await ws.refusal('media.prepare', { recordingId: idOf('good', 'side') });
      expect(refusal?.code).toBe('ffmpeg_missing');
      expect(refusal?.message).toContain(missing);
    } finally {
      ws.stop();
    }
  });
});
