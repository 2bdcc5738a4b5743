import { randomBytes } from 'node:crypto';
import type { ReferenceScores } from '@common/platform/fairness';
import type { PlatformDb } from '../db/database';
import type { Accounts } from '../state/accounts';
import type { Catalog, ExamDefinition } from '../state/catalog';
import { DEMO_ACCOUNTS, extraDemoExaminers } from '../demo';
import { checkReference } from '../state/calibration';
import {
  DEMO_ANCHOR_CHIEF_ID,
  DEMO_ANCHOR_LABELS,
  DEMO_DANCE_PANEL_ID,
  DEMO_DANCE_SLOT_ID,
  DEMO_DANCE_SUBJECT_ID,
  DEMO_EXAM_ID,
  DEMO_LIVE_SLOT_ID,
  DEMO_RECORDED_SLOT_IDS,
  demoCandidate,
  demoExam,
} from './exam';

export interface DemoSeedOptions {
  readonly now: Date;
  /** Candidates in today's live slot (default 32). */
  readonly liveCandidates?: number;
  /** Candidates per recorded slot (default 6; two recorded slots). */
  readonly recordedPerSlot?: number;
  /** Members added to the vocal panel (default none): examiner4… (platform/demo.ts). */
  readonly extraVocalMembers?: number;
  /**
   * Candidates of the dance slot every member of its panel scores (default 4, or recordedPerSlot
   * when that is fewer); besides them, the two anchors' candidates, assigned to the chief only.
   */
  readonly danceCandidates?: number;
}

/** The reference scores of the demo's anchors: A1 in the upper band, A2 in the middle one. */
export const DEMO_ANCHOR_REFERENCES: Readonly<Record<(typeof DEMO_ANCHOR_LABELS)[number], ReferenceScores>> = {
  A1: { values: { technique: 36, expression: 26, rhythm: 17, appearance: 9 }, band: 'upper' },
  A2: { values: { technique: 28, expression: 21, rhythm: 14, appearance: 7 }, band: 'middle' },
};

const id = (prefix: string) => `${prefix}-${randomBytes(6).toString('hex')}`;

/**
 * Seeds the demo exam once: accounts, the exam, candidates with both devices' tokens, today's
 * live queue and the assignments of every panel member. Recordings are added by
 * platform/demo/media.ts, which needs ffmpeg. Returns false when the data was already there.
 */
export function seedDemo(db: PlatformDb, catalog: Catalog, accounts: Accounts, options: DemoSeedOptions): boolean {
  const extra = extraDemoExaminers(options.extraVocalMembers ?? 0);
  accounts.seed([...DEMO_ACCOUNTS, ...extra]);
  if (catalog.all().length > 0) {
    addDanceIfMissing(db, catalog, options);
    refreshDemoDay(db, catalog, options.now);
    return false;
  }
  const exam = demoExam(options.now, extra.map((account) => account.id));
  catalog.add(exam);

  const addCandidate = candidateMaker(db, exam.id, 0);
  const insertEntry = db.prepare(
    "INSERT INTO queue_entries (id, slot_id, candidate_id, appointment_at, state) VALUES (?, ?, ?, ?, 'scheduled')",
  );
  const insertAssignment = assignmentInserter(db);
  const dueAt = dueAtOf(options.now);

  db.transaction(() => {
    const live = exam.slots.find((slot) => slot.id === DEMO_LIVE_SLOT_ID);
    const livePanel = exam.panels.find((panel) => panel.id === live?.panelId);
    if (!live || !livePanel) throw new Error('demo exam has no live slot');
    for (let i = 0; i < (options.liveCandidates ?? 32); i++) {
      const candidateId = addCandidate();
      const entryId = id('q');
      const appointment = new Date(new Date(live.startsAt).getTime() + i * 5 * 60_000).toISOString();
      insertEntry.run(entryId, live.id, candidateId, appointment);
      for (const examinerId of livePanel.examinerIds) {
        insertAssignment.run(id('as'), examinerId, candidateId, exam.id, live.subjectId, live.id, entryId, dueAt);
      }
    }

    for (const slotId of DEMO_RECORDED_SLOT_IDS) {
      const slot = exam.slots.find((candidate) => candidate.id === slotId);
      const panel = exam.panels.find((candidate) => candidate.id === slot?.panelId);
      if (!slot || !panel) throw new Error(`demo exam has no slot ${slotId}`);
      for (let i = 0; i < (options.recordedPerSlot ?? 6); i++) {
        const candidateId = addCandidate();
        for (const examinerId of panel.examinerIds) {
          insertAssignment.run(id('as'), examinerId, candidateId, exam.id, slot.subjectId, slot.id, null, dueAt);
        }
      }
    }
    seedDance(db, exam, options, addCandidate);
  })();
  return true;
}

const dueAtOf = (now: Date) => new Date(now.getTime() + 7 * 24 * 3600_000).toISOString();

function assignmentInserter(db: PlatformDb) {
  return db.prepare(
    'INSERT INTO assignments (id, examiner_id, candidate_id, exam_id, subject_id, slot_id, entry_id, due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
}

/** Adds candidates cand-001… (after the `existing` ones) with both devices' tokens. */
function candidateMaker(db: PlatformDb, examId: string, existing: number): () => string {
  const insertCandidate = db.prepare('INSERT INTO candidates (id, exam_id, name, id_number) VALUES (?, ?, ?, ?)');
  const insertToken = db.prepare('INSERT INTO device_tokens (token, candidate_id, device) VALUES (?, ?, ?)');
  let index = existing;
  return () => {
    const candidateId = `cand-${String(++index).padStart(3, '0')}`;
    const person = demoCandidate(index);
    insertCandidate.run(candidateId, examId, person.name, person.idNumber);
    insertToken.run(randomBytes(24).toString('base64url'), candidateId, 'main');
    insertToken.run(randomBytes(24).toString('base64url'), candidateId, 'side');
    return candidateId;
  };
}

/**
 * The dance slot: its candidates, assigned to every member of its panel, and two more assigned to
 * the chief alone, whose performances the chief marked as the anchors A1 and A2 (样卷) with
 * reference scores (logged as the chief's `anchor` actions, like an anchor set on the desk).
 */
function seedDance(db: PlatformDb, exam: ExamDefinition, options: DemoSeedOptions, addCandidate: () => string): void {
  const slot = exam.slots.find((candidate) => candidate.id === DEMO_DANCE_SLOT_ID);
  const panel = exam.panels.find((candidate) => candidate.id === slot?.panelId);
  const subject = exam.subjects.find((candidate) => candidate.id === DEMO_DANCE_SUBJECT_ID);
  if (!slot || !panel || !subject) throw new Error('demo exam has no dance slot');
  const insertAssignment = assignmentInserter(db);
  const dueAt = dueAtOf(options.now);
  const count = options.danceCandidates ?? Math.min(4, options.recordedPerSlot ?? 4);
  for (let i = 0; i < count; i++) {
    const candidateId = addCandidate();
    for (const examinerId of panel.examinerIds) insertAssignment.run(id('as'), examinerId, candidateId, exam.id, subject.id, slot.id, null, dueAt);
  }
  const insertAnchor = db.prepare(
    `INSERT INTO anchors (id, exam_id, subject_id, candidate_id, slot_id, label, reference, reference_total, set_by, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const logAction = db.prepare("INSERT INTO chief_actions (slot_id, at, actor_id, action, assignment_id, reason) VALUES (?, ?, ?, 'anchor', ?, ?)");
  const at = options.now.toISOString();
  for (const label of DEMO_ANCHOR_LABELS) {
    const reference = DEMO_ANCHOR_REFERENCES[label];
    const { problems, total } = checkReference(subject.rubric, reference);
    if (problems.length > 0 || total === null) throw new Error(`demo anchor ${label} does not fit the dance rubric`);
    const candidateId = addCandidate();
    const assignmentId = id('as');
    insertAssignment.run(assignmentId, DEMO_ANCHOR_CHIEF_ID, candidateId, exam.id, subject.id, slot.id, null, dueAt);
    insertAnchor.run(id('anchor'), exam.id, subject.id, candidateId, slot.id, label, JSON.stringify(reference), total, DEMO_ANCHOR_CHIEF_ID, at);
    logAction.run(slot.id, at, DEMO_ANCHOR_CHIEF_ID, assignmentId, label);
  }
}

/**
 * A demo data folder seeded before the dance subject existed gets it (its slot, panel,
 * candidates and anchors), so that `npm start` shows calibration whatever folder it opens.
 */
function addDanceIfMissing(db: PlatformDb, catalog: Catalog, options: DemoSeedOptions): void {
  const exam = catalog.all().find((candidate) => candidate.id === DEMO_EXAM_ID);
  if (!exam || exam.subjects.some((subject) => subject.id === DEMO_DANCE_SUBJECT_ID) || exam.slots.some((slot) => slot.id === DEMO_DANCE_SLOT_ID)) return;
  const fresh = demoExam(options.now);
  const subject = fresh.subjects.find((candidate) => candidate.id === DEMO_DANCE_SUBJECT_ID);
  const slot = fresh.slots.find((candidate) => candidate.id === DEMO_DANCE_SLOT_ID);
  const panel = fresh.panels.find((candidate) => candidate.id === DEMO_DANCE_PANEL_ID);
  if (!subject || !slot || !panel || exam.panels.some((candidate) => candidate.id === panel.id)) return;
  const upgraded: ExamDefinition = { ...exam, subjects: [...exam.subjects, subject], slots: [...exam.slots, slot], panels: [...exam.panels, panel] };
  const existing = (db.prepare("SELECT MAX(CAST(substr(id, 6) AS INTEGER)) AS n FROM candidates WHERE id LIKE 'cand-%'").get() as { n: number | null }).n ?? 0;
  db.transaction(() => {
    catalog.add(upgraded);
    seedDance(db, upgraded, options, candidateMaker(db, exam.id, existing));
  })();
}

/**
 * A demo platform kept in a data folder outlives the day it was seeded on: when its live slot
 * is over, move it to now and let its candidates queue again, so `npm start` always shows a
 * live slot today. Scores already given are kept.
 */
export function refreshDemoDay(db: PlatformDb, catalog: Catalog, now: Date): boolean {
  const exam = catalog.all().find((candidate) => candidate.slots.some((slot) => slot.id === DEMO_LIVE_SLOT_ID));
  const live = exam?.slots.find((slot) => slot.id === DEMO_LIVE_SLOT_ID);
  if (!exam || !live || Date.parse(live.endsAt) > now.getTime()) return false;
  const fresh = demoExam(now);
  const freshLive = fresh.slots.find((slot) => slot.id === DEMO_LIVE_SLOT_ID);
  if (!freshLive) return false;
  const start = Date.parse(freshLive.startsAt);
  db.transaction(() => {
    catalog.add({
      ...exam,
      startsOn: fresh.startsOn,
      slots: exam.slots.map((slot) => (slot.id === DEMO_LIVE_SLOT_ID ? { ...slot, startsAt: freshLive.startsAt, endsAt: freshLive.endsAt } : slot)),
    });
    const entries = db.prepare('SELECT id FROM queue_entries WHERE slot_id = ? ORDER BY appointment_at, id').all(DEMO_LIVE_SLOT_ID) as { id: string }[];
    const reset = db.prepare(
      `UPDATE queue_entries SET appointment_at = ?, state = 'scheduled', face_attempts = 0, interruptions = 0, interrupted_at = NULL,
         checked_in_at = NULL, called_at = NULL, called_by = NULL, entered_at = NULL, finished_at = NULL, failure_reason = NULL,
         revision = revision + 1 WHERE id = ?`,
    );
    entries.forEach((entry, index) => reset.run(new Date(start + index * 5 * 60_000).toISOString(), entry.id));
  })();
  return true;
}
