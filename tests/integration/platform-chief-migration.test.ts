import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ChiefReReviewList, ScoreMatrix } from '@common/platform/chief';
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
    expect(PLATFORM_SCHEMA_VERSION).toBe(4);
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
});
