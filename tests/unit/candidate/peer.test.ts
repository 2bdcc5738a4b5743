import { describe, expect, it } from 'vitest';
import { rig, type Rig } from './fakes';

const signal = (r: Rig, peerId: string, data: Record<string, unknown>) => r.socket().push({ type: 'signal', peerId, data });
const offer = { type: 'offer', sdp: 'v=0 offer' };
const candidate = { candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host', sdpMid: '0' } };

/** A device online and connected to the examiner on peer `p1`. */
async function connected(options: Parameters<typeof rig>[0]): Promise<Rig> {
  const r = rig(options);
  await r.online();
  signal(r, 'p1', offer);
  r.peers[0]?.emit('connect');
  return r;
}

describe('the shared candidate device: answering the examiner over WebRTC', () => {
  it('opens one peer per peer id, feeds it the examiner’s signals and relays its own', async () => {
    const r = rig({ state: 'in_room' });
    await r.online();
    signal(r, 'p1', offer);
    signal(r, 'p1', candidate);
    expect(r.peers).toHaveLength(1);
    const [peer] = r.peers;
    expect(peer?.received).toEqual([offer, candidate]);
    expect(r.device.snapshot.peer).toBe('connecting');

    peer?.emit('signal', { type: 'answer', sdp: 'v=0 answer' });
    expect(r.socket().sent).toEqual([{ type: 'signal', peerId: 'p1', data: { type: 'answer', sdp: 'v=0 answer' } }]);
    peer?.emit('connect');
    expect(r.device.snapshot.peer).toBe('connected');
  });

  it('tears the old peer down when a new peer id arrives, and ignores the old one from then on', async () => {
    const r = await connected({ state: 'in_room' });
    signal(r, 'p2', offer);
    const [old, current] = r.peers;
    expect(r.peers).toHaveLength(2);
    expect(old?.destroyed).toBe(true);
    expect(current?.destroyed).toBe(false);
    expect(r.device.snapshot.peer).toBe('connecting');

    // A late ICE candidate of the old connection starts nothing; its events change nothing.
    signal(r, 'p1', candidate);
    old?.emit('connect');
    old?.emit('signal', { type: 'answer', sdp: 'late' });
    expect(r.peers).toHaveLength(2);
    expect(old?.received).toEqual([offer]);
    expect(r.device.snapshot.peer).toBe('connecting');
    expect(r.socket().sent.map((message) => message.type === 'signal' && message.peerId)).toEqual(['p1']);

    current?.emit('connect');
    expect(r.device.snapshot.peer).toBe('connected');
  });

  it('forgets a peer that closed by itself, and does not reopen it for the same id', async () => {
    const r = await connected({ device: 'side' });
    r.peers[0]?.emit('close');
    expect(r.device.snapshot.peer).toBe('none');
    signal(r, 'p1', candidate);
    expect(r.peers).toHaveLength(1);
    signal(r, 'p2', offer);
    expect(r.peers).toHaveLength(2);
    expect(r.device.snapshot.peer).toBe('connecting');
  });

  it('shows a peer’s error as the problem', async () => {
    const r = rig({ device: 'side' });
    await r.online();
    signal(r, 'p1', offer);
    r.peers[0]?.emit('error', new Error('ICE failed'));
    expect(r.device.snapshot.problem).toBe('WebRTC: ICE failed');
  });
});
