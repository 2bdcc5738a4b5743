import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAMP_TAGS, type FrameStamp } from '@common/media/frame-stamp';
import type { AdminCandidate } from '@common/platform/admin';
import type { Device } from '@common/platform/queue';
import type { PushToExaminer } from '@common/platform/realtime';
import { DEMO_LIVE_SLOT_ID } from '../../platform/demo/exam';
import { CANDIDATE_PAGE_DIR, startPlatform, type RunningPlatform } from '../../platform/server';
import { slotCandidates } from '../../platform/sim/admin';
import { SimulatedExaminer, type WatchedFeed } from '../../platform/sim/examiner';
import { launchChromium, type Chromium } from '../support/chromium';

/** What the candidate page exposes to tests (platform/web/candidate/main.ts). */
interface CandidateHandle {
  readonly state: string | null;
  readonly prompts: readonly string[];
  readonly publish: string;
  readonly publishers: number;
  readonly voices: number;
  voiceLevel(hz: number): number;
  outboundBytes(): Promise<number>;
  drop(seconds: number): Promise<void>;
  quickMessage(id: string): boolean;
}
type WithHandle = typeof globalThis & { __candidate: CandidateHandle };

let platform: RunningPlatform;
let browser: Chromium;
/** A panel member (examiner1), who watches and talks; the chief leads and calls. */
let examiner: SimulatedExaminer;
let lead: SimulatedExaminer;
let candidate: AdminCandidate;
const pages: Record<Device, Page | null> = { main: null, side: null };
const pageErrors: string[] = [];
const feeds: WatchedFeed[] = [];

beforeAll(async () => {
  if (!existsSync(join(CANDIDATE_PAGE_DIR, 'index.html'))) {
    throw new Error(`the candidate page is not built in ${CANDIDATE_PAGE_DIR}: run npm run build:platform-web (npm test builds it)`);
  }
  platform = await startPlatform();
  const [first] = await slotCandidates(platform.url, DEMO_LIVE_SLOT_ID, platform.adminSecret);
  if (!first) throw new Error('the demo slot has no candidates');
  candidate = first;
  examiner = await SimulatedExaminer.signIn(platform.url, 'examiner1', 'demo1234', { toneHz: 1000 });
  lead = await SimulatedExaminer.signIn(platform.url, 'chief', 'demo1234');
  await examiner.subscribe(DEMO_LIVE_SLOT_ID);
  await lead.subscribe(DEMO_LIVE_SLOT_ID);
  browser = await launchChromium();
});
afterAll(async () => {
  for (const feed of feeds) feed.close();
  examiner?.close();
  lead?.close();
  await browser?.close();
  await platform?.close();
});

/** Opens one device's page the way a candidate's phone would: the token in the fragment. */
async function openDevice(device: Device, fragment: Record<string, string> = {}): Promise<Page> {
  const page = await browser.context.newPage();
  page.on('pageerror', (error) => pageErrors.push(`${device}: ${error.message}`));
  const token = device === 'main' ? candidate.mainToken : candidate.sideToken;
  const hash = new URLSearchParams({ token, device, ...fragment });
  await page.goto(`${platform.url}/candidate/#${hash.toString()}`);
  await page.waitForSelector('html[data-candidate-ready="true"]');
  pages[device] = page;
  return page;
}

const readState = (page: Page) => page.evaluate(() => (globalThis as WithHandle).__candidate.state);
const readPrompts = (page: Page) => page.evaluate(() => (globalThis as WithHandle).__candidate.prompts);

/** The first `count` decoded frames of a feed, checked: right device, in order, plausibly recent. */
async function checkedFrames(feed: WatchedFeed, count: number): Promise<FrameStamp[]> {
  const probe = await feed.video;
  const frames = (await probe.waitForStamped(count)).slice(0, count);
  const stamps = frames.map((frame) => frame.stamp).filter((stamp): stamp is FrameStamp => stamp !== null);
  expect(new Set(stamps.map((stamp) => stamp.tag))).toEqual(new Set([STAMP_TAGS[feed.device]]));
  // In order: time and counter only go up. A frame may come twice (WebRTC repeats the last frame
  // when the source stalls under load); a repeat is the same frame, not one out of order.
  const distinct = stamps.filter((stamp, i) => i === 0 || stamp.counter !== stamps[i - 1]?.counter || stamp.timeMs !== stamps[i - 1]?.timeMs);
  expect(distinct.length).toBeGreaterThan(1);
  for (let i = 1; i < distinct.length; i++) {
    expect(distinct[i]?.timeMs).toBeGreaterThan(distinct[i - 1]?.timeMs ?? Infinity);
    expect(distinct[i]?.counter).toBeGreaterThan(distinct[i - 1]?.counter ?? Infinity);
  }
  // Glass to glass on one machine: after the page drew it, and within reason (no performance threshold).
  for (const frame of frames) {
    const latency = frame.receivedAt - (frame.stamp?.timeMs ?? 0);
    expect(latency).toBeGreaterThanOrEqual(0);
    expect(latency).toBeLessThan(5000);
  }
  return stamps;
}

function watchBoth(): Record<Device, WatchedFeed> {
  const both = { main: examiner.watch(candidate.entryId, 'main'), side: examiner.watch(candidate.entryId, 'side') };
  feeds.push(both.main, both.side);
  return both;
}

const nextQuickMessage = (entryId: string) =>
  new Promise<Extract<PushToExaminer, { type: 'quick_message' }>>((resolve) => {
    const unsubscribe = examiner.onMessage((message) => {
      if (message.type !== 'quick_message' || message.entryId !== entryId) return;
      unsubscribe();
      resolve(message);
    });
  });

describe('the candidate page in Chromium: a main and a side device of one candidate', () => {
  it('walks the queue to waiting, shown in Chinese, after a failed face verification', async () => {
    await openDevice('side');
    const main = await openDevice('main', { faceFailures: '1' });
    const waiting = await examiner.untilEntry((entry) => entry.entryId === candidate.entryId && entry.state === 'waiting');
    expect(waiting.faceAttempts).toBe(1);
    expect(waiting.devices).toEqual({ main: true, side: true });
    await main.waitForSelector('[data-testid="queue-state"][data-state="waiting"]');
    expect(await main.getByTestId('queue-state').textContent()).toBe('候考中，请等待考官叫号');
    expect(await readState(main)).toBe('waiting');
  });

  it('is called in, and the examiner receives and decodes both cameras', async () => {
    await lead.call(DEMO_LIVE_SLOT_ID, candidate.entryId);
    await examiner.untilEntry((entry) => entry.entryId === candidate.entryId && entry.state === 'in_room');
    await examiner.joinRoom(candidate.entryId);
    const both = watchBoth();
    const [main, side] = await Promise.all([checkedFrames(both.main, 10), checkedFrames(both.side, 10)]);
    expect(main).toHaveLength(10);
    expect(side).toHaveLength(10);
    for (const page of [pages.main, pages.side]) {
      if (!page) throw new Error('a device page is not open');
      await page.waitForSelector('[data-testid="peer"][data-state="connected"]');
      expect(await page.getByTestId('queue-state').textContent()).toBe('考试中');
      expect(await page.evaluate(() => (globalThis as WithHandle).__candidate.outboundBytes())).toBeGreaterThan(0);
    }
  });

  it("plays the member's voice on the main page, shows that an examiner speaks, and not on the side page", async () => {
    const { main, side } = pages;
    if (!main || !side) throw new Error('the device pages are not open');
    // A click is the user's gesture that lets the page's AudioContext run.
    await main.getByTestId('queue-state').click();
    const talk = examiner.talk(candidate.entryId);
    await main.waitForFunction(() => (globalThis as WithHandle).__candidate.voices === 1);
    await main.waitForSelector('[data-testid="voice"]', { state: 'attached' });
    await main.waitForFunction((hz) => (globalThis as WithHandle).__candidate.voiceLevel(hz) > 100, talk.toneHz);
    const [atTone, elsewhere] = await main.evaluate(
      (hz) => [(globalThis as WithHandle).__candidate.voiceLevel(hz), (globalThis as WithHandle).__candidate.voiceLevel(hz * 3 + 170)],
      talk.toneHz,
    );
    expect(atTone).toBeGreaterThan(elsewhere ?? 0);
    await main.waitForSelector('[data-testid="examiner-speaking"][data-state="speaking"]');
    expect(await main.getByTestId('examiner-speaking').textContent()).toBe('考官正在讲话');
    expect(await side.evaluate(() => (globalThis as WithHandle).__candidate.voices)).toBe(0);
    talk.stop();
    await main.waitForFunction(() => (globalThis as WithHandle).__candidate.voices === 0);
  });

  it("shows the examiner's prompts and sends quick messages from its buttons", async () => {
    const { main, side } = pages;
    if (!main || !side) throw new Error('the device pages are not open');
    examiner.prompt(candidate.entryId, '请把辅机位对准你的侧面');
    for (const page of [main, side]) {
      await page.getByTestId('prompts').getByText('请把辅机位对准你的侧面').waitFor();
      expect(await readPrompts(page)).toEqual(['请把辅机位对准你的侧面']);
    }
    const quick = nextQuickMessage(candidate.entryId);
    await main.getByTestId('quick-network_poor').click();
    expect(await quick).toMatchObject({ device: 'main', messageId: 'network_poor', text: { zh: '网络不稳定' } });
  });

  it('drops and rejoins: an interruption, then the feeds resume by themselves on new peers', async () => {
    const { main } = pages;
    if (!main) throw new Error('the main page is not open');
    const interrupted = examiner.untilEntry((entry) => entry.entryId === candidate.entryId && entry.state === 'interrupted');
    await main.evaluate(() => void (globalThis as WithHandle).__candidate.drop(1));
    expect((await interrupted).interruptions).toBe(1);
    const resumed = await examiner.untilEntry((entry) => entry.entryId === candidate.entryId && entry.state === 'in_room' && entry.interruptions === 1);
    expect(resumed.interruptedAt).toBeNull();
    await main.waitForSelector('[data-testid="connection"][data-state="online"]');

    const [mainFeed, sideFeed] = feeds;
    if (!mainFeed || !sideFeed) throw new Error('the feeds are not watched');
    await Promise.all([(await mainFeed.video).nextStamped(5), (await sideFeed.video).nextStamped(5)]);
    expect(mainFeed.subscriptions()).toBeGreaterThan(1);
    await main.waitForSelector('[data-testid="peer"][data-state="connected"]');
    expect(pageErrors).toEqual([]);
  });
});
