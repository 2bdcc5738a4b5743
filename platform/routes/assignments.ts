import type { FastifyInstance } from 'fastify';
import type { Assignment, AssignmentList } from '@common/platform/assignments';
import type { PlatformContext } from '../context';
import { requireExaminer, sendCached } from '../http';
import { recordingsByAssignment } from '../state/recordings';

interface AssignmentRow {
  id: string;
  candidate_id: string;
  exam_id: string;
  subject_id: string;
  slot_id: string;
  entry_id: string | null;
  due_at: string;
}

/** The examiner's assignments: live ones with their queue entry, recorded ones with their recordings. */
export function assignmentRoutes(app: FastifyInstance, ctx: PlatformContext): void {
  const listFor = ctx.db.prepare(
    `SELECT a.id, a.candidate_id, a.exam_id, a.subject_id, a.slot_id, a.entry_id, a.due_at
     FROM assignments a LEFT JOIN queue_entries q ON q.id = a.entry_id
     WHERE a.examiner_id = ? ORDER BY a.slot_id, q.appointment_at, a.id`,
  );

  app.get('/assignments', async (request, reply) => {
    const examiner = requireExaminer(request, ctx.accounts);
    const rows = listFor.all(examiner.id) as AssignmentRow[];
    const recordings = recordingsByAssignment(ctx.db, examiner.id);
    const assignments: Assignment[] = [];
    for (const row of rows) {
      // A panel the examiner has left takes their assignments with it.
      const slot = ctx.catalog.slot(row.slot_id);
      if (!slot || !slot.panel.examinerIds.includes(examiner.id)) continue;
      assignments.push({
        assignmentId: row.id,
        examId: row.exam_id,
        subjectId: row.subject_id,
        slotId: row.slot_id,
        kind: slot.slot.kind,
        candidateCode: ctx.codes.codeFor(examiner.id, row.candidate_id),
        entryId: slot.slot.kind === 'live' ? row.entry_id : null,
        recordings: recordings.get(row.id) ?? [],
        dueAt: row.due_at,
      });
    }
    const body: AssignmentList = { assignments };
    return sendCached(request, reply, body);
  });
}
