import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SheetInput } from '@common/contract';
import { Assignment, AssignmentList, Exam, type Rubric } from '@common/platform';
import type { ExaminerProfile } from '@common/platform/wire';
import { EventHub } from '../../main/contract/event-hub';
import { silentLogger } from '../../main/log';
import { PlatformClient } from '../../main/platform/client';
import { PlatformCache } from '../../main/services/platform-cache';
import { CredentialStore, type SecretBox } from '../../main/services/credential-store';
import { SessionService } from '../../main/services/session-service';
import { SheetService } from '../../main/services/sheet-service';
import type { Store } from '../../main/store/connection';
import { openStore, type OpenedStore } from '../../main/store/database';
import { sql } from '../../main/store/sql';
import { demoExam } from '../../platform/demo/exam';

/**
 * The workstation's offline-first store, set up through its real code paths: a data folder in
 * the OS temp dir, the platform's answers in the cache as an earlier online session left them,
 * and an examiner signed back in from stored credentials. Nothing here talks to a platform.
 */

/** A `.invalid` origin never resolves: the services under test must not need the platform. */
export const FIXTURE_PLATFORM_ORIGIN = 'http://platform.invalid';

export const FIXTURE_EXAMINER: ExaminerProfile = { id: 'ex-01', displayName: '王老师', roles: ['examiner', 'grader'] };

/** The demo exam as the platform describes it to an examiner (panels by size, not members). */
export const FIXTURE_EXAM: Exam = (() => {
  const definition = demoExam(new Date('2026-03-14T02:00:00.000Z'));
  return Exam.parse({
    ...definition,
    panels: definition.panels.map((panel) => ({ id: panel.id, name: panel.name, size: panel.examinerIds.length })),
  });
})();

/** A fresh data folder; remove it with `removeDataDir`. */
export function makeDataDir(prefix = 'examiner-store-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDataDir(dataDir: string): void {
  rmSync(dataDir, { recursive: true, force: true });
}

/**
 * `count` assignments cycling through the exam's subjects (live vocal, recorded instrumental,
 * recorded acting), with ids `as-0000`, `as-0001`…
 */
export function fixtureAssignments(count: number, exam: Exam = FIXTURE_EXAM): Assignment[] {
  return Array.from({ length: count }, (_, index) => {
    const subject = exam.subjects[index % exam.subjects.length];
    const slot = exam.slots.find((candidate) => candidate.subjectId === subject?.id);
    if (!subject || !slot) throw new Error(`the fixture exam has no slot for subject #${index % exam.subjects.length}`);
    return Assignment.parse({
      assignmentId: assignmentIdFor(index),
      examId: exam.id,
      subjectId: subject.id,
      slotId: slot.id,
      kind: subject.kind,
      candidateCode: `K${String(1000 + index)}`,
      entryId: subject.kind === 'live' ? `entry-${String(index)}` : null,
      recordings: [],
      dueAt: '2026-03-20T10:00:00.000Z',
    });
  });
}

export function assignmentIdFor(index: number): string {
  return `as-${String(index).padStart(4, '0')}`;
}

export function rubricFor(assignment: Assignment, exam: Exam = FIXTURE_EXAM): Rubric {
  const rubric = exam.subjects.find((subject) => subject.id === assignment.subjectId)?.rubric;
  if (!rubric) throw new Error(`no rubric for subject ${assignment.subjectId}`);
  return rubric;
}

/**
 * Values for every criterion (optional ones too), each a whole number of steps within 0..max,
 * derived from `seed` so a sheet's expected values can be recomputed from its index alone.
 */
export function completeValues(rubric: Rubric, seed: number): Record<string, number> {
  const values: Record<string, number> = {};
  rubric.criteria.forEach((criterion, position) => {
    const steps = Math.floor(criterion.max / criterion.step + 1e-9);
    values[criterion.id] = ((seed * 7 + position * 13) % (steps + 1)) * criterion.step;
  });
  return values;
}

export function completeSheet(assignment: Assignment, seed: number, exam: Exam = FIXTURE_EXAM): SheetInput {
  return {
    assignmentId: assignment.assignmentId,
    values: completeValues(rubricFor(assignment, exam), seed),
    comment: `评语 ${String(seed)}`,
    violation: { flagged: false, note: null },
  };
}

/** Puts the assignment list and the exam into the cache, as an online `assignments.list` leaves them. */
export function seedCache(store: Store, examinerId: string, assignments: readonly Assignment[], exam: Exam = FIXTURE_EXAM): void {
  const fetchedAt = '2026-03-14T01:00:00.000Z';
  const list = JSON.stringify(AssignmentList.parse({ assignments }));
  const body = JSON.stringify(exam);
  store.transaction((db) => {
    db.run(sql`INSERT INTO cache_entries (examiner_id, kind, key, body, etag, fetched_at)
               VALUES (${examinerId}, 'assignments', 'all', ${list}, '"fixture-assignments"', ${fetchedAt})
               ON CONFLICT (examiner_id, kind, key) DO UPDATE SET body = excluded.body`);
    db.run(sql`INSERT INTO cache_entries (examiner_id, kind, key, body, etag, fetched_at)
               VALUES (${examinerId}, 'exam', ${exam.id}, ${body}, '"fixture-exam"', ${fetchedAt})
               ON CONFLICT (examiner_id, kind, key) DO UPDATE SET body = excluded.body`);
  });
}

const SEAL_PREFIX = Buffer.from('fixture-box:');

/**
 * A keychain stand-in that persists (like the OS keychain) and refuses anything it did not seal.
 * It is not encryption; it only lets the real CredentialStore round-trip a token.
 */
export const fixtureSecretBox: SecretBox = {
  persistent: true,
  seal: (plain) => Buffer.concat([SEAL_PREFIX, Buffer.from(plain, 'utf8').reverse()]),
  open: (sealed) => {
    if (!sealed.subarray(0, SEAL_PREFIX.length).equals(SEAL_PREFIX)) throw new Error('not sealed by this box');
    return Buffer.from(sealed.subarray(SEAL_PREFIX.length)).reverse().toString('utf8');
  },
};

/** Stores a sign-in the way a successful `session.login` does, valid for `validForMs`. */
export function storeSignIn(store: Store, examiner: ExaminerProfile = FIXTURE_EXAMINER, now = new Date(), validForMs = 7 * 24 * 3600_000): void {
  new CredentialStore(store, fixtureSecretBox).save(FIXTURE_PLATFORM_ORIGIN, {
    session: { examiner, signedInAt: now.toISOString(), expiresAt: new Date(now.getTime() + validForMs).toISOString() },
    token: 'fixture-token-0123456789abcdef',
  });
}

/** The examiner signed back in from stored credentials, as the workstation does at start. */
export function restoreSession(store: Store): SessionService {
  const session = new SessionService(
    new PlatformClient(FIXTURE_PLATFORM_ORIGIN),
    new EventHub(silentLogger),
    new CredentialStore(store, fixtureSecretBox),
  );
  session.restore();
  if (session.session === null) throw new Error('no stored sign-in to restore (call storeSignIn first)');
  return session;
}

/** One opened data folder with the services a grading session uses. */
export interface Workbench {
  readonly store: Store;
  readonly recovery: OpenedStore['recovery'];
  readonly session: SessionService;
  readonly sheets: SheetService;
  readonly examinerId: string;
  close(): void;
}

/** Opens the store in `dataDir` and signs back in; `prepareDataDir` must have run on it once. */
export function openWorkbench(dataDir: string, now?: () => Date): Workbench {
  const opened = openStore(dataDir);
  try {
    const session = restoreSession(opened.store);
    const cache = new PlatformCache(opened.store, new PlatformClient(FIXTURE_PLATFORM_ORIGIN), session);
    const sheets = new SheetService({ store: opened.store, cache, session, events: new EventHub(silentLogger), onSubmitted: () => undefined, now });
    return {
      store: opened.store,
      recovery: opened.recovery,
      session,
      sheets,
      examinerId: session.requireExaminerId(),
      close: () => {
        session.dispose();
        opened.store.close();
      },
    };
  } catch (error) {
    opened.store.close();
    throw error;
  }
}

/** Creates the database in `dataDir` with a stored sign-in and the cached assignments and exam. */
export function prepareDataDir(dataDir: string, assignments: readonly Assignment[], examiner: ExaminerProfile = FIXTURE_EXAMINER): void {
  const { store } = openStore(dataDir);
  try {
    storeSignIn(store, examiner);
    seedCache(store, examiner.id, assignments);
  } finally {
    store.close();
  }
}
