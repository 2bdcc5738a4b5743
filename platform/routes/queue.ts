import type { FastifyInstance, FastifyRequest } from 'fastify';
import { NoBody, ReviewDecision, type QueueEntry, type QueueSnapshot } from '@common/platform/queue';
import type { ExaminerProfile } from '@common/platform/wire';
import type { PlatformContext } from '../context';
import { HttpError, parseBody, requireExaminer, sendCached } from '../http';
import { examinerEntry, publishEntry } from '../realtime/entries';
import { QueueStore, type QueueEvent, type QueueRefusal, type QueueRow, type Transition } from '../state/queue';

/** The HTTP form of a refusal of the queue's state machine: 409 naming what was refused. */
export function refusalError(refusal: QueueRefusal): HttpError {
  switch (refusal.code) {
    case 'illegal_transition':
      return new HttpError(409, refusal.code, `cannot go from ${refusal.from} to ${refusal.to}`, { from: refusal.from, to: refusal.to });
    case 'devices_offline':
      return new HttpError(409, refusal.code, `connect both devices first; offline: ${refusal.offline.join(', ')}`, {
        offline: refusal.offline,
      });
    case 'interruption_not_expired':
      return new HttpError(409, refusal.code, `the interruption runs until ${refusal.deadline}`);
  }
}

/** The committed row of an accepted transition; a refusal becomes the HTTP error. */
export function accepted(result: Transition): QueueRow {
  if (!result.ok) throw refusalError(result.refusal);
  return result.row;
}

type SlotParams = { Params: { slotId: string } };
type EntryParams = { Params: { slotId: string; entryId: string } };

/**
 * The live queue of a slot, for examiners on its panel. Everyone else gets the same 404 as for
 * a slot that does not exist: nothing to learn by probing.
 */
export function queueRoutes(app: FastifyInstance, ctx: PlatformContext): void {
  const store = new QueueStore(ctx.db, ctx.clock);

  const examinerOfSlot = (request: FastifyRequest<SlotParams>): ExaminerProfile => {
    const examiner = requireExaminer(request, ctx.accounts);
    if (!ctx.catalog.sitsOn(examiner.id, request.params.slotId)) throw new HttpError(404, 'not_found', 'no such slot');
    return examiner;
  };

  const entryOfSlot = (request: FastifyRequest<EntryParams>): QueueRow => {
    const row = store.entry(request.params.entryId);
    if (!row || row.slotId !== request.params.slotId) throw new HttpError(404, 'not_found', 'no such queue entry');
    return row;
  };

  /** Applies an examiner's action to one entry and pushes the change. */
  const act = (request: FastifyRequest<EntryParams>, event: QueueEvent): QueueRow => {
    const row = accepted(store.apply(entryOfSlot(request).id, event));
    publishEntry(ctx, store, row);
    return row;
  };

  /** Tells both of the candidate's devices to join the room. */
  const pushCall = (row: QueueRow): void => {
    ctx.notifier.toCandidate(row.candidateId, 'both', { type: 'call', entryId: row.id, at: row.calledAt ?? ctx.clock.now().toISOString() });
  };

  app.get<SlotParams>('/slots/:slotId/queue', async (request, reply) => {
    const examiner = examinerOfSlot(request);
    const body: QueueSnapshot = {
      slotId: request.params.slotId,
      entries: store.slotEntries(request.params.slotId).map((row) => examinerEntry(ctx, row, examiner.id)),
    };
    return sendCached(request, reply, body);
  });

  app.post<SlotParams>('/slots/:slotId/queue/call-next', async (request): Promise<QueueEntry> => {
    const examiner = examinerOfSlot(request);
    parseBody(NoBody, request.body);
    const result = store.callNext(request.params.slotId, examiner.id);
    if (!result) throw new HttpError(404, 'queue_empty', 'nobody is waiting in this slot');
    const row = accepted(result);
    publishEntry(ctx, store, row);
    pushCall(row);
    return examinerEntry(ctx, row, examiner.id);
  });

  app.post<EntryParams>('/slots/:slotId/queue/:entryId/call', async (request): Promise<QueueEntry> => {
    const examiner = examinerOfSlot(request);
    parseBody(NoBody, request.body);
    const row = act(request, { kind: 'call', examinerId: examiner.id });
    pushCall(row);
    return examinerEntry(ctx, row, examiner.id);
  });

  app.post<EntryParams>('/slots/:slotId/queue/:entryId/finish', async (request): Promise<QueueEntry> => {
    const examiner = examinerOfSlot(request);
    parseBody(NoBody, request.body);
    return examinerEntry(ctx, act(request, { kind: 'finish' }), examiner.id);
  });

  app.post<EntryParams>('/slots/:slotId/queue/:entryId/absent', async (request): Promise<QueueEntry> => {
    const examiner = examinerOfSlot(request);
    parseBody(NoBody, request.body);
    return examinerEntry(ctx, act(request, { kind: 'absent' }), examiner.id);
  });

  app.post<EntryParams>('/slots/:slotId/queue/:entryId/review', async (request): Promise<QueueEntry> => {
    const examiner = examinerOfSlot(request);
    if (!examiner.roles.includes('chief')) throw new HttpError(403, 'forbidden', 'only the chief examiner reviews face verification');
    const decision = parseBody(ReviewDecision, request.body);
    return examinerEntry(ctx, act(request, { kind: 'review', approve: decision.approve }), examiner.id);
  });
}
