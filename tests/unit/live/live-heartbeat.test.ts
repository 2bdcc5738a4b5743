import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EventName, EventPayload, Session } from '@common/contract';
import { EventHub } from '../../../main/contract/event-hub';
import type { Logger } from '../../../main/log';
import { PlatformClient } from '../../../main/platform/client';
import type { PlatformCache } from '../../../main/services/platform-cache';
import type { PlatformHealthMonitor } from '../../../main/services/platform-health-monitor';
import { SocketHeartbeat } from '../../../main/services/socket-heartbeat';
import { LiveService } from '../../../main/services/live-service';
import type { SessionService } from '../../../main/services/session-service';

const log: Logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };

describe('SocketHeartbeat', () => {
  afterEach(() => vi.useRealTimers());

  it('beats every interval while the other side is heard, and calls the socket dead after the silence', () => {
    vi.useFakeTimers();
    let now = 0;
    const beats: number[] = [];
    const dead = vi.fn();
    const heartbeat = new SocketHeartbeat(() => beats.push(now), dead, { intervalMs: 1000, deadAfterMs: 2500 }, () => new Date(now));
    heartbeat.start();
    for (let step = 0; step < 40; step++) {
      now += 250;
      if (step % 4 === 0) heartbeat.heard();
      vi.advanceTimersByTime(250);
    }
    expect(dead).not.toHaveBeenCalled();
    expect(beats).toEqual([1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000]);

    // Silence from here: dead once more than 2.5 s passed since the last message, and only once.
    const lastHeard = now - 250 * 3;
    while (dead.mock.calls.length === 0) {
      now += 250;
      vi.advanceTimersByTime(250);
    }
    expect(now - lastHeard).toBeGreaterThan(2500);
    now += 5000;
    vi.advanceTimersByTime(5000);
    expect(dead).toHaveBeenCalledTimes(1);
  });
});

/**
 * The live service against a real WebSocket server on loopback that plays a platform: its
 * first connection goes silent (a network that vanished without a FIN); the service must close
 * it on its own and connect again, joining the room it was in.
 */
describe('LiveService liveness (a real socket on loopback)', () => {
  let server: WebSocketServer | null = null;
  let service: LiveService | null = null;
  afterEach(async () => {
    service?.stop();
    service = null;
    for (const client of server?.clients ?? []) client.terminate();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = null;
  });

  it('closes a silent platform socket and reconnects, sending heartbeats and joining its rooms again', async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const sockets: { socket: WebSocket; received: unknown[]; closed: boolean }[] = [];
    const connected = new EventTarget();
    const upgrades: { url: string | undefined; authorization: string | undefined }[] = [];
    server.on('connection', (socket, request) => {
      upgrades.push({ url: request.url, authorization: request.headers.authorization });
      const record = { socket, received: [] as unknown[], closed: false };
      sockets.push(record);
      socket.on('message', (data) => {
        record.received.push(JSON.parse(data.toString()));
        connected.dispatchEvent(new Event('message'));
        // Only the second connection answers: the first stays silent, as a dead network would.
        if (sockets.length >= 2 && record === sockets[1]) socket.send(JSON.stringify({ type: 'heartbeat' }));
      });
      socket.on('close', () => {
        record.closed = true;
        connected.dispatchEvent(new Event('close'));
      });
      connected.dispatchEvent(new Event('connection'));
    });

    const signedIn: Session = {
      examiner: { id: 'ex-01', displayName: '王老师', roles: ['examiner'] },
      signedInAt: '2026-11-21T08:00:00.000Z',
      expiresAt: '2026-11-21T20:00:00.000Z',
    };
    const session = {
      session: signedIn,
      requireToken: () => 'token-1',
      onChange: () => () => undefined,
      expire: vi.fn(),
    } as unknown as SessionService;
    const health = { onChange: () => () => undefined } as unknown as PlatformHealthMonitor;
    const events = new EventHub(log);
    const states: string[] = [];
    events.subscribe((name: EventName, payload: unknown) => {
      if (name === 'live.connection') states.push((payload as EventPayload<'live.connection'>).state);
    });
    service = new LiveService(
      { client: new PlatformClient(`http://127.0.0.1:${port}`), session, health, cache: {} as PlatformCache, events, log },
      { heartbeat: { intervalMs: 100, deadAfterMs: 300 } },
    );
    service.start();
    service.roomJoin('e1');

    // Wakes on each message the server receives: no sleeps, no time limits of our own.
    const until = async (condition: () => boolean) => {
      while (!condition()) await new Promise((resolve) => connected.addEventListener('message', resolve, { once: true }));
    };
    const beatsOf = (index: number) => sockets[index]?.received.filter((message) => (message as { type: string }).type === 'heartbeat').length ?? 0;
    await until(() => beatsOf(1) >= 3);

    const [first, second] = sockets;
    if (!first || !second) throw new Error('two connections were expected');
    // The silent one was closed by the service itself; it had sent heartbeats and the room join.
    expect(first.closed).toBe(true);
    expect(first.received).toContainEqual({ type: 'heartbeat' });
    expect(first.received[0]).toEqual({ type: 'room_join', entryId: 'e1' });
    // The new socket joined the room again and keeps beating; an answering platform is kept.
    expect(second.received[0]).toEqual({ type: 'room_join', entryId: 'e1' });
    expect(second.closed).toBe(false);
    expect(states).toEqual(['connecting', 'connected', 'offline', 'connecting', 'connected']);
    // The token rides in the header on every connection, never in the URL (which ends up in logs).
    expect(upgrades).toEqual([
      { url: '/api/v1/realtime', authorization: 'Bearer token-1' },
      { url: '/api/v1/realtime', authorization: 'Bearer token-1' },
    ]);
  });
});
