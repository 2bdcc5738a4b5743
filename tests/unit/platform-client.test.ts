import { describe, expect, it } from 'vitest';
import { ExamList } from '@common/platform/exams';
import { QueueEntry } from '@common/platform/queue';
import { BatchResponse, MAX_BATCH, MAX_REVIEW_MARKS, ScoreRefusal } from '@common/platform/scores';
import { LoginResponse } from '@common/platform/wire';
import { Anchor, CalibrationResult, CalibrationStatus, MAX_CRITERIA, Recusal } from '@common/platform';
import { PlatformClient, PlatformRefusal, refusalDetail, retryAfterSeconds } from '../../main/platform/client';
import {
  CALIBRATION_RESPONSE_BYTES,
  DEFAULT_RESPONSE_BYTES,
  ERROR_RESPONSE_BYTES,
  FIXED_RESPONSE_BYTES,
  responseCap,
} from '../../main/platform/response-limits';

const NOW = Date.parse('2026-06-01T01:00:00.000Z');

describe("the platform client's reading of Retry-After", () => {
  it.each<[string | null, number | undefined]>([
    [null, undefined],
    ['', undefined],
    ['soon', undefined],
    ['-5', undefined],
    ['1.5', undefined],
    ['0', 1],
    ['1', 1],
    [' 120 ', 120],
    ['900', 900],
    ['999999999', 86_400],
    ['Mon, 01 Jun 2026 01:00:30 GMT', 30],
    ['Mon, 01 Jun 2026 00:59:00 GMT', 1],
  ])('reads %j as %j s', (header, seconds) => {
    expect(retryAfterSeconds(header, NOW)).toBe(seconds);
  });
});

describe("the caps on the platform's answers", () => {
  const escaped = (length: number) => '\u0001'.repeat(length);
  const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

  it('read the largest sign-in and queue entry the schemas allow, every string escaped, under the fixed cap', () => {
    const login = LoginResponse.parse({
      token: escaped(512),
      expiresAt: '2026-06-01T13:00:00.000Z',
      examiner: { id: escaped(64), displayName: escaped(128), roles: ['examiner', 'grader', 'chief'] },
    });
    expect(bytes(login)).toBeLessThan(FIXED_RESPONSE_BYTES / 4);
    const at = '2026-06-01T13:00:00.000Z';
    const entry = QueueEntry.parse({
      entryId: 'e'.repeat(64),
      slotId: 's'.repeat(64),
      candidateCode: escaped(32),
      appointmentAt: at,
      state: 'interrupted',
      faceAttempts: Number.MAX_SAFE_INTEGER,
      interruptions: Number.MAX_SAFE_INTEGER,
      interruptedAt: at,
      devices: { main: true, side: false },
      checkedInAt: at,
      calledAt: at,
      enteredAt: at,
      finishedAt: at,
      failureReason: 'interruption_timeout',
      revision: Number.MAX_SAFE_INTEGER,
      order: Number.MAX_SAFE_INTEGER,
    });
    expect(bytes(entry)).toBeLessThan(FIXED_RESPONSE_BYTES / 4);
    expect(responseCap(LoginResponse)).toBe(FIXED_RESPONSE_BYTES);
    expect(responseCap(QueueEntry)).toBe(FIXED_RESPONSE_BYTES);
  });

  it('read the largest refusal of a score sheet, with the current sheet at its largest, under the error cap', () => {
    const refusal = ScoreRefusal.parse({
      error: { code: 'version_conflict', message: escaped(2000) },
      current: {
        assignmentId: 'a'.repeat(64),
        version: Number.MAX_SAFE_INTEGER,
        sheet: {
          // As many values as a rubric has criteria at most (Rubric: .max(50)).
          values: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`${String(i).padStart(2, '0')}${'c'.repeat(62)}`, 1.234567890123456e-300])),
          comment: escaped(2000),
          violation: { flagged: true, note: escaped(2000) },
          auditHead: 'f'.repeat(64),
          marks: Array.from({ length: MAX_REVIEW_MARKS }, (_, i) => ({ id: `${String(i).padStart(3, '0')}${'m'.repeat(37)}`, kind: 'violation', atMs: 172_800_000, text: escaped(500) })),
        },
        total: -1.234567890123456e-300,
        acceptedAt: '2026-06-01T13:00:00.000Z',
        locked: true,
      },
    });
    expect(bytes(refusal)).toBeGreaterThan(600 * 1024);
    expect(bytes(refusal)).toBeLessThan(ERROR_RESPONSE_BYTES);
  });

  it('read a batch answer of such a refusal per item', () => {
    expect(responseCap(BatchResponse)).toBe(MAX_BATCH * ERROR_RESPONSE_BYTES);
    // Lists the schemas leave unbounded get the default.
    expect(responseCap(ExamList)).toBe(DEFAULT_RESPONSE_BYTES);
  });
});

describe('fair scoring on the wire', () => {
  const escaped = (length: number) => '\u0001'.repeat(length);
  const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));
  const at = '2026-06-01T13:00:00.000Z';
  const id = (prefix: string, index = 0) => `${prefix}${String(index)}`.padEnd(64, 'x');
  const largestResult = (index: number): CalibrationResult =>
    CalibrationResult.parse({
      anchorId: id('anchor', index),
      label: escaped(32),
      scoredAt: at,
      criteria: Array.from({ length: MAX_CRITERIA }, (_, criterion) => ({
        criterionId: id('c', criterion),
        yours: Number.MAX_SAFE_INTEGER,
        reference: Number.MAX_SAFE_INTEGER,
        difference: -Number.MAX_SAFE_INTEGER,
      })),
      total: Number.MAX_SAFE_INTEGER,
      referenceTotal: Number.MAX_SAFE_INTEGER,
      totalDifference: -Number.MAX_SAFE_INTEGER,
      band: { yours: id('b'), reference: id('b', 1) },
    });

  it('reads a recusal, an anchor and a calibration result at their largest under the fixed cap', () => {
    const recusal = Recusal.parse({ assignmentId: id('a'), reason: 'other', note: escaped(500), declaredAt: at, declaredBy: 'chief' });
    expect(responseCap(Recusal)).toBe(FIXED_RESPONSE_BYTES);
    expect(bytes(recusal)).toBeLessThan(FIXED_RESPONSE_BYTES / 4);
    expect(responseCap(CalibrationResult)).toBe(FIXED_RESPONSE_BYTES);
    expect(bytes(largestResult(0))).toBeLessThan(FIXED_RESPONSE_BYTES / 2);
    const anchor = Anchor.parse({
      anchorId: id('anchor'),
      examId: id('exam'),
      subjectId: id('subject'),
      label: escaped(32),
      reference: { values: Object.fromEntries(Array.from({ length: MAX_CRITERIA }, (_, criterion) => [id('c', criterion), 1000])), band: id('b') },
      referenceTotal: Number.MAX_SAFE_INTEGER,
      setBy: escaped(128),
      createdAt: at,
    });
    expect(responseCap(Anchor)).toBe(FIXED_RESPONSE_BYTES);
    expect(bytes(anchor)).toBeLessThan(FIXED_RESPONSE_BYTES / 4);
  });

  it('reads a calibration status of fifty anchors, each result at its largest, under its cap', () => {
    const status = CalibrationStatus.parse({
      subjectId: id('subject'),
      required: true,
      anchorIds: Array.from({ length: 50 }, (_, index) => id('anchor', index)),
      results: Array.from({ length: 50 }, (_, index) => largestResult(index)),
      complete: true,
    });
    expect(responseCap(CalibrationStatus)).toBe(CALIBRATION_RESPONSE_BYTES);
    expect(bytes(status)).toBeLessThan(CALIBRATION_RESPONSE_BYTES / 4);
  });

  it('keeps a refusal’s body, so a 409 can give back the record as it stands', async () => {
    const recusal = { assignmentId: 'as-1', reason: 'relative', note: null, declaredAt: at, declaredBy: 'self' };
    const fetchImpl: typeof fetch = () =>
      Promise.resolve(
        new Response(JSON.stringify({ error: { code: 'already_recused', message: 'declared' }, recusal }), {
          status: 409,
          headers: { 'content-type': 'application/json' },
        }),
      );
    const client = new PlatformClient('http://platform.invalid', fetchImpl);
    const error = await client.request({ method: 'POST', path: '/assignments/as-1/recusal', schema: Recusal, body: { reason: 'relative' } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PlatformRefusal);
    const refusal = error as PlatformRefusal;
    expect([refusal.status, refusal.platformCode]).toEqual([409, 'already_recused']);
    expect(refusalDetail(refusal, 'recusal', Recusal)).toEqual(recusal);
    // Absent, or not what the schema says: nothing.
    expect(refusalDetail(refusal, 'result', CalibrationResult)).toBeNull();
    expect(refusalDetail(refusal, 'error', Recusal)).toBeNull();
  });
});
