import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  ChiefReReviewBody,
  MAX_MATRIX_PAGE_ROWS,
  MAX_MATRIX_PUSH_ROWS,
  MatrixPageQuery,
  SheetProgressBody,
  UnlockBody,
  type ChiefActionList,
  type ChiefReReview,
  type ChiefReReviewList,
  type ScoreMatrix,
  type Results,
  type SignOff,
  type SlotRoomLog,
} from '@common/platform/chief';
import { maxTotal } from '@common/scoring/rubric';
import type { ExaminerProfile } from '@common/platform/wire';
import type { PlatformContext } from '../context';
import { HttpError, parseBody, requireExaminer, sendCached } from '../http';
import { RoomLogStore } from '../room/log';
import type { SlotContext } from '../state/catalog';
import { ChiefMatrix } from '../state/chief-matrix';
import { ChiefStore } from '../state/chief-store';
import { ScoreIntake } from '../state/scores';

export interface ChiefDeskOptions {
  /** The platform grants chiefs the candidate code → name mapping in the results (PlatformOptions.chiefIdentities). */
  readonly identities?: boolean;
}

type SlotParams = { Params: { slotId: string } };
type AssignmentParams = { Params: { assignmentId: string } };
type SubjectParams = { Params: { examId: string; subjectId: string } };

const FORBIDDEN = "only a chief examiner (主考) may use the chief's desk";

/**
 * The chief examiner's desk on the platform: the slot's score matrix and its live pushes, the
 * workstations' progress reports, locks, re-reviews, sign-off, the action log, the room log and
 * the results. Scores go to chiefs of the slot's panel only.
 */
export class ChiefDesk {
  readonly matrix: ChiefMatrix;
  readonly store: ChiefStore;
  readonly roomLog: RoomLogStore;
  readonly #assignments;
  readonly #entries;
  readonly #name;

  constructor(
    private readonly ctx: PlatformContext,
    readonly options: ChiefDeskOptions = {},
  ) {
    this.matrix = new ChiefMatrix(ctx.db, ctx.accounts, ctx.codes);
    this.store = new ChiefStore(ctx.db, ctx.clock, ctx.accounts);
    this.roomLog = new RoomLogStore(ctx.db, ctx.clock, ctx.accounts);
    this.#assignments = ctx.db.prepare('SELECT slot_id, candidate_id FROM assignments WHERE id IN (SELECT value FROM json_each(?))');
    this.#entries = ctx.db.prepare('SELECT id, candidate_id FROM queue_entries WHERE slot_id = ? ORDER BY appointment_at, id');
    this.#name = ctx.db.prepare('SELECT name FROM candidates WHERE id = ?');
  }

  /**
   * The rows of these sheets changed (progress, acceptance, lock, re-review): each slot's chiefs
   * get the rows, coalesced (one row per candidate however many of its sheets moved) and chunked.
   */
  rowsChanged(assignmentIds: readonly string[]): void {
    if (assignmentIds.length === 0) return;
    const bySlot = new Map<string, Set<string>>();
    for (const row of this.#assignments.all(JSON.stringify(assignmentIds)) as { slot_id: string; candidate_id: string }[]) {
      let set = bySlot.get(row.slot_id);
      if (!set) bySlot.set(row.slot_id, (set = new Set()));
      set.add(row.candidate_id);
    }
    for (const [slotId, candidates] of bySlot) this.pushRows(slotId, [...candidates]);
  }

  /**
   * Pushes the slot's rows (all with null) to every chief on its panel who is connected; nobody
   * else. The rows are built only for those: every accepted sheet and progress report comes here.
   */
  pushRows(slotId: string, candidateIds: readonly string[] | null): void {
    const context = this.ctx.catalog.slot(slotId);
    if (!context) return;
    const online = this.chiefsOf(context).filter((chiefId) => this.ctx.notifier.isExaminerOnline(chiefId));
    if (online.length === 0) return;
    const signedOff = this.store.signedOff(slotId);
    for (const chiefId of online) {
      const rows = this.matrix.rows(context, chiefId, candidateIds);
      for (let start = 0; start < rows.length; start += MAX_MATRIX_PUSH_ROWS) {
        this.ctx.notifier.toExaminer(chiefId, { type: 'matrix', slotId, rows: rows.slice(start, start + MAX_MATRIX_PUSH_ROWS), signedOff });
      }
    }
  }

  chiefsOf(context: SlotContext): string[] {
    return context.panel.examinerIds.filter((id) => this.ctx.accounts.profile(id)?.roles.includes('chief') ?? false);
  }

  /** The slot's matrix: every row, or with `page` only the rows [offset, offset + limit) of the slot's order. */
  scoreMatrix(context: SlotContext, chiefId: string, page: { offset: number; limit: number } | null = null): ScoreMatrix {
    const paged = page === null ? null : this.matrix.page(context, chiefId, page.offset, page.limit);
    return {
      examId: context.exam.id,
      slotId: context.slot.id,
      subjectId: context.subject.id,
      subjectName: context.subject.name,
      combineRule: context.exam.combineRule,
      deviationThreshold: context.exam.deviationThreshold,
      maxTotal: maxTotal(context.subject.rubric),
      members: this.matrix.members(context, chiefId),
      rows: paged === null ? this.matrix.rows(context, chiefId) : paged.rows,
      signedOff: this.store.signedOff(context.slot.id),
      generatedAt: this.ctx.clock.now().toISOString(),
      ...(page === null || paged === null ? {} : { page: { ...page, totalRows: paged.totalRows } }),
    };
  }

  /** Every queue entry of the slots, in appointment order, with its log. */
  roomLogOf(slotIds: readonly string[], chiefId: string): SlotRoomLog['entries'] {
    return slotIds.flatMap((slotId) =>
      (this.#entries.all(slotId) as { id: string; candidate_id: string }[]).map((entry) => ({
        entryId: entry.id,
        candidateCode: this.matrix.codeOf(chiefId, entry.candidate_id),
        lines: this.roomLog.read(entry.id).lines,
      })),
    );
  }

  results(contexts: readonly SlotContext[], chiefId: string): Results {
    const [first] = contexts;
    if (!first) throw new Error('results of no slot');
    const identities = this.options.identities === true;
    const nameOf = identities ? (candidateId: string) => (this.#name.get(candidateId) as { name: string } | undefined)?.name ?? null : null;
    const slotIds = contexts.map((context) => context.slot.id);
    return {
      examId: first.exam.id,
      examName: first.exam.name,
      subjectId: first.subject.id,
      subjectName: first.subject.name,
      rubric: first.subject.rubric,
      combineRule: first.exam.combineRule,
      slotIds,
      signedOff: slotIds.flatMap((slotId) => this.store.signedOff(slotId) ?? []),
      identities,
      candidates: contexts.flatMap((context) => this.matrix.results(context, chiefId, nameOf)),
      roomLog: this.roomLogOf(slotIds, chiefId),
      generatedAt: this.ctx.clock.now().toISOString(),
    };
  }
}

/** The chief's routes; the desk is shared with the score routes, which tell it of accepted sheets. */
export function chiefRoutes(app: FastifyInstance, ctx: PlatformContext, desk: ChiefDesk): void {
  // Only reads and locks: no submissions, so no gates.
  const intake = new ScoreIntake(ctx.db, ctx.clock, ctx.catalog, []);
  const { store } = desk;

  const requireChief = (request: FastifyRequest): ExaminerProfile => {
    const examiner = requireExaminer(request, ctx.accounts);
    if (!examiner.roles.includes('chief')) throw new HttpError(403, 'forbidden', FORBIDDEN);
    return examiner;
  };
  // Another panel's slot or sheet looks like none at all.
  const slotOf = (chief: ExaminerProfile, slotId: string): SlotContext => {
    const context = ctx.catalog.slot(slotId);
    if (!context?.panel.examinerIds.includes(chief.id)) throw new HttpError(404, 'not_found', 'no such slot');
    return context;
  };
  const sheetOf = (chief: ExaminerProfile, assignmentId: string) => {
    const assignment = intake.assignment(assignmentId);
    const context = assignment ? ctx.catalog.slot(assignment.slot_id) : null;
    if (!assignment || !context?.panel.examinerIds.includes(chief.id)) throw new HttpError(404, 'not_found', 'no such assignment');
    return { assignment, context };
  };
  const codeOf = (chief: ExaminerProfile) => (candidateId: string) => desk.matrix.codeOf(chief.id, candidateId);

  // The whole matrix; or, with ?offset=&limit=, a page of its rows (the workstation loads a large slot page by page).
  app.get<SlotParams>('/chief/slots/:slotId/matrix', async (request, reply) => {
    const chief = requireChief(request);
    const { offset, limit } = parseBody(MatrixPageQuery, request.query ?? {});
    const context = slotOf(chief, request.params.slotId);
    const page = offset === undefined && limit === undefined ? null : { offset: offset ?? 0, limit: limit ?? MAX_MATRIX_PAGE_ROWS };
    return sendCached(request, reply, desk.scoreMatrix(context, chief.id, page));
  });

  // The examiner's own sheet: saved or submitted on the workstation (never its values).
  app.put<AssignmentParams>('/assignments/:assignmentId/progress', async (request, reply) => {
    const examiner = requireExaminer(request, ctx.accounts);
    const { state } = parseBody(SheetProgressBody, request.body);
    const assignment = intake.assignmentOf(examiner.id, request.params.assignmentId);
    if (!assignment) throw new HttpError(404, 'not_found', 'no such assignment');
    const changed = store.transaction(() => store.reportProgress(assignment.id, state, intake.record(assignment.id).version));
    if (changed) desk.rowsChanged([assignment.id]);
    return reply.code(204).send();
  });

  const lock = (locked: boolean) => async (request: FastifyRequest<AssignmentParams>, reply: FastifyReply) => {
    const chief = requireExaminer(request, ctx.accounts);
    if (!chief.roles.includes('chief')) throw new HttpError(403, 'forbidden', 'only a chief examiner (主考) locks and unlocks scores');
    const { assignment } = sheetOf(chief, request.params.assignmentId);
    const body: unknown = request.body;
    const signedOff = store.signedOff(assignment.slot_id) !== null;
    let reason: string | null = null;
    if (!locked && (body !== undefined && body !== null)) reason = parseBody(UnlockBody, body).reason;
    if (!locked && signedOff && reason === null) {
      throw new HttpError(400, 'reason_required', 'the slot is signed off: unlocking a sheet needs a reason, which is logged');
    }
    store.transaction(() => {
      intake.setLocked(assignment.id, locked);
      store.log(assignment.slot_id, chief.id, locked ? 'lock' : 'unlock', assignment.id, reason);
    });
    ctx.notifier.toExaminer(assignment.examiner_id, { type: 'sheet_lock', assignmentId: assignment.id, locked, signedOff: false });
    desk.rowsChanged([assignment.id]);
    // No body: the chief sees that the lock took, never the examiner's sheet.
    return reply.code(204).send();
  };
  app.post<AssignmentParams>('/assignments/:assignmentId/lock', lock(true));
  app.delete<AssignmentParams>('/assignments/:assignmentId/lock', lock(false));

  app.post('/chief/re-reviews', async (request, reply) => {
    const chief = requireChief(request);
    const { assignmentId, note } = parseBody(ChiefReReviewBody, request.body);
    const { assignment } = sheetOf(chief, assignmentId);
    const created = store.transaction(() => {
      if (intake.record(assignment.id).locked) {
        throw new HttpError(423, 'locked', 'the sheet is locked: unlock it first, so that its examiner can resubmit');
      }
      const made = store.requestReReview(assignment.id, note, chief.id);
      store.log(assignment.slot_id, chief.id, 're_review', assignment.id, note);
      return made;
    });
    // Blind: the examiner gets the note, never anyone's score.
    ctx.notifier.toExaminer(assignment.examiner_id, { type: 're_review', request: created });
    desk.rowsChanged([assignment.id]);
    const body: ChiefReReview = {
      requestId: created.requestId,
      assignmentId: assignment.id,
      candidateCode: desk.matrix.codeOf(chief.id, assignment.candidate_id),
      memberId: assignment.examiner_id,
      memberName: ctx.accounts.profile(assignment.examiner_id)?.displayName ?? assignment.examiner_id,
      reason: 'chief',
      note,
      deviation: null,
      requestedBy: chief.displayName,
      requestedAt: created.requestedAt,
      state: 'open',
      answeredAt: null,
    };
    return reply.code(201).send(body);
  });

  app.get<SlotParams>('/chief/slots/:slotId/re-reviews', async (request, reply) => {
    const chief = requireChief(request);
    const context = slotOf(chief, request.params.slotId);
    const body: ChiefReReviewList = { requests: store.reReviews(context.slot.id, codeOf(chief)) };
    return sendCached(request, reply, body);
  });

  app.post<SlotParams>('/chief/slots/:slotId/sign-off', async (request, reply) => {
    const chief = requireChief(request);
    const context = slotOf(chief, request.params.slotId);
    // One transaction: no sheet can be accepted or unlocked between the check and the lock.
    const { signOff, sheets } = store.transaction(() => {
      if (store.signedOff(context.slot.id) !== null) throw new HttpError(409, 'already_signed_off', 'this slot is already signed off');
      const rows = desk.matrix.rows(context, chief.id);
      const notAccepted = rows.reduce((sum, row) => sum + row.counting - row.accepted, 0);
      if (rows.length === 0) throw new HttpError(409, 'not_all_accepted', 'the slot has no sheets to sign off', { notAccepted: 0 });
      if (notAccepted > 0) {
        throw new HttpError(409, 'not_all_accepted', `${String(notAccepted)} sheet(s) of the slot are not accepted yet`, { notAccepted });
      }
      const made: SignOff = store.signOff(context.slot.id, chief.id);
      store.log(context.slot.id, chief.id, 'sign_off', null);
      return { signOff: made, sheets: store.lockSlot(context.slot.id, context.subject.id) };
    });
    for (const sheet of sheets) {
      ctx.notifier.toExaminer(sheet.examiner_id, { type: 'sheet_lock', assignmentId: sheet.id, locked: true, signedOff: true });
    }
    desk.pushRows(context.slot.id, null);
    return reply.code(201).send(signOff);
  });

  app.get<SlotParams>('/chief/slots/:slotId/actions', async (request, reply) => {
    const chief = requireChief(request);
    const context = slotOf(chief, request.params.slotId);
    const body: ChiefActionList = { actions: store.actions(context.slot.id, codeOf(chief)) };
    return sendCached(request, reply, body);
  });

  app.get<SlotParams>('/chief/slots/:slotId/room-log', async (request, reply) => {
    const chief = requireChief(request);
    const context = slotOf(chief, request.params.slotId);
    const body: SlotRoomLog = { slotId: context.slot.id, entries: desk.roomLogOf([context.slot.id], chief.id) };
    return sendCached(request, reply, body);
  });

  app.get<SlotParams>('/chief/slots/:slotId/results', async (request, reply) => {
    const chief = requireChief(request);
    return sendCached(request, reply, desk.results([slotOf(chief, request.params.slotId)], chief.id));
  });

  app.get<SubjectParams>('/chief/exams/:examId/subjects/:subjectId/results', async (request, reply) => {
    const chief = requireChief(request);
    const { examId, subjectId } = request.params;
    const exam = ctx.catalog.all().find((candidate) => candidate.id === examId);
    const contexts = (exam?.slots ?? [])
      .filter((slot) => slot.subjectId === subjectId)
      .flatMap((slot) => ctx.catalog.slot(slot.id) ?? [])
      .filter((context) => context.panel.examinerIds.includes(chief.id));
    if (contexts.length === 0) throw new HttpError(404, 'not_found', 'no such subject on a panel you sit on');
    return sendCached(request, reply, desk.results(contexts, chief.id));
  });
}
