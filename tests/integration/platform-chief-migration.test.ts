import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ChiefActionList, ChiefReReviewList, ScoreMatrix } from '@common/platform/chief';
import { Recusal } from '@common/platform/fairness';
import { ReReviewList } from '@common/platform/scores';
import { PLATFORM_SCHEMA_VERSION } from '../../platform/db/database';
import { startPlatform } from '../../platform/server';
import { chiefClient, dataFolder } from '../support/platform-chief';

const SLOT = 'slot-vocal-live';

describe('reference platform: the chief\'s desk in an older data folder', () => {
  it('upgrades a schema 3 database: its re-reviews become the platform\'s, its accepted sheets keep their time as the first', async () => {
    const folder = dataFolder('platform-chief-old-');
    onTestFinished(folder.remove);
    const first = await startPlatform({ dataDir: folder.dir, sfu: 'off', demo: { liveCandidates: 3, recordedPerSlot: 1 } });
    const candidate = (first.ctx.db.prepare('SELECT candidate_id FROM queue_entries WHERE slot_id = ? ORDER BY appointment_at LIMIT 1').get(SLOT) as { candidate_id: string })
      .candidate_id;
    const assignment = chiefClient(first).assignmentOf('ex-02', candidate);
    await first.close();

    // What a schema 3 platform left: re-reviews with a deviation always, no desk tables, a sheet accepted.
    const old = new Database(join(folder.dir, 'platform.sqlite'));
    old.exec(`
      DROP TABLE calibration_scores; DROP TABLE anchors; DROP TABLE recusals;
      DROP TABLE chief_actions; DROP TABLE sign_offs; DROP TABLE sheet_progress; DROP INDEX assignments_by_slot;
      ALTER TABLE scores DROP COLUMN first_accepted_at;
      DROP TABLE re_reviews;
      CREATE TABLE re_reviews (
        id TEXT PRIMARY KEY, assignment_id TEXT NOT NULL REFERENCES assignments(id), deviation REAL NOT NULL,
        threshold REAL NOT NULL, requested_at TEXT NOT NULL, resolved_at TEXT) STRICT;
      CREATE INDEX re_reviews_by_assignment ON re_reviews (assignment_id);`);
    old
      .prepare(`INSERT INTO scores (assignment_id, version, sheet, total, accepted_at) VALUES (?, 1, '{"values":{"pitch":8,"rhythm":16,"tone":16,"expression":15,"stage":5},"comment":"","violation":{"flagged":false,"note":null}}', 60, '2026-06-01T01:30:00.000Z')`)
      .run(assignment);
    old.prepare("INSERT INTO re_reviews VALUES ('rr-old', ?, 20, 10, '2026-06-01T01:31:00.000Z', NULL)").run(assignment);
    old.pragma('user_version = 3');
    old.close();

    const again = await startPlatform({ dataDir: folder.dir, sfu: 'off' });
    onTestFinished(() => again.close());
    expect(again.ctx.db.pragma('user_version', { simple: true })).toBe(PLATFORM_SCHEMA_VERSION);
    expect(PLATFORM_SCHEMA_VERSION).toBe(5);
    const c = chiefClient(again);
    const chief = await c.login('chief');
    const examiner = await c.login('examiner2');

    const requests = ChiefReReviewList.parse((await c.send('GET', `/chief/slots/${SLOT}/re-reviews`, chief)).body).requests;
    expect(requests).toEqual([
      expect.objectContaining({ requestId: 'rr-old', assignmentId: assignment, reason: 'deviation', deviation: 20, note: null, requestedBy: null, state: 'open' }),
    ]);
    expect(ReReviewList.parse((await c.send('GET', '/re-reviews', examiner)).body).requests).toEqual([
      { requestId: 'rr-old', assignmentId: assignment, reason: 'deviation', deviation: 20, threshold: 10, requestedAt: '2026-06-01T01:31:00.000Z' },
    ]);
    const matrix = ScoreMatrix.parse((await c.send('GET', `/chief/slots/${SLOT}/matrix`, chief)).body);
    const cell = matrix.rows.flatMap((row) => row.cells).find((candidate) => candidate.assignmentId === assignment);
    expect(cell).toMatchObject({ state: 'accepted', total: 60, acceptedAt: '2026-06-01T01:30:00.000Z', firstAcceptedAt: '2026-06-01T01:30:00.000Z', reReview: 'open' });
    // A re-review of either kind must say what it is: the table refuses one that does not.
    expect(() => again.ctx.db.prepare("INSERT INTO re_reviews (id, assignment_id, reason, requested_at) VALUES ('rr-bad', ?, 'chief', 'x')").run(assignment)).toThrow(
      /CHECK constraint/,
    );
  });

  it('upgrades a schema 4 database: its chief actions are kept and the log takes recusals, which void a sheet', async () => {
    const folder = dataFolder('platform-chief-v4-');
    onTestFinished(folder.remove);
    const first = await startPlatform({ dataDir: folder.dir, sfu: 'off', demo: { liveCandidates: 3, recordedPerSlot: 1 } });
    const candidate = (first.ctx.db.prepare('SELECT candidate_id FROM queue_entries WHERE slot_id = ? ORDER BY appointment_at LIMIT 1').get(SLOT) as { candidate_id: string })
      .candidate_id;
    const assignment = chiefClient(first).assignmentOf('ex-02', candidate);
    await first.close();

    // What a schema 4 platform left: no fair-scoring tables, a chief action log that knows four actions, one lock logged.
    const old = new Database(join(folder.dir, 'platform.sqlite'));
    old.exec(`
      DROP TABLE calibration_scores; DROP TABLE anchors; DROP TABLE recusals; DROP TABLE chief_actions;
      CREATE TABLE chief_actions (
        id INTEGER PRIMARY KEY AUTOINCREMENT, slot_id TEXT NOT NULL, at TEXT NOT NULL, actor_id TEXT NOT NULL REFERENCES accounts(id),
        action TEXT NOT NULL CHECK (action IN ('lock', 'unlock', 're_review', 'sign_off')),
        assignment_id TEXT REFERENCES assignments(id), reason TEXT) STRICT;
      CREATE INDEX chief_actions_by_slot ON chief_actions (slot_id, id);
      CREATE TRIGGER chief_actions_no_update BEFORE UPDATE ON chief_actions BEGIN SELECT RAISE(ABORT, 'the chief action log is append-only'); END;
      CREATE TRIGGER chief_actions_no_delete BEFORE DELETE ON chief_actions BEGIN SELECT RAISE(ABORT, 'the chief action log is append-only'); END;`);
    old
      .prepare("INSERT INTO chief_actions (slot_id, at, actor_id, action, assignment_id, reason) VALUES (?, '2026-06-01T01:00:00.000Z', 'ch-01', 'lock', ?, NULL)")
      .run(SLOT, assignment);
    old.pragma('user_version = 4');
    old.close();

    const again = await startPlatform({ dataDir: folder.dir, sfu: 'off' });
    onTestFinished(() => again.close());
    expect(again.ctx.db.pragma('user_version', { simple: true })).toBe(5);
    const c = chiefClient(again);
    const chief = await c.login('chief');
    const recorded = await c.send('POST', '/chief/recusals', chief, { assignmentId: assignment, reason: 'relative', note: '考生是其外甥' });
    expect(recorded.status).toBe(201);
    expect(Recusal.parse(recorded.body)).toMatchObject({ assignmentId: assignment, reason: 'relative', declaredBy: 'chief' });

    const actions = ChiefActionList.parse((await c.send('GET', `/chief/slots/${SLOT}/actions`, chief)).body).actions;
    expect(actions.map((action) => [action.action, action.assignmentId, action.reason])).toEqual([
      ['lock', assignment, null],
      ['recusal', assignment, '考生是其外甥'],
    ]);
    const cells = ScoreMatrix.parse((await c.send('GET', `/chief/slots/${SLOT}/matrix`, chief)).body).rows.flatMap((row) => row.cells);
    expect(cells.find((cell) => cell.assignmentId === assignment)).toMatchObject({ state: 'recused', recusal: { reason: 'relative', declaredBy: 'chief' } });
    // Still append-only after the rebuild, and a recusal is final.
    expect(() => again.ctx.db.prepare('DELETE FROM chief_actions').run()).toThrow(/append-only/);
    expect(() => again.ctx.db.prepare("UPDATE recusals SET reason = 'other'").run()).toThrow(/final/);
  });
});
