import { describe, expect, it } from 'vitest';
import { BATCH_ENVELOPE_BYTES, batchBytes, budgetAfterTooLarge, fillBatch, halves, refusesTheItems } from '../../../main/services/sync-batches';

const sized = (...bytes: number[]) => bytes.map((size, index) => ({ id: index, bytes: size }));
const ids = (batch: readonly { id: number }[]) => batch.map((item) => item.id);

describe('fillBatch', () => {
  it.each([
    // [item sizes, maxItems, maxBytes, ids taken]
    ['all, when they fit', [10, 10, 10], 500, 12 + 32, [0, 1, 2]],
    ['up to the count', [10, 10, 10], 2, 10_000, [0, 1]],
    // 12 envelope + 10 + 1 + 10 = 33: a third would need 44.
    ['up to the byte budget, to the byte', [10, 10, 10], 500, 43, [0, 1]],
    ['exactly the budget', [10, 10, 10], 500, 44, [0, 1, 2]],
    ['the first alone when it is larger than the budget', [100, 10], 500, 50, [0]],
    ['in order: a small one behind a large one waits', [10, 100, 1], 500, 40, [0]],
    ['nothing from nothing', [], 500, 100, []],
  ])('takes %s', (_name, sizes, maxItems, maxBytes, expected) => {
    expect(ids(fillBatch(sized(...sizes), { maxItems, maxBytes }))).toEqual(expected);
  });

  it('never builds a body over the budget unless one item alone is over it', () => {
    const queue = sized(...Array.from({ length: 200 }, (_, index) => 1 + ((index * 7919) % 97)));
    for (const maxBytes of [13, 50, 99, 100, 101, 1_000, 4_321]) {
      let rest = queue;
      while (rest.length > 0) {
        const batch = fillBatch(rest, { maxItems: 500, maxBytes });
        expect(batch.length).toBeGreaterThan(0);
        if (batch.length > 1) expect(batchBytes(batch)).toBeLessThanOrEqual(maxBytes);
        rest = rest.slice(batch.length);
      }
    }
  });
});

describe('batchBytes', () => {
  it('is the length of the body JSON.stringify writes, in UTF-8', () => {
    const items = [{ a: '评分' }, { b: 'x'.repeat(50) }, { c: [1, 2.5, null] }].map((item) => ({ item, bytes: Buffer.byteLength(JSON.stringify(item)) }));
    const body = JSON.stringify({ items: items.map(({ item }) => item) });
    expect(batchBytes(items)).toBe(Buffer.byteLength(body));
    expect(batchBytes([])).toBe(Buffer.byteLength(JSON.stringify({ items: [] })));
    expect(BATCH_ENVELOPE_BYTES).toBe(12);
  });
});

describe('refusesTheItems', () => {
  it.each([
    [413, 'payload_too_large', true],
    [413, null, true], // a proxy's HTML page
    [400, 'bad_request', true],
    [400, null, true],
    [422, 'unprocessable', true],
    [400, 'bad_audit_head', false], // the request's header, the same for every half
    [401, 'unauthorized', false],
    [404, 'not_found', false],
    [409, 'in_flight', false],
    [429, 'rate_limited', false],
    [500, 'internal', false],
    [503, null, false],
  ])('HTTP %i %s: split the batch? %s', (status, code, split) => {
    expect(refusesTheItems(status, code)).toBe(split);
  });
});

describe('halves', () => {
  it.each([
    [[1, 2], [[1], [2]]],
    [[1, 2, 3], [[1, 2], [3]]],
    [[1, 2, 3, 4, 5, 6], [[1, 2, 3], [4, 5, 6]]],
  ])('splits %j into %j', (batch, expected) => {
    expect(halves(batch)).toEqual(expected);
  });

  it('isolates any one item of a batch in log2(n) rounds', () => {
    const batch = Array.from({ length: 500 }, (_, index) => index);
    for (const bad of [0, 1, 249, 250, 251, 498, 499]) {
      let part = batch;
      let rounds = 0;
      while (part.length > 1) {
        const [first, second] = halves(part);
        part = first.includes(bad) ? first : second;
        rounds++;
      }
      expect(part).toEqual([bad]);
      expect(rounds).toBeLessThanOrEqual(Math.ceil(Math.log2(batch.length)));
    }
  });
});

describe('budgetAfterTooLarge', () => {
  it.each([
    // [budget, refused batch bytes, new budget]
    [1_000_000, 600_000, 300_000],
    [200_000, 600_000, 200_000], // already lower: kept
    [1_000_000, 1_001, 500],
    [1_000_000, 14, 13], // never below an envelope and one byte
  ])('budget %i after %i bytes refused: %i', (budget, refused, expected) => {
    expect(budgetAfterTooLarge(budget, refused)).toBe(expected);
  });
});
