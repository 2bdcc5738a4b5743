import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PushToExaminer } from '@common/platform/realtime';
import {
  BatchResponse,
  ReReviewList,
  ReReviewRequest,
  ScoreReceipt,
  ScoreRecord,
  ScoreRefusal,
  type BatchItem,
  type ScoreSheet,
} from '@common/platform/scores';
import { LoginResponse } from '@common/platform/wire';
import { ManualClock } from '../../platform/clock';
import type { Notifier } from '../../platform/context';
import { startPlatform, type RunningPlatform } from '../../platform/server';
import { ABANDONED_AFTER_MS } from '../../platform/state/scores';

// ── helpers ─────────────────────────────────────────────────────────────────────────

interface Sent {
  readonly status: number;
  readonly body: unknown;
  readonly replayed: string | null;
}

function client(platform: () => RunningPlatform) {
  const send = async (method: string, path: string, token: string | null, body?: unknown, headers: Record<string, string> = {}): Promise<Sent> => {
    const response = await fetch(`${platform().url}/api/v1${path}`, {
      method,
      headers: {
        ...(token !== null && { authorization: `Bearer ${token}` }),
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? null : (JSON.parse(text) as unknown), replayed: response.headers.get('idempotent-replayed') };
  };
  return {
    send,
    login: async (username: string): Promise<string> => {
      const sent = await send('POST', '/auth/login', null, { username, password: 'demo1234' });
      return LoginResponse.parse(sent.body).token;
    },
    submit: (token: string | null, assignmentId: string, key: string, baseVersion: number | null, sheet: unknown) =>
      send('POST', `/assignments/${assignmentId}/score`, token, sheet, {
        'idempotency-key': key,
        ...(baseVersion !== null && { 'if-match': `"${String(baseVersion)}"` }),
      }),
    record: async (token: string, assignmentId: string): Promise<ScoreRecord> => {
      const sent = await send('GET', `/assignments/${assignmentId}/score`, token);
      expect(sent.status).toBe(200);
      return ScoreRecord.parse(sent.body);
    },
  };
}

/** The vocal rubric (pitch 30, rhythm 20, tone 20, expression 20, stage 10; steps of 0.5): total = pitch + 52. */
const vocal = (pitch: number, overrides: Partial<ScoreSheet> = {}): ScoreSheet => ({
  values: { pitch, rhythm: 16, tone: 16, expression: 15, stage: 5 },
  comment: '音准稳定',
  violation: { flagged: false, note: null },
  auditHead: 'ab'.repeat(32),
  ...overrides,
});

/** Demo examiners; the vocal panel is ex-01, ex-02, ex-03 and ch-01, the recorded one ex-01, ex-02 and gr-01. */
const EXAMINERS = { 'ex-01': 'examiner1', 'ex-02': 'examiner2', 'ex-03': 'examiner3', 'ch-01': 'chief', 'gr-01': 'grader1' } as const;
type ExaminerId = keyof typeof EXAMINERS;

function demoData(platform: () => RunningPlatform) {
  let taken = 0;
  return {
    /** A live candidate no other test has touched. */
    freshCandidate: (): string => {
      const rows = platform().ctx.db.prepare("SELECT DISTINCT candidate_id FROM assignments WHERE subject_id = 'vocal' ORDER BY candidate_id").all() as {
        candidate_id: string;
      }[];
      const row = rows[taken++];
      if (!row) throw new Error('the demo seed ran out of candidates');
      return row.candidate_id;
    },
    assignmentOf: (examinerId: ExaminerId, candidateId: string, subjectId = 'vocal'): string => {
      const row = platform()
        .ctx.db.prepare('SELECT id FROM assignments WHERE examiner_id = ? AND candidate_id = ? AND subject_id = ?')
        .get(examinerId, candidateId, subjectId) as { id: string } | undefined;
      if (!row) throw new Error(`${examinerId} has no ${subjectId} assignment for ${candidateId}`);
      return row.id;
    },
    recordedAssignmentOf: (examinerId: ExaminerId): string => {
      const row = platform()
        .ctx.db.prepare("SELECT id FROM assignments WHERE examiner_id = ? AND subject_id = 'acting' ORDER BY candidate_id LIMIT 1")
        .get(examinerId) as { id: string } | undefined;
      if (!row) throw new Error(`${examinerId} has no recorded assignment`);
      return row.id;
    },
  };
}

/** Pushes as the platform sends them, and whether a transaction was still open at that moment. */
class PushRecorder implements Notifier {
  readonly pushes: { examinerId: string; message: PushToExaminer; inTransaction: boolean }[] = [];
  constructor(private readonly platform: () => RunningPlatform) {}
  toExaminer(examinerId: string, message: PushToExaminer): void {
    // The chief's matrix rows follow every accepted sheet; platform-chief-*.test.ts checks them.
    if (message.type === 'matrix') return;
    this.pushes.push({ examinerId, message, inTransaction: this.platform().ctx.db.inTransaction });
  }
  toSlot(): void {}
  toCandidate(): void {}
  isOnline(): boolean {
    return false;
  }
  // Records every push, as if every examiner were connected.
  isExaminerOnline(): boolean {
    return true;
  }
}

/** A manual clock that also says when something puts a task `ms` ahead on it (a submission starting its hold). */
class WatchedClock extends ManualClock {
  #waiting: { ms: number; resolve: () => void }[] = [];

  override schedule(ms: number, run: () => void): () => void {
    const cancel = super.schedule(ms, run);
    for (const waiter of this.#waiting.filter((candidate) => candidate.ms === ms)) waiter.resolve();
    this.#waiting = this.#waiting.filter((candidate) => candidate.ms !== ms);
    return cancel;
  }

  scheduled(ms: number): Promise<void> {
    return new Promise((resolve) => this.#waiting.push({ ms, resolve }));
  }
}

// ── the platform as most tests see it ────────────────────────────────────────────────

describe('reference platform: score intake', () => {
  let platform: RunningPlatform;
  const clock = new ManualClock('2026-06-01T02:00:00.000Z');
  const recorder = new PushRecorder(() => platform);
  const { send, login, submit, record } = client(() => platform);
  const demo = demoData(() => platform);
  const tokens = new Map<ExaminerId, string>();
  const tokenOf = (examinerId: ExaminerId): string => {
    const token = tokens.get(examinerId);
    if (!token) throw new Error(`${examinerId} is not signed in`);
    return token;
  };
  const scoreRowCount = () => (platform.ctx.db.prepare('SELECT count(*) AS n FROM scores').get() as { n: number }).n;

  beforeAll(async () => {
    platform = await startPlatform({ clock, notifier: recorder });
    for (const [id, username] of Object.entries(EXAMINERS) as [ExaminerId, string][]) tokens.set(id, await login(username));
  });
  afterAll(async () => {
    await platform.close();
  });

  it('refuses every score endpoint without a token', async () => {
    const assignmentId = demo.recordedAssignmentOf('ex-01');
    const answers = await Promise.all([
      send('GET', `/assignments/${assignmentId}/score`, null),
      submit(null, assignmentId, 'no-token-key-1', 0, vocal(20)),
      send('POST', '/scores/batch', null, { items: [] }),
      send('POST', `/assignments/${assignmentId}/lock`, null),
      send('GET', '/re-reviews', null),
    ]);
    for (const answer of answers) {
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({ error: { code: 'unauthorized' } });
    }
  });

  it('shows an unscored assignment as version 0 with no sheet', async () => {
    const assignmentId = demo.assignmentOf('ex-01', demo.freshCandidate());
    expect(await record(tokenOf('ex-01'), assignmentId)).toEqual({
      assignmentId,
      version: 0,
      sheet: null,
      total: null,
      acceptedAt: null,
      locked: false,
    });
  });

  it("answers 404 for another examiner's assignment and writes nothing", async () => {
    const theirs = demo.assignmentOf('ex-02', demo.freshCandidate());
    const rowsBefore = scoreRowCount();
    const get = await send('GET', `/assignments/${theirs}/score`, tokenOf('ex-01'));
    const post = await submit(tokenOf('ex-01'), theirs, 'not-mine-key-1', 0, vocal(20));
    const made = await send('GET', '/assignments/as-does-not-exist/score', tokenOf('ex-01'));
    for (const answer of [get, post, made]) {
      expect(answer.status).toBe(404);
      expect(answer.body).toMatchObject({ error: { code: 'not_found' } });
    }
    expect(scoreRowCount()).toBe(rowsBefore);
    expect((await record(tokenOf('ex-02'), theirs)).version).toBe(0);
  });

  it.each([
    ['no Idempotency-Key', {}, 400, 'idempotency_key_required'],
    ['a short Idempotency-Key', { 'idempotency-key': 'short', 'if-match': '"0"' }, 400, 'bad_idempotency_key'],
    ['an Idempotency-Key with spaces', { 'idempotency-key': 'has spaces in it', 'if-match': '"0"' }, 400, 'bad_idempotency_key'],
    ['no If-Match', { 'idempotency-key': 'header-key-0001' }, 428, 'precondition_required'],
    ['an unquoted If-Match', { 'idempotency-key': 'header-key-0002', 'if-match': '0' }, 400, 'bad_if_match'],
    ['a weak If-Match', { 'idempotency-key': 'header-key-0003', 'if-match': 'W/"0"' }, 400, 'bad_if_match'],
    ['a non-numeric If-Match', { 'idempotency-key': 'header-key-0004', 'if-match': '"v1"' }, 400, 'bad_if_match'],
    ['a list in If-Match', { 'idempotency-key': 'header-key-0005', 'if-match': '"0", "1"' }, 400, 'bad_if_match'],
  ])('refuses a submission with %s', async (_label, headers, status, code) => {
    const assignmentId = demo.recordedAssignmentOf('gr-01');
    const answer = await send('POST', `/assignments/${assignmentId}/score`, tokenOf('gr-01'), vocal(20), headers);
    expect(answer.status).toBe(status);
    expect(answer.body).toMatchObject({ error: { code } });
    expect((await record(tokenOf('gr-01'), assignmentId)).version).toBe(0);
  });

  it('accepts a first sheet with a receipt, then replays the original answer for the same key and body', async () => {
    const token = tokenOf('ex-01');
    const assignmentId = demo.assignmentOf('ex-01', demo.freshCandidate());
    const sheet = vocal(27.5);
    const first = await submit(token, assignmentId, 'replay-key-0001', 0, sheet);
    expect(first.status).toBe(201);
    expect(first.replayed).toBeNull();
    expect(ScoreReceipt.parse(first.body)).toEqual({
      assignmentId,
      version: 1,
      total: 79.5,
      acceptedAt: clock.now().toISOString(),
      idempotencyKey: 'replay-key-0001',
    });
    expect(await record(token, assignmentId)).toEqual({
      assignmentId,
      version: 1,
      sheet,
      total: 79.5,
      acceptedAt: clock.now().toISOString(),
      locked: false,
    });
    expect(platform.ctx.db.prepare('SELECT audit_head FROM scores WHERE assignment_id = ?').get(assignmentId)).toEqual({ audit_head: sheet.auditHead });

    // The same request with its keys in another order, later, after the score moved on to version 2.
    clock.advance(60_000);
    expect((await submit(token, assignmentId, 'replay-key-0002', 1, vocal(20))).status).toBe(201);
    const reordered = { auditHead: sheet.auditHead, violation: sheet.violation, comment: sheet.comment, values: { ...sheet.values, pitch: 27.5 } };
    const again = await submit(token, assignmentId, 'replay-key-0001', 0, reordered);
    expect(again.status).toBe(201);
    expect(again.replayed).toBe('true');
    expect(again.body).toEqual(first.body);
    expect((await record(token, assignmentId)).version).toBe(2);
  });

  it('refuses the same key with a different request as idempotency_mismatch and keeps the score', async () => {
    const token = tokenOf('ex-01');
    const assignmentId = demo.assignmentOf('ex-01', demo.freshCandidate());
    expect((await submit(token, assignmentId, 'mismatch-key-1', 0, vocal(20))).status).toBe(201);
    const before = await record(token, assignmentId);
    for (const [base, sheet] of [
      [0, vocal(21)],
      [1, vocal(20)],
    ] as const) {
      const answer = await submit(token, assignmentId, 'mismatch-key-1', base, sheet);
      expect(answer.status).toBe(422);
      expect(answer.body).toMatchObject({ error: { code: 'idempotency_mismatch' } });
    }
    const elsewhere = await submit(token, demo.assignmentOf('ex-01', demo.freshCandidate()), 'mismatch-key-1', 0, vocal(20));
    expect(elsewhere.status).toBe(422);
    expect(await record(token, assignmentId)).toEqual(before);
  });

  it('refuses a stale base version with 412 and the current record, and gives a retry the same answer', async () => {
    const token = tokenOf('ex-02');
    const assignmentId = demo.assignmentOf('ex-02', demo.freshCandidate());
    expect((await submit(token, assignmentId, 'stale-key-0001', 0, vocal(20))).status).toBe(201);
    const current = await record(token, assignmentId);
    for (const base of [0, 2]) {
      const answer = await submit(token, assignmentId, `stale-key-base${String(base)}`, base, vocal(25));
      expect(answer.status).toBe(412);
      expect(ScoreRefusal.parse(answer.body)).toEqual({ error: { code: 'version_conflict', message: expect.any(String) as string }, current });
    }
    expect(await record(token, assignmentId)).toEqual(current);

    // Even once the conflict is resolved, the key keeps its answer.
    expect((await submit(token, assignmentId, 'stale-key-0002', 1, vocal(25))).status).toBe(201);
    const retry = await submit(token, assignmentId, 'stale-key-base0', 0, vocal(25));
    expect(retry.status).toBe(412);
    expect(retry.replayed).toBe('true');
    expect(retry.body).toMatchObject({ current });
  });

  it('refuses a sheet locked by the chief examiner with 423, and accepts it again after the unlock', async () => {
    const token = tokenOf('ex-03');
    const candidateId = demo.freshCandidate();
    const assignmentId = demo.assignmentOf('ex-03', candidateId);
    expect((await submit(token, assignmentId, 'lock-key-00001', 0, vocal(20))).status).toBe(201);

    const locked = await send('POST', `/assignments/${assignmentId}/lock`, tokenOf('ch-01'));
    expect(locked).toEqual({ status: 204, body: null, replayed: null });
    const current = await record(token, assignmentId);
    expect(current).toMatchObject({ version: 1, locked: true });

    const refused = await submit(token, assignmentId, 'lock-key-00002', 1, vocal(26));
    expect(refused.status).toBe(423);
    expect(ScoreRefusal.parse(refused.body)).toMatchObject({ error: { code: 'locked' }, current });
    expect(await record(token, assignmentId)).toEqual(current);

    expect((await send('DELETE', `/assignments/${assignmentId}/lock`, tokenOf('ch-01'))).status).toBe(204);
    const accepted = await submit(token, assignmentId, 'lock-key-00003', 1, vocal(26));
    expect(accepted.status).toBe(201);
    expect(accepted.body).toMatchObject({ version: 2, total: 78 });
    // The key that met the lock keeps its answer.
    expect((await submit(token, assignmentId, 'lock-key-00002', 1, vocal(26))).status).toBe(423);
  });

  it('locks a sheet before its first submission too', async () => {
    const assignmentId = demo.assignmentOf('ex-02', demo.freshCandidate());
    expect((await send('POST', `/assignments/${assignmentId}/lock`, tokenOf('ch-01'))).status).toBe(204);
    const refused = await submit(tokenOf('ex-02'), assignmentId, 'early-lock-key', 0, vocal(20));
    expect(refused.status).toBe(423);
    expect(refused.body).toMatchObject({ current: { version: 0, sheet: null, locked: true } });
  });

  it.each([
    ['an examiner who is not a chief', 'ex-01' as const, () => demo.assignmentOf('ex-02', demo.freshCandidate()), 403, 'forbidden'],
    ['a chief of another panel', 'ch-01' as const, () => demo.recordedAssignmentOf('ex-01'), 404, 'not_found'],
    ['an unknown assignment', 'ch-01' as const, () => 'as-unknown', 404, 'not_found'],
  ])('refuses a lock by %s', async (_label, examinerId, assignmentOf, status, code) => {
    const assignmentId = assignmentOf();
    for (const method of ['POST', 'DELETE']) {
      const answer = await send(method, `/assignments/${assignmentId}/lock`, tokenOf(examinerId));
      expect(answer.status).toBe(status);
      expect(answer.body).toMatchObject({ error: { code } });
    }
  });

  describe('a sheet that does not fit the rubric', () => {
    let assignmentId: string;
    beforeAll(() => {
      assignmentId = demo.assignmentOf('ex-01', demo.freshCandidate());
    });

    const note = (flagged: boolean, text: string | null) => ({ violation: { flagged, note: text } });
    it.each([
      ['a missing criterion', vocal(20, { values: { pitch: 20, rhythm: 16, tone: 16, expression: 15 } }), [{ criterionId: 'stage', problem: 'missing' }]],
      ['an unknown criterion', vocal(20, { values: { ...vocal(20).values, charm: 3 } }), [{ criterionId: 'charm', problem: 'unknown_criterion' }]],
      ['a value over the max', vocal(30.5), [{ criterionId: 'pitch', problem: 'over_max' }]],
      ['an off-step value', vocal(20.25), [{ criterionId: 'pitch', problem: 'off_step' }]],
      ['a flagged violation without a note', vocal(20, note(true, null)), [{ field: 'violation.note', problem: 'missing' }]],
      ['a flagged violation with a blank note', vocal(20, note(true, '  ')), [{ field: 'violation.note', problem: 'missing' }]],
      [
        'several problems at once',
        vocal(31, { values: { pitch: 31, rhythm: 16.2, tone: 16, expression: 15 }, ...note(true, '') }),
        [
          { criterionId: 'pitch', problem: 'over_max' },
          { criterionId: 'rhythm', problem: 'off_step' },
          { criterionId: 'stage', problem: 'missing' },
          { field: 'violation.note', problem: 'missing' },
        ],
      ],
    ])('refuses %s as invalid_score with the problems listed, writing nothing', async (label, sheet, problems) => {
      const token = tokenOf('ex-01');
      const rowsBefore = scoreRowCount();
      const key = `invalid-${label.replaceAll(' ', '-')}`;
      const answer = await submit(token, assignmentId, key, 0, sheet);
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ error: { code: 'invalid_score' } });
      expect((answer.body as { problems: unknown[] }).problems).toEqual(expect.arrayContaining(problems));
      expect((answer.body as { problems: unknown[] }).problems).toHaveLength(problems.length);
      expect(await record(token, assignmentId)).toMatchObject({ version: 0, sheet: null });
      expect(scoreRowCount()).toBe(rowsBefore);

      const retry = await submit(token, assignmentId, key, 0, sheet);
      expect(retry).toEqual({ ...answer, replayed: 'true' });
    });

    it.each([
      ['a negative value', vocal(-1)],
      ['an unknown field', { ...vocal(20), total: 72 }],
      ['a malformed audit head', vocal(20, { auditHead: 'not-hex' })],
    ])('refuses %s as a bad request (the wire schema)', async (_label, sheet) => {
      const answer = await submit(tokenOf('ex-01'), assignmentId, 'schema-key-0001', 0, sheet);
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ error: { code: 'bad_request' } });
    });

    it('accepts a flagged violation with a note, and an optional criterion left out', async () => {
      const answer = await submit(tokenOf('ex-01'), assignmentId, 'violation-ok-1', 0, vocal(20, note(true, '考生中途离开画面')));
      expect(answer.status).toBe(201);
      const acting = demo.recordedAssignmentOf('ex-02');
      const withoutOverall = { values: { lines: 20, movement: 18, performance: 30 }, comment: '', violation: { flagged: false, note: null }, auditHead: null };
      expect((await submit(tokenOf('ex-02'), acting, 'optional-ok-1', 0, withoutOverall)).body).toMatchObject({ total: 68 });
    });
  });

  it('removes the reservation when processing fails, so a retry with the same key succeeds', async () => {
    const token = tokenOf('ex-02');
    const assignmentId = demo.assignmentOf('ex-02', demo.freshCandidate());
    const db = platform.ctx.db;
    // Fails the last write of the second transaction, after the score itself was written.
    db.exec(`CREATE TEMP TRIGGER fail_score BEFORE UPDATE ON idempotency WHEN NEW.key = 'failing-key-01'
             BEGIN SELECT RAISE(ABORT, 'simulated disk failure'); END`);
    try {
      const failed = await submit(token, assignmentId, 'failing-key-01', 0, vocal(20));
      expect(failed.status).toBe(500);
      expect(failed.body).toMatchObject({ error: { code: 'internal' } });
    } finally {
      db.exec('DROP TRIGGER fail_score');
    }
    expect(db.prepare('SELECT count(*) AS n FROM idempotency WHERE key = ?').get('failing-key-01')).toEqual({ n: 0 });
    expect((await record(token, assignmentId)).version).toBe(0);

    const retry = await submit(token, assignmentId, 'failing-key-01', 0, vocal(20));
    expect(retry.status).toBe(201);
    expect(retry.replayed).toBeNull();
  });

  describe('batches', () => {
    it('answers each item as the single endpoint would, in order, with same-key items in sequence', async () => {
      const token = tokenOf('ex-01');
      const fresh = demo.assignmentOf('ex-01', demo.freshCandidate());
      const scored = demo.assignmentOf('ex-01', demo.freshCandidate());
      const locked = demo.assignmentOf('ex-01', demo.freshCandidate());
      const invalid = demo.assignmentOf('ex-01', demo.freshCandidate());
      const theirs = demo.assignmentOf('ex-02', demo.freshCandidate());
      expect((await submit(token, scored, 'batch-setup-01', 0, vocal(20))).status).toBe(201);
      expect((await send('POST', `/assignments/${locked}/lock`, tokenOf('ch-01'))).status).toBe(204);
      const scoredRecord = await record(token, scored);

      const item = (assignmentId: string, idempotencyKey: string, baseVersion: number, sheet: ScoreSheet): BatchItem => ({
        assignmentId,
        idempotencyKey,
        baseVersion,
        sheet,
      });
      const items = [
        item(fresh, 'batch-key-0001', 0, vocal(24)),
        item(scored, 'batch-key-0002', 0, vocal(24)),
        item(invalid, 'batch-key-0003', 0, vocal(30.5)),
        item(theirs, 'batch-key-0004', 0, vocal(24)),
        item(fresh, 'batch-key-0001', 0, vocal(24)),
        item(fresh, 'batch-key-0001', 0, vocal(25)),
        item(fresh, 'batch-key-0005', 1, vocal(26)),
        item(locked, 'batch-key-0006', 0, vocal(24)),
      ];
      const answer = await send('POST', '/scores/batch', token, { items });
      expect(answer.status).toBe(200);
      const { results } = BatchResponse.parse(answer.body);
      expect(results.map((result) => [result.idempotencyKey, result.status])).toEqual([
        ['batch-key-0001', 201],
        ['batch-key-0002', 412],
        ['batch-key-0003', 400],
        ['batch-key-0004', 404],
        ['batch-key-0001', 201],
        ['batch-key-0001', 422],
        ['batch-key-0005', 201],
        ['batch-key-0006', 423],
      ]);
      // The raw bodies: the shared schema would strip a refusal's `problems`.
      const raw = (answer.body as { results: { body: unknown }[] }).results;
      const body = (index: number) => raw[index]?.body;
      expect(body(0)).toEqual({ assignmentId: fresh, version: 1, total: 76, acceptedAt: clock.now().toISOString(), idempotencyKey: 'batch-key-0001' });
      expect(body(1)).toMatchObject({ error: { code: 'version_conflict' }, current: scoredRecord });
      expect(body(2)).toMatchObject({ error: { code: 'invalid_score' }, problems: [{ criterionId: 'pitch', problem: 'over_max' }] });
      expect(body(3)).toMatchObject({ error: { code: 'not_found' } });
      expect(body(4)).toEqual(body(0));
      expect(body(5)).toMatchObject({ error: { code: 'idempotency_mismatch' } });
      expect(body(6)).toMatchObject({ version: 2, total: 78 });
      expect(body(7)).toMatchObject({ error: { code: 'locked' }, current: { locked: true } });

      expect(await record(token, fresh)).toMatchObject({ version: 2, total: 78 });
      expect(await record(token, scored)).toEqual(scoredRecord);
      expect(await record(token, invalid)).toMatchObject({ version: 0, sheet: null });
      expect((await record(tokenOf('ex-02'), theirs)).version).toBe(0);

      // A key answered in a batch is the same key on the single endpoint.
      const single = await submit(token, fresh, 'batch-key-0001', 0, vocal(24));
      expect(single).toEqual({ status: 201, body: body(0), replayed: 'true' });
      const replayedRefusal = await send('POST', '/scores/batch', token, { items: [items[1]] });
      expect(BatchResponse.parse(replayedRefusal.body).results[0]).toMatchObject({ status: 412, body: { current: scoredRecord } });
    });

    it('rolls back only the item that failed', async () => {
      const token = tokenOf('ex-03');
      const failing = demo.assignmentOf('ex-03', demo.freshCandidate());
      const fine = demo.assignmentOf('ex-03', demo.freshCandidate());
      const db = platform.ctx.db;
      // Fails the item's last write, after its score was written.
      db.exec(`CREATE TEMP TRIGGER fail_item BEFORE INSERT ON idempotency WHEN NEW.key = 'item-fail-0001'
               BEGIN SELECT RAISE(ABORT, 'simulated disk failure'); END`);
      let answer: Sent;
      try {
        answer = await send('POST', '/scores/batch', token, {
          items: [
            { assignmentId: failing, idempotencyKey: 'item-fail-0001', baseVersion: 0, sheet: vocal(20) },
            { assignmentId: fine, idempotencyKey: 'item-fine-0001', baseVersion: 0, sheet: vocal(20) },
          ],
        });
      } finally {
        db.exec('DROP TRIGGER fail_item');
      }
      expect(BatchResponse.parse(answer.body).results.map((result) => result.status)).toEqual([500, 201]);
      expect(db.prepare('SELECT count(*) AS n FROM idempotency WHERE key = ?').get('item-fail-0001')).toEqual({ n: 0 });
      expect((await record(token, failing)).version).toBe(0);
      expect((await record(token, fine)).version).toBe(1);
      expect((await submit(token, failing, 'item-fail-0001', 0, vocal(20))).status).toBe(201);
    });

    it.each([
      ['no items', { items: [] }],
      ['too many items', { items: Array.from({ length: 501 }, (_, i) => ({ assignmentId: 'as-x', idempotencyKey: `too-many-${String(i).padStart(4, '0')}`, baseVersion: 0, sheet: vocal(20) })) }],
      ['an item with an unknown field', { items: [{ assignmentId: 'as-x', idempotencyKey: 'unknown-field', baseVersion: 0, sheet: vocal(20), force: true }] }],
    ])('refuses a batch with %s', async (_label, body) => {
      const answer = await send('POST', '/scores/batch', tokenOf('ex-01'), body);
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ error: { code: 'bad_request' } });
    });
  });

  it('asks exactly the outlier of a panel to re-review, after commit, and a resubmission answers it', async () => {
    const context = platform.ctx.catalog.slot('slot-vocal-live');
    // The numbers below follow from the demo exam's rule: drop the highest and lowest, threshold 10.
    expect(context?.exam.combineRule).toEqual({ kind: 'trimmed_mean', drop: 1 });
    expect(context?.exam.deviationThreshold).toBe(10);

    const candidateId = demo.freshCandidate();
    const assignment = (examinerId: ExaminerId) => demo.assignmentOf(examinerId, candidateId);
    const scoreAs = async (examinerId: ExaminerId, pitch: number, base = 0) => {
      const answer = await submit(tokenOf(examinerId), assignment(examinerId), `panel-${examinerId}-${String(base)}-key`, base, vocal(pitch));
      expect(answer.status).toBe(201);
      return answer;
    };
    const openFor = async (examinerId: ExaminerId) => {
      const answer = await send('GET', '/re-reviews', tokenOf(examinerId));
      expect(answer.status).toBe(200);
      const ours = new Set((['ex-01', 'ex-02', 'ex-03', 'ch-01'] as const).map(assignment));
      return ReReviewList.parse(answer.body).requests.filter((request) => ours.has(request.assignmentId));
    };
    const pushesBefore = recorder.pushes.length;
    const newPushes = () => recorder.pushes.slice(pushesBefore);

    await scoreAs('ex-01', 28); // 80
    await scoreAs('ex-02', 8); // 60: far off, but two totals are no panel yet
    expect(newPushes()).toEqual([]);

    const third = await scoreAs('ch-01', 30); // 82: combined = 80, ex-02 is 20 away
    expect(Object.keys(third.body as object).sort()).toEqual(['acceptedAt', 'assignmentId', 'idempotencyKey', 'total', 'version']);
    expect(newPushes()).toHaveLength(1);
    const [pushed] = newPushes();
    expect(pushed?.examinerId).toBe('ex-02');
    expect(pushed?.inTransaction).toBe(false);
    const request = ReReviewRequest.parse((pushed?.message as { request: unknown }).request);
    expect(pushed?.message).toEqual({ type: 're_review', request });
    expect(request).toEqual({
      requestId: expect.any(String) as string,
      assignmentId: assignment('ex-02'),
      reason: 'deviation',
      deviation: 20,
      threshold: 10,
      requestedAt: clock.now().toISOString(),
    });

    await scoreAs('ex-03', 29); // 81: 60, 80, 81, 82 combine to 80.5; ex-02 has an open request already
    expect(newPushes()).toHaveLength(1);
    expect(await openFor('ex-02')).toEqual([request]);
    for (const examinerId of ['ex-01', 'ex-03', 'ch-01'] as const) expect(await openFor(examinerId)).toEqual([]);

    clock.advance(5 * 60_000);
    await scoreAs('ex-02', 27, 1); // 79: within the threshold now
    expect(await openFor('ex-02')).toEqual([]);
    expect(newPushes()).toHaveLength(1);
    expect(platform.ctx.db.prepare('SELECT resolved_at FROM re_reviews WHERE id = ?').get(request.requestId)).toEqual({
      resolved_at: clock.now().toISOString(),
    });
  });

  it('does not ask again about a sheet its examiner resubmitted in answer to a re-review', async () => {
    const candidateId = demo.freshCandidate();
    const assignment = (examinerId: ExaminerId) => demo.assignmentOf(examinerId, candidateId);
    const scoreAs = async (examinerId: ExaminerId, pitch: number, base = 0) => {
      const answer = await submit(tokenOf(examinerId), assignment(examinerId), `again-${examinerId}-${String(base)}-key`, base, vocal(pitch));
      expect(answer.status).toBe(201);
    };
    const pushesBefore = recorder.pushes.length;
    await scoreAs('ex-01', 28); // 80
    await scoreAs('ex-02', 30); // 82
    await scoreAs('ex-03', 5); // 57: combined 80, 23 away
    expect(recorder.pushes.slice(pushesBefore).map((push) => push.examinerId)).toEqual(['ex-03']);
    await scoreAs('ex-03', 6, 1); // 58: the examiner looked again and stands by it
    await scoreAs('ch-01', 29); // 81: 58, 80, 81, 82 → 80.5, still 22.5 away, but this sheet was already questioned
    expect(recorder.pushes.slice(pushesBefore).map((push) => push.examinerId)).toEqual(['ex-03']);
  });
});

// ── requests caught in flight ───────────────────────────────────────────────────────

describe('reference platform: score submissions in flight', () => {
  const HOLD_MS = 45_000;
  let platform: RunningPlatform;
  const clock = new WatchedClock('2026-06-01T03:00:00.000Z');
  const { send, login, submit, record } = client(() => platform);
  const demo = demoData(() => platform);
  let token: string;

  beforeAll(async () => {
    platform = await startPlatform({ clock, scoreProcessingDelayMs: HOLD_MS });
    token = await login('examiner1');
  });
  afterAll(async () => {
    clock.advance(10 * HOLD_MS);
    await platform.close();
  });

  it('answers 409 in_flight to the same key while the first request is processed, then replays its answer', async () => {
    const assignmentId = demo.assignmentOf('ex-01', demo.freshCandidate());
    const held = clock.scheduled(HOLD_MS);
    const first = submit(token, assignmentId, 'flight-key-001', 0, vocal(20));
    await held;

    const second = await submit(token, assignmentId, 'flight-key-001', 0, vocal(20));
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ error: { code: 'in_flight' } });
    const different = await submit(token, assignmentId, 'flight-key-001', 0, vocal(21));
    expect(different.status).toBe(422);
    const batched = await send('POST', '/scores/batch', token, {
      items: [{ assignmentId, idempotencyKey: 'flight-key-001', baseVersion: 0, sheet: vocal(20) }],
    });
    expect(BatchResponse.parse(batched.body).results[0]).toMatchObject({ status: 409, body: { error: { code: 'in_flight' } } });
    expect((await record(token, assignmentId)).version).toBe(0);

    clock.advance(HOLD_MS);
    const answered = await first;
    expect(answered.status).toBe(201);
    expect(answered.body).toMatchObject({ version: 1, total: 72 });
    const retry = await submit(token, assignmentId, 'flight-key-001', 0, vocal(20));
    expect(retry).toEqual({ ...answered, replayed: 'true' });
  });

  it('lets a retry take over a reservation abandoned for more than 30 s; the stalled request then writes nothing', async () => {
    const assignmentId = demo.assignmentOf('ex-01', demo.freshCandidate());
    const heldFirst = clock.scheduled(HOLD_MS);
    const stalled = submit(token, assignmentId, 'takeover-key-1', 0, vocal(20));
    await heldFirst;

    clock.advance(ABANDONED_AFTER_MS + 1_000); // the stalled request's hold has 14 s to go
    const heldRetry = clock.scheduled(HOLD_MS);
    const retry = submit(token, assignmentId, 'takeover-key-1', 0, vocal(20));
    // Held means the retry holds the reservation now; a 409 would mean it did not take it over.
    expect(await Promise.race([heldRetry.then(() => 'held'), retry.then((answer) => answer.status)])).toBe('held');

    clock.advance(HOLD_MS - ABANDONED_AFTER_MS - 1_000);
    const stalledAnswer = await stalled;
    expect(stalledAnswer.status).toBe(409);
    expect((await record(token, assignmentId)).version).toBe(0);

    clock.advance(ABANDONED_AFTER_MS + 1_000);
    const retryAnswer = await retry;
    expect(retryAnswer.status).toBe(201);
    expect(retryAnswer.body).toMatchObject({ version: 1, acceptedAt: clock.now().toISOString() });
    expect(await submit(token, assignmentId, 'takeover-key-1', 0, vocal(20))).toEqual({ ...retryAnswer, replayed: 'true' });
    expect((await record(token, assignmentId)).version).toBe(1);
  });

  it('does not take over a reservation younger than 30 s', async () => {
    const assignmentId = demo.assignmentOf('ex-01', demo.freshCandidate());
    const held = clock.scheduled(HOLD_MS);
    const first = submit(token, assignmentId, 'young-key-0001', 0, vocal(20));
    await held;
    clock.advance(ABANDONED_AFTER_MS);
    expect((await submit(token, assignmentId, 'young-key-0001', 0, vocal(20))).status).toBe(409);
    clock.advance(HOLD_MS - ABANDONED_AFTER_MS);
    expect((await first).status).toBe(201);
  });
});
