import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { IceServer, RoomState } from '@common/platform';
import { InterviewSession } from '../../renderer/src/live/session/interview-session';
import type { Signaling } from '../../renderer/src/live/session/signaling';
import { VoiceLink } from '../../renderer/src/live/talk/voice-link';
import { queueEntry } from '../support/queue-entries';

/** What each simple-peer was created with: the renderer's peers are these fakes here. */
const created = vi.hoisted(() => [] as { initiator?: boolean; config?: RTCConfiguration }[]);
vi.mock('simple-peer/simplepeer.min.js', () => ({
  default: class FakePeer extends EventEmitter {
    constructor(options: { initiator?: boolean; config?: RTCConfiguration }) {
      super();
      created.push(options);
    }
    signal(): void {}
    destroy(): void {}
  },
}));

const signaling: Signaling = {
  send: () => undefined,
  subscribe: () => () => undefined,
  feedSubscribe: () => new Promise(() => undefined),
  voicePublish: () => new Promise(() => undefined),
  talking: () => undefined,
  peerClose: () => undefined,
  onPeerClosed: () => () => undefined,
  onRefused: () => () => undefined,
};

const ICE: IceServer[] = [{ urls: 'stun:stun.exam.example:3478' }, { urls: ['turns:turn.exam.example:5349'], username: 'u', credential: 'c' }];

const room = (iceServers: IceServer[], epoch = 0): RoomState => ({
  entryId: 'e1',
  slotId: 'slot-vocal',
  route: 'sfu',
  routeReason: 'sfu',
  directCapacity: 3,
  epoch,
  you: 'm1',
  lead: 'm1',
  members: [],
  extraSeconds: 0,
  revision: epoch,
  iceServers,
});

const live = queueEntry('e1', 'slot-vocal', 'CC11', 0, 'in_room', { devices: { main: true, side: true } });

let session: InterviewSession | null = null;
afterEach(async () => {
  await session?.close();
  session = null;
  created.length = 0;
});

describe('the renderer\'s WebRTC peers take their ICE servers from the platform', () => {
  it('subscribes to no feed before the room named its ICE servers, then opens both with exactly those', () => {
    session = new InterviewSession({ entryId: 'e1', signaling, probe: false });
    session.open();
    session.sync(live);
    expect(created).toEqual([]);
    session.setRoom(room(ICE));
    expect(created.map((options) => [options.initiator, options.config])).toEqual([
      [false, { iceServers: ICE }],
      [false, { iceServers: ICE }],
    ]);
  });

  it('gives a feed renewed for a new room epoch the room\'s servers of now (none, from a platform on loopback)', () => {
    session = new InterviewSession({ entryId: 'e1', signaling, probe: false });
    session.open();
    session.setRoom(room(ICE));
    session.sync(live);
    created.length = 0;
    session.setRoom(room([], 1));
    expect(created.map((options) => options.config)).toEqual([{ iceServers: [] }, { iceServers: [] }]);
  });

  it('publishes the voice with the servers it is given', () => {
    const link = new VoiceLink('e1', {} as MediaStream, signaling, { onState: () => undefined, onClosed: () => undefined }, ICE);
    expect(created).toEqual([expect.objectContaining({ initiator: true, config: { iceServers: ICE } })]);
    link.close();
  });
});
