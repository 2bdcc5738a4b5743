import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CalibrationBody, CreateAnchorBody } from '@common/platform/fairness';
import type { ExaminerProfile } from '@common/platform/wire';
import type { PlatformContext } from '../context';
import { HttpError, parseBody, requireExaminer, sendCached } from '../http';
import type { Calibration } from '../state/calibration';

type SubjectParams = { Params: { examId: string; subjectId: string } };

/**
 * Calibration (试评) on anchors (样卷), common/platform/fairness.ts: the chief sets anchors and
 * watches every examiner's calibration; each examiner scores the anchors offered to them.
 */
export function calibrationRoutes(api: FastifyInstance, ctx: PlatformContext, calibration: Calibration): void {
  const requireChief = (request: FastifyRequest): ExaminerProfile => {
    const examiner = requireExaminer(request, ctx.accounts);
    if (!examiner.roles.includes('chief')) throw new HttpError(403, 'forbidden', "only a chief examiner (主考) may use the chief's desk");
    return examiner;
  };

  api.post('/chief/anchors', async (request, reply) => {
    const chief = requireChief(request);
    const body = parseBody(CreateAnchorBody, request.body);
    return reply.code(201).send(calibration.createAnchor(chief.id, body));
  });

  api.get<SubjectParams>('/chief/exams/:examId/subjects/:subjectId/calibration', async (request, reply) => {
    const chief = requireChief(request);
    const view = calibration.chiefView(chief.id, request.params.examId, request.params.subjectId);
    if (!view) throw new HttpError(404, 'not_found', 'no such subject on a panel you sit on');
    return sendCached(request, reply, view);
  });

  api.get<{ Params: { subjectId: string } }>('/calibration/subjects/:subjectId', async (request, reply) => {
    const examiner = requireExaminer(request, ctx.accounts);
    const status = calibration.status(examiner.id, request.params.subjectId);
    if (!status) throw new HttpError(404, 'not_found', 'no such subject on a panel you sit on');
    return sendCached(request, reply, status);
  });

  api.post<{ Params: { anchorId: string } }>('/calibration/anchors/:anchorId', async (request, reply) => {
    const examiner = requireExaminer(request, ctx.accounts);
    const body = parseBody(CalibrationBody, request.body);
    return reply.code(201).send(calibration.submit(examiner.id, request.params.anchorId, body));
  });
}
