import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CLOSE_REPLACED, MAX_RECONNECT_MS, RETRY_MS } from '@common/candidate/device';
import { AT, PLATFORM_URL, rig, settle, type Rig } from './fakes';

const greet = (r: Rig) => r.socket().push({ type: 'hello', role: 'candidate', device: 'main' });
const offer = (r: Rig, peerId: string) => r.socket().push({ type: 'signal', peerId, data: { type: 'offer', sdp: `offer ${peerId}` } });

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
    offer(r, 'p1');
    r.socket().end(code);
    expect(r.device.snapshot).toMatchObject({ connection, peer: 'none' });
    expect(r.peers[0]?.destroyed).toBe(true);
    if (reconnects) expectNewSocketAfter(r, RETRY_MS);
    vi.advanceTimersByTime(10 * MAX_RECONNECT_MS);
    expect(r.sockets).toHaveLength(reconnects ? 2 : 1);
  });

  it('waits longer after each failed reconnect, at most 5 s, and starts over once greeted', async () => {
    const r = rig({ device: 'side' });
    await r.online();
    for (const delay of [RETRY_MS, 2 * RETRY_MS, 4 * RETRY_MS, MAX_RECONNECT_MS, MAX_RECONNECT_MS]) {
      r.socket().end(1006);
      expectNewSocketAfter(r, delay);
      expect(r.device.snapshot.connection).toBe('reconnecting');
    }
    greet(r);
    expect(r.device.snapshot.connection).toBe('online');
    r.socket().end(1006);
    expectNewSocketAfter(r, RETRY_MS);
  });

  it.each([0, 0.5, 3])('drop(%s) closes socket and peer, comes back after that many seconds, and is online once greeted', async (seconds) => {
    const r = rig({ state: 'in_room' });
    await r.online();
    offer(r, 'p1');
    const first = r.socket();
    let back = false;
    const dropped = r.device.drop(seconds).then(() => (back = true));
    expect(first.closedWith).toEqual([1000, 'device dropped']);
    expect(r.peers[0]?.destroyed).toBe(true);
    expect(r.device.snapshot).toMatchObject({ connection: 'dropped', peer: 'none' });
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
    vi.advanceTimersByTime(10 * MAX_RECONNECT_MS);
    expect(r.sockets).toHaveLength(2);
  });

  it('stop() closes everything, and nothing reconnects or retries afterwards', async () => {
    const r = rig({ state: 'called' });
    r.platform.refuseNext('join', 409);
    await r.online();
    offer(r, 'p1');
    const updates: string[] = [];
    r.device.subscribe(() => updates.push(r.device.snapshot.connection));
    r.device.stop();
    expect(r.device.snapshot).toMatchObject({ connection: 'stopped', peer: 'none' });
    expect(r.socket().closedWith).toEqual([1000, 'device dropped']);
    expect(r.peers[0]?.destroyed).toBe(true);
    r.socket().end(1006);
    r.socket().push({ type: 'prompt', text: '请开始', at: AT });
    vi.advanceTimersByTime(10 * MAX_RECONNECT_MS);
    await settle();
    expect(r.sockets).toHaveLength(1);
    expect(r.platform.calls).toEqual(['GET state', 'POST join']);
    expect(r.device.snapshot.prompts).toEqual([]);
    expect(new Set(updates)).toEqual(new Set(['stopped']));
  });

  it('stop() during a drop cancels the coming back', async () => {
    const r = rig({ device: 'side' });
    await r.online();
    void r.device.drop(1);
    r.device.stop();
    vi.advanceTimersByTime(10 * MAX_RECONNECT_MS);
    expect(r.sockets).toHaveLength(1);
    expect(r.device.snapshot.connection).toBe('stopped');
  });
});
