import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Assignment } from '@common/platform';
import { appendAudit, verifyAudit } from '../../main/store/audit';
import { sql } from '../../main/store/sql';
import { completeSheet, fixtureAssignments, makeDataDir, openWorkbench, prepareDataDir, removeDataDir, type Workbench } from '../support/store-fixtures';

/**
 * Submissions waiting in the outbox against someone holding the database file. The outbox row
 * is the body that will be sent; its audit entry recorded the sha256 of that body, with the key,
 * the assignment and the base version, so verifyAudit tells a score changed on its way out.
 */

const ASSIGNMENTS = fixtureAssignments(4);
const at = (index: number): Assignment => {
  const assignment = ASSIGNMENTS[index];
  if (!assignment) throw new Error(`no fixture assignment #${String(index)}`);
  return assignment;
};

let dataDir: string;
let bench: Workbench;
let minutes: number;
const clock = () => new Date(Date.UTC(2026, 2, 14, 2, minutes++));

interface Waiting {
  id: number;
  assignment_id: string;
  idempotency_key: string;
  payload: string;
}

/** The submission entry of each waiting row, by assignment. */
const submittedSeq = (assignmentId: string) =>
  bench.store.reader.get<{ seq: number }>(sql`SELECT seq FROM audit_log WHERE action = 'sheet.submitted' AND assignment_id = ${assignmentId}`)?.seq;

beforeEach(() => {
  dataDir = makeDataDir('examiner-outbox-tamper-');
  prepareDataDir(dataDir, ASSIGNMENTS);
  minutes = 0;
  bench = openWorkbench(dataDir, clock);
  for (const index of [0, 1, 2]) {
    bench.sheets.save(completeSheet(at(index), index + 3));
    bench.sheets.submit(at(index).assignmentId);
  }
});
afterEach(() => {
  bench.close();
  removeDataDir(dataDir);
});

const waiting = () => bench.store.reader.all<Waiting>(sql`SELECT id, assignment_id, idempotency_key, payload FROM outbox ORDER BY id`);
const run = (statement: string, ...params: (string | number)[]) => bench.store.raw.prepare(statement).run(...params);

describe('audit trail: a submission changed while it waits in the outbox', () => {
  it('verifies untouched submissions', () => {
    expect(waiting()).toHaveLength(3);
    expect(verifyAudit(bench.store.reader)).toMatchObject({ ok: true, count: 6 });
  });

  it.each<[string, (row: Waiting) => void]>([
    ['a value raised', (row) => run(`UPDATE outbox SET payload = json_set(payload, '$.values.pitch', 30) WHERE id = ?`, row.id)],
    ['the comment edited', (row) => run(`UPDATE outbox SET payload = json_set(payload, '$.comment', '改过') WHERE id = ?`, row.id)],
    // The same data in another key order is another body on the wire: exact bytes are recorded.
    ['the body re-serialized in another key order', (row) => run('UPDATE outbox SET payload = ? WHERE id = ?', JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(row.payload) as object).reverse())), row.id)],
    ['the base version moved', (row) => run('UPDATE outbox SET base_version = 3 WHERE id = ?', row.id)],
    ['the row moved to another assignment', (row) => run(`UPDATE outbox SET assignment_id = 'as-0003' WHERE id = ?`, row.id)],
  ])('names the submission with %s', (_label, tamper) => {
    // A sheet of as-0003 for a row moved there to point at (the outbox's foreign key).
    bench.sheets.save(completeSheet(at(3), 9));
    const target = waiting()[1];
    if (!target) throw new Error('no second waiting submission');
    const seq = submittedSeq(target.assignment_id);
    expect(verifyAudit(bench.store.reader)).toMatchObject({ ok: true });
    tamper(target);
    expect(verifyAudit(bench.store.reader)).toEqual({
      ok: false,
      reason: 'body_altered',
      seq,
      idempotencyKey: target.idempotency_key,
      assignmentId: waiting()[1]?.assignment_id,
    });
  });

  it.each<[string, () => string]>([
    ['its key replaced', () => {
      const target = waiting()[0];
      run(`UPDATE outbox SET idempotency_key = 'forged-key-0001' WHERE id = ?`, target?.id ?? 0);
      return 'forged-key-0001';
    }],
    ['a submission slipped in that nobody submitted', () => {
      bench.sheets.save(completeSheet(at(3), 9));
      run(`INSERT INTO outbox (assignment_id, examiner_id, idempotency_key, base_version, payload, created_at)
           VALUES ('as-0003', ?, 'forged-key-0002', 0, '{}', '2026-03-14T03:00:00.000Z')`, bench.examinerId);
      return 'forged-key-0002';
    }],
  ])('names a waiting submission no entry records: %s', (_label, tamper) => {
    const key = tamper();
    const row = waiting().find((candidate) => candidate.idempotency_key === key);
    expect(verifyAudit(bench.store.reader)).toEqual({ ok: false, reason: 'body_unrecorded', seq: null, idempotencyKey: key, assignmentId: row?.assignment_id });
  });

  it('checks what it can of a submission recorded before bodies were hashed', () => {
    // As the previous version wrote it: key, base version, total and revision, no body hash.
    const legacy = at(3);
    bench.sheets.save(completeSheet(legacy, 9));
    bench.store.transaction((db) => {
      appendAudit(db, {
        actor: bench.examinerId,
        action: 'sheet.submitted',
        assignmentId: legacy.assignmentId,
        payload: { idempotencyKey: 'legacy-key-0001', baseVersion: 0, total: 40, revision: 1 },
        at: '2026-03-14T03:00:00.000Z',
      });
      db.run(sql`INSERT INTO outbox (assignment_id, examiner_id, idempotency_key, base_version, payload, created_at)
                 VALUES (${legacy.assignmentId}, ${bench.examinerId}, 'legacy-key-0001', 0, '{"values":{}}', '2026-03-14T03:00:00.000Z')`);
    });
    expect(verifyAudit(bench.store.reader)).toMatchObject({ ok: true });
    run(`UPDATE outbox SET base_version = 1 WHERE idempotency_key = 'legacy-key-0001'`);
    expect(verifyAudit(bench.store.reader)).toMatchObject({ ok: false, reason: 'body_altered', idempotencyKey: 'legacy-key-0001' });
  });

  it('reports a broken chain before any outbox row', () => {
    run(`UPDATE outbox SET payload = json_set(payload, '$.comment', '改过')`);
    bench.store.raw.exec('DROP TRIGGER audit_log_no_update;');
    run(`UPDATE audit_log SET actor = 'ex-99' WHERE seq = 2`);
    expect(verifyAudit(bench.store.reader)).toEqual({ ok: false, seq: 2, reason: 'altered' });
  });
});
