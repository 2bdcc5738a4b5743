import { randomBytes } from 'node:crypto';
import { DIRECT_ROUTE_CAPACITY, type RoomMember, type RoomState } from '@common/platform/room';
import type { Device } from '@common/platform/queue';
import type { PushToCandidate } from '@common/platform/realtime';
import type { PlatformContext } from '../context';
import { send, type DeviceClient, type ExaminerClient } from '../realtime/clients';
import { leadOf } from '../state/catalog';
import type { QueueRow } from '../state/queue';
import type { Sfu } from '../sfu/sfu';
import type { RoomLogStore } from './log';
import { RoomMedia, type MediaHost } from './media';

/** Finds a candidate device's live socket (the realtime hub keeps them). */
export interface DeviceDirectory {
  deviceClient(candidateId: string, device: Device): DeviceClient | null;
}

export interface RoomDeps {
  readonly ctx: PlatformContext;
  readonly devices: DeviceDirectory;
  readonly sfu: Sfu | null;
  readonly log: RoomLogStore;
}

interface Member {
  readonly examinerId: string;
  /** Opaque and per room: what clients see instead of the account id. */
  readonly memberId: string;
  readonly displayName: string;
  readonly chief: boolean;
  /** The member's sockets that joined; present while there is one. */
  readonly sockets: Set<ExaminerClient>;
  talking: boolean;
}

/**
 * The panel room of one live queue entry: every panel member of the slot (present or not), the
 * lead, the answering time added, and its media (RoomMedia). Each change is pushed as `room` to
 * every present member's sockets, each with their own `you`.
 */
export class PanelRoom implements MediaHost {
  readonly entryId: string;
  readonly slotId: string;
  readonly candidateId: string;
  readonly media: RoomMedia;
  readonly #members: Member[];
  readonly #lead: string | null;
  #revision = 0;

  constructor(
    private readonly deps: RoomDeps,
    row: QueueRow,
  ) {
    this.entryId = row.id;
    this.slotId = row.slotId;
    this.candidateId = row.candidateId;
    const panel = deps.ctx.catalog.slot(row.slotId)?.panel;
    this.#lead = panel ? leadOf(panel, deps.ctx.accounts) : null;
    this.#members = (panel?.examinerIds ?? []).map((examinerId) => {
      const profile = deps.ctx.accounts.profile(examinerId);
      return {
        examinerId,
        memberId: `m-${randomBytes(6).toString('hex')}`,
        displayName: profile?.displayName ?? examinerId,
        chief: profile?.roles.includes('chief') ?? false,
        sockets: new Set(),
        talking: false,
      };
    });
    this.media = new RoomMedia(this, deps.sfu);
  }

  memberIdOf(examinerId: string): string | null {
    return this.#member(examinerId)?.memberId ?? null;
  }

  isPresent(client: ExaminerClient): boolean {
    return this.#member(client.examinerId)?.sockets.has(client) ?? false;
  }

  /** A member's socket enters; they get the state whether or not it changed. */
  join(client: ExaminerClient): void {
    const member = this.#member(client.examinerId);
    if (!member) return;
    const arriving = member.sockets.size === 0;
    member.sockets.add(client);
    if (arriving) {
      this.deps.log.append(this.entryId, member.examinerId, 'join');
      this.changed();
    } else {
      send(client.socket, { type: 'room', room: this.stateFor(member) });
    }
  }

  /** A member's socket leaves (or closed); the interview goes on without them. */
  leave(client: ExaminerClient): void {
    const member = this.#member(client.examinerId);
    if (!member?.sockets.delete(client)) return;
    this.media.examinerGone(client);
    if (member.sockets.size > 0) return;
    member.talking = false;
    this.deps.log.append(this.entryId, member.examinerId, 'leave');
    this.changed();
  }

  setTalking(examinerId: string, talking: boolean): void {
    const member = this.#member(examinerId);
    if (!member || member.talking === talking) return;
    member.talking = talking;
    this.changed();
  }

  /** Something the members see changed: a new revision to every present member. */
  changed(): void {
    this.#revision += 1;
    for (const member of this.#members) {
      if (member.sockets.size === 0) continue;
      const state = this.stateFor(member);
      for (const client of member.sockets) send(client.socket, { type: 'room', room: state });
    }
  }

  /** The room ended with its entry: every peer closes (the SFU's room too); members stay informed by the queue. */
  close(): void {
    this.media.close();
    for (const member of this.#members) member.sockets.clear();
  }

  stateFor(member: Member): RoomState {
    const submitted = this.#submitted();
    const row = this.deps.ctx.db.prepare('SELECT extra_seconds FROM queue_entries WHERE id = ?').get(this.entryId) as
      | { extra_seconds: number }
      | undefined;
    const members: RoomMember[] = this.#members.map((other) => ({
      memberId: other.memberId,
      displayName: other.displayName,
      role: other.examinerId === this.#lead ? 'lead' : 'member',
      chief: other.chief,
      present: other.sockets.size > 0,
      submitted: submitted.has(other.examinerId),
      talking: other.talking,
    }));
    return {
      entryId: this.entryId,
      slotId: this.slotId,
      route: this.media.route,
      routeReason: this.media.routeReason,
      directCapacity: DIRECT_ROUTE_CAPACITY,
      epoch: this.media.epoch,
      you: member.memberId,
      lead: this.#lead === null ? null : (this.memberIdOf(this.#lead) ?? null),
      members,
      extraSeconds: row?.extra_seconds ?? 0,
      revision: this.#revision,
      iceServers: [...this.deps.ctx.iceServers],
    };
  }

  // ── MediaHost ─────────────────────────────────────────────────────────────────────

  isOnline(device: Device): boolean {
    return this.deps.devices.deviceClient(this.candidateId, device) !== null;
  }

  toDevice(device: Device, message: PushToCandidate): void {
    const client = this.deps.devices.deviceClient(this.candidateId, device);
    if (client) send(client.socket, message);
  }

  routeChanged(): void {
    this.deps.log.append(this.entryId, null, 'route', { route: this.media.route, reason: this.media.routeReason, epoch: this.media.epoch });
    this.changed();
  }

  #member(examinerId: string): Member | undefined {
    return this.#members.find((member) => member.examinerId === examinerId);
  }

  /** Members whose sheet for this candidate in this slot was accepted (never the score). */
  #submitted(): Set<string> {
    const rows = this.deps.ctx.db
      .prepare(
        `SELECT a.examiner_id FROM assignments a JOIN scores s ON s.assignment_id = a.id
         WHERE a.slot_id = ? AND a.candidate_id = ? AND s.accepted_at IS NOT NULL`,
      )
      .all(this.slotId, this.candidateId) as { examiner_id: string }[];
    return new Set(rows.map((row) => row.examiner_id));
  }
}
