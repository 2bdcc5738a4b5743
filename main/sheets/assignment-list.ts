import type { CommandOutput } from '@common/contract';
import { AssignmentList, Exam } from '@common/platform';
import type { PlatformCache } from '../services/platform-cache';
import type { SessionService } from '../services/session-service';
import type { SheetService } from '../services/sheet-service';
import { sheetStatuses } from '../services/sheet-rows';
import type { ReadableDb } from '../store/connection';

export interface AssignmentListDeps {
  readonly db: ReadableDb;
  readonly cache: PlatformCache;
  readonly session: SessionService;
  readonly sheets: Pick<SheetService, 'takeRecusals'>;
}

/**
 * `assignments.list`: the examiner's assignments (through the cache, so offline they show with
 * their age), each with the status of its local sheet. Grading must work offline later, so every
 * rubric the assignments need is cached now; a recusal declared elsewhere voids the local sheet.
 */
export async function listAssignments({ db, cache, session, sheets }: AssignmentListDeps): Promise<CommandOutput<'assignments.list'>> {
  const { data, freshness } = await cache.fetch('assignments', 'all', '/assignments', AssignmentList);
  const examinerId = session.requireExaminerId();
  for (const examId of new Set(data.assignments.map((assignment) => assignment.examId))) {
    if (cache.peek(examinerId, 'exam', examId, Exam) === null && freshness.fresh) {
      await cache.fetch('exam', examId, `/exams/${encodeURIComponent(examId)}`, Exam).catch(() => undefined);
    }
  }
  // A recusal declared elsewhere (or recorded by a chief) makes the local sheet void too.
  sheets.takeRecusals(data.assignments);
  const statuses = sheetStatuses(db, examinerId);
  return {
    assignments: data.assignments.map((assignment) => ({
      assignment,
      sheetStatus: assignment.recusal === null ? (statuses.get(assignment.assignmentId) ?? null) : 'recused',
    })),
    freshness,
  };
}
