import { describe, expect, it } from 'vitest';
import { mayRemux, mayStart, mayWrite, remuxRoom, type SpaceRules } from '../../../main/evidence/disk-space';

const MIB = 1024 * 1024;
const RULES: SpaceRules = { reserveBytes: 512 * MIB, startHeadroomBytes: 64 * MIB };

describe("evidence recording's disk space rules", () => {
  it.each([
    [0, 0],
    [64 * 1024, 64 * 1024 + 1024 + MIB],
    [4096 * MIB, 4096 * MIB + 64 * MIB + MIB],
  ])('a remux of %i bytes needs %i', (bytes, room) => {
    expect(remuxRoom(bytes)).toBe(room);
  });

  it.each([
    // free, bytes the open recordings hold, may start
    [576 * MIB, 0, true],
    [576 * MIB - 1, 0, false],
    [576 * MIB + remuxRoom(100 * MIB), 100 * MIB, true],
    [576 * MIB + 100 * MIB, 100 * MIB, false],
  ])('with %i bytes free and %i recording, a recording may start: %s', (free, open, expected) => {
    expect(mayStart(RULES, free, open)).toBe(expected);
  });

  it.each([
    // free, open, chunk, may write
    [512 * MIB + 64 * 1024 + remuxRoom(64 * 1024), 0, 64 * 1024, true],
    [512 * MIB + 64 * 1024 + remuxRoom(64 * 1024) - 1, 0, 64 * 1024, false],
    [512 * MIB + 64 * 1024 + remuxRoom(3 * MIB + 64 * 1024), 3 * MIB, 64 * 1024, true],
    [512 * MIB + 64 * 1024 + remuxRoom(3 * MIB), 3 * MIB, 64 * 1024, false],
  ])('with %i bytes free and %i recorded, a chunk of %i may be written: %s', (free, open, chunk, expected) => {
    expect(mayWrite(RULES, free, open, chunk)).toBe(expected);
  });

  it('always leaves room to finish a recording it let grow, whatever else records meanwhile', () => {
    // The last chunk allowed, and then the remux of everything recorded, still leaves the reserve.
    for (const [open, chunk] of [[0, 1], [10 * MIB, 64 * 1024], [4095 * MIB, 64 * 1024]] as const) {
      const free = RULES.reserveBytes + chunk + remuxRoom(open + chunk);
      expect(mayWrite(RULES, free, open, chunk)).toBe(true);
      expect(mayRemux(RULES, free - chunk, open + chunk)).toBe(true);
    }
  });

  it.each([
    [512 * MIB + remuxRoom(10 * MIB), 10 * MIB, true],
    [512 * MIB + remuxRoom(10 * MIB) - 1, 10 * MIB, false],
  ])('with %i bytes free, a recording of %i may be finished: %s', (free, bytes, expected) => {
    expect(mayRemux(RULES, free, bytes)).toBe(expected);
  });
});
