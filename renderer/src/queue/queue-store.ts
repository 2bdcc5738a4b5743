import type { LivePresence, LiveQuickMessage } from '@common/contract';
import type { QueueEntry } from '@common/platform';
import { appendQuickMessage } from '../live/quick-messages';

/** One candidate as the queue view shows them: the entry, its subject, its quick messages. */
export interface QueueRow {
  readonly entry: QueueEntry;
  readonly subjectId: string;
  /** Oldest first, the newest QUICK_MESSAGES_KEPT (renderer/src/live/quick-messages.ts). */
  readonly messages: readonly LiveQuickMessage[];
  /** Quick messages not yet seen by the examiner. */
  readonly unread: number;
}

export interface QueueSnapshotView {
  /** In appointment order. */
  readonly rows: readonly QueueRow[];
  /** How many changes (queue entries, presence, messages) have been applied: grows with each. */
  readonly applied: number;
}

const byAppointment = (a: QueueRow, b: QueueRow) =>
  a.entry.appointmentAt < b.entry.appointmentAt ? -1 : a.entry.appointmentAt > b.entry.appointmentAt ? 1 : a.entry.entryId < b.entry.entryId ? -1 : 1;

/**
 * The queues of the slots on screen, kept current by the platform's pushes. Unchanged rows keep
 * their identity so that a burst of changes re-renders only the rows it touched; the ordered
 * list is rebuilt once per snapshot, not once per change.
 */
export class QueueStore {
  readonly #rows = new Map<string, QueueRow>();
  readonly #subjects = new Map<string, string>();
  #order: QueueRow[] = [];
  #orderStale = false;
  #applied = 0;
  #snapshot: QueueSnapshotView = { rows: [], applied: 0 };
  #snapshotStale = false;
  /** Rows changed since the last takeChanged(); null: every row (a snapshot was loaded). */
  #changedIds: Set<string> | null = new Set();

  /** One candidate's row as it is now. */
  row(entryId: string): QueueRow | undefined {
    return this.#rows.get(entryId);
  }

  /** The rows that changed since the last call (null: all of them), for per-row listeners. */
  takeChanged(): ReadonlySet<string> | null {
    const changed = this.#changedIds;
    this.#changedIds = new Set();
    return changed;
  }

  /** Replaces everything known of one slot with its snapshot; quick messages are kept. */
  load(slotId: string, subjectId: string, entries: readonly QueueEntry[]): void {
    this.#subjects.set(slotId, subjectId);
    const keep = new Set(entries.map((entry) => entry.entryId));
    for (const [entryId, row] of this.#rows) {
      if (row.entry.slotId === slotId && !keep.has(entryId)) this.#rows.delete(entryId);
    }
    for (const entry of entries) {
      const known = this.#rows.get(entry.entryId);
      this.#rows.set(entry.entryId, { entry, subjectId, messages: known?.messages ?? [], unread: known?.unread ?? 0 });
    }
    this.#orderStale = true;
    this.#snapshotStale = true;
    this.#changedIds = null;
  }

  /** A pushed entry; an older revision than the one shown, or a slot not on screen, is ignored. */
  applyEntry(entry: QueueEntry): boolean {
    const subjectId = this.#subjects.get(entry.slotId);
    if (subjectId === undefined) return false;
    const known = this.#rows.get(entry.entryId);
    if (known && known.entry.revision >= entry.revision) return false;
    if (!known || known.entry.appointmentAt !== entry.appointmentAt) this.#orderStale = true;
    this.#rows.set(entry.entryId, { entry, subjectId, messages: known?.messages ?? [], unread: known?.unread ?? 0 });
    return this.#changed(entry.entryId);
  }

  applyPresence(presence: LivePresence): boolean {
    const known = this.#rows.get(presence.entryId);
    if (!known || known.entry.devices[presence.device] === presence.online) return false;
    const entry = { ...known.entry, devices: { ...known.entry.devices, [presence.device]: presence.online } };
    this.#rows.set(presence.entryId, { ...known, entry });
    return this.#changed(presence.entryId);
  }

  addQuickMessage(message: LiveQuickMessage): boolean {
    const known = this.#rows.get(message.entryId);
    if (!known) return false;
    this.#rows.set(message.entryId, { ...known, messages: appendQuickMessage(known.messages, message), unread: known.unread + 1 });
    return this.#changed(message.entryId);
  }

  /** The examiner has seen this candidate's quick messages. */
  markRead(entryId: string): boolean {
    const known = this.#rows.get(entryId);
    if (!known || known.unread === 0) return false;
    this.#rows.set(entryId, { ...known, unread: 0 });
    this.#snapshotStale = true;
    this.#changedIds?.add(entryId);
    return true;
  }

  snapshot(): QueueSnapshotView {
    if (!this.#snapshotStale) return this.#snapshot;
    if (this.#orderStale) {
      this.#order = [...this.#rows.values()].sort(byAppointment);
      this.#orderStale = false;
    } else {
      this.#order = this.#order.map((row) => this.#rows.get(row.entry.entryId) ?? row);
    }
    this.#snapshot = { rows: this.#order, applied: this.#applied };
    this.#snapshotStale = false;
    return this.#snapshot;
  }

  #changed(entryId: string): true {
    this.#applied += 1;
    this.#snapshotStale = true;
    this.#changedIds?.add(entryId);
    return true;
  }
}
