import { afterEach, describe, expect, it, type TestContext } from 'vitest';
import { DEMO_ACCOUNTS } from '../../platform/demo';
import { roomHarness, type DeviceClient, type ExaminerClient } from '../support/room-clients';

/**
 * The candidate's phone in the panel room, on both routes (the platform's own Janus, and direct
 * peers): what it sends (one camera upload per device through the SFU, one per examiner without
 * it) and what it receives (the panel's voice: talk-back), with real WebRTC on this machine.
 */

const harness = roomHarness();
afterEach(harness.cleanUp);

const ROUTES = [
  { route: 'sfu', sfu: 'auto' },
  { route: 'direct', sfu: 'off' },
] as const;

/** The examiner's tone: a pitch the candidate's own camera never makes (it makes none here). */
const VOICE_HZ = 660;

type Harness = Awaited<ReturnType<typeof harness.setUp>>;

/** A platform on the route asked for; skips (saying why) where the machine has no usable Janus. */
async function platformOn(context: TestContext, sfu: 'auto' | 'off'): Promise<Harness> {
  const t = await harness.setUp({ sfu });
  if (sfu === 'auto' && t.platform.sfu === null) context.skip(`Janus is not usable on this machine: ${t.platform.mediaNotice}`);
  return t;
}

/** Everything that could name an examiner to the candidate. */
function namesOf(username: string, member: ExaminerClient, ownPeerIds: readonly string[]): string[] {
  const account = DEMO_ACCOUNTS.find((a) => a.username === username);
  if (!account) throw new Error(`no demo account ${username}`);
  const memberId = member.all('room').at(-1)?.room.you;
  if (!memberId) throw new Error(`${username} never got the room`);
  return [account.id, account.username, account.displayName, memberId, ...ownPeerIds];
}

/** What the device received, as text: every message as sent, SDPs and candidates included. */
const received = (device: DeviceClient): string => device.raw.join('\n');

describe('reference platform: talk-back, the panel\'s voice on the candidate\'s main device', () => {
  for (const { route, sfu } of ROUTES) {
    it(`carries an examiner's voice to the main device on the ${route} route, naming no examiner`, async (context) => {
      const t = await platformOn(context, sfu);
      const c = t.candidate(0);
      const { main, side, phones } = await t.inRoom(c, await t.login('chief'));
      const [speaker, listener] = await t.panel(c.entryId, ['examiner1', 'examiner2']);
      if (!speaker || !listener) throw new Error('the panel did not join');
      expect(speaker.all('room').at(-1)?.room).toMatchObject({ route });

      const voicePeerId = 'voice-of-ex-01-examiner1';
      t.talk(speaker, c.entryId, voicePeerId, VOICE_HZ);

      // The main device is asked to receive, on a peer id of the platform's choosing, and is offered audio only.
      const receive = await main.next('receive');
      expect(receive.peerId).not.toBe(voicePeerId);
      const offer = await main.next('signal', (message) => message.peerId === receive.peerId);
      expect(offer.data).toMatchObject({ type: 'offer' });
      const sdp = String(offer.data['sdp']);
      expect(sdp).toMatch(/^m=audio /m);
      expect(sdp).not.toMatch(/^m=video /m);

      // It answers and hears the examiner: audio packets, decoded samples with energy, at the tone's pitch.
      const heard = await phones.main.heard(receive.peerId);
      expect(heard.peerId).toBe(receive.peerId);
      expect(heard.packets).toBeGreaterThan(0);
      expect(heard.rms).toBeGreaterThan(1000);
      expect(heard.hz).toBeGreaterThan(VOICE_HZ * 0.95);
      expect(heard.hz).toBeLessThan(VOICE_HZ * 1.05);
      expect(phones.main.receiving).toEqual([receive.peerId]);

      // The voice goes to the main device only; the examiner's side stayed error-free.
      expect(side.all('receive')).toEqual([]);
      expect(phones.side.receiving).toEqual([]);
      expect(speaker.all('error')).toEqual([]);
      expect(speaker.all('peer_closed')).toEqual([]);

      // Nothing either device received names the examiner who spoke (or the one who listened).
      const names = [...namesOf('examiner1', speaker, [voicePeerId]), ...namesOf('examiner2', listener, [])];
      for (const device of [main, side]) {
        const text = received(device);
        for (const name of names) expect(text, `a ${device === main ? 'main' : 'side'} device message names ${name}`).not.toContain(name);
      }
      // (The text searched is the device's own traffic: the receive and the offer's SDP are in it.)
      expect(received(main)).toContain(receive.peerId);
      expect(received(main)).toContain('m=audio');
    });
  }
});

describe('reference platform: the candidate\'s uplink', () => {
  it('through the SFU: each device publishes exactly one peer with one examiner watching, and still one with three', async (context) => {
    const t = await platformOn(context, 'auto');
    const c = t.candidate(0);
    const { main, side, phones } = await t.inRoom(c, await t.login('chief'));
    const [first, ...others] = await t.panel(c.entryId, ['examiner1', 'examiner2', 'chief']);
    if (!first || others.length !== 2) throw new Error('the panel did not join');

    const one = [t.view(first, c.entryId, 'main', 'one-main'), t.view(first, c.entryId, 'side', 'one-side')];
    for (const frame of await Promise.all(one.map((viewer) => viewer.current.frame))) expect(frame).toEqual({ width: 320, height: 240 });
    expect(main.all('publish')).toHaveLength(1);
    expect(side.all('publish')).toHaveLength(1);
    expect(phones.main.published).toHaveLength(1);
    expect(phones.side.published).toHaveLength(1);

    const three = others.flatMap((member, index) => [
      t.view(member, c.entryId, 'main', `more${index}-main`),
      t.view(member, c.entryId, 'side', `more${index}-side`),
    ]);
    for (const frame of await Promise.all(three.map((viewer) => viewer.current.frame))) expect(frame).toEqual({ width: 320, height: 240 });
    // Three examiners on each feed now, and still one upload per device.
    expect(main.all('publish')).toHaveLength(1);
    expect(side.all('publish')).toHaveLength(1);
    expect(phones.main.published).toHaveLength(1);
    expect(phones.side.published).toHaveLength(1);
    for (const viewer of [...one, ...three]) expect(viewer.subscriptions, viewer.name).toHaveLength(1);
  });

  it('direct: the main device publishes one peer per examiner, three for three', async (context) => {
    const t = await platformOn(context, 'off');
    const c = t.candidate(0);
    const { main, side, phones } = await t.inRoom(c, await t.login('chief'));
    const members = await t.panel(c.entryId, ['examiner1', 'examiner2', 'chief']);
    expect(members[0]?.all('room').at(-1)?.room).toMatchObject({ route: 'direct' });
    // No examiner wants a feed yet: nothing is uploaded.
    expect(main.all('publish')).toEqual([]);

    const viewers = members.map((member, index) => t.view(member, c.entryId, 'main', `direct${index}-main`));
    for (const frame of await Promise.all(viewers.map((viewer) => viewer.current.frame))) expect(frame).toEqual({ width: 320, height: 240 });
    expect(main.all('publish')).toHaveLength(3);
    expect(new Set(phones.main.published).size).toBe(3);
    expect(side.all('publish')).toEqual([]);
  });
});
