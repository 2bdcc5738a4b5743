import { describe, expect, it } from 'vitest';
import { ContractFailure } from '@common/contract';
import { chiefFailure, resultsFileName } from '../../../main/chief/chief-service';
import { PlatformRefusal } from '../../../main/platform/client';

const refusal = (status: number, code: string | null) => new PlatformRefusal('platform_error', `refused (${code ?? ''})`, status, code);
const codeOf = (error: unknown) => (error instanceof ContractFailure ? error.code : null);

describe('chiefFailure', () => {
  it.each([
    [403, 'forbidden', 'forbidden'],
    [404, 'not_found', 'not_found'],
    [409, 'not_all_accepted', 'not_all_accepted'],
    [409, 'already_signed_off', 'signed_off'],
    [400, 'reason_required', 'signed_off'],
    [400, 'invalid_body', 'invalid_input'],
  ] as const)('maps the platform’s %i %s to %s, keeping its message', (status, platformCode, code) => {
    const mapped = chiefFailure(refusal(status, platformCode));
    expect(codeOf(mapped)).toBe(code);
    expect((mapped as Error).message).toContain(platformCode);
  });

  it('leaves what is not a refusal, and refusals it has no code for, as they are', () => {
    const unreachable = new ContractFailure('platform_unreachable', 'down');
    expect(chiefFailure(unreachable)).toBe(unreachable);
    const failed = refusal(500, 'internal');
    expect(chiefFailure(failed)).toBe(failed);
  });
});

describe('resultsFileName', () => {
  it('names the exam, subject, slot and date, without characters a file system refuses', () => {
    expect(resultsFileName({ exam: '2026 美术/联考', subject: '素描', slot: '202606010900', date: '20260601', format: 'xlsx' })).toBe(
      '成绩_2026 美术_联考_素描_202606010900_20260601.xlsx',
    );
    expect(resultsFileName({ exam: 'A:B', subject: 'S', slot: null, date: '20260601', format: 'csv' })).toBe('成绩_A_B_S_20260601.csv');
  });
});
