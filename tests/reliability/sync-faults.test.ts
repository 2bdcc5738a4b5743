import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Exam } from '@common/platform';
import { sql } from '../../main/store/sql';
import { startPlatform, type RunningPlatform } from '../../platform/server';
import { startWorkstation, valuesFor, type TestWorkstation } from '../support/workstation';

const SHEETS = 5_000;
const FAULT_MODES = ['error_500', 'timeout_after_commit', 'reset', 'duplicate'] as const;

let platform: RunningPlatform;
let ws: TestWorkstation;
let platformDir: string;

beforeAll(async () => {
  platformDir = mkdtempSync(join(tmpdir(), 'platform-faults-'));
  platform = await startPlatform({
    dataDir: platformDir,
    demo: { liveCandidates: SHEETS, recordedPerSlot: 1 },
    // The response of a committed batch is withheld longer than the client waits: a timeout after commit.
    faults: { rate: 0.3, modes: [...FAULT_MODES], paths: ['/scores'], delayMs: 1_500, seed: 20261121 },
  });
  ws = startWorkstation(platform.url, { sync: { batchSize: 100, requestTimeoutMs: 1_000, baseDelayMs: 10, maxDelayMs: 200 } });
});

afterAll(async () => {
  ws.stop();
  await platform.close();
  rmSync(platformDir, { recursive: true, force: true });
});

describe('sync against a platform that fails 30% of the time', () => {
  it(`delivers ${SHEETS} submissions exactly once, each retry with its own first key, and empties the outbox`, async () => {
    await ws.call('session.login', { username: 'examiner1', password: 'demo1234' });
    const { assignments } = await ws.call('assignments.list', {});
    const live = assignments.filter((item) => item.assignment.kind === 'live').map((item) => item.assignment);
    expect(live.length).toBe(SHEETS);
    const { exam } = await ws.call('exams.get', { examId: live[0]?.examId ?? '' });
    const criteria = (exam as Exam).subjects.find((subject) => subject.id === live[0]?.subjectId)?.rubric.criteria ?? [];

    // Hold sync back while the outbox fills, so the platform sees the whole load under faults.
    ws.workstation.sync.stop();
    for (const [index, assignment] of live.entries()) {
      await ws.call('sheets.save', {
        assignmentId: assignment.assignmentId,
        values: valuesFor(criteria, 0.5 + (index % 50) / 100),
        comment: '',
        violation: { flagged: false, note: null },
      });
      await ws.call('sheets.submit', { assignmentId: assignment.assignmentId });
    }
    const keysAtSubmit = new Map(
      ws.workstation.store.reader
        .all<{ assignment_id: string; idempotency_key: string }>(sql`SELECT assignment_id, idempotency_key FROM outbox`)
        .map((row) => [row.assignment_id, row.idempotency_key]),
    );
    expect(keysAtSubmit.size).toBe(SHEETS);

    const drained = ws.waitFor('sync.status', (status) => status.pending === 0 && status.state === 'idle');
    ws.workstation.sync.start();
    await drained;

    // Exactly once: every sheet is at version 1 on the platform (a second delivery under a new
    // key would have made a version 2 or a conflict), and the platform saw one key per sheet:
    // the key fixed at submit time.
    const db = platform.ctx.db;
    const versions = db
      .prepare(
        `SELECT s.version AS version, COUNT(*) AS n FROM scores s JOIN assignments a ON a.id = s.assignment_id
         WHERE a.examiner_id = 'ex-01' AND a.subject_id = 'vocal' GROUP BY s.version`,
      )
      .all() as { version: number; n: number }[];
    expect(versions).toEqual([{ version: 1, n: SHEETS }]);
    const keys = db.prepare(`SELECT key FROM idempotency WHERE examiner_id = 'ex-01'`).all() as { key: string }[];
    expect(new Set(keys.map((row) => row.key))).toEqual(new Set(keysAtSubmit.values()));

    const sheets = ws.workstation.store.reader.all<{ status: string; n: number }>(sql`SELECT status, COUNT(*) AS n FROM score_sheets GROUP BY status`);
    expect(sheets).toEqual([{ status: 'accepted', n: SHEETS }]);
    expect(ws.workstation.store.reader.get<{ n: number }>(sql`SELECT COUNT(*) AS n FROM outbox`)?.n).toBe(0);
    expect(await ws.call('audit.verify', {})).toMatchObject({ ok: true });
    // Every batch carried the chain's head; retried, duplicated and overtaken ones raised no flag.
    expect(db.prepare(`SELECT count(*) AS n FROM audit_heads WHERE examiner_id = 'ex-01'`).get()).toEqual({ n: 1 });
    expect(db.prepare('SELECT reason, witnessed_seq, claimed_seq FROM audit_flags').all()).toEqual([]);

    // And the faults really happened, of every kind.
    const admin = await fetch(`${platform.url}/api/v1/admin/faults`, { headers: { 'x-admin-secret': platform.adminSecret } });
    const { counters } = (await admin.json()) as { counters: { injected: Record<string, number> } };
    for (const mode of FAULT_MODES) expect(counters.injected[mode], mode).toBeGreaterThan(0);
  });
});
