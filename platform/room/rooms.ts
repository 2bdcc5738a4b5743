import type { CandidateMessage, ExaminerMessage } from '@common/platform/realtime';
import type { Device } from '@common/platform/queue';
import type { PlatformContext, RoomEvents } from '../context';
import { send, type DeviceClient, type ExaminerClient } from '../realtime/clients';
import { LIVE_STATES, QueueStore, type QueueRow } from '../state/queue';
import type { Sfu } from '../sfu/sfu';
import { RoomLogStore } from './log';
import type { MediaRefusal } from './media';
import { PanelRoom, type DeviceDirectory } from './room';

/** Examiner messages about one room (everything but `subscribe` and `heartbeat`). */
export type ExaminerRoomMessage = Exclude<ExaminerMessage, { type: 'subscribe' } | { type: 'heartbeat' }>;
/** Device messages about its peers. */
export type DevicePeerMessage = Extract<CandidateMessage, { type: 'signal' } | { type: 'peer_close' }>;

export interface PanelRoomsOptions {
  /** The platform's context; complete by the time any client connects. */
  readonly ctx: () => PlatformContext;
  readonly devices: DeviceDirectory;
  /** The platform's SFU; null: none (the direct route). */
  readonly sfu: Sfu | null;
}

interface Deps {
  readonly ctx: PlatformContext;
  readonly store: QueueStore;
  readonly log: RoomLogStore;
  /** An accepted sheet's queue entry, member and version (never its values). */
  readonly acceptedSheet: ReturnType<PlatformContext['db']['prepare']>;
}

const sendRefusal = (socket: ExaminerClient['socket'] | DeviceClient['socket'], refusal: MediaRefusal) =>
  send(socket, { type: 'error', code: refusal.code, message: refusal.message, ...(refusal.peerId !== undefined && { peerId: refusal.peerId }) });

/**
 * Every open panel room, one per live queue entry (called, in_room, interrupted). A room opens
 * when its entry goes live (or someone asks for it while it is), and closes when the entry leaves
 * the live states. The realtime hub hands it the clients' room messages and device presence;
 * routes tell it of committed changes (RoomEvents).
 */
export class PanelRooms implements RoomEvents {
  readonly #rooms = new Map<string, PanelRoom>();
  #stopStatus: (() => void) | null = null;
  #deps: Deps | null = null;

  constructor(private readonly options: PanelRoomsOptions) {
    this.#stopStatus = options.sfu?.onStatus(() => {
      for (const room of this.#rooms.values()) room.media.sfuStatus();
    }) ?? null;
  }

  get sfu(): Sfu | null {
    return this.options.sfu;
  }

  // ── RoomEvents ────────────────────────────────────────────────────────────────────

  entryChanged(row: QueueRow): void {
    if (LIVE_STATES.includes(row.state)) {
      this.#open(row);
      return;
    }
    const room = this.#rooms.get(row.id);
    if (!room) return;
    this.#rooms.delete(row.id);
    room.close();
  }

  /**
   * Each accepted sheet is logged as its member's `submit` in the candidate's entry of the slot
   * (once per accepted version: a replayed submission is not a second one; never the score), and
   * the open rooms show the member as submitted. A sheet of a slot without a queue (recorded
   * answers) has no room log.
   */
  sheetsAccepted(assignmentIds: readonly string[]): void {
    if (assignmentIds.length === 0) return;
    const { ctx, log, acceptedSheet } = this.#use();
    const touched = new Set<PanelRoom>();
    ctx.db.transaction(() => {
      for (const id of assignmentIds) {
        const sheet = acceptedSheet.get(id) as { entry_id: string; examiner_id: string; version: number } | undefined;
        if (!sheet) continue;
        if (!log.hasSubmit(sheet.entry_id, sheet.examiner_id, sheet.version)) {
          log.append(sheet.entry_id, sheet.examiner_id, 'submit', { version: sheet.version });
        }
        const room = this.#rooms.get(sheet.entry_id);
        if (room) touched.add(room);
      }
    })();
    for (const room of touched) room.changed();
  }

  roomChanged(entryId: string): void {
    this.#rooms.get(entryId)?.changed();
  }

  // ── from the realtime hub ─────────────────────────────────────────────────────────

  examinerMessage(client: ExaminerClient, message: ExaminerRoomMessage): void {
    const { ctx, store } = this.#use();
    const row = store.entry(message.entryId);
    const peerId = 'peerId' in message ? message.peerId : undefined;
    const refuse = (code: string, text: string) => sendRefusal(client.socket, { code, message: text, ...(peerId !== undefined && { peerId }) });
    if (!row || !ctx.catalog.sitsOn(client.examinerId, row.slotId)) return refuse('not_found', 'no such queue entry on your panels');
    const room = LIVE_STATES.includes(row.state) ? this.#open(row) : null;
    if (!room) {
      if (message.type === 'room_leave' || message.type === 'peer_close') return;
      return refuse('room_closed', `the interview of this candidate is not open (the entry is ${row.state})`);
    }
    if (message.type === 'room_join') return room.join(client);
    if (message.type === 'room_leave') return room.leave(client);
    if (!room.isPresent(client)) return refuse('not_in_room', 'join the room (room_join) first');
    const memberId = room.memberIdOf(client.examinerId) ?? '';
    let refusal: MediaRefusal | null = null;
    switch (message.type) {
      case 'feed_subscribe':
        refusal = room.media.feedSubscribe(client, client.examinerId, memberId, message.device, message.peerId);
        break;
      case 'voice_publish':
        refusal = room.media.voicePublish(client, client.examinerId, memberId, message.peerId);
        break;
      case 'signal':
        refusal = room.media.examinerSignal(client, message.peerId, message.data);
        break;
      case 'peer_close':
        refusal = room.media.examinerPeerClose(client, message.peerId);
        break;
      case 'talking':
        room.setTalking(client.examinerId, message.talking);
        break;
      case 'prompt':
        this.#use().log.append(row.id, client.examinerId, 'prompt', { text: message.text });
        ctx.notifier.toCandidate(row.candidateId, 'both', { type: 'prompt', text: message.text, at: ctx.clock.now().toISOString() });
        break;
    }
    if (refusal) sendRefusal(client.socket, refusal);
  }

  /** A device's signal or peer_close: only for the peers this platform opened with that very device. */
  deviceMessage(client: DeviceClient, message: DevicePeerMessage): void {
    const { store } = this.#use();
    const row = store.currentEntryOf(client.candidateId);
    const room = row ? this.#rooms.get(row.id) : undefined;
    if (room?.media.holds(message.peerId)) {
      const refusal =
        message.type === 'signal'
          ? room.media.deviceSignal(client.device, message.peerId, message.data)
          : room.media.devicePeerClose(client.device, message.peerId);
      if (refusal) sendRefusal(client.socket, refusal);
      return;
    }
    if (message.type === 'peer_close') return;
    const elsewhere = [...this.#rooms.values()].some((other) => other.media.holds(message.peerId));
    sendRefusal(
      client.socket,
      elsewhere
        ? { code: 'not_your_peer', message: `peer ${message.peerId} is not one of this device's`, peerId: message.peerId }
        : room
          ? { code: 'unknown_peer', message: `no peer ${message.peerId} is open for this device`, peerId: message.peerId }
          : { code: 'forbidden', message: 'no examiner has called you in', peerId: message.peerId },
    );
  }

  deviceOnline(candidateId: string, device: Device): void {
    const room = this.#liveRoomOf(candidateId);
    room?.media.deviceOnline(device);
  }

  deviceOffline(candidateId: string, device: Device): void {
    const room = this.#liveRoomOf(candidateId);
    room?.media.deviceOffline(device);
  }

  /** An examiner's socket closed (or was found dead): it leaves every room it was in. */
  examinerGone(client: ExaminerClient): void {
    for (const room of this.#rooms.values()) room.leave(client);
  }

  /** The room of a live entry, for the routes (its members' ids). */
  room(entryId: string): PanelRoom | null {
    return this.#rooms.get(entryId) ?? null;
  }

  /** At shutdown: every room closes (the SFU is stopped by the platform). */
  closeAll(): void {
    this.#stopStatus?.();
    this.#stopStatus = null;
    for (const room of this.#rooms.values()) room.close();
    this.#rooms.clear();
  }

  #liveRoomOf(candidateId: string): PanelRoom | null {
    const row = this.#use().store.currentEntryOf(candidateId);
    return row && LIVE_STATES.includes(row.state) ? this.#open(row) : null;
  }

  #open(row: QueueRow): PanelRoom {
    const existing = this.#rooms.get(row.id);
    if (existing) return existing;
    const { ctx, log } = this.#use();
    const room = new PanelRoom({ ctx, devices: this.options.devices, sfu: this.options.sfu, log }, row);
    this.#rooms.set(row.id, room);
    log.append(row.id, null, 'route', { route: room.media.route, reason: room.media.routeReason, epoch: room.media.epoch });
    // After the change that opened it has reached everyone (the call comes before any publish).
    queueMicrotask(() => {
      if (this.#rooms.get(row.id) === room) room.media.start();
    });
    return room;
  }

  #use(): Deps {
    if (!this.#deps) {
      const ctx = this.options.ctx();
      this.#deps = {
        ctx,
        store: new QueueStore(ctx.db, ctx.clock),
        log: new RoomLogStore(ctx.db, ctx.clock, ctx.accounts),
        acceptedSheet: ctx.db.prepare(
          `SELECT q.id AS entry_id, a.examiner_id, s.version FROM assignments a
           JOIN scores s ON s.assignment_id = a.id AND s.accepted_at IS NOT NULL
           JOIN queue_entries q ON q.slot_id = a.slot_id AND q.candidate_id = a.candidate_id
           WHERE a.id = ?`,
        ),
      };
    }
    return this.#deps;
  }
}
