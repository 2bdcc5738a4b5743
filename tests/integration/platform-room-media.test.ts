import { afterEach, describe, expect, it } from 'vitest';
import { DIRECT_ROUTE_CAPACITY } from '@common/platform/room';
import { roomHarness, type DeviceClient, type ExaminerClient } from '../support/room-clients';

/**
 * The candidate's feeds reaching the panel on both routes, with real WebRTC on this machine:
 * each device a phone (CandidatePhone, publishing its simulated camera on every `publish`),
 * each examiner's feed a FeedViewer (answering the offer, resolving at the first decoded frame).
 */

const harness = roomHarness();
afterEach(harness.cleanUp);

/** What the device received, as text: every message as sent, SDPs and candidates included. */
const received = (device: DeviceClient): string => device.raw.join('\n');

describe('reference platform: the direct route', () => {
  it('relays a device\'s own offer to each examiner who subscribes, media flowing, up to its capacity', async () => {
    const t = await harness.setUp();
    const c = t.candidate(0);
    const { main, side } = await t.inRoom(c, await t.login('chief'));
    const [ex1, ex2, chief, ex3] = (await t.panel(c.entryId, ['examiner1', 'examiner2', 'chief', 'examiner3'])) as [ExaminerClient, ExaminerClient, ExaminerClient, ExaminerClient];
    expect(await t.view(ex1, c.entryId, 'main', 'feed-main').current.frame).toEqual({ width: 320, height: 240 });
    expect(await t.view(ex1, c.entryId, 'side', 'feed-side').current.frame).toEqual({ width: 320, height: 240 });
    // The examiner's own ids never reach the device.
    expect(received(main)).not.toContain('feed-main');
    expect(received(main)).not.toMatch(/ex-0|ch-0/);

    ex2.send({ type: 'feed_subscribe', entryId: c.entryId, device: 'main', peerId: 'ex2-main' });
    chief.send({ type: 'feed_subscribe', entryId: c.entryId, device: 'main', peerId: 'chief-main' });
    // ex1's publish, then ex2's and the chief's: the phone holds three uplinks of the main feed.
    for (let uplink = 0; uplink < 3; uplink++) await main.next('publish');
    // A 4th member would cost the phone another uplink: refused, naming the capacity.
    ex3.send({ type: 'feed_subscribe', entryId: c.entryId, device: 'main', peerId: 'ex3-main' });
    const refused = await ex3.next('error');
    expect(refused).toMatchObject({ code: 'direct_route_full', peerId: 'ex3-main' });
    expect(refused.message).toContain(String(DIRECT_ROUTE_CAPACITY));
    // A member already holding feeds may still open more.
    await side.next('publish');
    ex2.send({ type: 'feed_subscribe', entryId: c.entryId, device: 'side', peerId: 'ex2-side' });
    // The side device's second publish: ex1's came before.
    await side.next('publish');
  });
});

describe('reference platform: the SFU route (the platform\'s own Janus)', () => {
  it('has each device publish once to the SFU and every examiner subscribe, media flowing', async (context) => {
    const t = await harness.setUp({ sfu: 'auto' });
    if (t.platform.sfu === null) context.skip(`Janus is not usable on this machine: ${t.platform.mediaNotice}`);
    expect(t.platform.mediaNotice).toContain('SFU');
    const c = t.candidate(0);
    const { main, side } = await t.inRoom(c, await t.login('chief'));
    const members = await t.panel(c.entryId, ['examiner1', 'examiner2', 'examiner3', 'chief']);
    for (const member of members) expect(member.all('room')[0]?.room).toMatchObject({ route: 'sfu', routeReason: 'sfu' });
    const [ex1, ex2, ex3, chief] = members as [ExaminerClient, ExaminerClient, ExaminerClient, ExaminerClient];
    // Four examiners on the main feed (more than the direct route carries), two on the side.
    const viewers = [
      t.view(ex1, c.entryId, 'main', 'ex1-main'),
      t.view(ex2, c.entryId, 'main', 'ex2-main'),
      t.view(ex3, c.entryId, 'main', 'ex3-main'),
      t.view(chief, c.entryId, 'main', 'chief-main'),
      t.view(ex1, c.entryId, 'side', 'ex1-side'),
      t.view(chief, c.entryId, 'side', 'chief-side'),
    ];
    for (const frame of await Promise.all(viewers.map((viewer) => viewer.current.frame))) expect(frame).toEqual({ width: 320, height: 240 });
    // Each device published once, whatever the panel's size.
    expect(main.all('publish')).toHaveLength(1);
    expect(side.all('publish')).toHaveLength(1);
    expect(received(main)).not.toMatch(/ex-0|ch-0/);
    for (const viewer of viewers) expect(received(main)).not.toContain(viewer.current.peerId);
  });
});
