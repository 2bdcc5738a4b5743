import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HEARTBEAT } from '@common/platform/realtime';
import { CLOSE_REPLACED, CLOSE_SILENT, GREETING_TIMEOUT_MS, MAX_RECONNECT_MS, RECONNECT_MS } from '../../../platform/shared/candidate/device';
import { AT, PLATFORM_URL, rig, settle, type Rig } from './fakes';

const greet = (r: Rig) => r.socket().push({ type: 'hello', role: 'candidate', device: 'main', iceServers: [] });
const publish = (r: Rig, peerId: string) => r.socket().push({ type: 'publish', peerId });

/** Advances the clock to one millisecond before `ms`, checks nothing was opened, then to `ms`. */
function expectNewSocketAfter(r: Rig, ms: number): void {
  const before = r.sockets.length;
  if (ms > 0) {
    vi.advanceTimersByTime(ms - 1);
    expect(r.sockets).toHaveLength(before);
  }
  vi.advanceTimersByTime(ms > 0 ? 1 : 0);
  expect(r.sockets).toHaveLength(before + 1);
}

/** The platform's side of a live socket: a heartbeat every interval, for `ms`. */
function keepAlive(r: Rig, ms: number): void {
  for (let at = 0; at < ms; at += HEARTBEAT.intervalMs) {
    vi.advanceTimersByTime(HEARTBEAT.intervalMs);
    r.socket().push({ type: 'heartbeat' });
  }
}

describe('the shared candidate device: its realtime socket', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('connects to the realtime address with its token and is online once greeted', async () => {
    const r = rig();
    let started = false;
    const start = r.device.start().then(() => (started = true));
    expect(r.sockets.map((socket) => socket.url)).toEqual([`${PLATFORM_URL.replace('http', 'ws')}/api/v1/realtime?token=device-token`]);
    expect(r.device.snapshot.connection).toBe('connecting');
    await settle();
    expect(started).toBe(false);
    greet(r);
    await start;
    expect(r.device.snapshot.connection).toBe('online');
  });

  it.each([
    { code: 1006, connection: 'reconnecting', reconnects: true },
    { code: 1000, connection: 'reconnecting', reconnects: true },
    { code: CLOSE_REPLACED, connection: 'replaced', reconnects: false },
  ])('closed with $code, it is $connection and reconnects: $reconnects', async ({ code, connection, reconnects }) => {
    const r = rig({ device: 'side' });
    await r.online();
    publish(r, 'p1');
    r.socket().end(code);
    expect(r.device.snapshot).toMatchObject({ connection, publish: 'none', publishers: 0 });
    expect(r.peers[0]?.destroyed).toBe(true);
    if (reconnects) {
      expectNewSocketAfter(r, RECONNECT_MS);
      greet(r);
      expect(r.device.snapshot.connection).toBe('online');
    }
    keepAlive(r, 10 * MAX_RECONNECT_MS);
    expect(r.sockets).toHaveLength(reconnects ? 2 : 1);
  });

  it('waits a little longer after each failed reconnect, at most MAX_RECONNECT_MS, and starts over once greeted', async () => {
    const r = rig({ device: 'side' });
    await r.online();
    const delays = [RECONNECT_MS, 2 * RECONNECT_MS, MAX_RECONNECT_MS, MAX_RECONNECT_MS];
    expect(Math.max(...delays)).toBeLessThanOrEqual(1000);
    for (const delay of delays) {
      r.socket().end(1006);
      expectNewSocketAfter(r, delay);
      expect(r.device.snapshot.connection).toBe('reconnecting');
    }
    greet(r);
    expect(r.device.snapshot.connection).toBe('online');
    r.socket().end(1006);
    expectNewSocketAfter(r, RECONNECT_MS);
  });

  it('abandons a connect attempt not greeted in time, and tries again', async () => {
    const r = rig({ device: 'side' });
    void r.device.start();
    const first = r.socket();
    vi.advanceTimersByTime(GREETING_TIMEOUT_MS - 1);
    expect(first.closedWith).toBeNull();
    vi.advanceTimersByTime(1);
    expect(first.closedWith?.[0]).toBe(CLOSE_SILENT);
    expect(r.device.snapshot.connection).toBe('reconnecting');
    expectNewSocketAfter(r, RECONNECT_MS);
    // The abandoned socket's own close, arriving late, changes nothing.
    first.end(1006);
    expect(r.sockets).toHaveLength(2);
    greet(r);
    expect(r.device.snapshot.connection).toBe('online');
  });

  it('sends a heartbeat every interval, and any message keeps the socket alive', async () => {
    const r = rig({ device: 'side' });
    await r.online();
    vi.advanceTimersByTime(HEARTBEAT.intervalMs - 1);
    expect(r.socket().heartbeats).toBe(0);
    vi.advanceTimersByTime(1);
    expect(r.socket().heartbeats).toBe(1);
    r.socket().push({ type: 'heartbeat' });
    // Prompts and heartbeats alike show the platform is there.
    for (let i = 0; i < 5; i++) {
      vi.advanceTimersByTime(HEARTBEAT.deadAfterMs - 1);
      r.socket().push(i % 2 === 0 ? { type: 'heartbeat' } : { type: 'prompt', text: `p${i}`, at: AT });
    }
    expect(r.sockets).toHaveLength(1);
    expect(r.device.snapshot.connection).toBe('online');
    expect(r.socket().heartbeats).toBe(Math.floor((5 * (HEARTBEAT.deadAfterMs - 1) + HEARTBEAT.intervalMs) / HEARTBEAT.intervalMs));
  });

  it('takes a silent socket for dead: closes it and its peers, and reconnects at once', async () => {
    const r = rig({ state: 'in_room' });
    await r.online();
    publish(r, 'p1');
    const silent = r.socket();
    vi.advanceTimersByTime(HEARTBEAT.deadAfterMs - 1);
    expect(silent.closedWith).toBeNull();
    vi.advanceTimersByTime(1);
    expect(silent.closedWith?.[0]).toBe(CLOSE_SILENT);
    expect(r.peers[0]?.destroyed).toBe(true);
    expect(r.device.snapshot).toMatchObject({ connection: 'reconnecting', publishers: 0 });
    expectNewSocketAfter(r, RECONNECT_MS);
  });

  it('after a 10 s network cut, is online again within a greeting timeout and a reconnect wait of the network’s return', async () => {
    const r = rig({ device: 'side' });
    await r.online();
    // The cut: nothing arrives, and no attempt is greeted, for 10 s.
    const cutEndsAt = 10_000;
    let now = 0;
    const step = (ms: number) => {
      vi.advanceTimersByTime(ms);
      now += ms;
    };
    while (now < cutEndsAt) step(50);
    // The network is back: the next attempt to open is greeted.
    const attempts = r.sockets.length;
    expect(attempts).toBeGreaterThan(3);
    while (r.sockets.length === attempts) step(50);
    greet(r);
    expect(r.device.snapshot.connection).toBe('online');
    expect(now - cutEndsAt).toBeLessThanOrEqual(GREETING_TIMEOUT_MS + MAX_RECONNECT_MS);
  });

  it.each([0, 0.5, 3])('drop(%s) closes socket and peers, comes back after that many seconds, and is online once greeted', async (seconds) => {
    const r = rig({ state: 'in_room' });
    await r.online();
    publish(r, 'p1');
    const first = r.socket();
    let back = false;
    const dropped = r.device.drop(seconds).then(() => (back = true));
    expect(first.closedWith).toEqual([1000, 'device dropped']);
    expect(r.peers[0]?.destroyed).toBe(true);
    expect(r.device.snapshot).toMatchObject({ connection: 'dropped', publish: 'none' });
    // The close of the socket it closed itself arrives later and changes nothing.
    first.end(1000);
    expect(r.device.snapshot.connection).toBe('dropped');
    expect(r.device.quickMessage('ready')).toBe(false);

    expectNewSocketAfter(r, seconds * 1000);
    expect(r.device.snapshot.connection).toBe('reconnecting');
    await settle();
    expect(back).toBe(false);
    greet(r);
    await dropped;
    await settle();
    expect(r.device.snapshot.connection).toBe('online');
    expect(r.platform.calls).toEqual(['GET state', 'GET state']);
    keepAlive(r, 10 * MAX_RECONNECT_MS);
    expect(r.sockets).toHaveLength(2);
  });

  it('stop() closes everything, and nothing reconnects, beats or retries afterwards', async () => {
    const r = rig({ state: 'called' });
    r.platform.refuseNext('join', 409);
    await r.online();
    publish(r, 'p1');
    const updates: string[] = [];
    r.device.subscribe(() => updates.push(r.device.snapshot.connection));
    r.device.stop();
    expect(r.device.snapshot).toMatchObject({ connection: 'stopped', publish: 'none' });
    expect(r.socket().closedWith).toEqual([1000, 'device dropped']);
    expect(r.peers[0]?.destroyed).toBe(true);
    r.socket().end(1006);
    r.socket().push({ type: 'prompt', text: '请开始', at: AT });
    vi.advanceTimersByTime(10 * GREETING_TIMEOUT_MS);
    await settle();
    expect(r.sockets).toHaveLength(1);
    expect(r.socket().heartbeats).toBe(0);
    expect(r.platform.calls).toEqual(['GET state', 'POST join']);
    expect(r.device.snapshot.prompts).toEqual([]);
    expect(new Set(updates)).toEqual(new Set(['stopped']));
  });

  it('stop() during a drop cancels the coming back', async () => {
    const r = rig({ device: 'side' });
    await r.online();
    void r.device.drop(1);
    r.device.stop();
    vi.advanceTimersByTime(10 * GREETING_TIMEOUT_MS);
    expect(r.sockets).toHaveLength(1);
    expect(r.device.snapshot.connection).toBe('stopped');
  });
});
