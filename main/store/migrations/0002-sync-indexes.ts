import type { Migration } from './index';

/**
 * Indexes for the sync worker's per-examiner reads. Without them every submit's status count
 * scanned the whole outbox and every sheet: quadratic over a grader's offline backlog
 * (10,000 queued submissions took minutes instead of seconds).
 */
export const m0002SyncIndexes: Migration = {
  version: 2,
  name: 'sync-indexes',
  up(db) {
    db.exec(`
      DROP INDEX outbox_due;
      CREATE INDEX outbox_by_examiner_due ON outbox (examiner_id, next_attempt_at, id);
      CREATE INDEX score_sheets_by_examiner_status ON score_sheets (examiner_id, status);
    `);
  },
};
