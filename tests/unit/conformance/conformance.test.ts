import { describe, expect, it } from 'vitest';
import { ExamSummary } from '@common/platform/exams';
import { checkScores } from '@common/scoring/bands';
import { parseConformanceArgs } from '../../../main/conformance/args';
import { fail, lineOf, pass, summaryOf } from '../../../main/conformance/results';
import { sheetFor } from '../../../main/conformance/sheets';
import { chooseTestExam, Refusal } from '../../../main/conformance/target';
import { DEMO_SUBJECTS } from '../../../platform/demo/exam';

const exam = (id: string, test?: boolean) =>
  ExamSummary.parse({ id, name: { zh: id, en: id }, timeZone: 'Asia/Shanghai', startsOn: '2026-05-01', ...(test !== undefined && { test }) });

describe('conformance arguments', () => {
  const base = ['--platform', 'http://127.0.0.1:4100', '--user', 'examiner1', '--password', 'demo1234'];

  it('takes the platform, the account and an optional exam', () => {
    expect(parseConformanceArgs(base)).toEqual({
      kind: 'run',
      options: { platform: 'http://127.0.0.1:4100', user: 'examiner1', password: 'demo1234', exam: null },
    });
    expect(parseConformanceArgs([...base, '--exam', 'exam-x'])).toMatchObject({ kind: 'run', options: { exam: 'exam-x' } });
    expect(parseConformanceArgs(['--help'])).toEqual({ kind: 'help' });
  });

  it('takes the password from CONFORMANCE_PASSWORD when --password is not given, and --password first', () => {
    const withoutPassword = base.slice(0, 4);
    expect(parseConformanceArgs(withoutPassword, { CONFORMANCE_PASSWORD: 'from-env' })).toMatchObject({ kind: 'run', options: { password: 'from-env' } });
    expect(parseConformanceArgs(base, { CONFORMANCE_PASSWORD: 'from-env' })).toMatchObject({ kind: 'run', options: { password: 'demo1234' } });
    expect(parseConformanceArgs(withoutPassword, { CONFORMANCE_PASSWORD: '' })).toEqual({ kind: 'error', message: 'missing --password' });
  });

  it.each([
    [[], 'missing --platform, --user, --password'],
    [['--user', 'u', '--password', 'p'], 'missing --platform'],
    [['--platform', 'http://x', '--user', '', '--password', 'p'], 'missing --user'],
    [['--platform', 'ftp://x', '--user', 'u', '--password', 'p'], '--platform must be an http:// or https:// URL, not ftp://x'],
    [['--platform', 'example.com', '--user', 'u', '--password', 'p'], '--platform must be an http:// or https:// URL, not example.com'],
    [[...base, '--exam', ''], '--exam needs an exam id'],
  ])('refuses %j: %s', (argv, message) => {
    expect(parseConformanceArgs(argv)).toEqual({ kind: 'error', message });
  });

  it('refuses unknown options and stray words with what node:util says of them', () => {
    expect(parseConformanceArgs([...base, '--force'])).toMatchObject({ kind: 'error', message: expect.stringContaining("'--force'") });
    expect(parseConformanceArgs([...base, 'now'])).toMatchObject({ kind: 'error', message: expect.stringContaining("'now'") });
  });
});

describe('choosing the exam to write into', () => {
  it('reads an exam without the flag as a real one', () => {
    expect(exam('older').test).toBe(false);
  });

  it('takes the first test exam, or the one asked for when it is a test exam', () => {
    const exams = [exam('real', false), exam('t1', true), exam('t2', true)];
    expect(chooseTestExam(exams, null, 'u').id).toBe('t1');
    expect(chooseTestExam(exams, 't2', 'u').id).toBe('t2');
  });

  it('refuses when none is a test exam, or the one asked for is not', () => {
    expect(() => chooseTestExam([exam('real'), exam('old')], null, 'u')).toThrow(
      new Refusal("none of u's exams is a test exam (real test: false, old test: false); the check writes only into an exam the platform marks test: true"),
    );
    expect(() => chooseTestExam([], null, 'u')).toThrow(/\(none\)/);
    expect(() => chooseTestExam([exam('real'), exam('t1', true)], 'real', 'u')).toThrow(/^exam real is not a test exam/);
    expect(() => chooseTestExam([exam('t1', true)], 'gone', 'u')).toThrow(/^u has no exam gone on this platform/);
  });
});

describe('conformance output', () => {
  it('prints one grep-able line per rule and a summary naming the failures', () => {
    const passed = pass('login', 'signed in');
    const failed = fail('score.replay', '201 with idempotent-replayed: true', '412 version_conflict\n(stale)');
    expect(lineOf(passed)).toBe('PASS login: signed in');
    expect(lineOf(failed)).toBe('FAIL score.replay: expected 201 with idempotent-replayed: true; got 412 version_conflict (stale)');
    expect(summaryOf([passed])).toBe('SUMMARY 1 passed, 0 failed');
    expect(summaryOf([passed, failed])).toBe('SUMMARY 1 passed, 1 failed: score.replay');
  });
});

describe('the sheet the check submits', () => {
  it.each(DEMO_SUBJECTS.map((subject) => [subject.id, subject.rubric] as const))('fits the %s rubric, band-first or not', (_id, rubric) => {
    const sheet = sheetFor(rubric, 'conformance');
    expect(checkScores(rubric, sheet.values, sheet.band).problems).toEqual([]);
    expect(sheet.band !== undefined).toBe(rubric.bands !== undefined);
  });
});
