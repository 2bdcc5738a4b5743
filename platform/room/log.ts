import { z } from 'zod';
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
 * The exam-room log (考场记录) of each queue entry: every lead control, every member joining or
 * leaving, every change of the media route, with who and when. Append-only (the table's triggers
 * refuse updates and deletes); examiners read it with their display names, never account ids.
 */
export class RoomLogStore {
  constructor(
    private readonly db: PlatformDb,
    private readonly clock: Clock,
    private readonly accounts: Accounts,
  ) {}

  /** `actorId` is the examiner's account id, or null for the platform itself. */
  append(entryId: string, actorId: string | null, action: RoomLogAction, detail: LogDetail = {}): void {
    this.db
      .prepare('INSERT INTO room_log (entry_id, at, actor_id, action, detail) VALUES (?, ?, ?, ?, ?)')
      .run(entryId, this.clock.now().toISOString(), actorId, action, JSON.stringify(detail));
  }

  read(entryId: string): RoomLog {
    const records = this.db
      .prepare('SELECT at, actor_id, action, detail FROM room_log WHERE entry_id = ? ORDER BY id')
      .all(entryId) as LogRecord[];
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
