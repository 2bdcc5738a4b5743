import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAMP_TAGS, type FrameStamp } from '@common/media/frame-stamp';
import type { AdminCandidate } from '@common/platform/admin';
import type { Device } from '@common/platform/queue';
import type { PushToExaminer } from '@common/platform/realtime';
import { DEMO_LIVE_SLOT_ID } from '../../platform/demo/exam';
import { startPlatform, type RunningPlatform } from '../../platform/server';
import { slotCandidates } from '../../platform/sim/admin';
import { startSimulatedCandidate, type SimulatedCandidate } from '../../platform/sim/candidate';
import { startSimulatedCamera } from '../../platform/sim/camera';
import { SimulatedDevice } from '../../platform/sim/device';
import { PlatformRefusal, SimulatedExaminer, type WatchedFeed } from '../../platform/sim/examiner';
import type { ReceivedFrame } from '../../platform/sim/feed-probe';

let platform: RunningPlatform;
/** A panel member (examiner1), who watches and talks; the chief leads and calls. */
let examiner: SimulatedExaminer;
let lead: SimulatedExaminer;
let listed: AdminCandidate[];
const candidates: SimulatedCandidate[] = [];
const feeds: WatchedFeed[] = [];

beforeAll(async () => {
  platform = await startPlatform();
  listed = await slotCandidates(platform.url, DEMO_LIVE_SLOT_ID, platform.adminSecret);
  examiner = await SimulatedExaminer.signIn(platform.url, 'examiner1', 'demo1234', { toneHz: 1000 });
  lead = await SimulatedExaminer.signIn(platform.url, 'chief', 'demo1234');
  await examiner.subscribe(DEMO_LIVE_SLOT_ID);
  await lead.subscribe(DEMO_LIVE_SLOT_ID);
});
afterAll(async () => {
  for (const feed of feeds) feed.close();
  for (const candidate of candidates) candidate.stop();
  examiner?.close();
  lead?.close();
  await platform?.close();
});

/** The first `count` frames of a feed that decoded, with the sanity checks every feed must pass. */
async function checkedFrames(feed: WatchedFeed, count: number): Promise<FrameStamp[]> {
  const probe = await feed.video;
  const frames: ReceivedFrame[] = (await probe.waitForStamped(count)).slice(0, count);
  const stamps = frames.map((frame) => frame.stamp).filter((stamp): stamp is FrameStamp => stamp !== null);
  // Each device's stamp says which camera drew the frame.
  expect(new Set(stamps.map((stamp) => stamp.tag))).toEqual(new Set([STAMP_TAGS[feed.device]]));
  // In order: time and counter only go up. A frame may come twice (WebRTC repeats the last frame
  // when the source stalls under load); a repeat is the same frame, not one out of order.
  const distinct = stamps.filter((stamp, i) => i === 0 || stamp.counter !== stamps[i - 1]?.counter || stamp.timeMs !== stamps[i - 1]?.timeMs);
  expect(distinct.length).toBeGreaterThan(1);
  for (let i = 1; i < distinct.length; i++) {
    expect(distinct[i]?.timeMs).toBeGreaterThan(distinct[i - 1]?.timeMs ?? Infinity);
    expect(distinct[i]?.counter).toBeGreaterThan(distinct[i - 1]?.counter ?? Infinity);
  }
  // Drawn before it arrived, and not long before: a sanity bound, not a performance threshold.
  for (const frame of frames) {
    const latency = frame.receivedAt - (frame.stamp?.timeMs ?? 0);
    expect(latency).toBeGreaterThanOrEqual(0);
    expect(latency).toBeLessThan(5000);
  }
  return stamps;
}

/** Polls `check` until it holds (audio energy has no push to wait on). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 100));
}

const watchBoth = (entryId: string): Record<Device, WatchedFeed> => {
  const both = { main: examiner.watch(entryId, 'main'), side: examiner.watch(entryId, 'side') };
  feeds.push(both.main, both.side);
  return both;
};

const nextMessage = <T extends PushToExaminer['type']>(type: T, predicate: (message: Extract<PushToExaminer, { type: T }>) => boolean) =>
  new Promise<Extract<PushToExaminer, { type: T }>>((resolve) => {
    const unsubscribe = examiner.onMessage((message) => {
      if (message.type !== type || !predicate(message as Extract<PushToExaminer, { type: T }>)) return;
      unsubscribe();
      resolve(message as Extract<PushToExaminer, { type: T }>);
    });
  });

describe('simulated candidates (Node, @roamhq/wrtc) against the platform', () => {
  it('walk the queue to waiting on their own; one, called in, is seen on both cameras', async () => {
    const [first, second] = listed;
    if (!first || !second) throw new Error('the demo slot has fewer than two candidates');
    for (const { mainToken, sideToken } of [first, second]) {
      // The first fails face verification once, like a candidate with bad light, then matches.
      candidates.push(await startSimulatedCandidate({ platformUrl: platform.url, mainToken, sideToken, faceFailures: mainToken === first.mainToken ? 1 : 0 }));
    }
    const [called, waiting] = candidates;
    if (!called || !waiting) throw new Error('unreachable');
    const [calledEntry, waitingEntry] = await Promise.all([called.untilState('waiting'), waiting.untilState('waiting')]);
    expect(calledEntry.entryId).toBe(first.entryId);
    expect(calledEntry.faceAttempts).toBe(1);
    expect(waitingEntry.faceAttempts).toBe(0);
    // The examiner sees both devices of both candidates connected.
    await examiner.untilEntry((entry) => entry.entryId === first.entryId && entry.state === 'waiting' && entry.devices.main && entry.devices.side);
    await examiner.untilEntry((entry) => entry.entryId === second.entryId && entry.state === 'waiting');

    // Only the lead calls.
    const refused = await examiner.call(DEMO_LIVE_SLOT_ID, first.entryId).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(PlatformRefusal);
    expect(refused).toMatchObject({ status: 403, code: 'not_lead' });
    await lead.call(DEMO_LIVE_SLOT_ID, first.entryId);
    expect((await called.untilState('in_room')).enteredAt).not.toBeNull();
    const room = await examiner.joinRoom(first.entryId);
    expect(room.entryId).toBe(first.entryId);
    expect(room.members.find((member) => member.memberId === room.you)?.role).toBe('member');
    const both = watchBoth(first.entryId);
    const [main, side] = await Promise.all([checkedFrames(both.main, 8), checkedFrames(both.side, 8)]);
    expect(main.length).toBe(8);
    expect(side.length).toBe(8);
    // The other candidate still waits; nobody opened a connection to their devices.
    expect(waiting.entry()?.state).toBe('waiting');
    expect(waiting.main.snapshot).toMatchObject({ publish: 'none', publishers: 0 });
    expect(called.main.snapshot.publish).toBe('connected');

    // A prompt reaches both of the called candidate's devices; a quick message reaches the panel.
    examiner.prompt(first.entryId, '请开始演唱第一首曲目');
    await Promise.all([called.main.until((s) => s.prompts.includes('请开始演唱第一首曲目')), called.side.until((s) => s.prompts.includes('请开始演唱第一首曲目'))]);
    const quick = nextMessage('quick_message', (message) => message.entryId === first.entryId);
    expect(called.quickMessage('cannot_hear', 'side')).toBe(true);
    expect(await quick).toMatchObject({ device: 'side', messageId: 'cannot_hear', text: { zh: '听不到考官声音' } });
  });

  it("the member's voice reaches the main device, with energy at the member's tone", async () => {
    const [called] = candidates;
    const [first] = listed;
    if (!called || !first) throw new Error('the first test did not run');
    const talk = examiner.talk(first.entryId);
    await called.main.until((snapshot) => snapshot.voices === 1);
    await talk.connected;
    // The tone arrives at its own pitch, well above a pitch nobody sent.
    await until(() => called.voiceLevel(talk.toneHz) > 0.02);
    expect(called.voiceLevel(talk.toneHz)).toBeGreaterThan(10 * called.voiceLevel(2 * talk.toneHz + 137));
    expect(called.side.snapshot.voices).toBe(0);
    talk.stop();
    await called.main.until((snapshot) => snapshot.voices === 0);
  });

  it('drops and comes back within the rule: an interruption, then new peers with new frames', async () => {
    const [called] = candidates;
    const [first] = listed;
    if (!called || !first) throw new Error('the first test did not run');
    const interrupted = examiner.untilEntry((entry) => entry.entryId === first.entryId && entry.state === 'interrupted');
    const back = called.drop(0.5, 'side');
    expect((await interrupted).interruptions).toBe(1);
    await back;
    const resumed = await examiner.untilEntry((entry) => entry.entryId === first.entryId && entry.state === 'in_room' && entry.interruptions === 1);
    expect(resumed.interruptedAt).toBeNull();

    // The side feed subscribes again by itself (new peer id) and frames flow again on both.
    const [mainFeed, sideFeed] = feeds;
    if (!mainFeed || !sideFeed) throw new Error('the first test did not watch');
    await Promise.all([(await mainFeed.video).nextStamped(5), (await sideFeed.video).nextStamped(5)]);
    expect(sideFeed.subscriptions()).toBeGreaterThan(1);
    await called.side.until((snapshot) => snapshot.publish === 'connected');
  });

  it('a second connection of the same device takes over, and the first stays away', async () => {
    const [, waiting] = candidates;
    const [, second] = listed;
    if (!waiting || !second) throw new Error('the first test did not run');
    const camera = startSimulatedCamera({ device: 'main', width: 320, height: 180, fps: 5, toneHz: null });
    const newer = new SimulatedDevice({ platformUrl: platform.url, token: second.mainToken, device: 'main', stream: camera.stream });
    try {
      await newer.start();
      // Told it was replaced, the older one stops instead of reconnecting (and pushing the newer out).
      await waiting.main.until((snapshot) => snapshot.connection === 'replaced');
      expect((await newer.until(({ entry }) => entry !== null)).connection).toBe('online');
      expect((await examiner.untilEntry((entry) => entry.entryId === second.entryId && entry.devices.main)).state).toBe('waiting');
    } finally {
      newer.stop();
      camera.stop();
    }
  });
});
