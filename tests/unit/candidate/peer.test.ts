import { describe, expect, it } from 'vitest';
import { rig, type Rig } from './fakes';

const push = (r: Rig, message: Parameters<ReturnType<Rig['socket']>['push']>[0]) => r.socket().push(message);
const signal = (r: Rig, peerId: string, data: Record<string, unknown>) => push(r, { type: 'signal', peerId, data });
const answer = { type: 'answer', sdp: 'v=0 answer' };
const offer = { type: 'offer', sdp: 'v=0 offer' };
const candidate = { candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host', sdpMid: '0' } };

describe('the shared candidate device: publishing its camera', () => {
  it('opens an initiating peer on `publish`, relays its offer under that id and takes the answer', async () => {
    const r = rig({ state: 'in_room' });
    await r.online();
    push(r, { type: 'publish', peerId: 'pub-1' });
    expect(r.peers.map((peer) => peer.role)).toEqual(['publish']);
    expect(r.device.snapshot).toMatchObject({ publish: 'connecting', publishers: 1, voices: 0 });
    const [peer] = r.peers;
    peer?.emit('signal', { type: 'offer', sdp: 'v=0 offer' });
    peer?.emit('signal', candidate);
    expect(r.socket().sent).toEqual([
      { type: 'signal', peerId: 'pub-1', data: { type: 'offer', sdp: 'v=0 offer' } },
      { type: 'signal', peerId: 'pub-1', data: candidate },
    ]);
    signal(r, 'pub-1', answer);
    signal(r, 'pub-1', candidate);
    expect(peer?.received).toEqual([answer, candidate]);
    peer?.emit('connect');
    expect(r.device.snapshot.publish).toBe('connected');
  });

  it('opens every peer, publishing or receiving, with the ICE servers of the platform\'s greeting and no others', async () => {
    const iceServers = [{ urls: 'stun:stun.exam.example:3478' }, { urls: ['turns:turn.exam.example:5349'], username: 'u', credential: 'c' }];
    const r = rig({ state: 'in_room', iceServers });
    await r.online();
    push(r, { type: 'publish', peerId: 'pub-1' });
    push(r, { type: 'receive', peerId: 'voice-1' });
    expect(r.peers.map((peer) => [peer.role, peer.iceServers])).toEqual([
      ['publish', iceServers],
      ['receive', iceServers],
    ]);
    // A platform that names none (the reference platform on loopback) gets peers with none.
    const bare = rig({ state: 'in_room' });
    await bare.online();
    push(bare, { type: 'publish', peerId: 'pub-1' });
    expect(bare.peers.map((peer) => peer.iceServers)).toEqual([[]]);
  });

  it('holds several publishing peers at once (the direct route), each with its own id', async () => {
    const r = rig({ device: 'side' });
    await r.online();
    for (const id of ['pub-a', 'pub-b', 'pub-c']) push(r, { type: 'publish', peerId: id });
    expect(r.device.snapshot).toMatchObject({ publish: 'connecting', publishers: 3 });
    r.peers.forEach((peer, i) => peer.emit('signal', { type: 'offer', sdp: `offer ${i}` }));
    expect(r.socket().sent.map((message) => message.type === 'signal' && message.peerId)).toEqual(['pub-a', 'pub-b', 'pub-c']);
    signal(r, 'pub-b', answer);
    expect(r.peers.map((peer) => peer.received.length)).toEqual([0, 1, 0]);
    r.peers[1]?.emit('connect');
    expect(r.device.snapshot.publish).toBe('connected');
    expect(r.device.peerIds('publish')).toEqual(['pub-a', 'pub-b', 'pub-c']);
  });

  it('a repeated `publish` of an open id opens nothing more; a signal for an unknown id opens nothing', async () => {
    const r = rig({ device: 'side' });
    await r.online();
    push(r, { type: 'publish', peerId: 'pub-1' });
    push(r, { type: 'publish', peerId: 'pub-1' });
    signal(r, 'nobody', offer);
    expect(r.peers).toHaveLength(1);
  });

  it('`peer_closed` destroys that peer quietly; late signals for it open nothing', async () => {
    const r = rig({ device: 'side' });
    await r.online();
    push(r, { type: 'publish', peerId: 'pub-1' });
    push(r, { type: 'publish', peerId: 'pub-2' });
    push(r, { type: 'peer_closed', peerId: 'pub-1' });
    const [closed, open] = r.peers;
    expect(closed?.destroyed).toBe(true);
    expect(open?.destroyed).toBe(false);
    expect(r.device.snapshot.publishers).toBe(1);
    // The platform ended it: the device says nothing back.
    expect(r.socket().sent).toEqual([]);
    signal(r, 'pub-1', answer);
    push(r, { type: 'publish', peerId: 'pub-1' });
    closed?.emit('signal', { type: 'offer', sdp: 'late' });
    expect(r.peers).toHaveLength(2);
    expect(closed?.received).toEqual([]);
    expect(r.socket().sent).toEqual([]);
  });

  it('a peer that ends by itself is reported with `peer_close`, and its error shown', async () => {
    const r = rig({ device: 'side' });
    await r.online();
    push(r, { type: 'publish', peerId: 'pub-1' });
    r.peers[0]?.emit('error', new Error('ICE failed'));
    r.peers[0]?.emit('close');
    expect(r.device.snapshot).toMatchObject({ problem: 'WebRTC: ICE failed', publish: 'none', publishers: 0 });
    expect(r.socket().sent).toEqual([{ type: 'peer_close', peerId: 'pub-1' }]);
  });
});

describe('the shared candidate device: playing the panel’s voices', () => {
  it('answers a `receive` with a silent peer and plays the stream it gets, until it ends', async () => {
    const r = rig({ state: 'in_room' });
    await r.online();
    push(r, { type: 'receive', peerId: 'voice-1' });
    const [peer] = r.peers;
    expect(peer?.role).toBe('receive');
    signal(r, 'voice-1', offer);
    expect(peer?.received).toEqual([offer]);
    peer?.emit('signal', answer);
    expect(r.socket().sent).toEqual([{ type: 'signal', peerId: 'voice-1', data: answer }]);
    expect(r.device.snapshot.voices).toBe(0);
    peer?.emit('stream', { name: 'examiner voice' });
    expect(r.device.snapshot).toMatchObject({ voices: 1, publishers: 0 });
    expect(r.voices).toEqual(['play voice-1 examiner voice']);

    push(r, { type: 'peer_closed', peerId: 'voice-1' });
    expect(peer?.destroyed).toBe(true);
    expect(r.device.snapshot.voices).toBe(0);
    expect(r.voices).toEqual(['play voice-1 examiner voice', 'stop voice-1']);
  });

  it('plays several voices at once and stops each with its peer; a publisher’s stream is not a voice', async () => {
    const r = rig({ state: 'in_room' });
    await r.online();
    push(r, { type: 'publish', peerId: 'pub-1' });
    push(r, { type: 'receive', peerId: 'voice-1' });
    push(r, { type: 'receive', peerId: 'voice-2' });
    const [publisher, first, second] = r.peers;
    publisher?.emit('stream', { name: 'echo' });
    first?.emit('stream', { name: 'a' });
    second?.emit('stream', { name: 'b' });
    expect(r.device.snapshot).toMatchObject({ voices: 2, publishers: 1 });
    first?.emit('close');
    expect(r.device.snapshot.voices).toBe(1);
    expect(r.socket().sent).toEqual([{ type: 'peer_close', peerId: 'voice-1' }]);
    expect(r.voices).toEqual(['play voice-1 a', 'play voice-2 b', 'stop voice-1']);
  });

  it('when its socket closes, every peer ends and every voice stops, without a word to the platform', async () => {
    const r = rig({ state: 'in_room' });
    await r.online();
    push(r, { type: 'publish', peerId: 'pub-1' });
    push(r, { type: 'receive', peerId: 'voice-1' });
    r.peers[1]?.emit('stream', { name: 'a' });
    const socket = r.socket();
    socket.end(1006);
    expect(r.peers.map((peer) => peer.destroyed)).toEqual([true, true]);
    expect(r.device.snapshot).toMatchObject({ publish: 'none', publishers: 0, voices: 0 });
    expect(r.voices).toEqual(['play voice-1 a', 'stop voice-1']);
    expect(socket.sent).toEqual([]);
    r.device.stop();
  });
});
