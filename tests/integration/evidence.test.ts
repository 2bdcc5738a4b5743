import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EVIDENCE_LIMITS, type EvidenceRecording } from '@common/contract';
import { EVIDENCE_DIR } from '../../main/evidence';
import { HOST_COOKIE, startBrowserHost } from '../../main/host/browser-host';
import { silentLogger } from '../../main/log';
import { startPlatform, type RunningPlatform } from '../../platform/server';
import { decodesAfterSeek, evidenceChunks, ffprobe, liveWebmStream, MATROSKA_CUES_ID } from '../support/evidence-fixtures';
import { RENDERER_DIR } from '../support/servers';
import { startWorkstation, type TestWorkstation } from '../support/workstation';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHILD = join(ROOT, 'tests/support/evidence-child.ts');
const STREAM_SECONDS = 6;
/** Smaller pieces than the limit, so even this short stream is many chunks. */
const CHUNK_BYTES = 16 * 1024;

let platform: RunningPlatform;
let stream: Buffer;
let chunks: Buffer[];
const cleanups: (() => void | Promise<void>)[] = [];

beforeAll(async () => {
  platform = await startPlatform();
  stream = liveWebmStream(STREAM_SECONDS);
  chunks = evidenceChunks(stream, CHUNK_BYTES);
});
afterAll(async () => {
  await platform?.close();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function signedIn(dataDir?: string): Promise<{ ws: TestWorkstation; assignmentId: string }> {
  const ws = startWorkstation(platform.url, dataDir ? { dataDir } : {});
  cleanups.push(() => ws.stop());
  await ws.call('session.login', { username: 'examiner1', password: 'demo1234' });
  const { assignments } = await ws.call('assignments.list', {});
  const live = assignments.find((item) => item.assignment.kind === 'live')?.assignment;
  if (!live) throw new Error('the demo has no live assignment');
  return { ws, assignmentId: live.assignmentId };
}

const send = (ws: TestWorkstation, recordingId: string, seq: number, chunk: Buffer) =>
  ws.call('evidence.chunk', { recordingId, seq, data: chunk.toString('base64') });

const partialFile = (dataDir: string, recordingId: string) => join(dataDir, EVIDENCE_DIR, `${recordingId}.part.webm`);

describe('evidence recording in main', () => {
  it('appends every chunk to one file as it arrives, and finishing makes a seekable file of the expected duration', async () => {
    const { ws, assignmentId } = await signedIn();
    const progress: number[] = [];
    const off = ws.workstation.events.subscribe((name, payload) => {
      if (name === 'evidence.progress') progress.push((payload as { chunks: number }).chunks);
    });
    cleanups.push(off);
    const { recordingId } = await ws.call('evidence.start', { assignmentId, device: 'side' });

    for (const [seq, chunk] of chunks.entries()) {
      const ack = await send(ws, recordingId, seq, chunk);
      // Acknowledged means on disk: the file holds exactly the chunks so far, in order.
      expect(ack.bytes).toBe(chunks.slice(0, seq + 1).reduce((sum, part) => sum + part.byteLength, 0));
    }
    expect(readFileSync(partialFile(ws.dataDir, recordingId)).equals(stream)).toBe(true);
    expect(progress).toEqual(chunks.map((_chunk, index) => index + 1));
    expect(stream.includes(MATROSKA_CUES_ID)).toBe(false);

    const finished = await ws.call('evidence.finish', { recordingId });
    expect(finished).toMatchObject({
      recordingId,
      assignmentId,
      device: 'side',
      state: 'finished',
      chunks: chunks.length,
      recovered: false,
      video: { codec: 'vp8', width: 320, height: 240 },
      audio: { codec: 'opus' },
      error: null,
    });
    expect(Math.abs((finished.durationMs ?? 0) - STREAM_SECONDS * 1000)).toBeLessThanOrEqual(1000);

    const file = ws.workstation.evidence.fileFor(recordingId);
    if (!file) throw new Error('the finished recording has no file');
    expect(file.contentType).toBe('video/webm');
    const probed = ffprobe(file.path);
    expect(Math.abs(probed.durationMs - STREAM_SECONDS * 1000)).toBeLessThanOrEqual(1000);
    expect(probed.streams.map((s) => s.codec_type).sort()).toEqual(['audio', 'video']);
    expect(readFileSync(file.path).includes(MATROSKA_CUES_ID)).toBe(true);
    expect(decodesAfterSeek(file.path, STREAM_SECONDS / 2)).toBe(true);
    // The grown stream is gone once the seekable file stands in its place.
    expect(existsSync(partialFile(ws.dataDir, recordingId))).toBe(false);

    expect((await ws.call('evidence.list', { assignmentId })).recordings).toEqual([finished]);
    // Finishing again answers the same recording (a retry after a lost reply).
    expect(await ws.call('evidence.finish', { recordingId })).toEqual(finished);
  });

  it('serves a finished recording to the review player by its media id, with byte ranges', async () => {
    const { ws, assignmentId } = await signedIn();
    const { recordingId } = await ws.call('evidence.start', { assignmentId, device: 'main' });
    const recording = ws.workstation.evidence.list(assignmentId).find((item) => item.recordingId === recordingId);
    // Nothing to play while it records.
    expect(recording?.mediaId).toBeNull();
    for (const [seq, chunk] of chunks.entries()) await send(ws, recordingId, seq, chunk);
    const { mediaId } = await ws.call('evidence.finish', { recordingId });
    if (mediaId === null) throw new Error('a finished recording has a media id');
    const file = ws.workstation.evidence.fileFor(recordingId);
    if (!file) throw new Error('no file');

    const host = await startBrowserHost({ workstation: ws.workstation, rendererDir: RENDERER_DIR, log: silentLogger });
    cleanups.push(() => host.close());
    const response = await fetch(`${host.origin}/media/${mediaId}`, { headers: { cookie: `${HOST_COOKIE}=${host.openSession()}`, range: 'bytes=100-199' } });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-type')).toBe('video/webm');
    expect(response.headers.get('content-range')).toBe(`bytes 100-199/${file.bytes}`);
    expect(Buffer.from(await response.arrayBuffer()).equals(readFileSync(file.path).subarray(100, 200))).toBe(true);
    const unknown = await fetch(`${host.origin}/media/m${'0'.repeat(24)}`, { headers: { cookie: `${HOST_COOKIE}=${host.openSession()}` } });
    expect(unknown.status).toBe(404);
  });

  it('refuses a gap and a duplicate with typed errors, appending nothing for either', async () => {
    const { ws, assignmentId } = await signedIn();
    const { recordingId } = await ws.call('evidence.start', { assignmentId, device: 'main' });
    const [first, second, third] = chunks;
    if (!first || !second || !third) throw new Error('the stream is too short');
    await send(ws, recordingId, 0, first);

    await expect(send(ws, recordingId, 0, first)).rejects.toThrow(/evidence_chunk_duplicate/);
    await expect(send(ws, recordingId, 2, third)).rejects.toThrow(/evidence_chunk_gap/);
    expect(readFileSync(partialFile(ws.dataDir, recordingId)).equals(first)).toBe(true);

    // The recording goes on from where it was.
    expect((await send(ws, recordingId, 1, second)).bytes).toBe(first.byteLength + second.byteLength);
    expect((await send(ws, recordingId, 2, third)).seq).toBe(2);
  });

  it('refuses an oversize chunk, a chunk after the end and a recording of an assignment that is not live', async () => {
    const { ws, assignmentId } = await signedIn();
    const { recordingId } = await ws.call('evidence.start', { assignmentId, device: 'main' });
    const tooBig = Buffer.alloc(EVIDENCE_LIMITS.maxChunkBytes + 3, 1).toString('base64');
    await expect(ws.call('evidence.chunk', { recordingId, seq: 0, data: tooBig })).rejects.toThrow(/invalid_input/);
    await expect(ws.call('evidence.chunk', { recordingId, seq: 0, data: 'not base64!' })).rejects.toThrow(/invalid_input/);

    for (const [seq, chunk] of chunks.entries()) await send(ws, recordingId, seq, chunk);
    await ws.call('evidence.finish', { recordingId });
    await expect(send(ws, recordingId, chunks.length, Buffer.from([1, 2, 3]))).rejects.toThrow(/evidence_closed/);
    await expect(ws.call('evidence.finish', { recordingId: 'ev-nope' })).rejects.toThrow(/not_found/);

    const { assignments } = await ws.call('assignments.list', {});
    const recorded = assignments.find((item) => item.assignment.kind === 'recorded')?.assignment;
    if (!recorded) throw new Error('the demo has no recorded assignment');
    await expect(ws.call('evidence.start', { assignmentId: recorded.assignmentId, device: 'main' })).rejects.toThrow(/not_found/);
  });

  it('marks a finished recording cut short on disk as damaged, before serving it and at the next start, and keeps its file unserved', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'evidence-damaged-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const first = await signedIn(dataDir);
    const record = async (device: 'main' | 'side') => {
      const { recordingId } = await first.ws.call('evidence.start', { assignmentId: first.assignmentId, device });
      for (const [seq, chunk] of chunks.entries()) await send(first.ws, recordingId, seq, chunk);
      return first.ws.call('evidence.finish', { recordingId });
    };
    const main = await record('main');
    const side = await record('side');
    const fileOf = (recording: EvidenceRecording) => join(dataDir, EVIDENCE_DIR, `${recording.recordingId}.webm`);
    expect(main.bytes).toBe(statSync(fileOf(main)).size);

    // Cut short while the workstation runs: found when the player asks for it, and not served.
    const damaged = first.ws.waitFor('evidence.recording', (recording) => recording.recordingId === main.recordingId);
    truncateSync(fileOf(main), Math.floor(main.bytes / 2));
    expect(first.ws.workstation.media.lookup(main.mediaId ?? '')).toBeNull();
    expect(await damaged).toMatchObject({ state: 'failed', mediaId: null, error: { code: 'evidence_damaged' } });
    expect(statSync(fileOf(main)).size).toBe(Math.floor(main.bytes / 2));
    // The other camera's file is whole and still served.
    expect(first.ws.workstation.media.lookup(side.mediaId ?? '')?.size).toBe(side.bytes);
    first.ws.stop();

    // Cut short while the workstation was stopped: found at the next start, before anything asks.
    truncateSync(fileOf(side), side.bytes - 1);
    const second = await signedIn(dataDir);
    const listed = (await second.ws.call('evidence.list', { assignmentId: second.assignmentId })).recordings;
    expect(listed.map((recording) => [recording.device, recording.state, recording.error?.code, recording.mediaId])).toEqual([
      ['main', 'failed', 'evidence_damaged', null],
      ['side', 'failed', 'evidence_damaged', null],
    ]);
    expect(listed.find((recording) => recording.device === 'side')?.error?.message).toContain(`it was ${side.bytes} when finished`);
    expect(second.ws.workstation.media.lookup(side.mediaId ?? '')).toBeNull();
    // Both files are kept: they are still the evidence there is.
    expect(readdirSync(join(dataDir, EVIDENCE_DIR)).sort()).toEqual([`${main.recordingId}.webm`, `${side.recordingId}.webm`].sort());
  });

  it('keeps what was acknowledged when the workstation is killed mid-recording, and finishes it at the next start', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'evidence-kill-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const streamFile = join(dataDir, 'stream.webm');
    writeFileSync(streamFile, stream);

    const killAfter = Math.floor(chunks.length / 2);
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, platform.url, dataDir, streamFile, String(CHUNK_BYTES), String(killAfter)], {
      cwd: ROOT,
      env: { ...process.env, TSX_TSCONFIG_PATH: join(ROOT, 'tsconfig.tests.json') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    cleanups.push(() => void child.kill('SIGKILL'));
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    let recordingId = '';
    let acknowledged = 0;
    createInterface({ input: child.stdout }).on('line', (line) => {
      const started = /^recording (\S+)$/.exec(line);
      if (started?.[1]) recordingId = started[1];
      const ack = /^ack (\d+) (\d+)$/.exec(line);
      if (ack) acknowledged = Number(ack[2]);
      // Half the stream sent and synced, the recording still open: kill it there.
      if (line === 'paused') child.kill('SIGKILL');
    });
    const [, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
    expect(signal, `the child ended on its own: ${stderr}`).toBe('SIGKILL');
    expect(acknowledged).toBe(chunks.slice(0, killAfter).reduce((sum, chunk) => sum + chunk.byteLength, 0));

    // Every acknowledged byte is on disk, as sent.
    const grown = readFileSync(partialFile(dataDir, recordingId));
    expect(grown.byteLength).toBeGreaterThanOrEqual(acknowledged);
    expect(grown.equals(stream.subarray(0, grown.byteLength))).toBe(true);

    const ws = startWorkstation(platform.url, { dataDir });
    cleanups.push(() => ws.stop());
    const recovered = await ws.waitFor('evidence.recording', (recording) => recording.recordingId === recordingId && recording.state !== 'finishing');
    expect(recovered).toMatchObject<Partial<EvidenceRecording>>({ state: 'finished', recovered: true, device: 'main' });
    expect(recovered.video?.codec).toBe('vp8');
    const files = readdirSync(join(dataDir, EVIDENCE_DIR));
    expect(files).toEqual([`${recordingId}.webm`]);
    const probed = ffprobe(join(dataDir, EVIDENCE_DIR, `${recordingId}.webm`));
    // About half the stream: more than a second of it, and clearly less than all of it.
    expect(probed.durationMs).toBeGreaterThan(1000);
    expect(probed.durationMs).toBeLessThan(STREAM_SECONDS * 1000 - 1000);
    expect(Math.abs(probed.durationMs - (recovered.durationMs ?? 0))).toBeLessThanOrEqual(1);
    expect(readFileSync(join(dataDir, EVIDENCE_DIR, `${recordingId}.webm`)).includes(MATROSKA_CUES_ID)).toBe(true);
  });
});
