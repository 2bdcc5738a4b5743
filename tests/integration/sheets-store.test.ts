import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContractFailure, type ErrorCode, type SheetInput } from '@common/contract';
import { ScoreSheet, type Assignment } from '@common/platform';
import { verifyAudit } from '../../main/store/audit';
import { sql } from '../../main/store/sql';
import { completeSheet, fixtureAssignments, makeDataDir, openWorkbench, prepareDataDir, removeDataDir, type Workbench } from '../support/store-fixtures';

/**
 * Score sheets in the offline-first store, with no platform at all: the rubric comes from the
 * cache an earlier online session left, the examiner from stored credentials.
 */

const ASSIGNMENTS = fixtureAssignments(6);
const at = (index: number): Assignment => {
  const assignment = ASSIGNMENTS[index];
  if (!assignment) throw new Error(`no fixture assignment #${String(index)}`);
  return assignment;
};
/** Subjects cycle vocal (0.5 steps, all required), instrumental, acting (whole steps, `overall` optional). */
const VOCAL = at(0);
const ACTING = at(2);

let dataDir: string;
let bench: Workbench;
let minutes: number;
/** A clock that moves a minute per reading, so timestamps and their order are known. */
const clock = () => new Date(Date.UTC(2026, 2, 14, 2, minutes++));

beforeEach(() => {
  dataDir = makeDataDir('examiner-sheets-');
  prepareDataDir(dataDir, ASSIGNMENTS);
  minutes = 0;
  bench = openWorkbench(dataDir, clock);
});
afterEach(() => {
  bench.close();
  removeDataDir(dataDir);
});

function failureOf(work: () => unknown): { code: ErrorCode; message: string } {
  try {
    work();
  } catch (error) {
    if (error instanceof ContractFailure) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a ContractFailure, but the call succeeded');
}

const COUNTS = {
  sheets: sql`SELECT COUNT(*) AS n FROM score_sheets`,
  audit: sql`SELECT COUNT(*) AS n FROM audit_log`,
};
const count = (what: keyof typeof COUNTS) => bench.store.reader.get<{ n: number }>(COUNTS[what])?.n ?? 0;

const auditCount = () => {
  const verdict = verifyAudit(bench.store.reader);
  expect(verdict.ok).toBe(true);
  return verdict.ok ? verdict.count : -1;
};

interface OutboxRow {
  assignment_id: string;
  examiner_id: string;
  idempotency_key: string;
  base_version: number;
  payload: string;
  attempts: number;
}

const outboxRows = () => bench.store.reader.all<OutboxRow>(sql`SELECT * FROM outbox ORDER BY id`);

const lastAudit = () =>
  bench.store.reader.get<{ seq: number; actor: string; action: string; assignment_id: string; payload: string; hash: string }>(
    sql`SELECT * FROM audit_log ORDER BY seq DESC LIMIT 1`,
  );

const vocal = (values: Record<string, number>, extra: Partial<SheetInput> = {}): SheetInput => ({
  assignmentId: VOCAL.assignmentId,
  values,
  comment: '气息稳定',
  violation: { flagged: false, note: null },
  ...extra,
});
const FULL_VOCAL = { pitch: 25.5, rhythm: 18, tone: 16.5, expression: 17, stage: 8 };

describe('score sheets in the store', () => {
  describe.each([
    ['a value over the max', { ...FULL_VOCAL, pitch: 30.5 }, 'pitch: over_max'],
    ['a value off the step', { ...FULL_VOCAL, rhythm: 12.3 }, 'rhythm: off_step'],
    ['an unknown criterion', { ...FULL_VOCAL, harmony: 5 }, 'harmony: unknown_criterion'],
    ['a negative value', { ...FULL_VOCAL, tone: -1 }, 'tone: negative'],
  ])('save with %s', (_label, values, problem) => {
    it('is refused with invalid_sheet and writes nothing', () => {
      expect(failureOf(() => bench.sheets.save(vocal(values)))).toEqual({ code: 'invalid_sheet', message: problem });
      expect(bench.sheets.get(VOCAL.assignmentId)).toBeNull();
      expect({ sheets: count('sheets'), audit: count('audit') }).toEqual({ sheets: 0, audit: 0 });
      expect(auditCount()).toBe(0);
    });

    it('is refused on an existing draft, which stays as it was', () => {
      const draft = bench.sheets.save(vocal(FULL_VOCAL));
      expect(failureOf(() => bench.sheets.save(vocal(values)))).toMatchObject({ code: 'invalid_sheet' });
      expect(bench.sheets.get(VOCAL.assignmentId)).toEqual(draft);
      expect(auditCount()).toBe(1);
    });
  });

  it('saves a draft with a required criterion missing, with no total and the gap listed', () => {
    const { stage: _stage, ...withoutStage } = FULL_VOCAL;
    const state = bench.sheets.save(vocal(withoutStage));
    expect(state).toMatchObject({
      assignmentId: VOCAL.assignmentId,
      values: withoutStage,
      status: 'draft',
      total: null,
      problems: [{ criterionId: 'stage', problem: 'missing' }],
      revision: 1,
    });
    expect(bench.sheets.get(VOCAL.assignmentId)).toEqual(state);
    expect(auditCount()).toBe(1);
  });

  it('totals a sheet without an optional criterion', () => {
    const state = bench.sheets.save({ ...completeSheet(ACTING, 0), values: { lines: 24, movement: 20, performance: 30 } });
    expect(state).toMatchObject({ total: 74, problems: [] });
  });

  describe.each<[string, SheetInput | null, RegExp]>([
    ['nothing saved yet', null, /nothing has been scored/],
    ['a required criterion missing', vocal({ pitch: 25.5, rhythm: 18, tone: 16.5, expression: 17 }), /stage: missing/],
    ['a violation flagged without a note', vocal(FULL_VOCAL, { violation: { flagged: true, note: null } }), /needs a note/],
    ['a violation flagged with a blank note', vocal(FULL_VOCAL, { violation: { flagged: true, note: '   ' } }), /needs a note/],
  ])('submit with %s', (_label, draft, message) => {
    it('is refused with incomplete_sheet and changes nothing', () => {
      const saved = draft ? bench.sheets.save(draft) : null;
      const entries = auditCount();
      const failure = failureOf(() => bench.sheets.submit(VOCAL.assignmentId));
      expect(failure.code).toBe('incomplete_sheet');
      expect(failure.message).toMatch(message);
      expect(outboxRows()).toEqual([]);
      expect(bench.sheets.get(VOCAL.assignmentId)).toEqual(saved);
      expect(auditCount()).toBe(entries);
    });
  });

  it.each([
    ['a clean sheet', { flagged: false, note: null }],
    ['a flagged violation with its note', { flagged: true, note: '考生中途离开画面' }],
  ])('submits %s into exactly one outbox row with a fixed key and the frozen body, then makes it read-only', (_label, violation) => {
    bench.sheets.save(vocal({ ...FULL_VOCAL, pitch: 20 }, { violation }));
    const saved = bench.sheets.save(vocal(FULL_VOCAL, { violation }));
    const submitted = bench.sheets.submit(VOCAL.assignmentId);
    expect(submitted).toMatchObject({ status: 'submitted', total: 85, revision: 2, baseVersion: 0, problems: [] });
    expect(submitted.submittedAt).not.toBeNull();
    expect(submitted.values).toEqual(saved.values);

    const rows = outboxRows();
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect(row).toMatchObject({ assignment_id: VOCAL.assignmentId, examiner_id: bench.examinerId, base_version: 0, attempts: 0 });
    expect(row?.idempotency_key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    // The submission's own audit entry ends the chain; the frozen body carries no head (each
    // request does, in its Audit-Head header, as it leaves).
    expect(verifyAudit(bench.store.reader)).toMatchObject({ ok: true, count: 3 });
    const entry = lastAudit();
    expect(entry).toMatchObject({ seq: 3, action: 'sheet.submitted', actor: bench.examinerId, assignment_id: VOCAL.assignmentId });
    // It records the sha256 of the exact body the outbox will send, which verifyAudit checks.
    expect(JSON.parse(entry?.payload ?? 'null')).toEqual({
      idempotencyKey: row?.idempotency_key,
      baseVersion: 0,
      total: 85,
      revision: 2,
      bodySha256: createHash('sha256').update(row?.payload ?? '').digest('hex'),
    });
    expect(ScoreSheet.parse(JSON.parse(row?.payload ?? 'null'))).toEqual({ values: FULL_VOCAL, comment: '气息稳定', violation });
    expect(JSON.parse(row?.payload ?? 'null')).not.toHaveProperty('auditHead');

    expect(failureOf(() => bench.sheets.save(vocal(FULL_VOCAL)))).toMatchObject({ code: 'sheet_read_only' });
    expect(failureOf(() => bench.sheets.submit(VOCAL.assignmentId))).toMatchObject({ code: 'sheet_read_only' });
    expect(outboxRows()).toEqual(rows);
    expect(bench.sheets.get(VOCAL.assignmentId)).toEqual(submitted);
    expect(auditCount()).toBe(3);
  });

  it('appends exactly one audit entry per save and per submission, and the chain verifies after each', () => {
    const steps: [string, () => unknown][] = [
      ['sheet.saved', () => bench.sheets.save(completeSheet(at(0), 0))],
      ['sheet.saved', () => bench.sheets.save(completeSheet(at(1), 1))],
      ['sheet.saved', () => bench.sheets.save(completeSheet(at(0), 5))],
      ['sheet.submitted', () => bench.sheets.submit(at(0).assignmentId)],
      ['sheet.saved', () => bench.sheets.save(completeSheet(at(2), 2))],
      ['sheet.submitted', () => bench.sheets.submit(at(2).assignmentId)],
      ['sheet.saved', () => bench.sheets.save(completeSheet(at(1), 7))],
    ];
    const assignmentOf = [0, 1, 0, 0, 2, 2, 1].map((index) => at(index).assignmentId);
    steps.forEach(([action, step], index) => {
      step();
      expect(auditCount()).toBe(index + 1);
      expect(lastAudit()).toMatchObject({ seq: index + 1, action, actor: bench.examinerId, assignment_id: assignmentOf[index] });
    });
    expect(outboxRows().map((row) => row.assignment_id)).toEqual([at(0).assignmentId, at(2).assignmentId]);
  });

  it('keeps a saved draft, its values and its revision, across closing and reopening the store', () => {
    bench.sheets.save(vocal({ pitch: 10, rhythm: 10 }));
    const last = bench.sheets.save(vocal({ pitch: 12.5, rhythm: 10, tone: 15 }, { comment: '第二段走音', violation: { flagged: true, note: '有人提示' } }));
    expect(last.revision).toBe(2);
    bench.close();

    bench = openWorkbench(dataDir, clock);
    expect(bench.sheets.get(VOCAL.assignmentId)).toEqual(last);
    expect(auditCount()).toBe(2);
  });
});
