import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Exam, ScoreSheet } from '@common/platform';
import { startPlatformProcess, type PlatformProcess } from '../support/platform-process';
import { startWorkstation, valuesFor } from '../support/workstation';
import { bench, note, percentile } from './report';

const SHEETS = 10_000;
const AUTOSAVES = 2_000;
/** The round trip of a real network, added to every score request by the platform's delay fault. */
const RTT_MS = 30;
/** One request per sheet at 30 ms takes five minutes for 10,000: the naive client is timed on a sample. */
const NAIVE_SAMPLE = 200;

type Criteria = readonly { id: string; max: number; step: number }[];

/**
 * (a) Durable autosaves: sheets.save through the real dispatcher into SQLite with WAL and
 *     synchronous=FULL, one at a time as a grader types.
 * (b) 10,000 sheets queued while the platform is down, then the platform comes back: time until
 *     all are accepted, against a naive client that sends one request per sheet, in turn, to the
 *     same platform in the same run.
 * (c) (b) again over a 30 ms round trip: on loopback a request costs under a millisecond, so
 *     (b)'s ratio says little about batching. The platform's delay fault holds every score
 *     request 30 ms before handling it, as a network between workstation and platform would
 *     (latency only: loopback's bandwidth stays). Another examiner's 10,000 sheets; the naive
 *     client is timed on 200 sheets and its time for 10,000 extrapolated.
 */
export async function run(): Promise<void> {
  const platformDir = mkdtempSync(join(tmpdir(), 'bench-platform-'));
  // The platform runs in its own process, as it does in real life (on another machine).
  let platform: PlatformProcess = await startPlatformProcess({ dataDir: platformDir, demo: { liveCandidates: SHEETS, recordedPerSlot: 1 } });
  const ws = startWorkstation(platform.url, { sync: { baseDelayMs: 50, maxDelayMs: 500 } });
  try {
    await ws.call('session.login', { username: 'examiner1', password: 'demo1234' });
    const { assignments } = await ws.call('assignments.list', {});
    const live = assignments.filter((item) => item.assignment.kind === 'live').map((item) => item.assignment);
    const { exam } = await ws.call('exams.get', { examId: live[0]?.examId ?? '' });
    const criteria = (exam as Exam).subjects.find((subject) => subject.id === live[0]?.subjectId)?.rubric.criteria ?? [];

    // (a) autosave latency: the same sheet edited again and again, like keystrokes.
    const target = live[0]?.assignmentId ?? '';
    const latencies: number[] = [];
    const started = performance.now();
    for (let i = 0; i < AUTOSAVES; i++) {
      const t0 = performance.now();
      await ws.call('sheets.save', { assignmentId: target, values: valuesFor(criteria, (i % 100) / 100), comment: `第${i}次`, violation: { flagged: false, note: null } });
      latencies.push(performance.now() - t0);
    }
    const seconds = (performance.now() - started) / 1000;
    bench('sync.autosave_per_s', AUTOSAVES / seconds, 'saves/s');
    bench('sync.autosave_p50_ms', percentile(latencies, 50), 'ms');
    bench('sync.autosave_p99_ms', percentile(latencies, 99), 'ms');

    // (b) fill the outbox while the platform is down.
    await platform.stop();
    await ws.call('platform.checkNow', {});
    note(`queueing ${SHEETS} submissions offline…`);
    for (const [index, assignment] of live.slice(0, SHEETS).entries()) {
      const input = { assignmentId: assignment.assignmentId, values: valuesFor(criteria, 0.5 + (index % 50) / 100), comment: '', violation: { flagged: false, note: null } };
      await ws.call('sheets.save', input);
      await ws.call('sheets.submit', { assignmentId: assignment.assignmentId });
    }
    const pending = (await ws.call('sync.getStatus', {})).pending;
    note(`${pending} submissions pending; the platform comes back`);
    const drained = ws.waitFor('sync.status', (status) => status.pending === 0 && status.state === 'idle');
    platform = await startPlatformProcess({ dataDir: platformDir, port: platform.port });
    // From the moment the platform listens again: noticing it (health polls every 100 ms here) counts.
    const backAt = performance.now();
    await drained;
    const syncSeconds = (performance.now() - backAt) / 1000;
    bench('sync.sync_10k_s', syncSeconds, 's');

    // The naive baseline: examiner2's 10,000 sheets, one request each, one after another.
    const naiveSeconds = await naiveClient(platform, criteria, 'examiner2', SHEETS);
    bench('sync.naive_10k_s', naiveSeconds, 's');
    bench('sync.speedup_vs_naive', naiveSeconds / syncSeconds, 'x');

    // (c) over a 30 ms round trip: examiner3's sheets from a workstation of their own.
    platform = await syncOverNetwork(platform, platformDir, criteria);
  } finally {
    ws.stop();
    await platform.stop();
    rmSync(platformDir, { recursive: true, force: true });
  }
}

/** (c): returns the platform it restarted, still running, for the caller to stop (stopped here if (c) fails). */
async function syncOverNetwork(running: PlatformProcess, platformDir: string, criteria: Criteria): Promise<PlatformProcess> {
  let platform = running;
  const ws = startWorkstation(platform.url, { sync: { baseDelayMs: 50, maxDelayMs: 500 } });
  try {
    await ws.call('session.login', { username: 'examiner3', password: 'demo1234' });
    const { assignments } = await ws.call('assignments.list', {});
    const live = assignments.filter((item) => item.assignment.kind === 'live').map((item) => item.assignment);
    await ws.call('exams.get', { examId: live[0]?.examId ?? '' });
    await platform.stop();
    await ws.call('platform.checkNow', {});
    note(`queueing ${SHEETS} more submissions offline, for a platform ${RTT_MS} ms away…`);
    for (const [index, assignment] of live.slice(0, SHEETS).entries()) {
      const input = { assignmentId: assignment.assignmentId, values: valuesFor(criteria, 0.5 + (index % 50) / 100), comment: '', violation: { flagged: false, note: null } };
      await ws.call('sheets.save', input);
      await ws.call('sheets.submit', { assignmentId: assignment.assignmentId });
    }
    const drained = ws.waitFor('sync.status', (status) => status.pending === 0 && status.state === 'idle');
    const faults = { rate: 1, modes: ['delay' as const], paths: ['/scores', '/assignments'], delayMs: RTT_MS, seed: 1 };
    platform = await startPlatformProcess({ dataDir: platformDir, port: platform.port, faults });
    const backAt = performance.now();
    await drained;
    const syncSeconds = (performance.now() - backAt) / 1000;
    bench(`sync.sync_10k_rtt${RTT_MS}_s`, syncSeconds, 's');

    const sampleSeconds = await naiveClient(platform, criteria, 'chief', NAIVE_SAMPLE);
    const naiveSeconds = (sampleSeconds * SHEETS) / NAIVE_SAMPLE;
    note(`naive client over ${RTT_MS} ms: ${NAIVE_SAMPLE} sheets one request each in ${sampleSeconds.toFixed(2)} s, extrapolated ×${SHEETS / NAIVE_SAMPLE} to ${SHEETS}`);
    bench(`sync.naive_10k_rtt${RTT_MS}_s`, naiveSeconds, 's (extrapolated)');
    bench(`sync.speedup_vs_naive_rtt${RTT_MS}`, naiveSeconds / syncSeconds, 'x');
    return platform;
  } catch (error) {
    // The caller stops the platform it passed in; the one started here would be left running.
    await platform.stop();
    throw error;
  } finally {
    ws.stop();
  }
}

/** One request per sheet, one after another: `count` of the user's live sheets; the seconds it took. */
async function naiveClient(platform: PlatformProcess, criteria: Criteria, username: string, count: number): Promise<number> {
  const login = (await (
    await fetch(`${platform.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: 'demo1234' }),
    })
  ).json()) as { token: string };
  const list = (await (await fetch(`${platform.url}/api/v1/assignments`, { headers: { authorization: `Bearer ${login.token}` } })).json()) as {
    assignments: { assignmentId: string; kind: string }[];
  };
  const ids = list.assignments.filter((assignment) => assignment.kind === 'live').map((assignment) => assignment.assignmentId).slice(0, count);
  const started = performance.now();
  for (const [index, id] of ids.entries()) {
    const sheet: ScoreSheet = { values: valuesFor(criteria, 0.5 + (index % 50) / 100), comment: '', violation: { flagged: false, note: null }, auditHead: null };
    const response = await fetch(`${platform.url}/api/v1/assignments/${id}/score`, {
      method: 'POST',
      headers: { authorization: `Bearer ${login.token}`, 'content-type': 'application/json', 'idempotency-key': randomUUID(), 'if-match': '"0"' },
      body: JSON.stringify(sheet),
    });
    if (response.status !== 201) throw new Error(`naive client: HTTP ${response.status} for ${id}`);
    await response.arrayBuffer();
  }
  return (performance.now() - started) / 1000;
}
