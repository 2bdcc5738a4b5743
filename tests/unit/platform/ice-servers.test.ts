import { describe, expect, it } from 'vitest';
import { IceServer, IceServers } from '@common/platform/room';

describe('IceServer: what a platform may tell the peers to use', () => {
  it.each([
    [{ urls: 'stun:stun.exam.example:3478' }],
    [{ urls: ['stun:a.example', 'stuns:b.example:5349'] }],
    [{ urls: 'turn:turn.exam.example:3478?transport=udp', username: 'u', credential: 'secret' }],
    [{ urls: ['turns:turn.exam.example:5349'], username: 'u', credential: 'secret' }],
  ])('accepts %j', (server) => {
    expect(IceServer.parse(server)).toEqual(server);
  });

  it.each([
    ['an http URL', { urls: 'https://stun.example' }],
    ['a URL with a space', { urls: 'stun:a b' }],
    ['no URL', { urls: [] }],
    ['TURN without credentials', { urls: 'turn:turn.example' }],
    ['TURN without a credential', { urls: ['stun:s.example', 'turns:t.example'], username: 'u' }],
    ['a URL that is not a string', { urls: 42 }],
  ])('refuses %s', (_label, server) => {
    expect(IceServer.safeParse(server).success).toBe(false);
  });

  it('drops fields RTCPeerConnection does not take from the platform, and holds at most 8 servers', () => {
    expect(IceServer.parse({ urls: 'stun:s.example', credentialType: 'oauth' })).toEqual({ urls: 'stun:s.example' });
    expect(IceServers.safeParse(Array.from({ length: 9 }, () => ({ urls: 'stun:s.example' }))).success).toBe(false);
    expect(IceServers.parse([])).toEqual([]);
  });
});
