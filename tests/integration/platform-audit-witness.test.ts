import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditFlagList, formatAuditHead, type AuditHeadClaim } from '@common/platform/audit';
import { BatchResponse, ScoreReceipt, type ScoreSheet } from '@common/platform/scores';
import { LoginResponse } from '@common/platform/wire';
import { ManualClock } from '../../platform/clock';
import { PLATFORM_SCHEMA_VERSION } from '../../platform/db/database';
import { DEMO_DANCE_PANEL_ID, DEMO_EXAM_ID, DEMO_RECORDED_SLOT_IDS } from '../../platform/demo/exam';
import { startPlatform, type RunningPlatform } from '../../platform/server';

/**
 * The platform as witness of the workstations' audit chains (Audit-Head): it keeps the latest
 * head per examiner and chain, flags a head that goes backwards or forks to the chief, and
 * accepts the scores all the same.
 */

const hashOf = (label: string) => createHash('sha256').update(label).digest('hex');
const CHAIN = 'c1'.repeat(32);
const RUN_1 = 'a1'.repeat(16);
const RUN_2 = 'b2'.repeat(16);

/** A head claim of `chain`: the entry `seq` of the branch `branch` (a different branch, a different hash at the same seq). */
const head = (seq: number, run: string, request: number, branch = 'original', chain = CHAIN): AuditHeadClaim => ({
  seq,
  hash: hashOf(`${chain}/${branch}/${String(seq)}`),
  chain,
  run,
  request,
});

const vocal = (pitch: number): ScoreSheet => ({
  values: { pitch, rhythm: 16, tone: 16, expression: 15, stage: 5 },
  comment: '音准稳定',
  violation: { flagged: false, note: null },
});

describe('reference platform: the audit chain witness', () => {
  let platform: RunningPlatform;
  let dataDir: string;
  const clock = new ManualClock('2026-06-01T02:00:00.000Z');
  const tokens = new Map<string, string>();
  let keys = 0;

  const send = async (method: string, path: string, token: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${platform.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
  };
  const tokenOf = (username: string) => {
    const token = tokens.get(username);
    if (!token) throw new Error(`${username} is not signed in`);
    return token;
  };
  /** A first submission of a vocal sheet for a candidate nobody has scored, with `claim` as its Audit-Head. */
  let candidates: string[] = [];
  const freshAssignment = (examinerId: string, subjectId = 'vocal'): string => {
    const candidateId = candidates.shift();
    if (!candidateId) throw new Error('the demo seed ran out of candidates');
    const row = platform.ctx.db
      .prepare('SELECT id FROM assignments WHERE examiner_id = ? AND candidate_id = ? AND subject_id = ?')
      .get(examinerId, candidateId, subjectId) as { id: string } | undefined;
    if (!row) throw new Error(`${examinerId} has no ${subjectId} assignment for ${candidateId}`);
    return row.id;
  };
  const submit = (username: string, assignmentId: string, claim: AuditHeadClaim | string | null, pitch = 20) =>
    send('POST', `/assignments/${assignmentId}/score`, tokenOf(username), vocal(pitch), {
      'idempotency-key': `witness-key-${String(++keys).padStart(4, '0')}`,
      'if-match': '"0"',
      ...(claim !== null && { 'audit-head': typeof claim === 'string' ? claim : formatAuditHead(claim) }),
    });
  const flags = async (username = 'chief') => {
    const answer = await send('GET', '/audit-flags', tokenOf(username));
    expect(answer.status).toBe(200);
    return AuditFlagList.parse(answer.body).flags;
  };
  const flagsOf = async (examinerId: string) => (await flags()).filter((flag) => flag.examinerId === examinerId);
  /** The backwards and fork flags of one chain (a chain new to its examiner is flagged apart). */
  const forksOf = async (examinerId: string, chain = CHAIN) =>
    (await flagsOf(examinerId)).filter((flag) => flag.chain === chain && flag.reason !== 'new_chain');
  const held = (examinerId: string, chain = CHAIN) =>
    platform.ctx.db.prepare('SELECT seq, hash, run_id AS run, request_no AS request FROM audit_heads WHERE examiner_id = ? AND chain_id = ?').get(examinerId, chain);

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'platform-witness-'));
    platform = await startPlatform({ clock, dataDir, sfu: 'off', demo: { liveCandidates: 64 } });
    for (const username of ['examiner1', 'examiner2', 'examiner3', 'chief', 'grader1']) {
      const login = await fetch(`${platform.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: 'demo1234' }),
      });
      tokens.set(username, LoginResponse.parse(await login.json()).token);
    }
    candidates = (
      platform.ctx.db.prepare("SELECT DISTINCT candidate_id FROM assignments WHERE subject_id = 'vocal' ORDER BY candidate_id").all() as { candidate_id: string }[]
    ).map((row) => row.candidate_id);
  });
  afterAll(async () => {
    await platform.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('holds the latest head of a chain moving forward, stores it with the score, and flags nothing', async () => {
    for (const [seq, request] of [
      [3, 1],
      [3, 2],
      [9, 3],
    ] as const) {
      const assignmentId = freshAssignment('ex-01');
      expect((await submit('examiner1', assignmentId, head(seq, RUN_1, request))).status).toBe(201);
      expect(platform.ctx.db.prepare('SELECT audit_head FROM scores WHERE assignment_id = ?').get(assignmentId)).toEqual({
        audit_head: `${String(seq)}:${hashOf(`${CHAIN}/original/${String(seq)}`)}`,
      });
    }
    // A restart of the same workstation: a new run, its numbering from 1, the chain where it was.
    expect((await submit('examiner1', freshAssignment('ex-01'), head(11, RUN_2, 1))).status).toBe(201);
    expect(held('ex-01')).toEqual({ seq: 11, hash: head(11, RUN_2, 1).hash, run: RUN_2, request: 1 });
    expect(await flagsOf('ex-01')).toEqual([]);
  });

  it('takes a request overtaken by a later one of the same run for late, not for a step back', async () => {
    await submit('examiner2', freshAssignment('ex-02'), head(20, RUN_1, 5));
    const late = await submit('examiner2', freshAssignment('ex-02'), head(14, RUN_1, 4));
    expect(late.status).toBe(201);
    expect(held('ex-02')).toMatchObject({ seq: 20, request: 5 });
    expect(await flagsOf('ex-02')).toEqual([]);
  });

  it('flags a chain new to an examiner who has another, once, against the one seen last', async () => {
    const chain = hashOf('a second workstation');
    const assignmentId = freshAssignment('ex-02');
    clock.advance(60_000);
    expect((await submit('examiner2', assignmentId, { ...head(2, RUN_2, 1), chain })).status).toBe(201);
    await submit('examiner2', freshAssignment('ex-02'), { ...head(5, RUN_2, 2), chain });
    expect(await flagsOf('ex-02')).toEqual([
      {
        flagId: expect.any(Number) as number,
        examinerId: 'ex-02',
        chain,
        reason: 'new_chain',
        witnessed: { chain: CHAIN, seq: 20, hash: head(20, RUN_1, 5).hash, at: expect.any(String) as string },
        claimed: { seq: 2, hash: head(2, RUN_2, 1).hash },
        assignmentIds: [assignmentId],
        flaggedAt: clock.now().toISOString(),
      },
    ]);
  });

  it.each([
    ['goes backwards in a new run (a database restored from a backup)', head(30, RUN_1, 1), head(24, RUN_2, 1, 'restored'), 'backwards'],
    ['goes backwards in a later request of the same run (the chain cut under a running app)', head(30, RUN_1, 1), head(24, RUN_1, 2, 'cut'), 'backwards'],
    ['names the held sequence with another hash (a chain cut and re-headed)', head(30, RUN_1, 1), head(30, RUN_2, 1, 're-headed'), 'fork'],
    ['was sent earlier than the held one, yet is further along', head(30, RUN_1, 7), head(36, RUN_1, 6), 'backwards'],
  ] as const)('flags to the chief a head that %s, and accepts the score', async (label, before, after, reason) => {
    const chain = hashOf(label);
    const first = freshAssignment('ex-03');
    const second = freshAssignment('ex-03');
    clock.advance(60_000);
    const heldAt = clock.now().toISOString();
    expect((await submit('examiner3', first, { ...before, chain })).status).toBe(201);
    clock.advance(60_000);
    const answer = await submit('examiner3', second, { ...after, chain }, 25);
    expect(answer.status).toBe(201);
    expect(ScoreReceipt.parse(answer.body)).toMatchObject({ assignmentId: second, version: 1, total: 77 });

    const [flag, ...more] = await forksOf('ex-03', chain);
    expect(more).toEqual([]);
    expect(flag).toEqual({
      flagId: expect.any(Number) as number,
      examinerId: 'ex-03',
      chain,
      reason,
      witnessed: { chain, seq: before.seq, hash: before.hash, at: heldAt },
      claimed: { seq: after.seq, hash: after.hash },
      assignmentIds: [second],
      flaggedAt: clock.now().toISOString(),
    });
  });

  it('flags a fork once: the chain goes on from the flagged head', async () => {
    const chain = 'f0'.repeat(32);
    await submit('examiner3', freshAssignment('ex-03'), { ...head(50, RUN_1, 1), chain });
    await submit('examiner3', freshAssignment('ex-03'), { ...head(40, RUN_2, 1, 'restored'), chain });
    await submit('examiner3', freshAssignment('ex-03'), { ...head(42, RUN_2, 2, 'restored'), chain });
    await submit('examiner3', freshAssignment('ex-03'), { ...head(47, RUN_2, 3, 'restored'), chain });
    expect((await forksOf('ex-03', chain)).map((flag) => [flag.reason, flag.witnessed.seq, flag.claimed.seq])).toEqual([['backwards', 50, 40]]);
  });

  it('witnesses a batch by its one header and flags it with the examiner’s own assignments in it', async () => {
    const chain = 'ba'.repeat(32);
    const batch = (claim: AuditHeadClaim, assignmentIds: string[]) =>
      send(
        'POST',
        '/scores/batch',
        tokenOf('examiner1'),
        { items: assignmentIds.map((assignmentId) => ({ assignmentId, idempotencyKey: `witness-key-${String(++keys).padStart(4, '0')}`, baseVersion: 0, sheet: vocal(18) })) },
        { 'audit-head': formatAuditHead({ ...claim, chain }) },
      );
    expect((await batch(head(60, RUN_1, 1), [freshAssignment('ex-01')])).status).toBe(200);
    const mine = [freshAssignment('ex-01'), freshAssignment('ex-01')];
    const answer = await batch(head(55, RUN_2, 1, 'restored'), [...mine, 'as-not-mine']);
    expect(answer.status).toBe(200);
    expect(BatchResponse.parse(answer.body).results.map((result) => result.status)).toEqual([201, 201, 404]);
    expect((await forksOf('ex-01', chain)).map((flag) => [flag.reason, flag.assignmentIds])).toEqual([['backwards', mine]]);
  });

  it('keeps the flags of each examiner’s chain apart, and shows the chief only the examiners on their panels', async () => {
    const chain = 'de'.repeat(32);
    // The same chain id from two examiners (one workstation, two sign-ins) is two witnessed heads.
    await submit('examiner1', freshAssignment('ex-01'), { ...head(70, RUN_1, 1), chain });
    await submit('examiner2', freshAssignment('ex-02'), { ...head(65, RUN_1, 2), chain });
    expect(await forksOf('ex-01', chain)).toEqual([]);
    expect(await forksOf('ex-02', chain)).toEqual([]);

    // grader1's sheets of the grading panel, where the chief does not sit.
    const recorded = platform.ctx.db
      .prepare("SELECT id FROM assignments WHERE examiner_id = 'gr-01' AND slot_id IN (?, ?) ORDER BY id LIMIT 2")
      .all(...DEMO_RECORDED_SLOT_IDS) as { id: string }[];
    const grade = (assignmentId: string, claim: AuditHeadClaim) =>
      send('POST', `/assignments/${assignmentId}/score`, tokenOf('grader1'), { values: {}, comment: '', violation: { flagged: false, note: null } }, {
        'idempotency-key': `witness-key-${String(++keys).padStart(4, '0')}`,
        'if-match': '"0"',
        'audit-head': formatAuditHead({ ...claim, chain }),
      });
    await grade(recorded[0]?.id ?? '', head(5, RUN_1, 1));
    await grade(recorded[1]?.id ?? '', head(2, RUN_2, 1, 'restored'));
    expect(platform.ctx.db.prepare("SELECT count(*) AS n FROM audit_flags WHERE examiner_id = 'gr-01'").get()).toEqual({ n: 1 });
    // The chief sits on the dance panel with grader1: the flag shows while they share it…
    expect((await flags()).filter((flag) => flag.examinerId === 'gr-01')).toHaveLength(1);
    // …and not once grader1 sits on no panel of the chief's.
    const exam = platform.ctx.catalog.all().find((candidate) => candidate.id === DEMO_EXAM_ID);
    if (!exam) throw new Error('no demo exam');
    platform.ctx.catalog.add({
      ...exam,
      panels: exam.panels.map((panel) => (panel.id === DEMO_DANCE_PANEL_ID ? { ...panel, examinerIds: panel.examinerIds.filter((id) => id !== 'gr-01') } : panel)),
    });
    expect((await flags()).filter((flag) => flag.examinerId === 'gr-01')).toEqual([]);
  });

  it('answers the flags to chief examiners only', async () => {
    for (const username of ['examiner1', 'grader1']) {
      const answer = await send('GET', '/audit-flags', tokenOf(username));
      expect(answer.status).toBe(403);
      expect(answer.body).toMatchObject({ error: { code: 'forbidden' } });
    }
  });

  it.each([
    ['a bare hash', hashOf('x')],
    ['no chain', `3:${hashOf('x')}`],
    ['an upper-case hash', formatAuditHead(head(3, RUN_1, 1)).replace(/:[0-9a-f]{64}/, (hash) => hash.toUpperCase())],
    ['sequence 0', formatAuditHead(head(3, RUN_1, 1)).replace(/^3:/, '0:')],
    ['request 0', formatAuditHead(head(3, RUN_1, 1)).replace(/request=1$/, 'request=0')],
    ['a short chain id', formatAuditHead({ ...head(3, RUN_1, 1), chain: 'c1' })],
    ['something after it', `${formatAuditHead(head(3, RUN_1, 1))}; more=1`],
  ])('refuses a submission whose Audit-Head has %s, on both endpoints, and witnesses nothing', async (_label, value) => {
    const chainsBefore = platform.ctx.db.prepare('SELECT count(*) AS n FROM audit_heads').get();
    const assignmentId = freshAssignment('ex-01');
    const single = await submit('examiner1', assignmentId, value);
    const batch = await send(
      'POST',
      '/scores/batch',
      tokenOf('examiner1'),
      { items: [{ assignmentId, idempotencyKey: `witness-key-${String(++keys).padStart(4, '0')}`, baseVersion: 0, sheet: vocal(20) }] },
      { 'audit-head': value },
    );
    for (const answer of [single, batch]) {
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ error: { code: 'bad_audit_head' } });
    }
    expect(platform.ctx.db.prepare('SELECT version FROM scores WHERE assignment_id = ?').get(assignmentId)).toBeUndefined();
    expect(platform.ctx.db.prepare('SELECT count(*) AS n FROM audit_heads').get()).toEqual(chainsBefore);
  });

  it('accepts a submission without the header, witnessing nothing, and keeps the head an older sheet carries', async () => {
    const chainsBefore = platform.ctx.db.prepare('SELECT count(*) AS n FROM audit_heads').get();
    const assignmentId = freshAssignment('ex-02');
    const answer = await send('POST', `/assignments/${assignmentId}/score`, tokenOf('examiner2'), { ...vocal(20), auditHead: hashOf('old') }, {
      'idempotency-key': `witness-key-${String(++keys).padStart(4, '0')}`,
      'if-match': '"0"',
    });
    expect(answer.status).toBe(201);
    expect(platform.ctx.db.prepare('SELECT audit_head FROM scores WHERE assignment_id = ?').get(assignmentId)).toEqual({ audit_head: hashOf('old') });
    expect(platform.ctx.db.prepare('SELECT count(*) AS n FROM audit_heads').get()).toEqual(chainsBefore);
  });

  it('keeps the flags append-only', () => {
    const db = platform.ctx.db;
    expect(() => db.prepare('DELETE FROM audit_flags').run()).toThrow(/append-only/);
    expect(() => db.prepare("UPDATE audit_flags SET reason = 'fork'").run()).toThrow(/append-only/);
  });
});

describe('reference platform: the witness in an older data folder', () => {
  it('adds the witness tables to a schema 2 database, keeping its scores', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'platform-witness-old-'));
    try {
      const first = await startPlatform({ dataDir, sfu: 'off' });
      const assignment = first.ctx.db.prepare("SELECT id FROM assignments WHERE examiner_id = 'ex-01' LIMIT 1").get() as { id: string };
      first.ctx.db.prepare("INSERT INTO scores (assignment_id, version, sheet, total, accepted_at, audit_head) VALUES (?, 1, '{}', 10, '2026-06-01T02:00:00.000Z', ?)").run(assignment.id, hashOf('old'));
      await first.close();
      // What a schema 2 platform left: no witness tables (nor the chief's desk of schema 4).
      const old = new Database(join(dataDir, 'platform.sqlite'));
      old.exec('DROP TABLE calibration_scores; DROP TABLE anchors; DROP TABLE recusals;');
      old.exec('DROP TABLE audit_flags; DROP TABLE audit_heads;');
      old.exec('DROP TABLE chief_actions; DROP TABLE sign_offs; DROP TABLE sheet_progress; DROP INDEX assignments_by_slot; ALTER TABLE scores DROP COLUMN first_accepted_at;');
      old.pragma('user_version = 2');
      old.close();

      const again = await startPlatform({ dataDir, sfu: 'off' });
      try {
        expect(again.ctx.db.pragma('user_version', { simple: true })).toBe(PLATFORM_SCHEMA_VERSION);
        expect(PLATFORM_SCHEMA_VERSION).toBe(5);
        expect(again.ctx.db.prepare('SELECT version, audit_head FROM scores WHERE assignment_id = ?').get(assignment.id)).toEqual({ version: 1, audit_head: hashOf('old') });
        expect(again.ctx.db.prepare('SELECT count(*) AS n FROM audit_heads').get()).toEqual({ n: 0 });
        expect(again.ctx.db.prepare('SELECT count(*) AS n FROM audit_flags').get()).toEqual({ n: 0 });
      } finally {
        await again.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
