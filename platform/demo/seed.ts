import { randomBytes } from 'node:crypto';
import type { PlatformDb } from '../db/database';
import type { Accounts } from '../state/accounts';
import type { Catalog } from '../state/catalog';
import { DEMO_ACCOUNTS, extraDemoExaminers } from '../demo';
import { DEMO_LIVE_SLOT_ID, DEMO_RECORDED_SLOT_IDS, demoCandidate, demoExam } from './exam';

export interface DemoSeedOptions {
  readonly now: Date;
  /** Candidates in today's live slot (default 32). */
  readonly liveCandidates?: number;
  /** Candidates per recorded slot (default 6; two recorded slots). */
  readonly recordedPerSlot?: number;
  /** Members added to the vocal panel (default none): examiner4… (platform/demo.ts). */
  readonly extraVocalMembers?: number;
}

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
    refreshDemoDay(db, catalog, options.now);
    return false;
  }
  const exam = demoExam(options.now, extra.map((account) => account.id));
  catalog.add(exam);

  const insertCandidate = db.prepare('INSERT INTO candidates (id, exam_id, name, id_number) VALUES (?, ?, ?, ?)');
  const insertToken = db.prepare('INSERT INTO device_tokens (token, candidate_id, device) VALUES (?, ?, ?)');
  const insertEntry = db.prepare(
    "INSERT INTO queue_entries (id, slot_id, candidate_id, appointment_at, state) VALUES (?, ?, ?, ?, 'scheduled')",
  );
  const insertAssignment = db.prepare(
    'INSERT INTO assignments (id, examiner_id, candidate_id, exam_id, subject_id, slot_id, entry_id, due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const dueAt = new Date(options.now.getTime() + 7 * 24 * 3600_000).toISOString();

  db.transaction(() => {
    let index = 0;
    const addCandidate = () => {
      const candidateId = `cand-${String(++index).padStart(3, '0')}`;
      const person = demoCandidate(index);
      insertCandidate.run(candidateId, exam.id, person.name, person.idNumber);
      insertToken.run(randomBytes(24).toString('base64url'), candidateId, 'main');
      insertToken.run(randomBytes(24).toString('base64url'), candidateId, 'side');
      return candidateId;
    };

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
  })();
  return true;
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
