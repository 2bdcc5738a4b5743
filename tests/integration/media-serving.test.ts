import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandName, MediaJob, MediaProbe, RecordingArtefacts } from '@common/contract';
import type { Assignment } from '@common/platform';
import { HOST_COOKIE } from '../../main/host/browser-host';
import { sideBySideLayout } from '../../main/media/transcode';
import { DEMO_RECORDED_SLOT_IDS } from '../../platform/demo/exam';
import { resolveMediaTools } from '../../node-shared/media/binaries';
import { recordingFile, type RecordingRow } from '../../platform/state/recordings';
import { startStack, type Stack } from '../support/servers';
import { workstationCommands } from '../support/workstation';
import { mediaProcessesIn } from '../support/media-processes';

/**
 * The review path of the demo's recordings, end to end in main: downloaded from the platform,
 * prepared by ffmpeg (probe, strip, waveform, proxy for HEVC), served by id with byte ranges by
 * the browser host, exported side by side and as clips, a job cancelled.
 */
const tools = resolveMediaTools();
let stack: Stack;
let platformDir: string;
let scratch: string;
let assignments: Assignment[];
const prepared = new Map<string, RecordingArtefacts>();
const mediaIds = new Map<string, string>();

const { call, waitFor } = workstationCommands(() => stack.workstation);
async function refusal(name: CommandName, input: unknown): Promise<string> {
  const result = await stack.workstation.dispatch(name, input, { transport: 'test' });
  return result.ok ? 'ok' : result.error.code;
}
const settled = (artefacts: RecordingArtefacts) => [artefacts.probe, artefacts.strip, artefacts.waveform, artefacts.playback].every((slot) => slot.state !== 'pending');

async function prepare(recordingId: string): Promise<RecordingArtefacts> {
  const done = waitFor('media.artefacts', (artefacts) => artefacts.recordingId === recordingId && settled(artefacts));
  const now = await call('media.prepare', { recordingId, priority: 'now', tiles: 12, peaks: 100 });
  return settled(now) ? now : done;
}

/** A job's end, as media.job reports it. */
async function finished(start: Promise<{ jobId: string }>): Promise<MediaJob> {
  const ends: MediaJob[] = [];
  const off = stack.workstation.events.subscribe((event, payload) => {
    if (event === 'media.job' && ((payload as MediaJob).state === 'done' || (payload as MediaJob).state === 'failed')) ends.push(payload as MediaJob);
  });
  try {
    const { jobId } = await start;
    const already = ends.find((job) => job.jobId === jobId);
    return already ?? (await waitFor('media.job', (job) => job.jobId === jobId && (job.state === 'done' || job.state === 'failed')));
  } finally {
    off();
  }
}

const media = (mediaId: string, headers: Record<string, string> = {}, method = 'GET') =>
  fetch(`${stack.host.origin}/media/${mediaId}`, { method, headers: { cookie: `${HOST_COOKIE}=${stack.host.openSession()}`, ...headers } });

interface Probed {
  streams: { codec_type: string; codec_name?: string; width?: number; height?: number; side_data_list?: { rotation?: number }[] }[];
  format: { duration: string };
}
/** ffprobe of the bytes the browser host served for a media id. */
async function probeServed(mediaId: string, name: string): Promise<Probed> {
  const response = await media(mediaId);
  expect(response.status).toBe(200);
  const file = join(scratch, name);
  writeFileSync(file, Buffer.from(await response.arrayBuffer()));
  const { stdout } = await promisify(execFile)(tools.ffprobe, ['-v', 'error', '-show_format', '-show_streams', '-of', 'json', file]);
  return JSON.parse(stdout) as Probed;
}
const videoOf = (probed: Probed) => probed.streams.find((stream) => stream.codec_type === 'video');

const probeOf = (recordingId: string): MediaProbe => {
  const probe = prepared.get(recordingId)?.probe;
  if (probe?.state !== 'ready') throw new Error(`${recordingId} has no probe`);
  return probe.value;
};
/** The one recording `is` picks out. */
function theOne(is: (probe: MediaProbe, artefacts: RecordingArtefacts) => boolean): string {
  const found = [...prepared].filter(([id, artefacts]) => is(probeOf(id), artefacts)).map(([id]) => id);
  expect(found).toHaveLength(1);
  return found[0] ?? '';
}
const hevc = () => theOne((probe) => probe.video?.codec === 'hevc');
const portrait = () => theOne((probe) => (probe.video?.displayHeight ?? 0) > (probe.video?.displayWidth ?? 0));
const assignmentOf = (recordingId: string) => assignments.find((assignment) => assignment.recordings.some((recording) => recording.recordingId === recordingId)) as Assignment;
const platformBytes = (recordingId: string) => {
  const row = stack.platform?.ctx.db.prepare('SELECT * FROM recordings WHERE id = ?').get(recordingId) as RecordingRow;
  return readFileSync(recordingFile(stack.platform?.ctx.mediaDir ?? null, row) ?? '');
};

beforeAll(async () => {
  platformDir = mkdtempSync(join(tmpdir(), 'media-serving-platform-'));
  scratch = mkdtempSync(join(tmpdir(), 'media-serving-'));
  stack = await startStack({ platform: { dataDir: platformDir, demo: { liveCandidates: 1, recordedPerSlot: 2 }, demoMedia: { seconds: 6, longSeconds: 8 } } });
  await call('session.login', { username: 'grader1', password: 'demo1234' });
  // The grading panel's slots, where the demo's odd recordings are (grader1 also grades the dance slot, whose are ordinary).
  assignments = (await call('assignments.list', {})).assignments
    .map((item) => item.assignment)
    .filter((assignment) => assignment.kind === 'recorded' && (DEMO_RECORDED_SLOT_IDS as readonly string[]).includes(assignment.slotId));
  expect(assignments).toHaveLength(4);
  for (const assignment of assignments) {
    const ready = waitFor('recordings.progress', (state) => state.assignmentId === assignment.assignmentId && state.state === 'ready');
    const state = await call('recordings.download', { assignmentId: assignment.assignmentId });
    for (const recording of state.state === 'ready' ? state.recordings : (await ready).recordings) mediaIds.set(recording.recordingId, recording.mediaId ?? '');
  }
  const all = await Promise.all(assignments.flatMap((assignment) => assignment.recordings.map((recording) => prepare(recording.recordingId))));
  for (const artefacts of all) prepared.set(artefacts.recordingId, artefacts);
}, 120_000);

afterAll(async () => {
  await stack.stop();
  rmSync(platformDir, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

describe('preparing the demo recordings for review', () => {
  it('gets every part of every recording ready', () => {
    expect(prepared.size).toBe(8);
    for (const [id, artefacts] of prepared) {
      for (const slot of [artefacts.probe, artefacts.strip, artefacts.waveform, artefacts.playback]) {
        expect({ id, state: slot.state }).toEqual({ id, state: 'ready' });
      }
    }
  });

  it('plays the originals Chromium can play, and makes an upright H.264 proxy for the HEVC one', async () => {
    const id = hevc();
    for (const [recordingId, artefacts] of prepared) {
      if (recordingId === id || artefacts.playback.state !== 'ready') continue;
      expect(artefacts.playback.value).toEqual({ kind: 'original', mediaId: mediaIds.get(recordingId) });
    }
    const playback = prepared.get(id)?.playback;
    if (playback?.state !== 'ready' || playback.value.kind !== 'proxy') throw new Error('the HEVC recording has no proxy');
    expect(playback.value.reason).toMatch(/HEVC/);
    const proxy = await probeServed(playback.value.mediaId, 'proxy.mp4');
    expect(videoOf(proxy)).toMatchObject({ codec_name: 'h264', width: 640, height: 360 });
    expect(Number(proxy.format.duration)).toBeCloseTo(6, 0);
  });

  it('makes the portrait side phone’s strip upright, a JPEG of tiles × tile size', async () => {
    const strip = prepared.get(portrait())?.strip;
    if (strip?.state !== 'ready') throw new Error('no strip');
    expect(strip.value.tileWidth).toBeLessThan(strip.value.tileHeight);
    // Keyframes every 2 s, 12 tiles asked of 6 s: each keyframe once, at its own time.
    expect(strip.value.tileTimesMs).toEqual([0, 2000, 4000]);
    const image = videoOf(await probeServed(strip.value.mediaId, 'strip.jpg'));
    expect(image).toMatchObject({ codec_name: 'mjpeg', width: strip.value.columns * strip.value.tileWidth, height: strip.value.rows * strip.value.tileHeight });
  });

  it('shows the side phone without a microphone as "no audio", and the candidate’s silent gap', () => {
    const mute = [...prepared.values()].filter((artefacts) => artefacts.waveform.state === 'ready' && artefacts.waveform.value.kind === 'no_audio');
    expect(mute).toHaveLength(1);
    const gaps = [...prepared.values()].flatMap((artefacts) =>
      artefacts.waveform.state === 'ready' && artefacts.waveform.value.kind === 'peaks' ? artefacts.waveform.value.silentGaps : [],
    );
    // The demo mutes one main recording from 35% to 60% of its 6 seconds: 2.1 s to 3.6 s.
    expect(gaps).toHaveLength(1);
    expect(gaps[0]?.startMs).toBeGreaterThanOrEqual(2050);
    expect(gaps[0]?.startMs).toBeLessThanOrEqual(2200);
    expect(gaps[0]?.endMs).toBeGreaterThanOrEqual(3550);
    expect(gaps[0]?.endMs).toBeLessThanOrEqual(3700);
  });

  it('answers a reopened recording at once from the store', async () => {
    const id = portrait();
    const again = await call('media.prepare', { recordingId: id, priority: 'now', tiles: 12, peaks: 100 });
    expect(settled(again)).toBe(true);
    expect(again).toEqual(prepared.get(id));
  });

  it('refuses a recording this workstation has not downloaded', async () => {
    expect(await refusal('media.prepare', { recordingId: 'rec-not-here' })).toBe('not_downloaded');
  });
});

describe('serving media by id through the browser host', () => {
  it('serves a downloaded recording whole and by range, with its sha256 as ETag', async () => {
    const recording = assignments[0]?.recordings[0];
    const mediaId = mediaIds.get(recording?.recordingId ?? '') ?? '';
    const bytes = platformBytes(recording?.recordingId ?? '');
    const whole = await media(mediaId);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('video/mp4');
    expect(whole.headers.get('etag')).toBe(`"${recording?.sha256 ?? ''}"`);
    expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).toBe(true);
    const part = await media(mediaId, { range: 'bytes=100-1099' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-1099/${String(bytes.length)}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(100, 1100))).toBe(true);
    const head = await media(mediaId, {}, 'HEAD');
    expect(head.headers.get('content-length')).toBe(String(bytes.length));
    expect((await media(mediaId, { 'if-none-match': `"${recording?.sha256 ?? ''}"` })).status).toBe(304);
  });

  it.each([
    ['an unknown id', 'm0000000000000000000000000'],
    ['a path', '..%2F..%2Fworkstation.sqlite'],
    ['an encoded dot path', '%2e%2e%2f%2e%2e%2fworkstation.sqlite'],
    ['a recording id', 'rec-1'],
  ])('answers 404 for %s', async (_label, id) => {
    const response = await media(id);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('SQLite');
  });

  it('refuses a request without the launch secret', async () => {
    const response = await fetch(`${stack.host.origin}/media/${[...mediaIds.values()][0] ?? ''}`);
    expect(response.status).toBe(401);
  });
});

describe('exports', () => {
  it('exports main and side side by side at one height, the portrait side upright', async () => {
    const side = portrait();
    const assignment = assignmentOf(side);
    const main = assignment.recordings.find((recording) => recording.angle === 'main')?.recordingId ?? '';
    const job = await finished(call('media.exportSideBySide', { assignmentId: assignment.assignmentId, height: 720 }));
    expect(job).toMatchObject({ kind: 'side_by_side', state: 'done', assignmentId: assignment.assignmentId, error: null });
    const layout = sideBySideLayout(probeOf(main).video ?? fail(), probeOf(side).video ?? fail(), 720);
    const video = videoOf(await probeServed(job.result?.mediaId ?? '', 'side-by-side.mp4'));
    expect(video).toMatchObject({ codec_name: 'h264', width: layout.mainWidth + layout.sideWidth, height: layout.height });
    expect(layout.sideWidth).toBeLessThan(layout.height);
  });

  it('copies a clip that starts on a keyframe (rotation kept) and re-encodes one that does not (turned upright), ±0.1 s', async () => {
    const id = portrait();
    const copied = await finished(call('media.exportClip', { recordingId: id, startMs: 0, endMs: 1500 }));
    const copy = await probeServed(copied.result?.mediaId ?? '', 'clip-copy.mp4');
    expect(Math.abs(Number(copy.format.duration) - 1.5)).toBeLessThanOrEqual(0.1);
    expect(videoOf(copy)).toMatchObject({ width: 480, height: 270 });
    expect(Math.abs(videoOf(copy)?.side_data_list?.find((data) => data.rotation !== undefined)?.rotation ?? 0)).toBe(90);

    const encoded = await finished(call('media.exportClip', { recordingId: id, startMs: 500, endMs: 1800 }));
    const encode = await probeServed(encoded.result?.mediaId ?? '', 'clip-encode.mp4');
    expect(Math.abs(Number(encode.format.duration) - 1.3)).toBeLessThanOrEqual(0.1);
    expect(videoOf(encode)).toMatchObject({ width: 270, height: 480 });
  });

  it('cancels an export: the job fails as cancelled, and no ffmpeg is left running', async () => {
    const assignment = assignments.find((item) => item.recordings.every((recording) => recording.durationMs > 7000)) ?? (assignments[0] as Assignment);
    const job = await finished(
      call('media.exportSideBySide', { assignmentId: assignment.assignmentId }).then(async (started) => {
        expect(await call('media.cancelJob', started)).toBeNull();
        return started;
      }),
    );
    expect(job).toMatchObject({ state: 'failed', result: null, error: { kind: 'cancelled', code: 'media_cancelled' } });
    expect(mediaProcessesIn(stack.dataDir)).toEqual([]);
    expect(await refusal('media.cancelJob', { jobId: job.jobId })).toBe('not_found');
  });
});

describe('another examiner', () => {
  it('gets nothing of this examiner’s media', async () => {
    const someId = [...mediaIds.values()][0] ?? '';
    expect((await media(someId)).status).toBe(200);
    await call('session.logout', {});
    expect((await media(someId)).status).toBe(404);
    await call('session.login', { username: 'examiner3', password: 'demo1234' });
    expect((await media(someId)).status).toBe(404);
    expect(await refusal('media.prepare', { recordingId: assignments[0]?.recordings[0]?.recordingId ?? '' })).toBe('not_downloaded');
  });
});

function fail(): never {
  throw new Error('expected a video stream');
}
