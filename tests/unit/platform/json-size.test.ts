import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  BatchRequest,
  MAX_BATCH,
  MAX_BATCH_BODY_BYTES,
  MAX_CRITERIA,
  MAX_ISSUE_MOMENTS,
  MAX_REVIEW_MARKS,
  MAX_TECHNICAL_ISSUES,
  MAX_SCORE_SHEET_BYTES,
  ScoreSheet,
  type BatchItem,
} from '@common/platform';
import { maxJsonBytes } from '@common/platform/json-size';

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

describe('maxJsonBytes', () => {
  it.each([
    ['null', z.null(), null],
    ['a boolean', z.boolean(), false],
    ['a literal', z.literal('评分'), '评分'],
    ['an enum: its longest', z.enum(['note', 'violation']), 'violation'],
    // Control characters are escaped to six bytes each: the worst a character can do.
    ['a bounded string', z.string().max(3), '\u0001\u0002\u0003'],
    ['a lone surrogate', z.string().length(1), '\udc00'],
    ['a bounded integer', z.number().int().min(-5).max(1000), 1000],
    ['a negative bound', z.number().int().min(-12_345).max(3), -12_345],
    ['a nullable string', z.string().max(1).nullable(), '\u0000'],
    ['a bounded array', z.array(z.boolean()).max(3), [false, false, false]],
    ['an object, optional fields included', z.strictObject({ a: z.boolean(), b: z.null().optional() }), { a: false, b: null }],
    [
      'a bounded record',
      z.record(z.string().max(2), z.boolean()).meta({ maxProperties: 2 }),
      { '\u0001\u0002': false, '\u0003\u0004': false },
    ],
  ])('is reached by the largest value of %s', (_name, schema, largest) => {
    expect(schema.safeParse(largest).success).toBe(true);
    expect(maxJsonBytes(schema)).toBe(bytes(largest));
  });

  it('bounds any number at 24 bytes, as long as JSON.stringify writes one', () => {
    expect(maxJsonBytes(z.number())).toBe(24);
    for (const value of [-2.2250738585072014e-308, Number.MIN_VALUE, -Number.MAX_VALUE, 0.1 + 0.2]) expect(bytes(value)).toBeLessThanOrEqual(24);
  });

  it.each([
    ['a string without a maximum', z.strictObject({ text: z.string() }), /text has no maxLength/],
    ['an array without a maximum', z.array(z.boolean()), /no maxItems/],
    ['a record without a maximum', z.record(z.string().max(3), z.boolean()), /any number of members/],
    ['a record of unbounded names', z.record(z.string(), z.boolean()).meta({ maxProperties: 2 }), /no maxLength/],
    ['any value', z.unknown(), /accepts any value/],
  ])('refuses %s: no limit could promise that every valid body fits', (_name, schema, message) => {
    expect(() => maxJsonBytes(schema)).toThrow(message);
  });
});

/** The longest sheet the schema takes: every field at its maximum, every character its worst. */
function longestSheet(): ScoreSheet {
  const worst = (length: number) => '\u0001'.repeat(length);
  return {
    values: Object.fromEntries(Array.from({ length: MAX_CRITERIA }, (_, index) => [`c${String(index).padStart(63, '0')}`, 2.2250738585072014e-308])),
    comment: worst(2000),
    violation: { flagged: true, note: worst(2000) },
    auditHead: 'f'.repeat(64),
    marks: Array.from({ length: MAX_REVIEW_MARKS }, (_, index) => ({
      id: String(index).padStart(40, '0'),
      kind: 'violation' as const,
      atMs: 172_800_000,
      text: worst(500),
    })),
    band: 'b'.repeat(64),
    technicalIssues: Array.from({ length: MAX_TECHNICAL_ISSUES }, (_, index) => ({
      id: String(index).padStart(40, '0'),
      category: 'connection_lost' as const,
      note: worst(500),
      moments: Array.from({ length: MAX_ISSUE_MOMENTS }, () => ({ atMs: 172_800_000, toMs: 172_800_000 })),
    })),
  };
}

describe('the limits of a submission', () => {
  it('a sheet with review marks at their maxima fits MAX_SCORE_SHEET_BYTES', () => {
    const sheet = longestSheet();
    expect(ScoreSheet.safeParse(sheet).success).toBe(true);
    const size = bytes(sheet);
    // The marks alone are over 16 KiB a sheet, the guess the platform's limit used to be built on.
    expect(size).toBeGreaterThan(600_000);
    expect(size).toBeLessThanOrEqual(MAX_SCORE_SHEET_BYTES);
    // The figure is exact but for what the schema's patterns rule out, which it does not read:
    // criterion names, mark and issue ids, the band and the audit head are ASCII, measured at six bytes a character;
    // each value is 23 bytes, not 24; `true` is one byte shorter than `false`.
    const patterns = (MAX_CRITERIA * 64 + MAX_REVIEW_MARKS * 40 + 64 + 64 + MAX_TECHNICAL_ISSUES * 40) * 5;
    expect(MAX_SCORE_SHEET_BYTES - size).toBe(patterns + MAX_CRITERIA + 1);
  });

  it(`a batch of ${String(MAX_BATCH)} of the longest sheets fits MAX_BATCH_BODY_BYTES`, () => {
    const item: BatchItem = { assignmentId: 'a'.repeat(64), idempotencyKey: 'k'.repeat(128), baseVersion: Number.MAX_SAFE_INTEGER, sheet: longestSheet() };
    expect(BatchRequest.safeParse({ items: [item] }).success).toBe(true);
    // The body of MAX_BATCH such items, measured without building all of it.
    const body = bytes({ items: [] }) + MAX_BATCH * bytes(item) + (MAX_BATCH - 1);
    expect(body).toBeLessThanOrEqual(MAX_BATCH_BODY_BYTES);
    expect(body).toBeGreaterThan(MAX_BATCH * 600_000);
  });

  it('a sheet with more values than a rubric has criteria is refused, so the figure holds', () => {
    const values = Object.fromEntries(Array.from({ length: MAX_CRITERIA + 1 }, (_, index) => [`c${String(index)}`, 1]));
    expect(ScoreSheet.safeParse({ values, comment: '', violation: { flagged: false, note: null } }).success).toBe(false);
  });
});
