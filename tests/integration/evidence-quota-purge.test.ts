import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EvidenceRecording } from '@common/contract';
import type { Assignment, Exam } from '@common/platform';
import { EVIDENCE_DIR } from '../../main/evidence';
import { sql } from '../../main/store/sql';
import { createWorkstation } from '../../main/workstation';
import { silentLogger } from '../../main/log';
import { startPlatform, type RunningPlatform } from '../../platform/server';
import { evidenceChunks, liveWebmStream } from '../support/evidence-fixtures';
import { valuesFor, type TestWorkstation } from '../support/workstation';

/**
 * Evidence recordings take disk like downloaded recordings do, so they count in the media cache's
 * quota, and they go when the assignment's recordings would: once the examiner's sheet is
 * accepted and the grading window is over. Real evidence files (real chunks, remuxed by ffmpeg),
 * real downloads from the platform on loopback.
 */

let platform: RunningPlatform;
let platformDir: string;
let chunks: Buffer[];
const cleanups: (() => void | Promise<void>)[] = [];

beforeAll(async () => {
  platformDir = mkdtempSync(join(tmpdir(), 'evidence-quota-platform-'));
  platform = await startPlatform({ dataDir: platformDir, demo: { liveCandidates: 2, recordedPerSlot: 1 }, demoMedia: { seconds: 2, longSeconds: 3 } });
  chunks = evidenceChunks(liveWebmStream(3));
}, 120_000);
afterAll(async () => {
  await platform?.close();
  if (platformDir) rmSync(platformDir, { recursive: true, force: true });
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A workstation on `dataDir`, with the media cache's quota and clock given, signed in as `username`. */
async function open(dataDir: string, username: string, downloads: { quotaBytes?: number; now?: () => Date } = {}): Promise<TestWorkstation & { assignments: Assignment[] }> {
  const workstation = createWorkstation({
    host: 'browser',
    config: { platformUrl: platform.url, dataDir, demo: false },
    log: silentLogger,
    healthIntervalMs: { online: 1_000, offline: 100 },
    sync: { baseDelayMs: 20, maxDelayMs: 200 },
    backupIntervalMs: 3_600_000,
    media: { downloads: { progressIntervalMs: 0, ...downloads } },
  });
  workstation.start();
  cleanups.push(() => workstation.stop());
  const call: TestWorkstation['call'] = async (name, input) => {
    const result = await workstation.dispatch(name, input, { transport: 'test' });
    if (!result.ok) throw new Error(`${name} failed: ${result.error.code}: ${result.error.message}`);
    return result.value as never;
  };
  const waitFor: TestWorkstation['waitFor'] = (name, match) =>
    new Promise((resolve) => {
      const off = workstation.events.subscribe((event, payload) => {
        if (event === name && match(payload as never)) {
          off();
          resolve(payload as never);
        }
      });
    });
  await call('session.login', { username, password: 'demo1234' });
  const assignments = (await call('assignments.list', {})).assignments.map((item) => item.assignment);
  return { workstation, dataDir, call, waitFor, stop: () => workstation.stop(), assignments };
}

async function record(ws: TestWorkstation, assignmentId: string, device: 'main' | 'side'): Promise<EvidenceRecording> {
  const { recordingId } = await ws.call('evidence.start', { assignmentId, device });
  for (const [seq, chunk] of chunks.entries()) await ws.call('evidence.chunk', { recordingId, seq, data: chunk.toString('base64') });
  const finished = await ws.call('evidence.finish', { recordingId });
  expect(finished.state).toBe('finished');
  return finished;
}

const evidenceFile = (dataDir: string, recording: EvidenceRecording) => join(dataDir, EVIDENCE_DIR, `${recording.recordingId}.webm`);
const bytesOf = (assignment: Assignment) => assignment.recordings.reduce((sum, recording) => sum + recording.bytes, 0);

describe('evidence in the media cache', () => {
  it('counts in the quota: a download that would fit without it is refused', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'evidence-quota-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const examiner = await open(dataDir, 'examiner1');
    const live = examiner.assignments.find((assignment) => assignment.kind === 'live') as Assignment;
    const evidence = [await record(examiner, live.assignmentId, 'main'), await record(examiner, live.assignmentId, 'side')];
    const evidenceBytes = evidence.reduce((sum, recording) => sum + statSync(evidenceFile(dataDir, recording)).size, 0);
    expect((await examiner.call('recordings.overview', {})).usage.usedBytes).toBe(evidenceBytes);
    examiner.stop();

    // Room for the grader's recordings, but not for them and the evidence on the disk.
    const grader = await open(dataDir, 'grader1', { quotaBytes: 0 });
    const recorded = grader.assignments.find((assignment) => assignment.recordings.length > 0) as Assignment;
    grader.stop();
    const quotaBytes = evidenceBytes + bytesOf(recorded) - 1;
    const tight = await open(dataDir, 'grader1', { quotaBytes });
    const refused = await tight.call('recordings.download', { assignmentId: recorded.assignmentId });
    expect(refused.recordings.map((recording) => recording.error?.code ?? recording.state)).toContain('quota_exceeded');
    // The evidence was not evicted to make room: it is evidence, not a cache.
    for (const recording of evidence) expect(statSync(evidenceFile(dataDir, recording)).size).toBe(recording.bytes);
  });

  it("goes with the assignment's recordings: once its sheet is accepted and the grading window is over", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'evidence-purge-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const first = await open(dataDir, 'examiner1');
    const [accepted, open_] = first.assignments.filter((assignment) => assignment.kind === 'live') as [Assignment, Assignment];
    const gone = [await record(first, accepted.assignmentId, 'main'), await record(first, accepted.assignmentId, 'side')];
    const kept = await record(first, open_.assignmentId, 'main');

    const { exam } = await first.call('exams.get', { examId: accepted.examId });
    const criteria = (exam as Exam).subjects.find((subject) => subject.id === accepted.subjectId)?.rubric.criteria ?? [];
    const acceptedEvent = first.waitFor('sheet.changed', (sheet) => sheet.assignmentId === accepted.assignmentId && sheet.status === 'accepted');
    await first.call('sheets.save', { assignmentId: accepted.assignmentId, values: valuesFor(criteria, 0.5), comment: '', violation: { flagged: false, note: null } });
    await first.call('sheets.submit', { assignmentId: accepted.assignmentId });
    await acceptedEvent;
    first.stop();

    // A day before the window closes (the due date plus 7 days) nothing goes.
    const dueAt = Date.parse(accepted.dueAt);
    const before = await open(dataDir, 'examiner1', { now: () => new Date(dueAt + 6 * 24 * 3600_000) });
    expect((await before.call('evidence.list', { assignmentId: accepted.assignmentId })).recordings).toHaveLength(2);
    before.stop();

    // Eight days after the due date: the purge at start takes the accepted assignment's evidence, files and rows.
    const after = await open(dataDir, 'examiner1', { now: () => new Date(dueAt + 8 * 24 * 3600_000) });
    expect((await after.call('evidence.list', { assignmentId: accepted.assignmentId })).recordings).toEqual([]);
    for (const recording of gone) expect(existsSync(evidenceFile(dataDir, recording))).toBe(false);
    expect(readdirSync(join(dataDir, EVIDENCE_DIR))).toEqual([`${kept.recordingId}.webm`]);
    expect((await after.call('evidence.list', { assignmentId: open_.assignmentId })).recordings.map((recording) => recording.recordingId)).toEqual([kept.recordingId]);
    expect(after.workstation.store.reader.all(sql`SELECT id FROM evidence_recordings`)).toEqual([{ id: kept.recordingId }]);
  });
});
