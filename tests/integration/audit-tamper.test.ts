import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendAudit, entryHash, verifyAudit, type AuditAction, type AuditVerdict } from '../../main/store/audit';
import type { Store } from '../../main/store/connection';
import { openStore } from '../../main/store/database';
import { assignmentIdFor, makeDataDir, removeDataDir } from '../support/store-fixtures';

/**
 * The audit trail against someone holding the database file. The append-only triggers stop the
 * app (and careless SQL) from rewriting history, but they are exactly what an attacker with the
 * file drops first, so every tampering below starts by dropping them: the hash chain, not the
 * triggers, is what must give the tampering away, naming the first entry that is not what the
 * chain says it must be.
 */

const ENTRIES = 6;
let dataDir: string;
let store: Store;
let hashes: string[];

beforeEach(() => {
  dataDir = makeDataDir('examiner-audit-');
  store = openStore(dataDir).store;
  hashes = [];
  for (let index = 1; index <= ENTRIES; index++) {
    const action: AuditAction = index % 3 === 0 ? 'sheet.submitted' : 'sheet.saved';
    const appended = store.transaction((db) =>
      appendAudit(db, {
        actor: index % 2 === 0 ? 'ex-02' : 'ex-01',
        action,
        assignmentId: assignmentIdFor(Math.ceil(index / 2)),
        payload: { values: { pitch: index * 2.5, stage: 7 }, comment: `评语 ${String(index)}`, violation: { flagged: false, note: null } },
        at: new Date(Date.UTC(2026, 2, 14, 2, index)).toISOString(),
      }),
    );
    expect(appended.seq).toBe(index);
    hashes.push(appended.hash);
  }
});
afterEach(() => {
  store.close();
  removeDataDir(dataDir);
});

const run = (statement: string, ...params: (string | number)[]) => store.raw.prepare(statement).run(...params);

function dropAppendOnlyTriggers(): void {
  store.raw.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
}

/** Reorders entries k and k+1 by swapping their positions, each keeping its own content and hash. */
function swapEntries(k: number): void {
  run('UPDATE audit_log SET seq = -1 WHERE seq = ?', k);
  run('UPDATE audit_log SET seq = ? WHERE seq = ?', k, k + 1);
  run('UPDATE audit_log SET seq = ? WHERE seq = -1', k + 1);
}

function cutTail(m: number): void {
  run('DELETE FROM audit_log WHERE seq > ?', ENTRIES - m);
}

/** Gives entry k new content and a hash that matches it, as an attacker who read audit.ts would. */
function rewriteAndRehash(k: number): void {
  const row = store.raw.prepare('SELECT * FROM audit_log WHERE seq = ?').get(k) as {
    at: string;
    actor: string;
    action: string;
    assignment_id: string | null;
    prev_hash: string;
  };
  const payload = { values: { pitch: 30, stage: 10 }, comment: 'rewritten', violation: { flagged: false, note: null } };
  const hash = entryHash({ seq: k, at: row.at, actor: row.actor, action: row.action, assignmentId: row.assignment_id, payload, prevHash: row.prev_hash });
  run('UPDATE audit_log SET payload = ?, hash = ? WHERE seq = ?', JSON.stringify(payload), hash, k);
}

const LAST = ENTRIES;

describe('audit trail: tampering with the file', () => {
  it('verifies an untouched chain and reports its head', () => {
    expect(verifyAudit(store.reader)).toEqual({ ok: true, count: ENTRIES, head: hashes[ENTRIES - 1] });
  });

  it.each([
    ['UPDATE of a payload', `UPDATE audit_log SET payload = '{}' WHERE seq = 2`],
    ['UPDATE of every actor', `UPDATE audit_log SET actor = 'ex-99'`],
    ['DELETE of one entry', 'DELETE FROM audit_log WHERE seq = 3'],
    ['DELETE of the tail', 'DELETE FROM audit_log WHERE seq > 4'],
  ])('refuses %s while the append-only triggers exist', (_label, statement) => {
    expect(() => run(statement)).toThrow(/the audit log is append-only/);
    expect(verifyAudit(store.reader)).toEqual({ ok: true, count: ENTRIES, head: hashes[ENTRIES - 1] });
  });

  it.each<[string, () => void, Extract<AuditVerdict, { ok: false }>]>([
    ['the payload of the first entry edited', () => run(`UPDATE audit_log SET payload = json_set(payload, '$.values.pitch', 30) WHERE seq = 1`), { ok: false, seq: 1, reason: 'altered' }],
    ['the payload of entry 3 edited', () => run(`UPDATE audit_log SET payload = json_set(payload, '$.comment', '改过') WHERE seq = 3`), { ok: false, seq: 3, reason: 'altered' }],
    ['the payload of the last entry edited', () => run(`UPDATE audit_log SET payload = json_set(payload, '$.values.stage', 10) WHERE seq = ?`, LAST), { ok: false, seq: LAST, reason: 'altered' }],
    ['the payload of entry 4 made unreadable', () => run(`UPDATE audit_log SET payload = '{"values":' WHERE seq = 4`), { ok: false, seq: 4, reason: 'altered' }],
    ['the actor of the first entry edited', () => run(`UPDATE audit_log SET actor = 'ex-99' WHERE seq = 1`), { ok: false, seq: 1, reason: 'altered' }],
    ['the actor of entry 4 edited', () => run(`UPDATE audit_log SET actor = 'ex-99' WHERE seq = 4`), { ok: false, seq: 4, reason: 'altered' }],
    ['the actor of the last entry edited', () => run(`UPDATE audit_log SET actor = 'ex-99' WHERE seq = ?`, LAST), { ok: false, seq: LAST, reason: 'altered' }],
    ['entries 2 and 5 edited', () => run(`UPDATE audit_log SET actor = 'ex-99' WHERE seq IN (2, 5)`), { ok: false, seq: 2, reason: 'altered' }],
    ['entry 3 edited and re-hashed', () => rewriteAndRehash(3), { ok: false, seq: 4, reason: 'out_of_order' }],
    // Nothing follows the last entry to notice; the recorded head does.
    ['the last entry edited and re-hashed', () => rewriteAndRehash(LAST), { ok: false, seq: LAST, reason: 'altered' }],
    ['the first entry deleted', () => run('DELETE FROM audit_log WHERE seq = 1'), { ok: false, seq: 1, reason: 'missing' }],
    ['entry 3 deleted', () => run('DELETE FROM audit_log WHERE seq = 3'), { ok: false, seq: 3, reason: 'missing' }],
    // With nothing after it, a deleted last entry is a cut tail.
    ['the last entry deleted', () => run('DELETE FROM audit_log WHERE seq = ?', LAST), { ok: false, seq: LAST, reason: 'tail_cut' }],
    ['the first two entries swapped', () => swapEntries(1), { ok: false, seq: 1, reason: 'out_of_order' }],
    ['entries 3 and 4 swapped', () => swapEntries(3), { ok: false, seq: 3, reason: 'out_of_order' }],
    ['the last two entries swapped', () => swapEntries(LAST - 1), { ok: false, seq: LAST - 1, reason: 'out_of_order' }],
    ['the last entry cut', () => cutTail(1), { ok: false, seq: LAST, reason: 'tail_cut' }],
    ['the last 3 entries cut', () => cutTail(3), { ok: false, seq: LAST - 2, reason: 'tail_cut' }],
    ['every entry cut', () => cutTail(ENTRIES), { ok: false, seq: 1, reason: 'tail_cut' }],
  ])('names the first broken entry with %s', (_label, tamper, verdict) => {
    dropAppendOnlyTriggers();
    tamper();
    expect(verifyAudit(store.reader)).toEqual(verdict);
  });

  /**
   * Cutting the tail and moving the recorded head back with it leaves a chain that is whole as
   * far as the file can tell. Only a witness that saw the real head catches it: the platform,
   * which receives the head with every submission (the Audit-Head header): see
   * tests/integration/audit-witness.test.ts.
   */
  it.each([1, 3, ENTRIES])('cannot tell from the file alone when the last %i entries are cut and the head fixed up', (m) => {
    const witnessedHead = hashes[ENTRIES - 1];
    dropAppendOnlyTriggers();
    cutTail(m);
    const kept = ENTRIES - m;
    if (kept === 0) run(`DELETE FROM meta WHERE key = 'audit_head'`);
    else run(`UPDATE meta SET value = ? WHERE key = 'audit_head'`, `${String(kept)}:${hashes[kept - 1] ?? ''}`);

    const verdict = verifyAudit(store.reader);
    expect(verdict).toEqual({ ok: true, count: kept, head: kept === 0 ? null : hashes[kept - 1] });
    expect(verdict.ok && verdict.head).not.toBe(witnessedHead);
  });
});
