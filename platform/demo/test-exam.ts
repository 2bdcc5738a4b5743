import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Subject } from '@common/platform/exams';
import type { PlatformContext } from '../context';
import { DEMO_ACCOUNTS } from '../demo';
import type { ExamDefinition } from '../state/catalog';
import { ChiefStore } from '../state/chief-store';
import { recordingOf, saveRecording } from '../state/recordings';
import { ScoreIntake } from '../state/scores';
import { demoCandidate } from './exam';

/**
 * The reference platform's test exam (模拟/联调考试, `test: true` on the wire), seeded on request
 * (PlatformOptions.testExam, `npm run platform -- --test-exam`) for the vendor conformance check
 * (`npm run conformance`, main/conformance/), which writes into test exams only. It holds, for
 * examiner1, what the check needs: a live slot with a queue to subscribe to, recorded
 * assignments (one with a recording) to score, and a sheet the chief has locked.
 */

export const TEST_EXAM_ID = 'exam-conformance';
export const TEST_LIVE_SLOT_ID = 'slot-conformance-live';
export const TEST_RECORDED_SLOT_ID = 'slot-conformance-rec';
/** examiner1: the account the check signs in with. */
export const TEST_EXAM_EXAMINER_ID = 'ex-01';
/** The chief who locked one of the examiner's sheets (the check's 423). */
export const TEST_EXAM_CHIEF_ID = 'ch-01';
/** Recorded candidates: the first has a recording and is scored, the last one's sheet is locked. */
const RECORDED_CANDIDATES = 3;
const LIVE_CANDIDATES = 2;
/**
 * The recording's length: a few chunks of a stream, and not a round number, so a range or a
 * hash that is off by a chunk shows.
 */
export const TEST_RECORDING_BYTES = 256 * 1024 + 1234;

const whole = (id: string, zh: string, en: string, max: number) => ({ id, label: { zh, en }, max, step: 1, required: true });

const TEST_SUBJECTS: readonly Subject[] = [
  {
    id: 'conformance-live',
    name: { zh: '联调面试', en: 'Conformance interview' },
    kind: 'live',
    answerSeconds: 5 * 60,
    rubric: { id: 'rubric-conformance-live', version: 1, criteria: [whole('overall', '综合', 'Overall', 100)] },
    prompts: [],
    calibrationRequired: false,
    reviewMode: 'open',
  },
  {
    id: 'conformance-recorded',
    name: { zh: '联调录播', en: 'Conformance recording' },
    kind: 'recorded',
    answerSeconds: 5 * 60,
    rubric: {
      id: 'rubric-conformance-recorded',
      version: 1,
      criteria: [whole('technique', '技术', 'Technique', 60), whole('expression', '表现', 'Expression', 40)],
    },
    prompts: [],
    calibrationRequired: false,
    reviewMode: 'open',
  },
];

/** The test exam's definition: a live slot around `now`, a recorded one the day before; one panel of examiner1 and the chief. */
export function testExam(now: Date): ExamDefinition {
  const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000).toISOString();
  return {
    id: TEST_EXAM_ID,
    name: { zh: '平台联调考试（模拟）', en: 'Platform conformance exam (test)' },
    timeZone: 'Asia/Shanghai',
    startsOn: new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(now),
    subjects: [...TEST_SUBJECTS],
    slots: [
      { id: TEST_LIVE_SLOT_ID, subjectId: 'conformance-live', kind: 'live', startsAt: at(-30), endsAt: at(6 * 60), panelId: 'panel-conformance' },
      { id: TEST_RECORDED_SLOT_ID, subjectId: 'conformance-recorded', kind: 'recorded', startsAt: at(-26 * 60), endsAt: at(-22 * 60), panelId: 'panel-conformance' },
    ],
    panels: [
      { id: 'panel-conformance', name: { zh: '联调评委组', en: 'Conformance panel' }, examinerIds: [TEST_EXAM_EXAMINER_ID, TEST_EXAM_CHIEF_ID] },
    ],
    combineRule: { kind: 'mean' },
    deviationThreshold: 10,
    test: true,
  };
}

/** The seeded test exam; `close` removes the scratch folder its recording took when the platform keeps no data folder. */
export interface TestExamSeed {
  close(): Promise<void>;
}

/**
 * Seeds the test exam once (a data folder that has it keeps it, scores and all) and makes sure
 * its recording is on disk: in the platform's media folder, or in a scratch folder when the
 * platform keeps its state in memory.
 */
export async function seedTestExam(ctx: PlatformContext, now: Date): Promise<TestExamSeed> {
  const scratch = ctx.mediaDir === null ? await mkdtemp(join(tmpdir(), 'reference-platform-test-exam-')) : null;
  try {
    if (!ctx.catalog.all().some((exam) => exam.id === TEST_EXAM_ID)) seedRows(ctx, now);
    await ensureRecording(ctx, scratch);
  } catch (error) {
    if (scratch !== null) await rm(scratch, { recursive: true, force: true });
    throw error;
  }
  return { close: async () => (scratch === null ? undefined : rm(scratch, { recursive: true, force: true })) };
}

const id = (prefix: string) => `${prefix}-${randomBytes(6).toString('hex')}`;

/** The test exam's candidates, 1…: the live ones first, then the recorded ones. */
const candidateIdOf = (index: number) => `conf-cand-${String(index).padStart(2, '0')}`;

/** Candidates, the live queue, examiner1's assignments, and the chief's lock of the last recorded sheet. */
function seedRows(ctx: PlatformContext, now: Date): void {
  const { db } = ctx;
  const exam = testExam(now);
  const live = exam.slots[0];
  const recorded = exam.slots[1];
  if (!live || !recorded) throw new Error('the test exam has no slots');
  ctx.accounts.seed(DEMO_ACCOUNTS.filter((account) => account.id === TEST_EXAM_EXAMINER_ID || account.id === TEST_EXAM_CHIEF_ID));
  const insertCandidate = db.prepare('INSERT INTO candidates (id, exam_id, name, id_number) VALUES (?, ?, ?, ?)');
  const insertToken = db.prepare('INSERT INTO device_tokens (token, candidate_id, device) VALUES (?, ?, ?)');
  const insertEntry = db.prepare("INSERT INTO queue_entries (id, slot_id, candidate_id, appointment_at, state) VALUES (?, ?, ?, ?, 'scheduled')");
  const insertAssignment = db.prepare(
    'INSERT INTO assignments (id, examiner_id, candidate_id, exam_id, subject_id, slot_id, entry_id, due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const dueAt = new Date(now.getTime() + 7 * 24 * 3600_000).toISOString();
  let index = 0;
  const addCandidate = () => {
    const candidateId = candidateIdOf(++index);
    const person = demoCandidate(900 + index);
    insertCandidate.run(candidateId, exam.id, person.name, person.idNumber);
    for (const device of ['main', 'side']) insertToken.run(randomBytes(24).toString('base64url'), candidateId, device);
    return candidateId;
  };
  db.transaction(() => {
    ctx.catalog.add(exam);
    for (let i = 0; i < LIVE_CANDIDATES; i++) {
      const candidateId = addCandidate();
      const entryId = id('q');
      insertEntry.run(entryId, live.id, candidateId, new Date(Date.parse(live.startsAt) + i * 5 * 60_000).toISOString());
      insertAssignment.run(id('as'), TEST_EXAM_EXAMINER_ID, candidateId, exam.id, live.subjectId, live.id, entryId, dueAt);
    }
    let lastAssignment = '';
    for (let i = 0; i < RECORDED_CANDIDATES; i++) {
      lastAssignment = id('as');
      insertAssignment.run(lastAssignment, TEST_EXAM_EXAMINER_ID, addCandidate(), exam.id, recorded.subjectId, recorded.id, null, dueAt);
    }
    // As the chief's desk locks a sheet (platform/routes/chief.ts): the lock, then its line in the action log.
    new ScoreIntake(db, ctx.clock, ctx.catalog, []).setLocked(lastAssignment, true);
    new ChiefStore(db, ctx.clock, ctx.accounts).log(recorded.id, TEST_EXAM_CHIEF_ID, 'lock', lastAssignment);
  })();
}

/** The bytes of the test recording: a counter hashed, so every chunk differs and a misplaced range shows. */
export function testRecordingBytes(): Buffer {
  const blocks: Buffer[] = [];
  for (let block = 0; block * 32 < TEST_RECORDING_BYTES; block++) {
    blocks.push(createHash('sha256').update(`conformance recording ${String(block)}`).digest());
  }
  return Buffer.concat(blocks).subarray(0, TEST_RECORDING_BYTES);
}

/**
 * The main-camera recording of the first recorded candidate, written where the platform serves
 * it from. Bytes only, not a video: the check needs a range and a hash, not a picture.
 */
async function ensureRecording(ctx: PlatformContext, scratch: string | null): Promise<void> {
  const candidateId = candidateIdOf(LIVE_CANDIDATES + 1);
  const base = scratch ?? ctx.mediaDir;
  if (base === null) throw new Error('the test recording has nowhere to go');
  const folder = join(base, 'conformance');
  const file = join(folder, `${candidateId}_${TEST_RECORDED_SLOT_ID}_main.bin`);
  const bytes = testRecordingBytes();
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (!(await holds(file, bytes))) {
    await mkdir(folder, { recursive: true });
    await writeFile(file, bytes);
  }
  const existing = recordingOf(ctx.db, candidateId, TEST_RECORDED_SLOT_ID, 'main');
  // A path in the media folder is kept relative, so the data folder can move; a scratch one is absolute.
  const path = scratch === null ? join('conformance', `${candidateId}_${TEST_RECORDED_SLOT_ID}_main.bin`) : file;
  if (existing?.path === path && existing.sha256 === sha256) return;
  saveRecording(ctx.db, {
    id: `rec-${randomBytes(8).toString('hex')}`,
    candidate_id: candidateId,
    slot_id: TEST_RECORDED_SLOT_ID,
    angle: 'main',
    path,
    content_type: 'application/octet-stream',
    bytes: bytes.length,
    sha256,
    duration_ms: 0,
  });
}

async function holds(file: string, bytes: Buffer): Promise<boolean> {
  try {
    return (await readFile(file)).equals(bytes);
  } catch {
    return false;
  }
}
