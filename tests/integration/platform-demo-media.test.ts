import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DANCE_SLOT_ID } from '../../platform/demo/exam';
import { ensureDemoRecordings, planDemoRecordings, type DemoMediaOptions, type PlannedRecording } from '../../platform/demo/media';
import { probeMedia, type ProbedMedia } from '../../platform/media/probe';
import { sha256File } from '../../platform/media/sha256';
import { resolveMediaTools } from '../../node-shared/media/binaries';
import { startPlatform, type RunningPlatform } from '../../platform/server';
import { recordingOf, type RecordingRow } from '../../platform/state/recordings';

// Real ffmpeg and ffprobe: two candidates per recorded slot carry every case the review needs,
// with the long one just over 3 minutes; the dance slot has one candidate and the two anchors'.
const OPTIONS: Omit<DemoMediaOptions, 'tools'> = { seconds: 20, longSeconds: 185 };
const tools = resolveMediaTools();
let platform: RunningPlatform;
let dataDir: string;
let plan: PlannedRecording[];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'platform-demo-media-'));
  platform = await startPlatform({ dataDir, demo: { liveCandidates: 1, recordedPerSlot: 2, danceCandidates: 1 }, demoMedia: OPTIONS });
  plan = planDemoRecordings(platform.ctx, OPTIONS);
}, 240_000);

afterAll(async () => {
  await platform.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const rowOf = (planned: PlannedRecording) => recordingOf(platform.ctx.db, planned.candidateId, planned.slotId, planned.angle) as RecordingRow;
const fileOf = (planned: PlannedRecording) => join(platform.ctx.mediaDir ?? '', rowOf(planned).path);
const probe = (planned: PlannedRecording): Promise<ProbedMedia> => probeMedia(tools, fileOf(planned));
const videoOf = (media: ProbedMedia) => media.streams.find((stream) => stream.type === 'video');
const audioOf = (media: ProbedMedia) => media.streams.find((stream) => stream.type === 'audio');

/** The one planned recording that `is` picks out: each case of the demo exists exactly once. */
function theOne(is: (planned: PlannedRecording) => boolean): PlannedRecording {
  const found = plan.filter(is);
  expect(found).toHaveLength(1);
  return found[0] as PlannedRecording;
}
const portrait = () => theOne((planned) => planned.spec.displayRotation === 90);
const hevc = () => theOne((planned) => planned.spec.video === 'hevc');
const silent = () => theOne((planned) => planned.spec.audio?.silence !== undefined);
const mute = () => theOne((planned) => planned.spec.audio === null);
const ordinary = () => plan.find((planned) => planned.spec.seconds === OPTIONS.seconds && planned.spec.video === 'h264' && planned.spec.displayRotation === 0 && planned.spec.audio?.silence === undefined && planned.spec.audio !== null) as PlannedRecording;

/** Silences ffmpeg's silencedetect finds: [start, end] in seconds. */
async function silences(file: string): Promise<[number, number][]> {
  const { stderr } = await promisify(execFile)(tools.ffmpeg, ['-hide_banner', '-nostdin', '-i', file, '-af', 'silencedetect=noise=-50dB:d=2', '-f', 'null', '-']);
  const starts = [...stderr.matchAll(/silence_start: ([\d.]+)/g)].map((match) => Number(match[1]));
  const ends = [...stderr.matchAll(/silence_end: ([\d.]+)/g)].map((match) => Number(match[1]));
  return starts.map((start, index) => [start, ends[index] ?? Number.NaN]);
}

describe('demo recordings generated with ffmpeg', () => {
  it('registers a main and a side recording for every recorded candidate, as ffprobe and sha256 find them', async () => {
    const rows = platform.ctx.db.prepare('SELECT * FROM recordings').all() as RecordingRow[];
    // 2 × 2 candidates of the grading panel's slots, 1 + 2 of the dance slot, each on two angles.
    expect(rows).toHaveLength(14);
    expect(plan).toHaveLength(14);
    // The dance slot's recordings are all ordinary ones: the odd cases stay in the other slots.
    const dance = plan.filter((planned) => planned.slotId === DEMO_DANCE_SLOT_ID);
    expect(dance).toHaveLength(6);
    for (const planned of dance) {
      expect(planned.spec).toMatchObject({ seconds: OPTIONS.seconds, video: 'h264', displayRotation: 0 });
      expect(planned.spec.audio?.silence).toBeUndefined();
    }
    for (const planned of plan) {
      const row = rowOf(planned);
      expect(row.id).toMatch(/^rec-[0-9a-f]{16}$/);
      expect(row.content_type).toBe('video/mp4');
      expect(row.bytes).toBe(statSync(fileOf(planned)).size);
      expect(row.sha256).toBe(await sha256File(fileOf(planned)));
      const media = await probe(planned);
      expect(media.formatName).toContain('mp4');
      expect(row.duration_ms).toBe(media.durationMs);
      expect(Math.abs(media.durationMs - planned.spec.seconds * 1000)).toBeLessThan(200);
    }
  });

  it('makes an ordinary recording landscape H.264 with a tone and keyframes every 2 seconds', async () => {
    const planned = ordinary();
    const media = await probe(planned);
    expect(videoOf(media)).toMatchObject({ codec: 'h264', rotation: 0, width: planned.spec.width, height: planned.spec.height });
    expect(audioOf(media)?.codec).toBe('aac');
    const { stdout } = await promisify(execFile)(tools.ffprobe, [
      '-v', 'error', '-select_streams', 'v:0', '-skip_frame', 'nokey', '-show_entries', 'frame=pts_time', '-of', 'json', fileOf(planned),
    ]);
    const keyframes = (JSON.parse(stdout) as { frames: { pts_time: string }[] }).frames.map((frame) => Number(frame.pts_time));
    expect(keyframes).toEqual(Array.from({ length: planned.spec.seconds / 2 }, (_, index) => index * 2));
    expect(await silences(fileOf(planned))).toEqual([]);
  });

  it('stores the portrait phone landscape with a 90° display rotation', async () => {
    const media = await probe(portrait());
    const video = videoOf(media);
    expect(Math.abs(video?.rotation ?? 0)).toBe(90);
    expect(video?.width ?? 0).toBeGreaterThan(video?.height ?? 0);
  });

  it('encodes one recording in HEVC, tagged hvc1 as iPhones write it', async () => {
    expect(videoOf(await probe(hevc()))).toMatchObject({ codec: 'hevc', codecTag: 'hvc1' });
  });

  it('gives one recording a silent gap that silencedetect finds where it was made', async () => {
    const planned = silent();
    const gap = planned.spec.audio?.silence;
    const found = await silences(fileOf(planned));
    expect(found).toHaveLength(1);
    const [start, end] = found[0] ?? [Number.NaN, Number.NaN];
    expect(Math.abs(start - (gap?.from ?? 0))).toBeLessThan(0.2);
    expect(Math.abs(end - (gap?.to ?? 0))).toBeLessThan(0.2);
    expect(end - start).toBeGreaterThanOrEqual(4);
  });

  it('gives one recording no audio stream at all', async () => {
    const media = await probe(mute());
    expect(audioOf(media)).toBeUndefined();
    expect(videoOf(media)).toBeDefined();
  });

  it('makes the long candidate at least 3 minutes long on both angles', async () => {
    const long = plan.filter((planned) => planned.spec.seconds === OPTIONS.longSeconds);
    expect(long.map((planned) => planned.angle).sort()).toEqual(['main', 'side']);
    for (const planned of long) {
      expect((await probe(planned)).durationMs).toBeGreaterThanOrEqual(180_000);
      expect(rowOf(planned).duration_ms).toBeGreaterThanOrEqual(180_000);
    }
  });

  it('reuses intact files on the next start, and regenerates a corrupted one under the same id', async () => {
    const mtimes = new Map(plan.map((planned) => [planned.fileName, statSync(fileOf(planned)).mtimeMs]));
    const leftover = join(platform.ctx.mediaDir ?? '', 'cand-x_slot-x_main_0.mp4.1234abcd.partial');
    writeFileSync(leftover, 'half a file');

    const again = await ensureDemoRecordings(platform.ctx, OPTIONS);
    expect(again.generated).toEqual([]);
    expect([...again.reused].sort()).toEqual(plan.map((planned) => rowOf(planned).id).sort());
    for (const planned of plan) expect(statSync(fileOf(planned)).mtimeMs).toBe(mtimes.get(planned.fileName));
    expect(existsSync(leftover)).toBe(false);

    const victim = hevc();
    const before = rowOf(victim);
    const bytes = readFileSync(fileOf(victim));
    bytes.fill(0, 1000, 2000);
    writeFileSync(fileOf(victim), bytes);
    expect(await sha256File(fileOf(victim))).not.toBe(before.sha256);

    const repaired = await ensureDemoRecordings(platform.ctx, OPTIONS);
    expect(repaired.generated).toEqual([before.id]);
    expect(repaired.reused).toHaveLength(plan.length - 1);
    const after = rowOf(victim);
    expect(after.id).toBe(before.id);
    expect(await sha256File(fileOf(victim))).toBe(after.sha256);
    expect(after.bytes).toBe(statSync(fileOf(victim)).size);
    expect(videoOf(await probe(victim))?.codec).toBe('hevc');
  }, 120_000);
});
