import { describe, expect, it } from 'vitest';
import { CONTRACT_LIMITS, findInputProblem } from '@common/contract';

function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = { child: value };
  return value;
}

describe('findInputProblem', () => {
  const refused: [string, unknown, RegExp][] = [
    ['a __proto__ key (as JSON.parse makes it)', JSON.parse('{"__proto__": {"admin": true}}'), /__proto__/],
    ['a nested constructor key', { a: [{ constructor: { prototype: {} } }] }, /constructor/],
    ['a prototype key', { prototype: 1 }, /prototype/],
    ['NaN', { score: Number.NaN }, /not finite/],
    ['Infinity in an array', { values: [1, Number.POSITIVE_INFINITY] }, /not finite/],
    ['an oversize string', { comment: 'x'.repeat(CONTRACT_LIMITS.maxStringLength + 1) }, /longer than/],
    ['too deep', nested(CONTRACT_LIMITS.maxDepth + 1), /deeper than/],
    ['too many items', { list: new Array(CONTRACT_LIMITS.maxNodes + 1).fill(0) }, /more than/],
    ['a class instance', { when: new Date() }, /not a plain object/],
    ['a Map', new Map(), /not a plain object/],
    ['a function', { run: () => 1 }, /function/],
    ['a bigint', { n: 10n }, /bigint/],
    ['a symbol key', { [Symbol('s')]: 1 }, /symbol/],
  ];
  it.each(refused)('refuses %s', (_label, input, reason) => {
    expect(findInputProblem(input)).toMatch(reason);
  });

  const accepted: [string, unknown][] = [
    ['an empty object', {}],
    ['null', null],
    ['a null-prototype object', Object.assign(Object.create(null) as object, { a: 1 })],
    ['ordinary nested data', { username: '评委', scores: [1, 2.5, 0], flags: { violation: false }, note: null }],
    ['a string at the limit', { comment: 'x'.repeat(CONTRACT_LIMITS.maxStringLength) }],
    ['nesting at the limit', nested(CONTRACT_LIMITS.maxDepth)],
  ];
  it.each(accepted)('accepts %s', (_label, input) => {
    expect(findInputProblem(input)).toBeNull();
  });

  it('names where the problem is', () => {
    expect(findInputProblem({ sheet: { values: [1, Number.NaN] } })).toBe('input.sheet.values[1]: number is not finite');
  });
});
