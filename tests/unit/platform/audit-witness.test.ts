import { describe, expect, it } from 'vitest';
import { AuditHead, formatAuditHead, type AuditHeadClaim } from '@common/platform/audit';
import { judgeHead, type HeadVerdict, type HeldHead } from '../../../platform/state/audit-witness';

const H = (label: string) => label.repeat(64 / label.length);
const CHAIN = '0123456789abcdef'.repeat(4);
const RUN_A = 'aa'.repeat(16);
const RUN_B = 'bb'.repeat(16);

const claim = (seq: number, hash: string, run: string, request: number): AuditHeadClaim => ({ seq, hash, chain: CHAIN, run, request });
const held = (seq: number, hash: string, run: string, request: number): HeldHead => ({ seq, hash, run, request });

describe('judgeHead', () => {
  it.each<[string, HeldHead | null, AuditHeadClaim, HeadVerdict, boolean]>([
    ['nothing held yet', null, claim(4, H('a'), RUN_A, 1), 'first', true],
    ['a later request of the run, further along', held(4, H('a'), RUN_A, 1), claim(9, H('b'), RUN_A, 2), 'forward', true],
    ['a later request of the run, at the same head', held(4, H('a'), RUN_A, 1), claim(4, H('a'), RUN_A, 2), 'same', true],
    ['the same request again', held(4, H('a'), RUN_A, 3), claim(4, H('a'), RUN_A, 3), 'same', true],
    ['a later request of the run, behind', held(9, H('b'), RUN_A, 2), claim(4, H('c'), RUN_A, 3), 'backwards', true],
    ['a later request of the run, same sequence, another hash', held(9, H('b'), RUN_A, 2), claim(9, H('c'), RUN_A, 3), 'fork', true],
    ['an earlier request of the run, behind (overtaken)', held(9, H('b'), RUN_A, 5), claim(4, H('a'), RUN_A, 4), 'late', false],
    ['an earlier request of the run, at the same head', held(9, H('b'), RUN_A, 5), claim(9, H('b'), RUN_A, 4), 'late', false],
    ['an earlier request of the run, further along', held(9, H('b'), RUN_A, 5), claim(12, H('d'), RUN_A, 4), 'backwards', false],
    ['an earlier request of the run, same sequence, another hash', held(9, H('b'), RUN_A, 5), claim(9, H('c'), RUN_A, 4), 'fork', false],
    ['another run, further along (a restart)', held(9, H('b'), RUN_A, 5), claim(12, H('d'), RUN_B, 1), 'forward', true],
    ['another run, at the same head', held(9, H('b'), RUN_A, 5), claim(9, H('b'), RUN_B, 1), 'same', true],
    ['another run, behind (a restored backup)', held(9, H('b'), RUN_A, 5), claim(7, H('e'), RUN_B, 1), 'backwards', true],
    ['another run, behind, with a lower request number', held(9, H('b'), RUN_A, 5), claim(7, H('e'), RUN_B, 9), 'backwards', true],
    ['another run, same sequence, another hash (re-headed)', held(9, H('b'), RUN_A, 5), claim(9, H('e'), RUN_B, 1), 'fork', true],
  ])('%s', (_label, before, now, verdict, adopt) => {
    expect(judgeHead(before, now)).toEqual({ verdict, adopt });
  });
});

describe('the Audit-Head header', () => {
  const example = claim(42, H('9f'), RUN_A, 7);

  it('reads back what formatAuditHead wrote', () => {
    expect(formatAuditHead(example)).toBe(`42:${H('9f')}; chain=${CHAIN}; run=${RUN_A}; request=7`);
    expect(AuditHead.parse(formatAuditHead(example))).toEqual(example);
    expect(AuditHead.parse(formatAuditHead({ ...example, seq: 999_999_999_999_999, request: 1 }))).toMatchObject({ seq: 999_999_999_999_999, request: 1 });
  });

  it.each([
    ['empty', ''],
    ['a bare hash, as sheets used to carry', H('9f')],
    ['only seq:hash', `42:${H('9f')}`],
    ['sequence 0', formatAuditHead(example).replace(/^42:/, '0:')],
    ['a leading zero', formatAuditHead(example).replace(/^42:/, '042:')],
    ['a negative sequence', formatAuditHead(example).replace(/^42:/, '-42:')],
    ['a sequence of 16 digits', formatAuditHead(example).replace(/^42:/, '1000000000000000:')],
    ['a hash one short', formatAuditHead(example).replace(H('9f'), H('9f').slice(1))],
    ['an upper-case hash', formatAuditHead(example).replace(H('9f'), H('9F'))],
    ['an upper-case chain', formatAuditHead({ ...example, chain: CHAIN.toUpperCase() })],
    ['a short run', formatAuditHead({ ...example, run: 'aa' })],
    ['request 0', formatAuditHead(example).replace(/request=7$/, 'request=0')],
    ['the parameters in another order', `42:${H('9f')}; run=${RUN_A}; chain=${CHAIN}; request=7`],
    ['no space after the semicolons', formatAuditHead(example).replaceAll('; ', ';')],
    ['a trailing parameter', `${formatAuditHead(example)}; extra=1`],
    ['a trailing newline', `${formatAuditHead(example)}\n`],
  ])('refuses %s', (_label, value) => {
    expect(AuditHead.safeParse(value).success).toBe(false);
  });
});
