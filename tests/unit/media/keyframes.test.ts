import { describe, expect, it } from 'vitest';
import { KeyframeLines, MAX_KEYFRAMES, keyframesWorthListing } from '../../../main/media/keyframes';

describe('keyframes from ffprobe’s packet lines', () => {
  it('keeps the keyframes’ times in ms, across chunks cut anywhere, in order and once each', () => {
    const lines = new KeyframeLines();
    const text = '2.000000,K__\n0.033000,___\n0.000000,K_\n4.0170,K__\n2.000000,K__\nN/A,K__\n-0.040000,K__\n6.5,_D_\n';
    // Cut between every byte pair to prove no line is lost at a boundary.
    for (let at = 0; at < text.length; at += 3) lines.push(Buffer.from(text.slice(at, at + 3), 'latin1'));
    expect(lines.finish()).toEqual([0, 2000, 4017]);
  });

  it('reads a last line without its newline', () => {
    const lines = new KeyframeLines();
    lines.push(Buffer.from('0.0,K__\n8.25,K__'));
    expect(lines.finish()).toEqual([0, 8250]);
  });

  it('gives up (null) beyond the most it lists', () => {
    const lines = new KeyframeLines();
    lines.push(Buffer.from(Array.from({ length: MAX_KEYFRAMES + 1 }, (_, index) => `${String(index / 10)},K__\n`).join('')));
    expect(lines.finish()).toBeNull();
  });
});

describe('which keyframes are worth listing for the player', () => {
  it('lists keyframes two seconds apart, and none when they are dense, unknown or absent', () => {
    expect(keyframesWorthListing([0, 2000, 4000], 6000)).toEqual([0, 2000, 4000]);
    // Every 250 ms on average: a seek decodes a few frames at most.
    expect(keyframesWorthListing([0, 250, 500, 750], 1000)).toBeUndefined();
    expect(keyframesWorthListing(null, 6000)).toBeUndefined();
    expect(keyframesWorthListing([], 6000)).toBeUndefined();
  });
});
