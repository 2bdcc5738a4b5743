import type { PushToCandidate, PushToExaminer } from '@common/platform/realtime';
import type { Device } from '@common/platform/queue';
import type { IceServer } from '@common/platform/room';
import type { Clock } from './clock';
import type { PlatformDb } from './db/database';
import type { QueueRow } from './state/queue';
import type { Accounts } from './state/accounts';
import type { Catalog } from './state/catalog';
import type { BlindCodes } from './state/codes';

/**
 * How platform state reaches connected clients. The realtime hub (platform/realtime/hub.ts)
 * implements it over WebSockets; services call it after they commit a change.
 */
export interface Notifier {
  toExaminer(examinerId: string, message: PushToExaminer): void;
  /** To every examiner watching a slot; `build` makes each one's message (codes differ per examiner). */
  toSlot(slotId: string, build: (examinerId: string) => PushToExaminer | null): void;
  toCandidate(candidateId: string, device: Device | 'both', message: PushToCandidate): void;
  /** Whether a candidate's device has a realtime connection now. */
  isOnline(candidateId: string, device: Device): boolean;
  /** Whether an examiner has a realtime connection now (a push to one without goes nowhere). */
  isExaminerOnline(examinerId: string): boolean;
}

/**
 * What the panel rooms (platform/room) must hear of from the routes: a committed change of a
 * queue entry (a room opens when its entry goes live and closes when it leaves), and accepted
 * score sheets (shown to the panel as "submitted", never the score).
 */
export interface RoomEvents {
  entryChanged(row: QueueRow): void;
  sheetsAccepted(assignmentIds: readonly string[]): void;
  /** Something of the room beyond the queue entry changed (the lead extended the answering time). */
  roomChanged(entryId: string): void;
}

/** Everything a route module needs; built once in server.ts. */
export interface PlatformContext {
  readonly db: PlatformDb;
  readonly clock: Clock;
  readonly accounts: Accounts;
  readonly catalog: Catalog;
  readonly codes: BlindCodes;
  readonly notifier: Notifier;
  readonly rooms: RoomEvents;
  /** Where recordings live (the demo's generated media among them); null: none. */
  readonly mediaDir: string | null;
  /** Guards the admin endpoints, besides their being answered on loopback only. */
  readonly adminSecret: string;
  /** The STUN/TURN servers every client's peers use, sent with each room state and device greeting; none on loopback. */
  readonly iceServers: readonly IceServer[];
}
