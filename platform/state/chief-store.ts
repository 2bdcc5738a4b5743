import { randomUUID } from 'node:crypto';
import type { ChiefAction, ChiefReReview, SheetProgress, SignOff } from '@common/platform/chief';
import type { ReReviewRequest } from '@common/platform/scores';
import type { Clock } from '../clock';
import type { PlatformDb } from '../db/database';
import type { Accounts } from './accounts';

export type ChiefActionKind = ChiefAction['action'];

interface ActionRow {
  at: string;
  actor_id: string;
  action: ChiefActionKind;
  assignment_id: string | null;
  candidate_id: string | null;
  examiner_id: string | null;
  reason: string | null;
}

interface ReReviewRow {
  id: string;
  assignment_id: string;
  candidate_id: string;
  examiner_id: string;
  reason: 'deviation' | 'chief';
  deviation: number | null;
  note: string | null;
  requested_by: string | null;
  requested_at: string;
  resolved_at: string | null;
}

/** How a store names a candidate to the chief reading it: that chief's blind code. */
export type CodeOf = (candidateId: string) => string;

/**
 * What the chief's desk keeps beside the scores: what workstations report of sheets not yet
 * accepted (never values), the chiefs' re-review requests, the slots signed off, and the
 * append-only log of the chief's actions (lock, unlock, re-review, sign-off, and with fair
 * scoring a recorded recusal, whose note is the reason, and an anchor set). Writes run in the
 * caller's transaction or their own; reads name members by display name, never account id.
 */
export class ChiefStore {
  readonly #progress;
  readonly #insertReReview;
  readonly #slotReReviews;
  readonly #signOff;
  readonly #signedOff;
  readonly #append;
  readonly #actions;
  readonly #lockSlot;
  readonly #slotSheets;

  constructor(
    private readonly db: PlatformDb,
    private readonly clock: Clock,
    private readonly accounts: Accounts,
  ) {
    // A stale report never moves a sheet back: a `saved` after a `submitted` of the same version
    // is ignored (the workstation's outbox is on its way), and the platform's version only grows.
    this.#progress = db.prepare(
      `INSERT INTO sheet_progress (assignment_id, state, version, at) VALUES (?, ?, ?, ?)
       ON CONFLICT (assignment_id) DO UPDATE SET state = excluded.state, version = excluded.version, at = excluded.at
       WHERE excluded.version > sheet_progress.version
          OR (excluded.version = sheet_progress.version AND NOT (sheet_progress.state = 'submitted' AND excluded.state = 'saved')
              AND sheet_progress.state <> excluded.state)`,
    );
    this.#insertReReview = db.prepare(
      "INSERT INTO re_reviews (id, assignment_id, reason, note, requested_by, requested_at) VALUES (?, ?, 'chief', ?, ?, ?)",
    );
    this.#slotReReviews = db.prepare(
      `SELECT r.id, r.assignment_id, a.candidate_id, a.examiner_id, r.reason, r.deviation, r.note, r.requested_by, r.requested_at, r.resolved_at
       FROM re_reviews r JOIN assignments a ON a.id = r.assignment_id
       WHERE a.slot_id = ? ORDER BY r.requested_at, r.id`,
    );
    this.#signOff = db.prepare('INSERT INTO sign_offs (slot_id, at, by_id) VALUES (?, ?, ?)');
    this.#signedOff = db.prepare('SELECT slot_id, at, by_id FROM sign_offs WHERE slot_id = ?');
    this.#append = db.prepare('INSERT INTO chief_actions (slot_id, at, actor_id, action, assignment_id, reason) VALUES (?, ?, ?, ?, ?, ?)');
    this.#actions = db.prepare(
      `SELECT c.at, c.actor_id, c.action, c.assignment_id, a.candidate_id, a.examiner_id, c.reason
       FROM chief_actions c LEFT JOIN assignments a ON a.id = c.assignment_id WHERE c.slot_id = ? ORDER BY c.id`,
    );
    this.#lockSlot = db.prepare(
      `INSERT INTO scores (assignment_id, version, locked) SELECT id, 0, 1 FROM assignments WHERE slot_id = ? AND subject_id = ?
       ON CONFLICT (assignment_id) DO UPDATE SET locked = 1`,
    );
    this.#slotSheets = db.prepare('SELECT id, examiner_id FROM assignments WHERE slot_id = ? AND subject_id = ? ORDER BY id');
  }

  /** Locks every sheet of the slot (its sign-off); returns them with their examiners, to tell. */
  lockSlot(slotId: string, subjectId: string): { id: string; examiner_id: string }[] {
    this.#lockSlot.run(slotId, subjectId);
    return this.#slotSheets.all(slotId, subjectId) as { id: string; examiner_id: string }[];
  }

  /**
   * A workstation's report on a sheet whose platform version is `version`; true when it changed
   * what the platform knows (the matrix row then moves).
   */
  reportProgress(assignmentId: string, state: SheetProgress, version: number): boolean {
    return this.#progress.run(assignmentId, state, version, this.clock.now().toISOString()).changes > 0;
  }

  /** Stores a chief's re-review request; returns it as its examiner receives it (the note only). */
  requestReReview(assignmentId: string, note: string, chiefId: string): Extract<ReReviewRequest, { reason: 'chief' }> {
    const request = { requestId: `rr-${randomUUID()}`, assignmentId, reason: 'chief' as const, note, requestedAt: this.clock.now().toISOString() };
    this.#insertReReview.run(request.requestId, assignmentId, note, chiefId, request.requestedAt);
    return request;
  }

  /** Every request on the slot's sheets, the platform's and the chiefs', open and answered. */
  reReviews(slotId: string, codeOf: CodeOf): ChiefReReview[] {
    return (this.#slotReReviews.all(slotId) as ReReviewRow[]).map((row) => ({
      requestId: row.id,
      assignmentId: row.assignment_id,
      candidateCode: codeOf(row.candidate_id),
      memberId: row.examiner_id,
      memberName: this.#name(row.examiner_id),
      reason: row.reason,
      note: row.note,
      deviation: row.deviation,
      requestedBy: row.requested_by === null ? null : this.#name(row.requested_by),
      requestedAt: row.requested_at,
      state: row.resolved_at === null ? 'open' : 'answered',
      answeredAt: row.resolved_at,
    }));
  }

  signOff(slotId: string, chiefId: string): SignOff {
    const at = this.clock.now().toISOString();
    this.#signOff.run(slotId, at, chiefId);
    return { slotId, at, by: this.#name(chiefId) };
  }

  signedOff(slotId: string): SignOff | null {
    const row = this.#signedOff.get(slotId) as { slot_id: string; at: string; by_id: string } | undefined;
    return row ? { slotId: row.slot_id, at: row.at, by: this.#name(row.by_id) } : null;
  }

  log(slotId: string, actorId: string, action: ChiefActionKind, assignmentId: string | null, reason: string | null = null): void {
    this.#append.run(slotId, this.clock.now().toISOString(), actorId, action, assignmentId, reason);
  }

  actions(slotId: string, codeOf: CodeOf): ChiefAction[] {
    return (this.#actions.all(slotId) as ActionRow[]).map((row) => ({
      at: row.at,
      actor: this.#name(row.actor_id),
      action: row.action,
      assignmentId: row.assignment_id,
      candidateCode: row.candidate_id === null ? null : codeOf(row.candidate_id),
      memberName: row.examiner_id === null ? null : this.#name(row.examiner_id),
      reason: row.reason,
    }));
  }

  /** A transaction of the store's database, for the routes that write more than one thing. */
  transaction<T>(run: () => T): T {
    return this.db.transaction(run)();
  }

  #name(accountId: string): string {
    return this.accounts.profile(accountId)?.displayName ?? accountId;
  }
}
