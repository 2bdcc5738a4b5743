import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { USAGE } from '../../main/conformance/args';
import { runConformance } from '../../main/conformance/run';
import { TEST_EXAM_ID } from '../../platform/demo/test-exam';
import { startPlatform, type PlatformOptions, type RunningPlatform } from '../../platform/server';

/**
 * The vendor conformance check (`npm run conformance`, main/conformance/) against the reference
 * platform on loopback: real HTTP and WebSocket, no mocks. It passes against the platform as it
 * is, names the broken rule against one started with the `no_replay` fault, and refuses (writing
 * nothing) where no exam is a test exam.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Every rule the check prints, in order. */
const RULES = [
  'health',
  'login',
  'exams',
  'assignments',
  'realtime.hello',
  'queue.subscribe',
  'realtime.heartbeat',
  'score.submit',
  'score.replay',
  'score.batch-replay',
  'score.mismatch',
  'score.stale',
  'score.locked',
  'recording.sha256',
  'recording.range',
  'recording.resume',
];

/** A small demo (no ffmpeg: the test exam's recording is plain bytes) with the test exam unless told otherwise. */
const SMALL: PlatformOptions = { sfu: 'off', demo: { liveCandidates: 1, recordedPerSlot: 1, danceCandidates: 1 }, testExam: true };

const platforms: RunningPlatform[] = [];
afterEach(async () => {
  await Promise.all(platforms.splice(0).map((platform) => platform.close()));
});

async function platformWith(options: PlatformOptions = {}): Promise<RunningPlatform> {
  const platform = await startPlatform({ ...SMALL, ...options });
  platforms.push(platform);
  return platform;
}

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const examiner1 = (platform: RunningPlatform, more: string[] = []) => ['--platform', platform.url, '--user', 'examiner1', '--password', 'demo1234', ...more];

/** The check as a vendor runs it: `npm run conformance -- …`, a process of its own. */
function runScript(args: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'conformance', '--', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** The check in this process (quicker), with what it prints. */
async function runHere(platform: RunningPlatform, user = 'examiner1', exam: string | null = null): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runConformance(
    { platform: platform.url, user, password: 'demo1234', exam },
    { out: (line) => out.push(line), err: (line) => err.push(line) },
  );
  return { code, stdout: out.map((line) => `${line}\n`).join(''), stderr: err.map((line) => `${line}\n`).join('') };
}

/** Rule → PASS/FAIL, from the printed lines. */
function verdicts(stdout: string): Map<string, 'PASS' | 'FAIL'> {
  const found = new Map<string, 'PASS' | 'FAIL'>();
  for (const match of stdout.matchAll(/^(PASS|FAIL) ([a-z0-9.-]+): /gm)) found.set(match[2] ?? '', match[1] as 'PASS' | 'FAIL');
  return found;
}

/** What the platform holds of submissions: answered idempotency keys, and sheets accepted. */
function writes(platform: RunningPlatform): { keys: number; sheets: number } {
  const { db } = platform.ctx;
  const keys = (db.prepare('SELECT COUNT(*) AS n FROM idempotency').get() as { n: number }).n;
  const sheets = (db.prepare('SELECT COUNT(*) AS n FROM scores WHERE sheet IS NOT NULL').get() as { n: number }).n;
  return { keys, sheets };
}

/** The exam an assignment belongs to, for every sheet the platform accepted. */
function examsWritten(platform: RunningPlatform): string[] {
  const rows = platform.ctx.db
    .prepare('SELECT DISTINCT a.exam_id FROM scores s JOIN assignments a ON a.id = s.assignment_id WHERE s.sheet IS NOT NULL')
    .all() as { exam_id: string }[];
  return rows.map((row) => row.exam_id);
}

describe('npm run conformance', () => {
  it('passes every rule against the reference platform, run as the npm script, and writes only into the test exam', async () => {
    const platform = await platformWith();
    const run = await runScript(examiner1(platform));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect([...verdicts(run.stdout)]).toEqual(RULES.map((rule) => [rule, 'PASS']));
    expect(run.stdout).toMatch(/^SUMMARY 16 passed, 0 failed$/m);
    expect(examsWritten(platform)).toEqual([TEST_EXAM_ID]);
  }, 90_000);

  it('passes again on the same platform: each run takes the versions as it finds them', async () => {
    const platform = await platformWith();
    expect((await runHere(platform)).code).toBe(0);
    const again = await runHere(platform);
    expect(again.stdout).toMatch(/^SUMMARY 16 passed, 0 failed$/m);
    expect(again.code).toBe(0);
  }, 60_000);

  it('names the replay rules, and only them, against a platform whose idempotency replay is broken', async () => {
    const platform = await platformWith({ faults: { rate: 1, modes: ['no_replay'], paths: [], delayMs: 0, seed: 1 } });
    const run = await runHere(platform);
    expect(run.code).toBe(1);
    const failed = [...verdicts(run.stdout)].filter(([, verdict]) => verdict === 'FAIL').map(([rule]) => rule);
    expect(failed).toEqual(['score.replay', 'score.batch-replay']);
    expect(verdicts(run.stdout).size).toBe(RULES.length);
    expect(run.stdout).toMatch(/^FAIL score\.replay: expected the first answer again \(201, receipt v1\) with idempotent-replayed: true, and no second version; got 412 version_conflict/m);
    expect(run.stdout).toMatch(/^SUMMARY 14 passed, 2 failed: score\.replay, score\.batch-replay$/m);
  }, 60_000);

  it('refuses, writing nothing, against a platform none of whose exams is a test exam', async () => {
    const platform = await platformWith({ testExam: false });
    const run = await runHere(platform);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      "REFUSED: none of examiner1's exams is a test exam (exam-2026-art test: false); the check writes only into an exam the platform marks test: true\n",
    );
    expect(run.stdout).not.toMatch(/^(PASS|FAIL) score\./m);
    expect(writes(platform)).toEqual({ keys: 0, sheets: 0 });
  });

  it('refuses, writing nothing, when --exam names a real exam, or the account sits on no test exam', async () => {
    const platform = await platformWith();
    const real = await runHere(platform, 'examiner1', 'exam-2026-art');
    expect(real.code).toBe(2);
    expect(real.stderr).toMatch(/^REFUSED: exam exam-2026-art is not a test exam/);
    // examiner2 sits on none of the test exam's panels.
    const outsider = await runHere(platform, 'examiner2');
    expect(outsider.code).toBe(2);
    expect(outsider.stderr).toMatch(/^REFUSED: none of examiner2's exams is a test exam/);
    expect(writes(platform)).toEqual({ keys: 0, sheets: 0 });
  });

  it('refuses bad arguments with the usage, before reaching any platform', async () => {
    const run = await runScript(['--user', 'examiner1', '--password', 'demo1234']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`conformance: missing --platform\n${USAGE}\n`);
    expect(USAGE).toMatch(/^usage: npm run conformance -- --platform URL --user U --password P/);
  }, 30_000);
});
