import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { RoomState } from '@common/platform/room';
import type { JanusSfu } from '../../platform/sfu/janus-sfu';
import type { Sfu } from '../../platform/sfu/sfu';
import { roomHarness, type ExaminerClient, type FeedViewer } from '../support/room-clients';

/**
 * The panel room through the platform's own Janus when Janus dies mid-interview (SIGKILL): the
 * room says the SFU is restarting, every examiner's feed ends with `sfu_restarted`, Janus comes
 * back, the room returns to the SFU route in a new epoch, the devices are asked to publish again,
 * and the examiners — subscribing again as the workstation does on `peer_closed` — see the
 * candidate again. Real platform, real Janus, real WebRTC, all on this machine.
 */

const harness = roomHarness();
afterEach(harness.cleanUp);

/** The lead's voice: a tone the candidate's cameras never make (they make none here). */
const VOICE_HZ = 660;

const isJanus = (sfu: Sfu): sfu is JanusSfu => 'janusPid' in sfu;

/** The first `room` push after the last one `next` returned whose state matches. */
const roomWhere = async (member: ExaminerClient, match: (room: RoomState) => boolean): Promise<RoomState> =>
  (await member.next('room', (message) => match(message.room))).room;

describe('reference platform: the panel room when its SFU is killed', () => {
  it('goes sfu → sfu_restarting → sfu in a new epoch; every feed and voice ends, is published again and flows again', async (context) => {
    const t = await harness.setUp({ sfu: 'auto' });
    const sfu = t.platform.sfu;
    if (sfu === null) return context.skip(`Janus is not usable on this machine: ${t.platform.mediaNotice}`);
    if (!isJanus(sfu)) throw new Error('the platform started an SFU that is not its Janus');

    const c = t.candidate(0);
    const { main, side, phones } = await t.inRoom(c, await t.login('chief'));
    const members = await t.panel(c.entryId, ['examiner1', 'examiner2', 'chief']);
    const before = members.map((member) => member.all('room').at(-1)?.room);
    for (const room of before) expect(room).toMatchObject({ route: 'sfu', routeReason: 'sfu' });
    const epochBefore = before[0]?.epoch ?? -1;

    // Each examiner holds both feeds and sees decoded frames on each.
    const viewers: FeedViewer[] = members.flatMap((member, index) => [
      t.view(member, c.entryId, 'main', `ex${index + 1}-main`),
      t.view(member, c.entryId, 'side', `ex${index + 1}-side`),
    ]);
    for (const frame of await Promise.all(viewers.map((viewer) => viewer.current.frame))) expect(frame).toEqual({ width: 320, height: 240 });
    expect(phones.main.published).toHaveLength(1);
    expect(phones.side.published).toHaveLength(1);
    const firstPublish = { main: phones.main.published[0], side: phones.side.published[0] };

    // A member is speaking to the candidate when Janus dies.
    const [speaker] = members as [ExaminerClient, ...ExaminerClient[]];
    const voice = t.talk(speaker, c.entryId, 'talk-1', VOICE_HZ);
    const receive = await main.next('receive');
    expect((await phones.main.heard(receive.peerId)).hz).toBeGreaterThan(0);

    // As the workstation does while push-to-talk is held: a voice that ends is published again at once.
    let republished = false;
    const stopWatching = speaker.watch((message) => {
      if (message.type !== 'peer_closed' || message.peerId !== 'talk-1') return;
      voice.stop();
      t.talk(speaker, c.entryId, 'talk-2', VOICE_HZ);
      republished = true;
    });

    const pushesBefore = members.map((member) => member.all('room').length);
    const killed = sfu.janusPid;
    if (killed === null) throw new Error('Janus runs but has no pid');
    process.kill(killed, 'SIGKILL');

    // The room says so to every member, then comes back on the SFU in a new epoch.
    for (const member of members) {
      const restarting = await roomWhere(member, (room) => room.routeReason === 'sfu_restarting');
      const back = await roomWhere(member, (room) => room.routeReason === 'sfu');
      expect(back.revision).toBeGreaterThan(restarting.revision);
    }
    // Exactly those two changes, in that order, both in the new epoch (a restart that takes
    // several tries is still one `restarting`).
    members.forEach((member, index) => {
      const after = member.all('room').slice(pushesBefore[index]).map(({ room }) => [room.route, room.routeReason, room.epoch]);
      expect(after).toEqual([
        ['sfu', 'sfu_restarting', epochBefore + 1],
        ['sfu', 'sfu', epochBefore + 1],
      ]);
    });
    expect(existsSync(`/proc/${killed}`)).toBe(false);
    expect(sfu.janusPid).not.toBe(killed);
    expect(sfu.status).toEqual({ state: 'up' });

    // Each device's publisher was ended and it was asked to publish again, once.
    await main.seen('peer_closed', (message) => message.peerId === firstPublish.main);
    await side.seen('peer_closed', (message) => message.peerId === firstPublish.side);
    await main.seen('publish', (message) => message.peerId !== firstPublish.main);
    await side.seen('publish', (message) => message.peerId !== firstPublish.side);

    // Every examiner's feed ended with sfu_restarted; subscribed again, each sees the candidate again.
    const again = await Promise.all(
      viewers.map(async (viewer) => {
        const first = viewer.subscriptions[0];
        const closed = await viewer.examiner.seen('peer_closed', (message) => message.peerId === first?.peerId);
        expect(closed, viewer.name).toMatchObject({ entryId: c.entryId, reason: 'sfu_restarted' });
        expect(first?.closedWith, viewer.name).toBe('sfu_restarted');
        // Subscribed again at once (waiting for the republished feed, not refused), then renewed
        // for the new epoch, as the workstation does: the third subscription is the one that lives.
        expect(viewer.subscriptions.map((s) => [s.closedWith, s.renewed])).toEqual([
          ['sfu_restarted', false],
          [null, true],
          [null, false],
        ]);
        return viewer.current.frame;
      }),
    );
    for (const frame of again) expect(frame).toEqual({ width: 320, height: 240 });
    for (const viewer of viewers) expect(viewer.current.closedWith, viewer.name).toBeNull();
    // One publisher per device again, whatever the panel's size.
    expect(phones.main.published).toHaveLength(2);
    expect(phones.side.published).toHaveLength(2);
    for (const member of members) expect(member.all('error')).toEqual([]);

    // The voice ended with the SFU too; published again on a new peer while Janus was coming
    // back, it reaches the main device on a new receiving peer.
    expect(await speaker.seen('peer_closed', (message) => message.peerId === 'talk-1')).toMatchObject({ reason: 'sfu_restarted' });
    stopWatching();
    expect(republished).toBe(true);
    await main.seen('peer_closed', (message) => message.peerId === receive.peerId);
    const receiveAgain = await main.next('receive');
    expect(receiveAgain.peerId).not.toBe(receive.peerId);
    const heard = await phones.main.heard(receiveAgain.peerId);
    expect(heard.rms).toBeGreaterThan(1000);
    expect(Math.abs(heard.hz - VOICE_HZ)).toBeLessThan(VOICE_HZ * 0.05);
    expect(speaker.all('error')).toEqual([]);
  });
});
