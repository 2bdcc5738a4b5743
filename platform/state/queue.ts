import {
  FINAL_QUEUE_STATES,
  INTERRUPTION_RULE,
  MAX_FACE_ATTEMPTS,
  type Device,
  type DeviceStatus,
  type FailureReason,
  type QueueState,
} from '@common/platform/queue';
import type { Clock } from '../clock';
import type { PlatformDb } from '../db/database';

/**
 * The live queue of a slot: the state machine of common/platform/queue.ts as one pure function
 * (`transition`), and the store that applies it to `queue_entries`, one transaction per change.
 * Pushing a change to clients is the caller's job (platform/realtime/entries.ts), after commit.
 */

/** One queue entry as the platform keeps it: with the candidate's id, which examiners never see. */
export interface QueueRow {
  readonly id: string;
  readonly slotId: string;
  readonly candidateId: string;
  readonly appointmentAt: string;
  readonly state: QueueState;
  /** Failed face attempts; they are always in a row, since a match leaves `checked_in`. */
  readonly faceAttempts: number;
  readonly interruptions: number;
  /** When the current interruption began; null unless `interrupted`. */
  readonly interruptedAt: string | null;
  readonly checkedInAt: string | null;
  readonly calledAt: string | null;
  /** The examiner who called the candidate in: the only one who signals with their devices. */
  readonly calledBy: string | null;
  readonly enteredAt: string | null;
  /** When the entry reached its final state, whichever it is (finished, absent or failed). */
  readonly finishedAt: string | null;
  readonly failureReason: FailureReason | null;
  readonly revision: number;
  /** Seconds the panel's lead added to the answering time. */
  readonly extraSeconds: number;
}

export type QueueEvent =
  | { readonly kind: 'check_in' }
  | { readonly kind: 'face'; readonly matched: boolean }
  | { readonly kind: 'review'; readonly approve: boolean }
  | { readonly kind: 'ready' }
  | { readonly kind: 'call'; readonly examinerId: string }
  | { readonly kind: 'join'; readonly devices: DeviceStatus }
  | { readonly kind: 'finish' }
  | { readonly kind: 'absent' }
  /** A device of the candidate lost its realtime connection. */
  | { readonly kind: 'device_dropped' }
  /** Both devices are connected again. */
  | { readonly kind: 'devices_back' }
  /** The interruption's timer ran out. */
  | { readonly kind: 'interruption_expired' }
  /** The lead lets a candidate failed by the interruption rule back into the queue. */
  | { readonly kind: 'readmit' };

export type QueueRefusal =
  | { readonly code: 'illegal_transition'; readonly from: QueueState; readonly to: QueueState }
  | { readonly code: 'devices_offline'; readonly offline: readonly Device[] }
  /** A timer that fires early, or a stale one, must not fail a candidate who still has time. */
  | { readonly code: 'interruption_not_expired'; readonly deadline: string }
  /** Only a failure of the interruption rule can be undone, never a refused face or an examiner's decision. */
  | { readonly code: 'not_readmittable'; readonly failureReason: FailureReason | null };

export type Transition = { readonly ok: true; readonly row: QueueRow } | { readonly ok: false; readonly refusal: QueueRefusal };

/** States a candidate may be marked absent from: anything before being called in. */
const BEFORE_CALL: readonly QueueState[] = ['scheduled', 'checked_in', 'face_verified', 'waiting', 'manual_review'];

const ALLOWED_FROM: { readonly [K in QueueEvent['kind']]: readonly QueueState[] } = {
  check_in: ['scheduled'],
  face: ['checked_in'],
  review: ['manual_review'],
  ready: ['face_verified'],
  call: ['waiting'],
  join: ['called'],
  finish: ['in_room'],
  absent: BEFORE_CALL,
  device_dropped: ['in_room'],
  devices_back: ['interrupted'],
  interruption_expired: ['interrupted'],
  readmit: ['failed'],
};

/** Failures the lead may undo (a 考务 decision): the interruption rule's, nothing else. */
export const READMITTABLE: readonly FailureReason[] = ['too_many_interruptions', 'interruption_timeout'];

const INTERRUPTION_MS = INTERRUPTION_RULE.maxSeconds * 1000;

/** When an interruption that began at `interruptedAt` fails the candidate. */
export function interruptionDeadline(interruptedAt: string): Date {
  return new Date(Date.parse(interruptedAt) + INTERRUPTION_MS);
}

/** The state an event leads to from this row (what a refusal names as `to`). */
function targetOf(row: QueueRow, event: QueueEvent): QueueState {
  switch (event.kind) {
    case 'check_in':
      return 'checked_in';
    case 'face':
      if (event.matched) return 'face_verified';
      return row.faceAttempts + 1 >= MAX_FACE_ATTEMPTS ? 'manual_review' : 'checked_in';
    case 'review':
      return event.approve ? 'face_verified' : 'failed';
    case 'ready':
      return 'waiting';
    case 'call':
      return 'called';
    case 'join':
    case 'devices_back':
      return 'in_room';
    case 'finish':
      return 'finished';
    case 'absent':
      return 'absent';
    case 'device_dropped':
      return row.interruptions + 1 > INTERRUPTION_RULE.maxInterruptions ? 'failed' : 'interrupted';
    case 'interruption_expired':
      return 'failed';
    case 'readmit':
      return 'waiting';
  }
}

/**
 * The queue's rules: the next row for `event` at `now`, or why not. Every accepted event bumps
 * the revision, even one that keeps the state (a failed face attempt), since the row changed.
 */
export function transition(row: QueueRow, event: QueueEvent, now: Date): Transition {
  const to = targetOf(row, event);
  if (!ALLOWED_FROM[event.kind].includes(row.state)) {
    return { ok: false, refusal: { code: 'illegal_transition', from: row.state, to } };
  }
  const at = now.toISOString();
  const next = (change: Partial<QueueRow>): Transition => ({ ok: true, row: { ...row, ...change, revision: row.revision + 1 } });
  const fail = (reason: FailureReason, change: Partial<QueueRow> = {}): Transition =>
    next({ ...change, state: 'failed', failureReason: reason, finishedAt: at, interruptedAt: null });

  switch (event.kind) {
    case 'check_in':
      return next({ state: 'checked_in', checkedInAt: at });
    case 'face':
      return event.matched ? next({ state: 'face_verified' }) : next({ state: to, faceAttempts: row.faceAttempts + 1 });
    case 'review':
      return event.approve ? next({ state: 'face_verified' }) : fail('face_verification');
    case 'ready':
      return next({ state: 'waiting' });
    case 'call':
      return next({ state: 'called', calledAt: at, calledBy: event.examinerId });
    case 'join': {
      const offline = (['main', 'side'] as const).filter((device) => !event.devices[device]);
      if (offline.length > 0) return { ok: false, refusal: { code: 'devices_offline', offline } };
      return next({ state: 'in_room', enteredAt: at });
    }
    case 'finish':
    case 'absent':
      return next({ state: to, finishedAt: at });
    case 'device_dropped': {
      const interruptions = row.interruptions + 1;
      if (to === 'failed') return fail('too_many_interruptions', { interruptions });
      return next({ state: 'interrupted', interruptions, interruptedAt: at });
    }
    case 'devices_back':
      // Back after the deadline but before the timer ran (a busy platform): the rule still holds.
      if (now >= deadlineOf(row)) return fail('interruption_timeout');
      return next({ state: 'in_room', interruptedAt: null });
    case 'interruption_expired': {
      const deadline = deadlineOf(row);
      if (now < deadline) return { ok: false, refusal: { code: 'interruption_not_expired', deadline: deadline.toISOString() } };
      return fail('interruption_timeout');
    }
    case 'readmit':
      if (row.failureReason === null || !READMITTABLE.includes(row.failureReason)) {
        return { ok: false, refusal: { code: 'not_readmittable', failureReason: row.failureReason } };
      }
      // Back in the queue as if never called: a new call starts a new interview with the full rule.
      return next({
        state: 'waiting',
        interruptions: 0,
        interruptedAt: null,
        failureReason: null,
        finishedAt: null,
        calledAt: null,
        calledBy: null,
        enteredAt: null,
      });
  }
}

function deadlineOf(row: QueueRow): Date {
  // An interrupted row always has interruptedAt; a missing one is treated as already expired.
  return row.interruptedAt === null ? new Date(0) : interruptionDeadline(row.interruptedAt);
}

export function isFinal(state: QueueState): boolean {
  return FINAL_QUEUE_STATES.includes(state);
}

/** States in which a candidate is, or is about to be, with the examiner who called them. */
export const LIVE_STATES: readonly QueueState[] = ['called', 'in_room', 'interrupted'];

interface EntryRecord {
  id: string;
  slot_id: string;
  candidate_id: string;
  appointment_at: string;
  state: QueueState;
  face_attempts: number;
  interruptions: number;
  interrupted_at: string | null;
  checked_in_at: string | null;
  called_at: string | null;
  called_by: string | null;
  entered_at: string | null;
  finished_at: string | null;
  failure_reason: FailureReason | null;
  revision: number;
  extra_seconds: number;
}

function rowOf(record: EntryRecord): QueueRow {
  return {
    id: record.id,
    slotId: record.slot_id,
    candidateId: record.candidate_id,
    appointmentAt: record.appointment_at,
    state: record.state,
    faceAttempts: record.face_attempts,
    interruptions: record.interruptions,
    interruptedAt: record.interrupted_at,
    checkedInAt: record.checked_in_at,
    calledAt: record.called_at,
    calledBy: record.called_by,
    enteredAt: record.entered_at,
    finishedAt: record.finished_at,
    failureReason: record.failure_reason,
    revision: record.revision,
    extraSeconds: record.extra_seconds,
  };
}

/**
 * The slot's calling order: by order key where the lead moved an entry, else by appointment (as
 * milliseconds, the unit of order keys), ties by appointment then id. Appointments never change.
 */
const ORDER = `COALESCE(order_key, (julianday(appointment_at) - 2440587.5) * 86400000.0), appointment_at, id`;

/** The states an entry may be moved from: not yet called, and not held for a review. */
export const MOVABLE_STATES: readonly QueueState[] = ['scheduled', 'checked_in', 'face_verified', 'waiting'];

export type MoveTarget = { readonly to: 'later'; readonly places: number } | { readonly to: 'end' };
export type MoveResult =
  | { readonly ok: true; readonly row: QueueRow; readonly from: number; readonly to: number; readonly moved: readonly QueueRow[] }
  | { readonly ok: false; readonly refusal: QueueRefusal };

/** Queue entries in SQLite; every change goes through `transition` inside one transaction. */
export class QueueStore {
  constructor(
    private readonly db: PlatformDb,
    private readonly clock: Clock,
  ) {}

  entry(entryId: string): QueueRow | null {
    const record = this.db.prepare('SELECT * FROM queue_entries WHERE id = ?').get(entryId) as EntryRecord | undefined;
    return record ? rowOf(record) : null;
  }

  /** A slot's entries in calling order (appointment unless the lead moved some; stable). */
  slotEntries(slotId: string): QueueRow[] {
    return this.#rows(`SELECT * FROM queue_entries WHERE slot_id = ? ORDER BY ${ORDER}`, slotId);
  }

  /** 1-based place of the entry in its slot's calling order (what the lead's moves change). */
  orderOf(row: QueueRow): number {
    return this.slotEntries(row.slotId).findIndex((other) => other.id === row.id) + 1;
  }

  /**
   * Moves an entry later in its slot's calling order, past `places` others or to the end, by
   * giving it an order key after its new predecessor; entries whose key would then tie are
   * nudged on by a millisecond each so the order stays strict. Never touches appointments.
   * `moved` lists every row whose place changed (to push them).
   */
  move(entryId: string, target: MoveTarget): MoveResult {
    return this.db.transaction((): MoveResult => {
      const row = this.entry(entryId);
      if (!row) throw new Error(`queue entry ${entryId} does not exist`);
      if (!MOVABLE_STATES.includes(row.state)) {
        return { ok: false, refusal: { code: 'illegal_transition', from: row.state, to: row.state } };
      }
      const order = this.slotEntries(row.slotId);
      const from = order.findIndex((other) => other.id === row.id);
      const rest = order.filter((other) => other.id !== row.id);
      const to = target.to === 'end' ? rest.length : Math.min(from + target.places, rest.length);
      const reordered = [...rest.slice(0, to), row, ...rest.slice(to)];
      const update = this.db.prepare('UPDATE queue_entries SET order_key = ? WHERE id = ?');
      let previous = -Infinity;
      for (let i = 0; i < reordered.length; i++) {
        const entry = reordered[i] as QueueRow;
        const current = this.#orderKeyOf(entry.id);
        const key = current > previous ? current : previous + 1;
        if (key !== current || entry.id === row.id) update.run(key, entry.id);
        previous = key;
      }
      // Their place is part of what examiners see of them: a change, so a new revision.
      const bump = this.db.prepare('UPDATE queue_entries SET revision = revision + 1 WHERE id = ?');
      const changed = reordered.slice(Math.min(from, to), Math.max(from, to) + 1).map((entry) => {
        bump.run(entry.id);
        return this.entry(entry.id) as QueueRow;
      });
      return { ok: true, row: this.entry(row.id) as QueueRow, from: from + 1, to: to + 1, moved: changed };
    })();
  }

  /** Adds answering time to a live entry; null unless it is live. */
  extend(entryId: string, seconds: number): QueueRow | null {
    const result = this.db
      .prepare(`UPDATE queue_entries SET extra_seconds = extra_seconds + ? WHERE id = ? AND state IN ('called', 'in_room', 'interrupted')`)
      .run(seconds, entryId);
    return result.changes === 1 ? this.entry(entryId) : null;
  }

  #orderKeyOf(entryId: string): number {
    const { key } = this.db
      .prepare('SELECT COALESCE(order_key, (julianday(appointment_at) - 2440587.5) * 86400000.0) AS key FROM queue_entries WHERE id = ?')
      .get(entryId) as { key: number };
    return key;
  }

  /**
   * The entry a candidate's devices act on: the earliest appointment still open, or else the
   * latest one that ended (so a failed candidate still sees why).
   */
  currentEntryOf(candidateId: string): QueueRow | null {
    const rows = this.#rows('SELECT * FROM queue_entries WHERE candidate_id = ? ORDER BY appointment_at, id', candidateId);
    return rows.find((row) => !isFinal(row.state)) ?? rows.at(-1) ?? null;
  }

  interrupted(): QueueRow[] {
    return this.#rows("SELECT * FROM queue_entries WHERE state = 'interrupted' ORDER BY interrupted_at");
  }

  /** 1-based place of the entry in its slot's appointment order. */
  placeOf(row: QueueRow): number {
    const { place } = this.db
      .prepare('SELECT COUNT(*) AS place FROM queue_entries WHERE slot_id = ? AND (appointment_at < ? OR (appointment_at = ? AND id <= ?))')
      .get(row.slotId, row.appointmentAt, row.appointmentAt, row.id) as { place: number };
    return place;
  }

  /** Applies an event to an existing entry; the row is written only when the machine accepts. */
  apply(entryId: string, event: QueueEvent): Transition {
    return this.db.transaction((): Transition => {
      const row = this.entry(entryId);
      if (!row) throw new Error(`queue entry ${entryId} does not exist`);
      const result = transition(row, event, this.clock.now());
      if (result.ok) this.#write(result.row, row.revision);
      return result;
    })();
  }

  /** Calls the first waiting candidate of the slot by appointment; null when nobody waits. */
  callNext(slotId: string, examinerId: string): Transition | null {
    return this.db.transaction((): Transition | null => {
      const record = this.db
        .prepare(`SELECT id FROM queue_entries WHERE slot_id = ? AND state = 'waiting' ORDER BY ${ORDER} LIMIT 1`)
        .get(slotId) as { id: string } | undefined;
      return record ? this.apply(record.id, { kind: 'call', examinerId }) : null;
    })();
  }

  #rows(sql: string, ...params: string[]): QueueRow[] {
    return (this.db.prepare(sql).all(...params) as EntryRecord[]).map(rowOf);
  }

  #write(row: QueueRow, basedOn: number): void {
    const result = this.db
      .prepare(
        `UPDATE queue_entries SET state = ?, face_attempts = ?, interruptions = ?, interrupted_at = ?, checked_in_at = ?,
           called_at = ?, called_by = ?, entered_at = ?, finished_at = ?, failure_reason = ?, revision = ?
         WHERE id = ? AND revision = ?`,
      )
      .run(
        row.state,
        row.faceAttempts,
        row.interruptions,
        row.interruptedAt,
        row.checkedInAt,
        row.calledAt,
        row.calledBy,
        row.enteredAt,
        row.finishedAt,
        row.failureReason,
        row.revision,
        row.id,
        basedOn,
      );
    if (result.changes !== 1) throw new Error(`queue entry ${row.id} changed under a transaction`);
  }
}
