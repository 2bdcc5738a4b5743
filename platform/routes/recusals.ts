import type { FastifyInstance } from 'fastify';
import { ChiefRecusalBody, RecusalBody } from '@common/platform/fairness';
import type { PlatformContext } from '../context';
import { HttpError, parseBody, requireExaminer } from '../http';
import type { Recusals, RecusalConflict, Recused } from '../state/recusals';
import { ScoreIntake } from '../state/scores';
import { sendReReviews } from './scores';
import type { ChiefDesk } from './chief';

type AssignmentParams = { Params: { assignmentId: string } };

function refused(outcome: RecusalConflict): HttpError {
  if (outcome.kind === 'already_recused') {
    return new HttpError(409, 'already_recused', 'a recusal from this candidate is already declared', { recusal: outcome.recusal });
  }
  return new HttpError(409, 'already_scored', 'the sheet is already accepted: only a chief examiner can record the recusal now');
}

const isRecused = (outcome: Recused | RecusalConflict): outcome is Recused => !('kind' in outcome);

/**
 * Recusal (回避): the examiner's own declaration before their sheet is accepted, and the chief's
 * record of a member's at any time (logged in the chief's actions with its note). Each one moves
 * the candidate's row of the matrix, pushed to the slot's chiefs, and sends the re-reviews the
 * panel's new combination asks of other members.
 */
export function recusalRoutes(app: FastifyInstance, ctx: PlatformContext, desk: ChiefDesk, recusals: Recusals): void {
  const intake = new ScoreIntake(ctx.db, ctx.clock, ctx.catalog, []);

  app.post<AssignmentParams>('/assignments/:assignmentId/recusal', async (request, reply) => {
    const examiner = requireExaminer(request, ctx.accounts);
    const body = parseBody(RecusalBody, request.body);
    const assignment = intake.assignmentOf(examiner.id, request.params.assignmentId);
    // A panel the examiner has left takes their assignments with it.
    if (!assignment || !ctx.catalog.sitsOn(examiner.id, assignment.slot_id)) throw new HttpError(404, 'not_found', 'no such assignment');
    const outcome = recusals.declare(assignment, body, 'self', examiner.id);
    if (!isRecused(outcome)) throw refused(outcome);
    sendReReviews(ctx, outcome.reReviews);
    desk.rowsChanged([assignment.id]);
    return reply.code(201).send(outcome.recusal);
  });

  app.post('/chief/recusals', async (request, reply) => {
    const chief = requireExaminer(request, ctx.accounts);
    if (!chief.roles.includes('chief')) throw new HttpError(403, 'forbidden', 'only a chief examiner (主考) records a recusal for a member');
    const body = parseBody(ChiefRecusalBody, request.body);
    const assignment = intake.assignment(body.assignmentId);
    const context = assignment ? ctx.catalog.slot(assignment.slot_id) : null;
    if (!assignment || !context?.panel.examinerIds.includes(chief.id)) throw new HttpError(404, 'not_found', 'no such assignment');
    const outcome = recusals.declare(assignment, body, 'chief', chief.id, () =>
      desk.store.log(assignment.slot_id, chief.id, 'recusal', assignment.id, body.note),
    );
    if (!isRecused(outcome)) throw refused(outcome);
    sendReReviews(ctx, outcome.reReviews);
    desk.rowsChanged([assignment.id]);
    return reply.code(201).send(outcome.recusal);
  });
}
