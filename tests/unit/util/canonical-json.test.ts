import { describe, expect, it } from 'vitest';
import { canonicalJson } from '@common/util/canonical-json';

describe('canonicalJson', () => {
  it.each([
    ['sorts keys at every depth', { b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } }, '{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}'],
    ['leaves out undefined fields, as JSON.stringify does', { a: undefined, b: 'x' }, '{"b":"x"}'],
    ['keeps array order', [3, 1, 2], '[3,1,2]'],
    ['escapes keys and strings', { 'k"ey': '音准\n' }, '{"k\\"ey":"音准\\n"}'],
    ['writes equal numbers alike', { a: 1.0, b: -0, c: 0.5 }, '{"a":1,"b":0,"c":0.5}'],
  ])('%s', (_label, value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });
});

describe('canonicalJson refusals', () => {
  it.each([
    ['NaN', { a: Number.NaN }],
    ['Infinity', [Number.POSITIVE_INFINITY]],
    ['a function', { f: () => 1 }],
    ['a bigint', { n: 1n }],
  ])('refuses %s rather than hashing something JSON cannot say', (_label, value) => {
    expect(() => canonicalJson(value)).toThrow(TypeError);
  });
});
