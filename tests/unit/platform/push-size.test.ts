import { describe, expect, it } from 'vitest';
import { CandidateSignal, MAX_PUSH_BYTES, MAX_SIGNAL_BYTES, PushToExaminer } from '@common/platform/realtime';
import { RoomState } from '@common/platform/room';

/** Six bytes of JSON each (`\u0001`): the most a character of a string can take. */
const escaped = (length: number) => '\u0001'.repeat(length);
const id = 'i'.repeat(64);
const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

/**
 * MAX_PUSH_BYTES, the workstation's maxPayload, against the largest pushes the protocol allows:
 * a valid push must never be taken for an oversized one.
 */
describe('the largest push the platform may send', () => {
  it('holds a room state with every list full and every string at its longest, escaped', () => {
    const url = `turns:${escaped(512 - 'turns:'.length)}`;
    const room = RoomState.parse({
      entryId: id,
      slotId: id,
      route: 'direct',
      routeReason: 'sfu_not_installed',
      directCapacity: Number.MAX_SAFE_INTEGER,
      epoch: Number.MAX_SAFE_INTEGER,
      you: id,
      lead: id,
      members: Array.from({ length: 32 }, () => ({ memberId: id, displayName: escaped(100), role: 'member', chief: false, present: false, submitted: false, talking: false })),
      extraSeconds: Number.MAX_SAFE_INTEGER,
      revision: Number.MAX_SAFE_INTEGER,
      iceServers: Array.from({ length: 8 }, () => ({ urls: Array<string>(8).fill(url), username: escaped(512), credential: escaped(512) })),
    });
    const push = PushToExaminer.parse({ type: 'room', room });
    expect(bytes(push)).toBeGreaterThan(200 * 1024);
    expect(bytes(push)).toBeLessThan(MAX_PUSH_BYTES);
  });

  it('holds a relayed signal whose device sent the largest message allowed', () => {
    const envelope = bytes({ type: 'signal', peerId: id, data: { sdp: '' } });
    const sent = CandidateSignal.parse({ type: 'signal', peerId: id, data: { sdp: 'v'.repeat(MAX_SIGNAL_BYTES - envelope) } });
    expect(bytes(sent)).toBe(MAX_SIGNAL_BYTES);
    const push = PushToExaminer.parse({ type: 'signal', entryId: id, peerId: id, data: sent.data });
    expect(bytes(push)).toBeLessThan(MAX_PUSH_BYTES);
  });
});
