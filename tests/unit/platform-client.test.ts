import { describe, expect, it } from 'vitest';
import { ExamList } from '@common/platform/exams';
import { QueueEntry } from '@common/platform/queue';
import { BatchResponse, MAX_BATCH, MAX_REVIEW_MARKS, ScoreRefusal } from '@common/platform/scores';
import { LoginResponse } from '@common/platform/wire';
import { retryAfterSeconds } from '../../main/platform/client';
import { DEFAULT_RESPONSE_BYTES, ERROR_RESPONSE_BYTES, FIXED_RESPONSE_BYTES, responseCap } from '../../main/platform/response-limits';

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
