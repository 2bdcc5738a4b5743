import { z } from 'zod';
import { FINAL_QUEUE_STATES, type QueueState } from '@common/platform/queue';
import type { RoomLog, RoomLogAction } from '@common/platform/room';
import type { Clock } from '../clock';
import type { PlatformDb } from '../db/database';
import type { Accounts } from '../state/accounts';

export type LogDetail = Record<string, string | number | boolean | null>;

const Detail = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));

interface LogRecord {
  at: string;
  actor_id: string | null;
  action: RoomLogAction;
  detail: string;
}

/**
 * Whether what a candidate's devices do belongs in the log of an entry in `state`: from check-in
 * until the entry ends (finished, absent or failed). Before check-in a phone may sit on the page
 * for hours, connecting and dropping with the lobby's network: that is nobody's interview yet.
 * The check-in itself notes the devices already connected (reason `before_check_in`).
 */
export function devicesLogged(state: QueueState): boolean {
  return state !== 'scheduled' && !FINAL_QUEUE_STATES.includes(state);
}

/**
 * The exam-room log (考场记录) of each queue entry, kept by the platform: the lead's controls
 * (call, finish, absent, extend, readmit, move), members joining and leaving, the media route, the
 * candidate's devices connecting and dropping, face checks, prompts and quick messages,
 * interruptions and what the rule decided, and each member's sheet accepted (never its score).
 * Append-only (the table's triggers refuse updates and deletes); examiners read it with display
 * names, never account ids. Its statements are prepared once: a write is one insert.
 */
export class RoomLogStore {
  readonly #insert;
  readonly #lines;
  readonly #submitted;

  constructor(
    db: PlatformDb,
    private readonly clock: Clock,
    private readonly accounts: Accounts,
  ) {
    this.#insert = db.prepare('INSERT INTO room_log (entry_id, at, actor_id, action, detail) VALUES (?, ?, ?, ?, ?)');
    this.#lines = db.prepare('SELECT at, actor_id, action, detail FROM room_log WHERE entry_id = ? ORDER BY id');
    // By the entry's index: an entry has tens of lines, not thousands.
    this.#submitted = db.prepare(
      `SELECT 1 FROM room_log WHERE entry_id = ? AND action = 'submit' AND actor_id = ? AND json_extract(detail, '$.version') = ? LIMIT 1`,
    );
  }

  /** `actorId` is the examiner's account id, or null for the platform itself. */
  append(entryId: string, actorId: string | null, action: RoomLogAction, detail: LogDetail = {}): void {
    this.#insert.run(entryId, this.clock.now().toISOString(), actorId, action, JSON.stringify(detail));
  }

  /** Whether the member's sheet of this version was already logged as submitted for the entry. */
  hasSubmit(entryId: string, examinerId: string, version: number): boolean {
    return this.#submitted.get(entryId, examinerId, version) !== undefined;
  }

  read(entryId: string): RoomLog {
    const records = this.#lines.all(entryId) as LogRecord[];
    const names = new Map<string, string | null>();
    const nameOf = (id: string | null): string | null => {
      if (id === null) return null;
      if (!names.has(id)) names.set(id, this.accounts.profile(id)?.displayName ?? null);
      return names.get(id) ?? null;
    };
    return {
      entryId,
      lines: records.map((record) => ({
        at: record.at,
        action: record.action,
        actor: nameOf(record.actor_id),
        detail: Detail.parse(JSON.parse(record.detail)),
      })),
    };
  }
}
