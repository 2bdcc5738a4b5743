import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JanusConnection, JanusError } from '../../platform/sfu/janus-api';
import { defaultIceAddresses } from '../../platform/sfu/janus-config';
import { resolveJanusBinary } from '../../platform/sfu/janus-process';
import { startJanusSfu, type JanusSfu } from '../../platform/sfu/janus-sfu';
import type { SfuRoom, SfuStatus } from '../../platform/sfu/sfu';
import { signJanusToken, VIDEOROOM_PLUGIN } from '../../platform/sfu/janus-token';
import { LOOPBACK_ICE_ADDRESS, hasLoopbackIceInterface } from '../support/loopback-ice';
import { inboundPackets, publishCamera, remoteSdp, selectedPairAddresses, subscribeTo, type PublisherClient, type SubscriberClient } from '../support/janus';

/**
 * The platform's Janus for real: Debian's janus started by startJanusSfu with the configuration
 * it writes, real WebRTC clients (@roamhq/wrtc + simple-peer) publishing a simulated camera and
 * subscribing to it, all on this machine (the API on 127.0.0.1; ICE on this machine's own address,
 * as Janus never gathers on loopback).
 */

const janus = resolveJanusBinary();
// Only a machine without any janus skips; in CI a missing janus fails the suite (the SFU is then unavailable).
const noJanus = 'missing' in janus && !process.env['CI'];

/** The process ids of every running process whose command line mentions `text`. */
function processesMentioning(text: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text)) found.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

/** The configuration folder (-F) a running janus was started with. */
function configFolderOf(pid: number): string {
  const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  const folder = args[args.indexOf('-F') + 1];
  if (!folder) throw new Error(`janus ${pid} has no -F folder`);
  return folder;
}

function required<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`${what} is missing`);
  return value;
}

function nextStatus(sfu: JanusSfu, state: SfuStatus['state']): Promise<SfuStatus> {
  return new Promise((resolve) => {
    const off = sfu.onStatus((status) => {
      if (status.state !== state) return;
      off();
      resolve(status);
    });
  });
}

describe.skipIf(noJanus)(
  `the platform's Janus SFU${noJanus ? ' (skipped: this machine has no janus — set PLATFORM_JANUS_PATH or install Debian’s janus)' : ''}`,
  () => {
    let sfu: JanusSfu;
    const clients: (PublisherClient | SubscriberClient)[] = [];
    const rooms: SfuRoom[] = [];
    const track = <T extends PublisherClient | SubscriberClient>(client: T): T => {
      clients.push(client);
      return client;
    };
    const openRoom = async (key: string) => {
      const room = await sfu.openRoom(key);
      rooms.push(room);
      return room;
    };

    beforeAll(async () => {
      sfu = await startJanusSfu();
    });

    afterAll(async () => {
      for (const client of clients) client.destroy();
      await sfu?.stop();
    });

    it('starts Janus and is up', () => {
      expect(sfu.status).toEqual({ state: 'up' });
      expect(sfu.janusPid).toBeGreaterThan(0);
    });

    it('answers only on 127.0.0.1, and only to signed tokens; only the platform creates rooms', async () => {
      const folder = configFolderOf(required(sfu.janusPid, 'the janus pid'));
      const port = /ws_port = (\d+)/.exec(readFileSync(join(folder, 'janus.transport.websockets.jcfg'), 'utf8'))?.[1];
      const secret = /token_auth_secret = "([^"]+)"/.exec(readFileSync(join(folder, 'janus.jcfg'), 'utf8'))?.[1];
      expect(port).toBeDefined();
      expect(secret).toBeDefined();
      await expect(JanusConnection.connect(`ws://${defaultIceAddresses()[0]}:${port}`)).rejects.toThrow(JanusError);

      const connection = await JanusConnection.connect(`ws://127.0.0.1:${port}`);
      try {
        const forged = signJanusToken('not-the-secret', Date.now() + 60_000);
        await expect(connection.createSession(() => forged)).rejects.toMatchObject({ code: 'janus', janusCode: 403 });
        const expired = signJanusToken(required(secret, 'the token secret'), Date.now() - 60_000);
        await expect(connection.createSession(() => expired)).rejects.toMatchObject({ code: 'janus', janusCode: 403 });

        const session = await connection.createSession(() => signJanusToken(required(secret, 'the token secret'), Date.now() + 60_000));
        const handle = await session.attach(VIDEOROOM_PLUGIN);
        await expect(handle.message({ request: 'create', room: 4242, publishers: 16 })).rejects.toMatchObject({ code: 'plugin' });
        await session.destroy();
      } finally {
        connection.close();
      }
    });

    it('one publisher, three subscribers: each receives decoded video, over this machine only', async () => {
      const room = await openRoom('exam-1/slot-1');
      const publisher = track(publishCamera(room, 'main'));
      await publisher.live;
      const subscribers = [1, 2, 3].map(() => track(subscribeTo(room, 'main')));
      await Promise.all(subscribers.map((subscriber) => subscriber.videoFrames(10)));
      for (const subscriber of subscribers) {
        expect(subscriber.tracks.map((t) => t.kind).sort()).toEqual(['audio', 'video']);
        expect(subscriber.closedWith()).toBeNull();
      }
      expect(publisher.closedWith()).toBeNull();

      // Janus's side of the pair is the address it was told to use; ours is one of this machine's.
      const ownAddresses = Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((a) => a.address));
      const pair = await selectedPairAddresses(required(subscribers[0], 'a subscriber').peer);
      expect(pair?.remote).toBe(defaultIceAddresses()[0]);
      expect(ownAddresses).toContain(pair?.local);
      // With the loopback-range interface the tests make (tests/support/loopback-ice.ts), both ends stay on 127/8.
      if (hasLoopbackIceInterface()) {
        expect(pair?.remote).toBe(LOOPBACK_ICE_ADDRESS);
        expect(pair?.local.startsWith('127.')).toBe(true);
      }
    });

    it("a subscriber that takes only audio gets no video track", async () => {
      const room = await openRoom('exam-1/slot-2');
      const publisher = track(publishCamera(room, 'main'));
      await publisher.live;
      const listener = track(subscribeTo(room, 'main', ['audio']));
      // Audio flows to it; the SFU's offer had no video at all.
      await expect(inboundPackets(listener.peer, 'audio')).resolves.toBeGreaterThan(0);
      expect(listener.tracks.map((t) => t.kind)).toEqual(['audio']);
      expect(remoteSdp(listener.peer)).toMatch(/^m=audio /m);
      expect(remoteSdp(listener.peer)).not.toMatch(/^m=video /m);
      expect(listener.closedWith()).toBeNull();
    });

    it("a subscription to a feed nobody publishes closes with 'failed'", async () => {
      const room = await openRoom('exam-1/slot-3');
      const subscriber = track(subscribeTo(room, 'side'));
      await expect(subscriber.closed).resolves.toBe('failed');
    });

    it('a malformed or refused signal closes only the peer that sent it', async () => {
      const room = await openRoom('exam-1/slot-4');
      const publisher = track(publishCamera(room, 'main'));
      await publisher.live;
      const bad = track(subscribeTo(room, 'main'));
      const renegotiating = track(subscribeTo(room, 'main'));
      const good = track(subscribeTo(room, 'main'));
      await Promise.all([bad, renegotiating, good].map((subscriber) => subscriber.videoFrames(3)));

      bad.sfuPeer.signal({ type: 'answer' }); // no SDP
      renegotiating.sfuPeer.signal({ type: 'renegotiate', renegotiate: true });
      await expect(bad.closed).resolves.toBe('failed');
      await expect(renegotiating.closed).resolves.toBe('failed');

      // The others carry on: fresh frames still arrive, and a new subscriber still works.
      await good.videoFrames(30);
      const late = track(subscribeTo(room, 'main'));
      await late.videoFrames(3);
      expect(good.closedWith()).toBeNull();
      expect(publisher.closedWith()).toBeNull();
    });

    it('Janus killed mid-interview: restarting → up, every peer told sfu_restarted, a new room works', async () => {
      const room = await openRoom('exam-1/slot-5');
      const publisher = track(publishCamera(room, 'main'));
      await publisher.live;
      const subscriber = track(subscribeTo(room, 'main'));
      await subscriber.videoFrames(3);

      const statuses: SfuStatus['state'][] = [];
      const off = sfu.onStatus((status) => statuses.push(status.state));
      const up = nextStatus(sfu, 'up');
      const killed = required(sfu.janusPid, 'the janus pid');
      process.kill(killed, 'SIGKILL');

      await expect(publisher.closed).resolves.toBe('sfu_restarted');
      await expect(subscriber.closed).resolves.toBe('sfu_restarted');
      await up;
      off();
      expect(statuses[0]).toBe('restarting');
      expect(statuses.at(-1)).toBe('up');
      expect(sfu.janusPid).not.toBe(killed);
      expect(existsSync(`/proc/${killed}`)).toBe(false);

      const again = await openRoom('exam-1/slot-5');
      const republished = track(publishCamera(again, 'main'));
      await republished.live;
      const resubscribed = track(subscribeTo(again, 'main'));
      await resubscribed.videoFrames(5);
      expect(resubscribed.closedWith()).toBeNull();
    });

    it('refuses to open a room once stopped, and stop() leaves no janus process or folder behind', async () => {
      const pid = required(sfu.janusPid, 'the janus pid');
      const folder = configFolderOf(pid);
      expect(existsSync(folder)).toBe(true);
      for (const client of clients.splice(0)) client.destroy();
      await Promise.all(rooms.splice(0).map((room) => room.close()));

      await sfu.stop();
      expect(existsSync(`/proc/${pid}`)).toBe(false);
      expect(processesMentioning(folder)).toEqual([]);
      expect(existsSync(folder)).toBe(false);
      expect(sfu.status.state).toBe('unavailable');
      await expect(sfu.openRoom('exam-1/slot-6')).rejects.toThrow(/not up/);
    });
  },
);

describe('without a usable janus', () => {
  it('says not_installed when the binary is missing', async () => {
    const sfu = await startJanusSfu({ binary: '/nonexistent/janus' });
    expect(sfu.status).toMatchObject({ state: 'unavailable', why: 'not_installed' });
    await expect(sfu.openRoom('exam-1/slot-1')).rejects.toThrow(/not up/);
    await sfu.stop();
  });

  it('says unreachable, with the reason, when janus exits at start', async () => {
    const sfu = await startJanusSfu({ binary: '/bin/false', libDir: '/nonexistent' });
    expect(sfu.status).toMatchObject({ state: 'unavailable', why: 'unreachable' });
    expect(sfu.status.state === 'unavailable' && sfu.status.detail).toMatch(/exited \(code 1\)/);
    await sfu.stop();
  });
});
