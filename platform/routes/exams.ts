import type { FastifyInstance } from 'fastify';
import type { ExamList } from '@common/platform/exams';
import type { PlatformContext } from '../context';
import { HttpError, requireExaminer, sendCached } from '../http';

/** Exams, subjects, rubrics and slots, limited to the panels the examiner sits on; with ETags. */
export function examRoutes(app: FastifyInstance, ctx: PlatformContext): void {
  app.get('/exams', async (request, reply) => {
    const examiner = requireExaminer(request, ctx.accounts);
    const body: ExamList = { exams: ctx.catalog.examsFor(examiner.id) };
    return sendCached(request, reply, body);
  });

  app.get<{ Params: { examId: string } }>('/exams/:examId', async (request, reply) => {
    const examiner = requireExaminer(request, ctx.accounts);
    const exam = ctx.catalog.examFor(examiner.id, request.params.examId);
    // Not on any panel of it and no such exam look the same: nothing to learn from probing.
    if (!exam) throw new HttpError(404, 'not_found', 'no such exam');
    return sendCached(request, reply, exam);
  });
}
