import { describe, expect, it } from 'vitest';
import { retryAfterSeconds } from '../../main/platform/client';

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
