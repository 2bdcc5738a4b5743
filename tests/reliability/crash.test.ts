import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAudit } from '../../main/store/audit';
import { Store } from '../../main/store/connection';
import { DATABASE_FILE, integrityProblems } from '../../main/store/database';
import { sql } from '../../main/store/sql';
import { completeValues, fixtureAssignments, makeDataDir, prepareDataDir, removeDataDir, rubricFor } from '../support/store-fixtures';

/**
 * The workstation is killed with SIGKILL (no exit handlers, no flushing, no closing) while it
 * autosaves and submits score sheets, over and over, each run resuming from what the database
 * says. Whatever it acknowledged (after commit) must survive every kill, and the database must
 * stay consistent: healthy file, intact audit chain, outbox and sheets in agreement.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url));
const SHEETS = 1_000;
const SUBMIT_EVERY = 10;
const KILLS = 50;
/** Wall-clock bound of the kill loop; the final run then completes what is left. */
const KILL_LOOP_MS = 5 * 60_000;
const SEED = Number(process.env.CRASH_SEED ?? 20260314);
/**
 * The kill comes after a random number of acks, plus a random delay: counting acks keeps the
 * work per run (and so the number of runs) the same on a fast and a slow disk, and the delay,
 * longer than one save, puts the kill anywhere in a save, its commit and fsync included.
 */
const ACKS_BEFORE_KILL = { min: 1, max: 40 };
const KILL_DELAY_MS = { min: 0, max: 20 };

/** mulberry32: a small seeded PRNG, so a failing sequence of kills can be replayed with CRASH_SEED. */
function prng(seed: number): (min: number, max: number) => number {
  let state = seed >>> 0;
  return (min, max) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const unit = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return min + Math.floor(unit * (max - min + 1));
  };
}

interface Ack {
  readonly revision: number;
  readonly status: string;
}

interface RunOutcome {
  readonly acks: readonly (Ack & { assignmentId: string })[];
  readonly killed: boolean;
  readonly done: boolean;
}

const ACK_LINE = /^ack (as-\d{4}) (\d+) (draft|submitted)$/;

/** The child of the current run, killed by afterAll should the test time out while it runs. */
let running: ChildProcess | null = null;

/** Runs the child once; with `kill`, SIGKILLs it after that many acks plus that delay. */
async function runChild(dataDir: string, kill: { afterAcks: number; delayMs: number } | null): Promise<RunOutcome> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir, String(SHEETS), String(SUBMIT_EVERY)], {
    cwd: ROOT,
    // tsx reads the path aliases (@common/*) from the tsconfig this names.
    env: { ...process.env, TSX_TSCONFIG_PATH: join(ROOT, 'tsconfig.tests.json') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running = child;
  const acks: (Ack & { assignmentId: string })[] = [];
  const unexpected: string[] = [];
  let stderr = '';
  let done = false;
  let timer: NodeJS.Timeout | null = null;
  let killSent = false;
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  createInterface({ input: child.stdout }).on('line', (line) => {
    const match = ACK_LINE.exec(line);
    if (match?.[1] && match[2] && match[3]) {
      acks.push({ assignmentId: match[1], revision: Number(match[2]), status: match[3] });
      if (kill && acks.length === kill.afterAcks) {
        timer = setTimeout(() => {
          killSent = child.kill('SIGKILL');
        }, kill.delayMs);
      }
    } else if (line === 'done') done = true;
    else unexpected.push(line);
  });
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  running = null;
  if (timer) clearTimeout(timer);
  expect(unexpected, 'the child prints only acks and done').toEqual([]);
  const killed = killSent && signal === 'SIGKILL';
  if (!killed) expect({ code, signal }, `the child failed on its own:\n${stderr}`).toEqual({ code: 0, signal: null });
  expect(killed || done, 'a run ends by our kill or by finishing').toBe(true);
  return { acks, killed, done };
}

interface SheetRowView {
  assignment_id: string;
  sheet_values: string;
  status: string;
  revision: number;
}

/** Everything that must hold after a crash, checked on the file as the crash left it. */
function checkConsistency(dataDir: string, acknowledged: ReadonlyMap<string, Ack>): { sheets: number; submitted: number } {
  // Read-only: the next run, not this check, is what recovers the WAL the crash left behind.
  const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true, fileMustExist: true });
  try {
    expect(integrityProblems(db)).toEqual([]);
    const reader = new Store(db).reader;
    const verdict = verifyAudit(reader);
    expect(verdict).toMatchObject({ ok: true });

    const sheets = new Map(reader.all<SheetRowView>(sql`SELECT assignment_id, sheet_values, status, revision FROM score_sheets`).map((row) => [row.assignment_id, row]));
    const lost = [...acknowledged].filter(([id, ack]) => {
      const row = sheets.get(id);
      return !row || row.revision < ack.revision || (ack.status === 'submitted' && row.status !== 'submitted');
    });
    expect(lost, 'acknowledged saves and submissions that did not survive').toEqual([]);

    const assignments = fixtureAssignments(SHEETS);
    for (const row of sheets.values()) {
      const index = Number(row.assignment_id.slice(3));
      const assignment = assignments[index];
      if (!assignment) throw new Error(`a sheet for an unknown assignment ${row.assignment_id}`);
      // One save per assignment: a resumed run never redoes a save the database already holds.
      expect({ id: row.assignment_id, revision: row.revision, values: JSON.parse(row.sheet_values) as unknown }).toEqual({
        id: row.assignment_id,
        revision: 1,
        values: completeValues(rubricFor(assignment), index),
      });
      expect(['draft', 'submitted']).toContain(row.status);
    }

    const submittedWithoutOne = reader.all(sql`SELECT s.assignment_id FROM score_sheets s
      WHERE s.status = 'submitted' AND (SELECT COUNT(*) FROM outbox o WHERE o.assignment_id = s.assignment_id AND o.examiner_id = s.examiner_id) != 1`);
    expect(submittedWithoutOne, 'submitted sheets without exactly one outbox row').toEqual([]);
    const strayOutbox = reader.all(sql`SELECT o.assignment_id FROM outbox o LEFT JOIN score_sheets s
      ON s.assignment_id = o.assignment_id AND s.examiner_id = o.examiner_id WHERE s.status IS NOT 'submitted'`);
    expect(strayOutbox, 'outbox rows whose sheet is not submitted').toEqual([]);

    const submitted = [...sheets.values()].filter((row) => row.status === 'submitted');
    // A save and its audit entry, a submission and its entry, commit together or not at all.
    expect(verdict.ok && verdict.count).toBe(sheets.size + submitted.length);
    return { sheets: sheets.size, submitted: submitted.length };
  } finally {
    db.close();
  }
}

describe('the store under kill -9', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = makeDataDir('examiner-crash-');
    prepareDataDir(dataDir, fixtureAssignments(SHEETS));
  });
  afterAll(() => {
    if (running?.exitCode === null && running.signalCode === null) running.kill('SIGKILL');
    removeDataDir(dataDir);
  });

  it(`keeps every acknowledged save through up to ${String(KILLS)} SIGKILLs while autosaving ${String(SHEETS)} sheets`, async () => {
    const random = prng(SEED);
    const acknowledged = new Map<string, Ack>();
    const record = (acks: RunOutcome['acks']) => {
      for (const ack of acks) {
        const before = acknowledged.get(ack.assignmentId);
        // Each call is acknowledged once across all runs: saves are never redone, submissions never repeated.
        expect(before?.status, `${ack.assignmentId} acknowledged twice`).not.toBe(ack.status);
        acknowledged.set(ack.assignmentId, { revision: Math.max(before?.revision ?? 0, ack.revision), status: ack.status });
      }
    };

    const started = Date.now();
    let kills = 0;
    let finished = false;
    while (kills < KILLS && !finished && Date.now() - started < KILL_LOOP_MS) {
      const kill = { afterAcks: random(ACKS_BEFORE_KILL.min, ACKS_BEFORE_KILL.max), delayMs: random(KILL_DELAY_MS.min, KILL_DELAY_MS.max) };
      const outcome = await runChild(dataDir, kill);
      record(outcome.acks);
      if (outcome.killed) kills++;
      finished = outcome.done;
      checkConsistency(dataDir, acknowledged);
    }
    expect(kills, 'the loop killed the child at least once').toBeGreaterThan(0);

    // The last run completes whatever the kills left undone.
    const last = await runChild(dataDir, null);
    record(last.acks);
    expect(last.done).toBe(true);
    expect(checkConsistency(dataDir, acknowledged)).toEqual({ sheets: SHEETS, submitted: SHEETS / SUBMIT_EVERY });
  });
});
