import type { AccountSeed } from './state/accounts';

/**
 * The demo panel `npm start` signs in with. The README lists these accounts; they exist only
 * in the embedded reference platform.
 */
export const DEMO_PASSWORD = 'demo1234';

export const DEMO_ACCOUNTS: readonly AccountSeed[] = [
  { id: 'ex-01', username: 'examiner1', password: DEMO_PASSWORD, displayName: '王老师', roles: ['examiner', 'grader'] },
  { id: 'ex-02', username: 'examiner2', password: DEMO_PASSWORD, displayName: '李老师', roles: ['examiner', 'grader'] },
  { id: 'ex-03', username: 'examiner3', password: DEMO_PASSWORD, displayName: '张老师', roles: ['examiner'] },
  { id: 'gr-01', username: 'grader1', password: DEMO_PASSWORD, displayName: '陈老师', roles: ['grader'] },
  { id: 'ch-01', username: 'chief', password: DEMO_PASSWORD, displayName: '刘主任', roles: ['chief', 'examiner'] },
];

/**
 * More members of the vocal panel, for the benchmarks that need a full panel (the chief's
 * matrix at 9 members): examiner4, examiner5…, named 评委4, 评委5…; the default demo has none.
 */
export function extraDemoExaminers(count: number): AccountSeed[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `ex-${String(i + 4).padStart(2, '0')}`,
    username: `examiner${i + 4}`,
    password: DEMO_PASSWORD,
    displayName: `评委${i + 4}`,
    roles: ['examiner'],
  }));
}
