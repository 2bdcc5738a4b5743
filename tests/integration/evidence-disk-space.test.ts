import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EvidenceRecording } from '@common/contract';
import { EVIDENCE_DIR, type EvidenceOptions } from '../../main/evidence';
import { remuxRoom } from '../../main/evidence/disk-space';
import { startPlatform, type RunningPlatform } from '../../platform/server';
import { evidenceChunks, ffprobe, liveWebmStream } from '../support/evidence-fixtures';
import { startWorkstation, type TestWorkstation } from '../support/workstation';

/**
 * Evidence recordings (up to 4 GiB a camera) must not fill the disk under the score sheets.
 * Recording keeps a reserve of free space, and room to finish what it has; it stops, with what
 * was recorded kept and finished, rather than eat into it. A disk that fills up anyway (another
 * program) stops it the same way. Everything here runs on a real, small file system (a tmpfs)
 * holding the data folder, filled with real files; skipped where mounting one is not allowed.
 */

const MIB = 1024 * 1024;
const PAGE = 4096;
const STREAM_SECONDS = 6;
/** The largest chunk the contract allows: the renderer's usual piece. */
const CHUNK_BYTES = 64 * 1024;
const RESERVE = 16 * MIB;
const RULES: EvidenceOptions = { reserveBytes: RESERVE, startHeadroomBytes: 4 * MIB };

let platform: RunningPlatform;
let stream: Buffer;
let chunks: Buffer[];
let mountPoint: string;
let mounted = false;
let mountRefusal = '';
const cleanups: (() => void | Promise<void>)[] = [];

beforeAll(async () => {
  platform = await startPlatform();
  stream = liveWebmStream(STREAM_SECONDS);
  chunks = evidenceChunks(stream, CHUNK_BYTES);
});
afterAll(async () => {
  await platform?.close();
});
beforeEach(() => {
  mountPoint = mkdtempSync(join(tmpdir(), 'evidence-disk-'));
  try {
    // 48 MiB: the store (with its own 8 MiB reserve for score sheets), evidence's 16 MiB reserve, and a little.
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=48m,mode=0700', 'tmpfs', mountPoint], { stdio: 'pipe' });
    mounted = true;
  } catch (error) {
    mounted = false;
    mountRefusal = String((error as { stderr?: unknown }).stderr ?? (error as Error).message).trim();
  }
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  // Lazily: a handle a failed assertion left open must not keep the mount behind.
  if (mounted) execFileSync('umount', ['-l', mountPoint], { stdio: 'pipe' });
  rmSync(mountPoint, { recursive: true, force: true });
});

const free = () => {
  const stats = statfsSync(mountPoint);
  return stats.bavail * stats.bsize;
};

/** Takes free space with a file of real pages until `leave` bytes are free (a multiple of tmpfs's page). */
function fillUntil(leave: number): void {
  const fillers = join(mountPoint, 'fillers');
  mkdirSync(fillers, { recursive: true });
  const take = free() - leave;
  expect(take % PAGE).toBe(0);
  const fd = openSync(join(fillers, `filler-${String(readdirSync(fillers).length)}`), 'w');
  try {
    const block = Buffer.alloc(MIB, 0x5a);
    for (let left = take; left > 0; left -= Math.min(left, MIB)) writeSync(fd, block, 0, Math.min(left, MIB));
  } finally {
    closeSync(fd);
  }
  expect(free()).toBe(leave);
}

/** Takes every free page left (1 MiB files, then one page at a time, until the disk says ENOSPC). */
function fillToTheLastPage(): void {
  const fillers = join(mountPoint, 'fillers');
  mkdirSync(fillers, { recursive: true });
  for (const size of [MIB, PAGE]) {
    const block = Buffer.alloc(size, 0x5a);
    for (let full = false; !full; ) {
      const file = join(fillers, `filler-${String(readdirSync(fillers).length)}`);
      const fd = openSync(file, 'w');
      try {
        writeSync(fd, block);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
        full = true;
      } finally {
        closeSync(fd);
      }
      if (full) rmSync(file);
    }
  }
  expect(free()).toBe(0);
}

async function signedIn(dataDir: string, evidence: EvidenceOptions): Promise<{ ws: TestWorkstation; assignmentId: string }> {
  const ws = startWorkstation(platform.url, { dataDir, evidence });
  cleanups.push(() => ws.stop());
  await ws.call('session.login', { username: 'examiner1', password: 'demo1234' });
  const live = (await ws.call('assignments.list', {})).assignments.find((item) => item.assignment.kind === 'live')?.assignment;
  if (!live) throw new Error('the demo has no live assignment');
  return { ws, assignmentId: live.assignmentId };
}

/** The failure code of a call expected to fail. */
async function refusal(ws: TestWorkstation, name: 'evidence.chunk' | 'evidence.start' | 'evidence.finish', input: unknown): Promise<string> {
  const result = await ws.workstation.dispatch(name, input, { transport: 'test' });
  return result.ok ? 'ok' : result.error.code;
}

const send = (ws: TestWorkstation, recordingId: string, seq: number) => ws.call('evidence.chunk', { recordingId, seq, data: (chunks[seq] as Buffer).toString('base64') });
const grownFile = (dataDir: string, recordingId: string) => join(dataDir, EVIDENCE_DIR, `${recordingId}.part.webm`);
const acknowledgedBytes = (count: number) => chunks.slice(0, count).reduce((sum, chunk) => sum + chunk.byteLength, 0);

describe('evidence recording on a disk that fills up', () => {
  it('stops when the next chunk would eat into the reserve, finishes what was recorded, and starts no new recording', async (context) => {
    if (!mounted) return context.skip(`this machine does not allow mounting a tmpfs to fill: ${mountRefusal}`);
    const dataDir = join(mountPoint, 'data');
    const { ws, assignmentId } = await signedIn(dataDir, RULES);
    const { recordingId } = await ws.call('evidence.start', { assignmentId, device: 'main' });
    const half = Math.floor(chunks.length / 2);
    for (let seq = 0; seq < half; seq++) await send(ws, recordingId, seq);

    // Free space now: the reserve, room to finish what is recorded, and one chunk more; the
    // next chunk would leave too little to finish the recording without touching the reserve.
    fillUntil(RESERVE + Math.ceil((remuxRoom(acknowledgedBytes(half)) + CHUNK_BYTES) / PAGE) * PAGE);
    const finished = ws.waitFor('evidence.recording', (recording) => recording.recordingId === recordingId && recording.state !== 'finishing');
    expect(await refusal(ws, 'evidence.chunk', { recordingId, seq: half, data: (chunks[half] as Buffer).toString('base64') })).toBe('evidence_no_space');

    // What was recorded is finished by itself, seekable, and the reserve was never touched.
    const recording = await finished;
    expect(recording).toMatchObject<Partial<EvidenceRecording>>({ state: 'finished', chunks: half, error: null });
    expect(free()).toBeGreaterThanOrEqual(RESERVE);
    const probed = ffprobe(join(dataDir, EVIDENCE_DIR, `${recordingId}.webm`));
    expect(probed.durationMs).toBeGreaterThan(1000);
    expect(probed.durationMs).toBeLessThan(STREAM_SECONDS * 1000 - 1000);
    expect(existsSync(grownFile(dataDir, recordingId))).toBe(false);
    // It takes no more chunks, and no recording starts on a disk this full.
    expect(await refusal(ws, 'evidence.chunk', { recordingId, seq: half, data: (chunks[half] as Buffer).toString('base64') })).toBe('evidence_closed');
    expect(await refusal(ws, 'evidence.start', { assignmentId, device: 'side' })).toBe('evidence_no_space');
  });

  it('keeps exactly what was acknowledged when a write meets a full disk, says so, and finishes it once there is room', async (context) => {
    if (!mounted) return context.skip(`this machine does not allow mounting a tmpfs to fill: ${mountRefusal}`);
    const dataDir = join(mountPoint, 'data');
    // The free-space check is told the disk is roomy: the disk filling between the check and the
    // write (another program) is what this is about, and the write itself meets the real ENOSPC.
    const { ws, assignmentId } = await signedIn(dataDir, { ...RULES, freeBytes: () => Promise.resolve(Number.MAX_SAFE_INTEGER) });
    const { recordingId } = await ws.call('evidence.start', { assignmentId, device: 'main' });
    const half = Math.floor(chunks.length / 2);
    for (let seq = 0; seq < half; seq++) await send(ws, recordingId, seq);

    fillToTheLastPage();
    expect(await refusal(ws, 'evidence.chunk', { recordingId, seq: half, data: (chunks[half] as Buffer).toString('base64') })).toBe('evidence_no_space');
    // What was acknowledged is on disk as it was sent, and nothing of the chunk that did not fit.
    expect(readFileSync(grownFile(dataDir, recordingId)).equals(stream.subarray(0, acknowledgedBytes(half)))).toBe(true);
    expect(await refusal(ws, 'evidence.chunk', { recordingId, seq: half, data: (chunks[half] as Buffer).toString('base64') })).toBe('evidence_closed');
    // No room to finish it (ffmpeg's copy meets the full disk too): it waits, neither failed nor lost.
    expect(await refusal(ws, 'evidence.finish', { recordingId })).toBe('disk_full');
    const [waiting] = (await ws.call('evidence.list', { assignmentId })).recordings;
    expect(waiting?.state).not.toBe('failed');
    expect(readFileSync(grownFile(dataDir, recordingId)).equals(stream.subarray(0, acknowledgedBytes(half)))).toBe(true);
    ws.stop();

    // Room again: the next start finishes it from what was kept.
    rmSync(join(mountPoint, 'fillers'), { recursive: true, force: true });
    const again = startWorkstation(platform.url, { dataDir, evidence: RULES });
    cleanups.push(() => again.stop());
    const finished = await again.waitFor('evidence.recording', (recording) => recording.recordingId === recordingId && recording.state !== 'finishing');
    expect(finished).toMatchObject<Partial<EvidenceRecording>>({ state: 'finished', error: null });
    const probed = ffprobe(join(dataDir, EVIDENCE_DIR, `${recordingId}.webm`));
    expect(probed.durationMs).toBeGreaterThan(1000);
    expect(probed.durationMs).toBeLessThan(STREAM_SECONDS * 1000 - 1000);
  });
});
