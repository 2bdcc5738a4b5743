import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AUDIT_HEAD_HEADER, AuditHead, type AuditFlagList, type AuditHeadClaim } from '@common/platform/audit';
import {
  BatchRequest,
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENT_REPLAYED_HEADER,
  IdempotencyKey,
  MAX_BATCH_BODY_BYTES,
  MAX_SCORE_SHEET_BYTES,
  ScoreSheet,
  type BatchResponse,
  type ReReviewRequest,
} from '@common/platform/scores';
import type { PlatformContext } from '../context';
import type { ChiefDesk } from './chief';
import { replayForgotten } from '../faults';
import { HttpError, parseBody, requireExaminer, sendCached } from '../http';
import { AuditWitness } from '../state/audit-witness';
import type { Catalog } from '../state/catalog';
import type { ReReviewPush } from '../state/panel-scores';
import type { ScoreGate } from '../state/score-gates';
import { ScoreIntake, requestHash, type Answer, type Processed } from '../state/scores';

export interface ScoreRouteOptions {
  /** Test knob (PlatformOptions.scoreProcessingDelayMs): a pause between reserving a key and deciding. */
  readonly processingDelayMs?: number;
  /**
   * Test knob (PlatformOptions.scoreBatchBodyLimit): a smaller body limit for the batch, as a
   * proxy in front of a platform may have. Default: the longest valid batch, MAX_BATCH_BODY_BYTES.
   */
  readonly batchBodyLimit?: number;
}

type AssignmentParams = { Params: { assignmentId: string } };

/** The Idempotency-Key header, or a 400 saying what is wrong with it. */
export function idempotencyKeyOf(header: string | string[] | undefined): string {
  if (header === undefined) throw new HttpError(400, 'idempotency_key_required', 'an Idempotency-Key header is required');
  const parsed = IdempotencyKey.safeParse(header);
  if (!parsed.success) {
    throw new HttpError(400, 'bad_idempotency_key', 'the Idempotency-Key must be one value of 8-128 characters [A-Za-z0-9_.:-]');
  }
  return parsed.data;
}

/** The base version an If-Match header names (`"3"`), or a 428/400. */
export function baseVersionOf(header: string | string[] | undefined): number {
  if (header === undefined) {
    throw new HttpError(428, 'precondition_required', 'an If-Match header naming the base version ("0" for a first submission) is required');
  }
  const digits = typeof header === 'string' ? /^\s*"(0|[1-9][0-9]{0,14})"\s*$/.exec(header)?.[1] : undefined;
  if (digits === undefined) throw new HttpError(400, 'bad_if_match', 'If-Match must be one quoted version number, e.g. "3"');
  return Number(digits);
}

/** What an Audit-Head header claims (null without one), or a 400 saying what is wrong with it. */
export function auditHeadOf(header: string | string[] | undefined): AuditHeadClaim | null {
  if (header === undefined) return null;
  const parsed = AuditHead.safeParse(header);
  if (!parsed.success) {
    throw new HttpError(400, 'bad_audit_head', 'the Audit-Head must be one value "<seq>:<sha256 hex>; chain=<32 hex>; run=<32 hex>; request=<n>"');
  }
  return parsed.data;
}

/** Every examiner on a panel the chief sits on (the chief among them). */
function panelMembersOf(catalog: Catalog, chiefId: string): string[] {
  const members = new Set<string>();
  for (const exam of catalog.all()) {
    for (const panel of exam.panels) if (panel.examinerIds.includes(chiefId)) for (const id of panel.examinerIds) members.add(id);
  }
  return [...members];
}

/** Each re-review request to its examiner, once the transaction that made them has committed. */
export function sendReReviews(ctx: PlatformContext, pushes: readonly ReReviewPush[]): void {
  for (const { examinerId, request } of pushes) ctx.notifier.toExaminer(examinerId, { type: 're_review', request });
}

/**
 * Score intake: the examiner's sheets, the platform's re-review requests, and the audit chains'
 * witness. Every accepted sheet moves its row of the chief's matrix (`desk`), pushed to the chiefs.
 * `gates` refuse a submission whatever it holds (a recusal: 403 `recused`; calibration not done:
 * 403 `calibration_required`), single and batch alike.
 */
export function scoreRoutes(
  app: FastifyInstance,
  ctx: PlatformContext,
  desk: ChiefDesk,
  gates: readonly ScoreGate[],
  options: ScoreRouteOptions = {},
): void {
  const intake = new ScoreIntake(ctx.db, ctx.clock, ctx.catalog, gates);
  const witness = new AuditWitness(ctx.db, ctx.clock);
  const delayMs = options.processingDelayMs ?? 0;

  const send = (reply: FastifyReply, answer: Answer) => {
    if (answer.replayed) reply.header(IDEMPOTENT_REPLAYED_HEADER, 'true');
    return reply.code(answer.status).send(answer.body);
  };
  const notFound = () => new HttpError(404, 'not_found', 'no such assignment');

  app.get<AssignmentParams>('/assignments/:assignmentId/score', async (request, reply) => {
    const examiner = requireExaminer(request, ctx.accounts);
    const assignment = intake.assignmentOf(examiner.id, request.params.assignmentId);
    if (!assignment) throw notFound();
    return sendCached(request, reply, intake.record(assignment.id));
  });

  // A valid sheet (or batch) always fits: the limits are the longest bodies the schemas allow
  // (common/platform/json-size.ts), marks and all.
  app.post<AssignmentParams>('/assignments/:assignmentId/score', { bodyLimit: MAX_SCORE_SHEET_BYTES }, async (request, reply) => {
    const examiner = requireExaminer(request, ctx.accounts);
    const idempotencyKey = idempotencyKeyOf(request.headers[IDEMPOTENCY_KEY_HEADER]);
    const baseVersion = baseVersionOf(request.headers['if-match']);
    const head = auditHeadOf(request.headers[AUDIT_HEAD_HEADER]);
    const sheet = parseBody(ScoreSheet, request.body);
    const assignment = intake.assignmentOf(examiner.id, request.params.assignmentId);
    if (!assignment) throw notFound();
    if (head) witness.witness(examiner.id, head, [assignment.id]);

    const submission = { assignmentId: assignment.id, idempotencyKey, baseVersion, sheet, auditHead: headOf(head) };
    const hash = requestHash(submission);
    // Two transactions with the key reserved between them, so a retry that arrives while this
    // request is still being worked on is told so (409) instead of being processed twice.
    const claim = intake.reserve(examiner.id, submission, hash, !replayForgotten(request));
    if (claim.kind === 'answered') return send(reply, claim.answer);
    let processed: Processed;
    try {
      if (delayMs > 0) await new Promise<void>((resolve) => ctx.clock.schedule(delayMs, resolve));
      processed = intake.complete(assignment, submission, hash, claim.reservedAt);
    } catch (error) {
      intake.release(examiner.id, idempotencyKey, claim.reservedAt);
      throw error;
    }
    sendReReviews(ctx, processed.pushes);
    // The panel room shows that this member submitted (never what); the chiefs see the row.
    if (processed.answer.status < 300) {
      ctx.rooms.sheetsAccepted([assignment.id]);
      if (!processed.answer.replayed) desk.rowsChanged([assignment.id]);
    }
    return send(reply, processed.answer);
  });

  const batch = {
    bodyLimit: options.batchBodyLimit ?? MAX_BATCH_BODY_BYTES,
    // A batch may be hundreds of megabytes: only a signed-in examiner's is read at all.
    onRequest: async (request: FastifyRequest) => void requireExaminer(request, ctx.accounts),
  };
  app.post('/scores/batch', batch, async (request): Promise<BatchResponse> => {
    const examiner = requireExaminer(request, ctx.accounts);
    const head = auditHeadOf(request.headers[AUDIT_HEAD_HEADER]);
    const { items } = parseBody(BatchRequest, request.body);
    if (head) {
      const own = items.filter((item) => intake.assignmentOf(examiner.id, item.assignmentId) !== null).map((item) => item.assignmentId);
      witness.witness(examiner.id, head, own);
    }
    const { results, pushes } = intake.submitBatch(examiner.id, items, headOf(head), !replayForgotten(request));
    sendReReviews(ctx, pushes);
    const accepted = items.filter((_item, index) => (results[index]?.status ?? 500) < 300).map((item) => item.assignmentId);
    ctx.rooms.sheetsAccepted(accepted);
    // One push per slot and chief for the whole batch (rows chunked), not one per sheet.
    desk.rowsChanged(accepted);
    return { results };
  });

  // Locking and unlocking a sheet is the chief's desk's (platform/routes/chief.ts): logged and pushed.

  // Forks of the audit chains of the examiners on the chief's panels; never their scores.
  app.get('/audit-flags', async (request, reply) => {
    const examiner = requireExaminer(request, ctx.accounts);
    if (!examiner.roles.includes('chief')) throw new HttpError(403, 'forbidden', 'only a chief examiner reads audit flags');
    const body: AuditFlagList = { flags: witness.flagsOf(panelMembersOf(ctx.catalog, examiner.id)) };
    return sendCached(request, reply, body);
  });

  app.get('/re-reviews', async (request, reply) => {
    const examiner = requireExaminer(request, ctx.accounts);
    const body: { requests: ReReviewRequest[] } = { requests: intake.openReReviews(examiner.id) };
    return sendCached(request, reply, body);
  });
}

const headOf = (head: AuditHeadClaim | null): string | null => (head ? `${String(head.seq)}:${head.hash}` : null);
