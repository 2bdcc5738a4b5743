import { createHmac, randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Assignment, AssignmentList } from '@common/platform/assignments';
import type { PlatformContext } from '../context';
import { getMeta, setMeta, type PlatformDb } from '../db/database';
import { requireExaminer, sendCached } from '../http';
import type { Calibration } from '../state/calibration';
import { recordingsByAssignment } from '../state/recordings';
import type { Recusals } from '../state/recusals';

interface AssignmentRow {
  id: string;
  candidate_id: string;
  exam_id: string;
  subject_id: string;
  slot_id: string;
  entry_id: string | null;
  due_at: string;
}

/** What the assignment list needs besides the context. */
export interface AssignmentSources {
  readonly recusals: Recusals;
  /** The anchors offered to the examiner, appended after their real assignments. */
  readonly calibration: Pick<Calibration, 'calibrationAssignments'>;
}

/**
 * The secret that fixes each grader's random order of recorded assignments: kept in `meta`, so
 * the order is the same on every call and across restarts on the same data folder. Not the
 * blind codes' secret: an order must say nothing of anyone's codes.
 */
function orderSecret(db: PlatformDb): Buffer {
  let secret = getMeta(db, 'order_secret');
  if (secret === null) {
    secret = randomBytes(32).toString('hex');
    setMeta(db, 'order_secret', secret);
  }
  return Buffer.from(secret, 'hex');
}

/**
 * Numbers each slot's assignments 1.. in the examiner's order: a live slot by appointment (the
 * rows arrive so), a recorded slot by HMAC-SHA256(secret, examiner + slot + candidate), a random
 * order per grader that the platform fixes once (against order effects: every grader would
 * otherwise see the candidates in the same order). Returns the rows in that order, slot by slot.
 */
export function orderAssignments<Row extends { readonly slot_id: string; readonly candidate_id: string }>(
  secret: Buffer,
  examinerId: string,
  rows: readonly Row[],
  kindOf: (slotId: string) => 'live' | 'recorded' | null,
): { row: Row; position: number; order: 'appointment' | 'shuffled' }[] {
  const bySlot = new Map<string, Row[]>();
  for (const row of rows) {
    let list = bySlot.get(row.slot_id);
    if (!list) bySlot.set(row.slot_id, (list = []));
    list.push(row);
  }
  const ordered: { row: Row; position: number; order: 'appointment' | 'shuffled' }[] = [];
  for (const [slotId, list] of bySlot) {
    if (kindOf(slotId) === 'live') {
      list.forEach((row, index) => ordered.push({ row, position: index + 1, order: 'appointment' }));
      continue;
    }
    const keyOf = (row: Row) => createHmac('sha256', secret).update(`${examinerId}\u0000${slotId}\u0000${row.candidate_id}`).digest('hex');
    list
      .map((row) => ({ row, key: keyOf(row) }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .forEach(({ row }, index) => ordered.push({ row, position: index + 1, order: 'shuffled' }));
  }
  return ordered;
}

/**
 * The examiner's assignments: live ones with their queue entry (in appointment order), recorded
 * ones with their recordings (in the examiner's shuffled order), each with the examiner's own
 * recusal; then the calibration assignments (anchors) offered to them.
 */
export function assignmentRoutes(app: FastifyInstance, ctx: PlatformContext, sources: AssignmentSources): void {
  const listFor = ctx.db.prepare(
    `SELECT a.id, a.candidate_id, a.exam_id, a.subject_id, a.slot_id, a.entry_id, a.due_at
     FROM assignments a LEFT JOIN queue_entries q ON q.id = a.entry_id
     WHERE a.examiner_id = ? ORDER BY a.slot_id, q.appointment_at, a.id`,
  );
  const secret = orderSecret(ctx.db);

  app.get('/assignments', async (request, reply) => {
    const examiner = requireExaminer(request, ctx.accounts);
    // A panel the examiner has left takes their assignments with it.
    const rows = (listFor.all(examiner.id) as AssignmentRow[]).filter((row) => ctx.catalog.sitsOn(examiner.id, row.slot_id));
    const recordings = recordingsByAssignment(ctx.db, examiner.id);
    const recusals = sources.recusals.forExaminer(examiner.id);
    const assignments: Assignment[] = [];
    const kindOf = (slotId: string) => ctx.catalog.slot(slotId)?.slot.kind ?? null;
    for (const { row, position, order } of orderAssignments(secret, examiner.id, rows, kindOf)) {
      const kind = kindOf(row.slot_id) ?? 'recorded';
      assignments.push({
        assignmentId: row.id,
        examId: row.exam_id,
        subjectId: row.subject_id,
        slotId: row.slot_id,
        kind,
        candidateCode: ctx.codes.codeFor(examiner.id, row.candidate_id),
        entryId: kind === 'live' ? row.entry_id : null,
        recordings: recordings.get(row.id) ?? [],
        dueAt: row.due_at,
        purpose: 'score',
        anchorId: null,
        position,
        order,
        recusal: recusals.get(row.id) ?? null,
      });
    }
    assignments.push(...sources.calibration.calibrationAssignments(examiner.id));
    const body: AssignmentList = { assignments };
    return sendCached(request, reply, body);
  });
}
