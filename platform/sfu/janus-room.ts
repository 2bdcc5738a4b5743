import { randomBytes, randomInt } from 'node:crypto';
import { JanusError, type JanusHandle, type JanusSession } from './janus-api';
import type { JanusHandleEvent } from './janus-messages';
import { clientSignalSchema, fromJanusCandidate, offeredStreams, toJanusCandidate, type ClientSignal, type OfferedStream } from './janus-signals';
import { VIDEOROOM_PLUGIN } from './janus-token';
import type { SfuPeer, SfuPeerHandlers, SfuRoom, SignalObject } from './sfu';

/**
 * One interview's room on Janus's VideoRoom: a Janus session of its own (with its own signed
 * token), a control handle that created the room, one handle per publisher and per subscriber.
 * Each feed name ('main', 'side', 'voice-…') maps to the numeric publisher id we gave Janus.
 */

export interface JanusRoomSettings {
  /** The VideoRoom admin_key: only requests carrying it may create rooms. */
  readonly adminKey: string;
  /** Concurrent publishers allowed (at least 16). */
  readonly publishers: number;
  /** Where a handler's exception is reported (it never stops the room). */
  readonly report: (error: unknown) => void;
  /** Told when the caller closes the room. */
  readonly onClose: (room: JanusRoom) => void;
}

/** VideoRoom's "room already exists". */
const ROOM_EXISTS = 427;
const ROOM_ID_MAX = 2 ** 40;

export async function createJanusRoom(session: JanusSession, roomKey: string, settings: JanusRoomSettings): Promise<JanusRoom> {
  const control = await session.attach(VIDEOROOM_PLUGIN);
  const secret = randomBytes(18).toString('base64url');
  for (let attempt = 0; ; attempt++) {
    // Janus wants numeric room ids; the interview's key stays ours (it is only the description).
    const roomId = randomInt(1, ROOM_ID_MAX);
    try {
      await control.message({
        request: 'create',
        admin_key: settings.adminKey,
        room: roomId,
        description: roomKey.slice(0, 120),
        secret,
        is_private: true,
        permanent: false,
        publishers: Math.max(16, settings.publishers),
        audiocodec: 'opus',
        videocodec: 'vp8,h264',
        notify_joining: false,
        // A keyframe request every 10 s: a subscriber that lost packets recovers without asking.
        fir_freq: 10,
      });
      return new JanusRoom(session, control, roomId, secret, settings);
    } catch (error) {
      if (error instanceof JanusError && error.janusCode === ROOM_EXISTS && attempt < 3) continue;
      throw error;
    }
  }
}

interface LiveFeed {
  readonly publisher: PublisherPeer;
  readonly janusId: number;
  readonly streams: readonly OfferedStream[];
}

export class JanusRoom implements SfuRoom {
  readonly #peers = new Set<JanusPeer>();
  /** The current publisher of each feed. */
  readonly #publishers = new Map<string, PublisherPeer>();
  #nextPublisherId = 1;
  #closed = false;

  constructor(
    readonly session: JanusSession,
    readonly control: JanusHandle,
    readonly janusRoomId: number,
    readonly secret: string,
    readonly settings: JanusRoomSettings,
  ) {}

  publish(feed: string, handlers: SfuPeerHandlers): SfuPeer {
    const previous = this.#publishers.get(feed);
    previous?.close();
    const peer = new PublisherPeer(this, feed, this.#nextPublisherId++, handlers);
    this.#publishers.set(feed, peer);
    this.#start(peer);
    return peer;
  }

  subscribe(feed: string, handlers: SfuPeerHandlers, kinds: readonly ('audio' | 'video')[] = ['audio', 'video']): SfuPeer {
    const live = this.#publishers.get(feed)?.live() ?? null;
    const streams = live ? live.streams.filter((stream) => kinds.includes(stream.kind)) : [];
    const peer = new SubscriberPeer(this, feed, live?.janusId ?? 0, streams, handlers);
    if (!live || streams.length === 0) {
      // Not published (or nothing of the asked kinds): closed at once, after the caller holds the peer.
      this.#peers.add(peer);
      queueMicrotask(() => peer.fail('failed'));
      return peer;
    }
    this.#start(peer);
    return peer;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.settings.onClose(this);
    for (const peer of [...this.#peers]) peer.close();
    await this.control.message({ request: 'destroy', room: this.janusRoomId, secret: this.secret }).catch(() => undefined);
    await this.session.destroy();
  }

  /** Janus went away: every peer hears `sfu_restarted`; nothing is sent to Janus. */
  drop(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const peer of [...this.#peers]) peer.fail('sfu_restarted');
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** @internal */
  forget(peer: JanusPeer): void {
    this.#peers.delete(peer);
    if (peer instanceof PublisherPeer && this.#publishers.get(peer.feed) === peer) this.#publishers.delete(peer.feed);
  }

  /** @internal The handlers are the platform's: an exception in one never breaks the room. */
  call(action: () => void): void {
    try {
      action();
    } catch (error) {
      this.settings.report(error);
    }
  }

  #start(peer: JanusPeer): void {
    this.#peers.add(peer);
    if (this.#closed) {
      queueMicrotask(() => peer.fail('failed'));
      return;
    }
    peer.attach();
  }
}

/** What publishers and subscribers share: the handle, ordered work, signal checks, closing once. */
abstract class JanusPeer implements SfuPeer {
  #handle: JanusHandle | null = null;
  /** Work on this peer's handle happens in order (an offer before the candidates that follow it). */
  #queue: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(
    readonly room: JanusRoom,
    readonly handlers: SfuPeerHandlers,
  ) {}

  get closed(): boolean {
    return this.#closed;
  }

  /** @internal Attaches the peer's handle, then runs its first step. */
  attach(): void {
    this.enqueue(async () => {
      const handle = await this.room.session.attach(VIDEOROOM_PLUGIN);
      if (this.#closed) {
        await handle.detach();
        return;
      }
      this.#handle = handle;
      handle.onEvent((event) => {
        if (event.janus === 'gone') this.fail('failed');
        else this.#onJanusEvent(event);
      });
      await this.afterAttach(handle);
    });
  }

  signal(data: SignalObject): void {
    if (this.#closed) return;
    const parsed = clientSignalSchema.safeParse(data);
    if (!parsed.success) {
      this.fail('failed');
      return;
    }
    const signal = parsed.data;
    if (signal.type === 'renegotiate' || signal.type === 'transceiverRequest') {
      this.fail('failed');
      return;
    }
    this.enqueue(async (handle) => {
      if (!handle) throw new JanusError('closed', 'no handle');
      if (signal.type === 'candidate') await handle.trickle(toJanusCandidate(signal));
      else await this.onSdp(handle, signal);
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.room.forget(this);
    void this.#handle?.detach();
  }

  /** Ends the peer and tells its client why (at most once, never after close()). */
  fail(reason: 'failed' | 'sfu_restarted'): void {
    if (this.#closed) return;
    this.#closed = true;
    this.room.forget(this);
    if (reason === 'failed') void this.#handle?.detach();
    this.room.call(() => this.handlers.onClosed(reason));
  }

  protected emit(data: SignalObject): void {
    if (this.#closed) return;
    this.room.call(() => this.handlers.onSignal(data));
  }

  /** Runs `work` after everything queued before it; any error fails the peer. */
  protected enqueue(work: (handle: JanusHandle | null) => Promise<void>): void {
    this.#queue = this.#queue.then(async () => {
      if (this.#closed) return;
      try {
        await work(this.#handle);
      } catch {
        // Janus refused (bad SDP, unknown feed, full room…) or went away: this peer is over.
        this.fail('failed');
      }
    });
  }

  protected abstract afterAttach(handle: JanusHandle): Promise<void>;
  protected abstract onSdp(handle: JanusHandle, signal: Extract<ClientSignal, { type: 'offer' | 'answer' }>): Promise<void>;
  protected onWebrtcUp(): void {}

  #onJanusEvent(event: JanusHandleEvent): void {
    switch (event.janus) {
      case 'webrtcup':
        this.onWebrtcUp();
        return;
      case 'hangup':
        // Janus ended the PeerConnection: ICE or DTLS failed, or the plugin hung up.
        this.fail('failed');
        return;
      case 'trickle': {
        const signal = fromJanusCandidate(event.candidate);
        if (signal) this.emit(signal);
        return;
      }
      case 'event':
        // An asynchronous plugin error (not the answer to a request) ends the peer too.
        if (typeof event.plugindata.data['error_code'] === 'number') this.fail('failed');
        return;
      case 'media':
      case 'slowlink':
      case 'detached':
        // media/slowlink are quality hints the platform measures itself (client stats); detached comes with `gone`.
        return;
    }
  }
}

class PublisherPeer extends JanusPeer {
  #streams: readonly OfferedStream[] = [];
  #published = false;
  #live = false;

  constructor(
    room: JanusRoom,
    readonly feed: string,
    readonly janusId: number,
    handlers: SfuPeerHandlers,
  ) {
    super(room, handlers);
  }

  /** The feed as subscribers see it, once Janus receives it. */
  live(): LiveFeed | null {
    return this.#live && !this.closed ? { publisher: this, janusId: this.janusId, streams: this.#streams } : null;
  }

  protected async afterAttach(): Promise<void> {
    // Nothing until the client's offer: joinandconfigure then joins and publishes at once.
  }

  protected async onSdp(handle: JanusHandle, signal: Extract<ClientSignal, { type: 'offer' | 'answer' }>): Promise<void> {
    if (signal.type !== 'offer') throw new JanusError('protocol', 'a publisher sends offers');
    const streams = offeredStreams(signal.sdp);
    const body = this.#published
      ? { request: 'configure' }
      : { request: 'joinandconfigure', ptype: 'publisher', room: this.room.janusRoomId, id: this.janusId, display: this.feed };
    const answer = await handle.message(body, { type: 'offer', sdp: signal.sdp });
    if (answer.jsep?.type !== 'answer') throw new JanusError('protocol', 'Janus did not answer the offer');
    this.#published = true;
    this.#streams = streams;
    this.emit({ type: 'answer', sdp: answer.jsep.sdp });
  }

  protected override onWebrtcUp(): void {
    if (this.#live || this.closed) return;
    this.#live = true;
    const { onLive } = this.handlers;
    if (onLive) this.room.call(() => onLive());
  }
}

class SubscriberPeer extends JanusPeer {
  constructor(
    room: JanusRoom,
    readonly feed: string,
    readonly publisherId: number,
    readonly streams: readonly OfferedStream[],
    handlers: SfuPeerHandlers,
  ) {
    super(room, handlers);
  }

  protected async afterAttach(handle: JanusHandle): Promise<void> {
    const answer = await handle.message({
      request: 'join',
      ptype: 'subscriber',
      room: this.room.janusRoomId,
      // The platform re-subscribes when a feed comes back; Janus must not renegotiate on its own.
      autoupdate: false,
      streams: this.streams.map((stream) => ({ feed: this.publisherId, mid: stream.mid })),
    });
    if (answer.jsep?.type !== 'offer') throw new JanusError('protocol', 'Janus did not offer the subscription');
    this.emit({ type: 'offer', sdp: answer.jsep.sdp });
  }

  protected async onSdp(handle: JanusHandle, signal: Extract<ClientSignal, { type: 'offer' | 'answer' }>): Promise<void> {
    if (signal.type !== 'answer') throw new JanusError('protocol', 'a subscriber sends answers');
    await handle.message({ request: 'start' }, { type: 'answer', sdp: signal.sdp });
  }
}
