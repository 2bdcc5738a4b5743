import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAudit } from '../../main/store/audit';
import { Store } from '../../main/store/connection';
import { DATABASE_FILE } from '../../main/store/database';
import { sql } from '../../main/store/sql';
import { faultInjectorOf, type FaultMode } from '../../platform/faults';
import { startPlatform, type RunningPlatform } from '../../platform/server';

/**
 * The workstation is killed with SIGKILL while a batch of score sheets is in flight: held by the
 * platform before it is handled, or handled and committed with the answer not yet back. Each
 * restart resumes from its database and sends what is left. In the end every sheet is on the
 * platform exactly once: at version 1, under the one idempotency key fixed when it was submitted.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHILD = fileURLToPath(new URL('./sync-crash-child.ts', import.meta.url));
const SHEETS = 300;
const KILLS = 12;
const SEED = Number(process.env.CRASH_SEED ?? 20261207);
/**
 * The rounds alternate between two ways a batch is in flight at the kill:
 * - delay: held a moment (0-40 ms) before the platform handles it, then handled anyway, for
 *   nobody if the kill came first; the kill comes at the 1st to 8th batch of the run, so runs get
 *   further each time, through all the sheets;
 * - timeout_after_commit: handled and committed, its answer withheld far longer than the kill
 *   waits; the kill comes at the 1st or 2nd batch (the worker has two in flight, and the next
 *   wait for them).
 */
const ROUNDS = [
  { mode: 'delay', killAtBatch: { min: 1, max: 8 } },
  { mode: 'timeout_after_commit', killAtBatch: { min: 1, max: 2 } },
] as const satisfies readonly { mode: FaultMode; killAtBatch: { min: number; max: number } }[];
/** The kill comes that long (ms) after the platform has the batch: before, during or after its handling and the answer. */
const KILL_DELAY_MS = { min: 0, max: 40 };

/** mulberry32: a small seeded PRNG, so a failing sequence of kills can be replayed with CRASH_SEED. */
function prng(seed: number): (min: number, max: number) => number {
  let state = seed >>> 0;
  return (min, max) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return min + Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * (max - min + 1));
  };
}

let platform: RunningPlatform;
let platformDir: string;
let dataDir: string;
let running: ChildProcess | null = null;

beforeAll(async () => {
  platformDir = mkdtempSync(join(tmpdir(), 'sync-crash-platform-'));
  dataDir = mkdtempSync(join(tmpdir(), 'sync-crash-ws-'));
  platform = await startPlatform({ dataDir: platformDir, demo: { liveCandidates: SHEETS, recordedPerSlot: 1 } });
});

afterAll(async () => {
  if (running?.exitCode === null && running.signalCode === null) running.kill('SIGKILL');
  await platform.close();
  rmSync(platformDir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

/** One run of the workstation; with `kill`, SIGKILLed that long after the platform has the n-th batch of this run. */
async function runChild(kill: { atBatch: number; delayMs: number } | null): Promise<{ killed: boolean; done: boolean }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir, platform.url, String(SHEETS)], {
    cwd: ROOT,
    env: { ...process.env, TSX_TSCONFIG_PATH: join(ROOT, 'tsconfig.tests.json') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running = child;
  let stderr = '';
  let done = false;
  let killSent = false;
  let timer: NodeJS.Timeout | null = null;
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line === 'done') done = true;
  });
  let batches = 0;
  const off = faultInjectorOf(platform.ctx).onInjected(() => {
    if (!kill || ++batches < kill.atBatch || timer !== null) return;
    timer = setTimeout(() => {
      killSent = child.kill('SIGKILL');
    }, kill.delayMs);
  });
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  off();
  running = null;
  if (timer) clearTimeout(timer);
  const killed = killSent && signal === 'SIGKILL';
  if (!killed) expect({ code, signal }, `the workstation failed on its own:\n${stderr}`).toEqual({ code: 0, signal: null });
  return { killed, done };
}

/** Each sheet's idempotency key as the workstation's audit trail recorded it at submission. */
function submittedKeys(): Map<string, string[]> {
  const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true, fileMustExist: true });
  try {
    const keys = new Map<string, string[]>();
    const rows = new Store(db).reader.all<{ assignment_id: string; payload: string }>(
      sql`SELECT assignment_id, payload FROM audit_log WHERE action = 'sheet.submitted' ORDER BY seq`,
    );
    for (const row of rows) {
      const { idempotencyKey } = JSON.parse(row.payload) as { idempotencyKey: string };
      keys.set(row.assignment_id, [...(keys.get(row.assignment_id) ?? []), idempotencyKey]);
    }
    return keys;
  } finally {
    db.close();
  }
}

describe('sync under kill -9', () => {
  it(`delivers ${String(SHEETS)} sheets exactly once through ${String(KILLS)} SIGKILLs with a batch in flight`, async () => {
    const random = prng(SEED);
    const injector = faultInjectorOf(platform.ctx);
    let kills = 0;
    let finished = false;
    // Kills that came with a batch committed and its answer withheld (the settings' counters restart each round).
    let killedAfterCommit = 0;
    for (let round = 0; round < KILLS && !finished; round++) {
      const { mode, killAtBatch } = ROUNDS[round % ROUNDS.length] ?? ROUNDS[0];
      const delayMs = mode === 'delay' ? random(0, 40) : 10_000;
      injector.set({ rate: 1, modes: [mode], paths: ['/scores/batch'], delayMs, seed: SEED + round });
      const atBatch = random(killAtBatch.min, killAtBatch.max);
      const outcome = await runChild({ atBatch, delayMs: random(KILL_DELAY_MS.min, KILL_DELAY_MS.max) });
      if (outcome.killed && mode === 'timeout_after_commit') killedAfterCommit++;
      injector.set(null);
      if (outcome.killed) kills++;
      finished = outcome.done;
    }
    expect(kills, 'the workstation was killed with batches in flight').toBeGreaterThan(KILLS / 2);
    expect(killedAfterCommit, 'some kills came after the platform had committed a batch').toBeGreaterThan(0);

    // The last run, with no faults, sends whatever the kills left.
    expect(await runChild(null)).toEqual({ killed: false, done: true });

    // The workstation: every sheet accepted at version 1, nothing waiting, the audit trail intact.
    const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true, fileMustExist: true });
    try {
      const reader = new Store(db).reader;
      expect(reader.all(sql`SELECT status, accepted_version, COUNT(*) AS n FROM score_sheets GROUP BY status, accepted_version`)).toEqual([
        { status: 'accepted', accepted_version: 1, n: SHEETS },
      ]);
      expect(reader.get(sql`SELECT COUNT(*) AS n FROM outbox`)).toEqual({ n: 0 });
      expect(verifyAudit(reader)).toMatchObject({ ok: true });
    } finally {
      db.close();
    }

    // Submitted once each, under one key, and the platform saw exactly those keys.
    const keys = submittedKeys();
    expect(keys.size).toBe(SHEETS);
    expect([...keys.values()].filter((list) => list.length !== 1)).toEqual([]);
    const seen = platform.ctx.db.prepare(`SELECT key FROM idempotency WHERE examiner_id = 'ex-01'`).all() as { key: string }[];
    expect(new Set(seen.map((row) => row.key))).toEqual(new Set([...keys.values()].flat()));

    // The platform: one version per sheet; a second delivery would have made a version 2 or a conflict.
    const versions = platform.ctx.db
      .prepare(`SELECT s.version AS version, COUNT(*) AS n FROM scores s JOIN assignments a ON a.id = s.assignment_id
                WHERE a.examiner_id = 'ex-01' AND a.subject_id = 'vocal' GROUP BY s.version`)
      .all();
    expect(versions).toEqual([{ version: 1, n: SHEETS }]);
    // Every batch carried the audit head as committed: no kill made it go back or fork.
    expect(platform.ctx.db.prepare('SELECT COUNT(*) AS n FROM audit_flags').get()).toEqual({ n: 0 });
  });
});
