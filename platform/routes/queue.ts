import type { FastifyInstance, FastifyRequest } from 'fastify';
import { NoBody, ReviewDecision, type QueueEntry, type QueueSnapshot } from '@common/platform/queue';
import { ExtendTime, MoveEntry, Readmit, type RoomLog } from '@common/platform/room';
import type { ExaminerProfile } from '@common/platform/wire';
import type { PlatformContext } from '../context';
import { HttpError, parseBody, requireExaminer, sendCached } from '../http';
import { examinerEntries, examinerEntry, publishEntry } from '../realtime/entries';
import { RoomLogStore, type LogDetail } from '../room/log';
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
    case 'not_readmittable':
      return new HttpError(
        409,
        refusal.code,
        `only a candidate failed by the interruption rule may be let back in; this one failed for ${refusal.failureReason ?? 'no recorded reason'}`,
        { failureReason: refusal.failureReason },
      );
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
 * a slot that does not exist: nothing to learn by probing. The controls of the live interview
 * (call, call next, finish, absent, extend, readmit, move) are the panel lead's (主考,
 * Catalog.leadOfSlot): anyone else gets 403 `not_lead` naming the lead; each control is
 * written to the exam-room log with who and when.
 */
export function queueRoutes(app: FastifyInstance, ctx: PlatformContext): void {
  const store = new QueueStore(ctx.db, ctx.clock);
  const log = new RoomLogStore(ctx.db, ctx.clock, ctx.accounts);

  const examinerOfSlot = (request: FastifyRequest<SlotParams>): ExaminerProfile => {
    const examiner = requireExaminer(request, ctx.accounts);
    if (!ctx.catalog.sitsOn(examiner.id, request.params.slotId)) throw new HttpError(404, 'not_found', 'no such slot');
    return examiner;
  };

  /** The panel's lead, or 403 `not_lead` naming who leads. */
  const leadOfSlot = (request: FastifyRequest<SlotParams>): ExaminerProfile => {
    const examiner = examinerOfSlot(request);
    const leadId = ctx.catalog.leadOfSlot(request.params.slotId);
    if (leadId !== examiner.id) {
      const lead = leadId === null ? null : ctx.accounts.profile(leadId);
      const who = lead ? `the panel's lead, ${lead.displayName}` : 'the panel lead';
      throw new HttpError(403, 'not_lead', `only ${who} (主考) controls the interviews of this slot`, {
        lead: lead ? { displayName: lead.displayName } : null,
      });
    }
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

  const record = (row: QueueRow, examiner: ExaminerProfile, action: Parameters<RoomLogStore['append']>[2], detail: LogDetail = {}) =>
    log.append(row.id, examiner.id, action, detail);

  app.get<SlotParams>('/slots/:slotId/queue', async (request, reply) => {
    const examiner = examinerOfSlot(request);
    const body: QueueSnapshot = {
      slotId: request.params.slotId,
      entries: examinerEntries(ctx, store.slotEntries(request.params.slotId), examiner.id),
    };
    return sendCached(request, reply, body);
  });

  app.post<SlotParams>('/slots/:slotId/queue/call-next', async (request): Promise<QueueEntry> => {
    const examiner = leadOfSlot(request);
    parseBody(NoBody, request.body);
    const result = store.callNext(request.params.slotId, examiner.id);
    if (!result) throw new HttpError(404, 'queue_empty', 'nobody is waiting in this slot');
    const row = accepted(result);
    record(row, examiner, 'call', { next: true });
    publishEntry(ctx, store, row);
    pushCall(row);
    return examinerEntry(ctx, row, examiner.id);
  });

  app.post<EntryParams>('/slots/:slotId/queue/:entryId/call', async (request): Promise<QueueEntry> => {
    const examiner = leadOfSlot(request);
    parseBody(NoBody, request.body);
    const row = act(request, { kind: 'call', examinerId: examiner.id });
    record(row, examiner, 'call', { next: false });
    pushCall(row);
    return examinerEntry(ctx, row, examiner.id);
  });

  app.post<EntryParams>('/slots/:slotId/queue/:entryId/finish', async (request): Promise<QueueEntry> => {
    const examiner = leadOfSlot(request);
    parseBody(NoBody, request.body);
    const row = act(request, { kind: 'finish' });
    record(row, examiner, 'finish');
    return examinerEntry(ctx, row, examiner.id);
  });

  app.post<EntryParams>('/slots/:slotId/queue/:entryId/absent', async (request): Promise<QueueEntry> => {
    const examiner = leadOfSlot(request);
    parseBody(NoBody, request.body);
    const row = act(request, { kind: 'absent' });
    record(row, examiner, 'absent');
    return examinerEntry(ctx, row, examiner.id);
  });

  app.post<EntryParams>('/slots/:slotId/queue/:entryId/extend', async (request): Promise<QueueEntry> => {
    const examiner = leadOfSlot(request);
    const { minutes, reason } = parseBody(ExtendTime, request.body);
    const before = entryOfSlot(request);
    const row = store.extend(before.id, minutes * 60);
    if (!row) throw new HttpError(409, 'not_live', `the answering time runs only during the interview; the entry is ${before.state}`);
    record(row, examiner, 'extend', { minutes, extraSeconds: row.extraSeconds, reason: reason ?? null });
    ctx.rooms.roomChanged(row.id);
    return examinerEntry(ctx, row, examiner.id);
  });

  app.post<EntryParams>('/slots/:slotId/queue/:entryId/readmit', async (request): Promise<QueueEntry> => {
    const examiner = leadOfSlot(request);
    const { reason } = parseBody(Readmit, request.body);
    const failureReason = entryOfSlot(request).failureReason;
    const row = act(request, { kind: 'readmit' });
    record(row, examiner, 'readmit', { reason, failureReason });
    return examinerEntry(ctx, row, examiner.id);
  });

  app.post<EntryParams>('/slots/:slotId/queue/:entryId/move', async (request): Promise<QueueEntry> => {
    const examiner = leadOfSlot(request);
    const target = parseBody(MoveEntry, request.body);
    const result = store.move(entryOfSlot(request).id, target);
    if (!result.ok) {
      const refusal = result.refusal;
      const state = refusal.code === 'illegal_transition' ? refusal.from : 'this state';
      throw new HttpError(409, 'not_movable', `only a candidate not yet called can be moved; the entry is ${state}`);
    }
    record(result.row, examiner, 'move', { to: target.to, places: target.to === 'later' ? target.places : null, from: result.from, at: result.to });
    // Every entry whose place changed, so each examiner's list follows the new order.
    for (const row of result.moved) publishEntry(ctx, store, row);
    return examinerEntry(ctx, result.row, examiner.id);
  });

  app.get<EntryParams>('/slots/:slotId/queue/:entryId/log', async (request, reply) => {
    examinerOfSlot(request);
    const row = entryOfSlot(request);
    const body: RoomLog = log.read(row.id);
    return sendCached(request, reply, body);
  });

  app.post<EntryParams>('/slots/:slotId/queue/:entryId/review', async (request): Promise<QueueEntry> => {
    const examiner = examinerOfSlot(request);
    if (!examiner.roles.includes('chief')) throw new HttpError(403, 'forbidden', 'only the chief examiner reviews face verification');
    const decision = parseBody(ReviewDecision, request.body);
    const row = act(request, { kind: 'review', approve: decision.approve });
    // The chief's decision on the failed attempts: what the face check came to in the end.
    record(row, examiner, 'face_check', { review: true, result: decision.approve ? 'approved' : 'rejected', attempts: row.faceAttempts });
    return examinerEntry(ctx, row, examiner.id);
  });
}
