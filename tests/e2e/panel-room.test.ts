import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminCandidate } from '@common/platform/admin';
import type { Device } from '@common/platform/queue';
import { DEMO_LIVE_SLOT_ID } from '../../platform/demo/exam';
import { CANDIDATE_PAGE_DIR, startPlatform, type PlatformOptions, type RunningPlatform } from '../../platform/server';
import { slotCandidates } from '../../platform/sim/admin';
import type { LiveTestHandle } from '../../renderer/src/live/diagnostics';
import { openCandidatePages, type CandidateWindow } from '../support/candidate-pages';
import { launchChromiumBrowser, type ChromiumBrowser } from '../support/chromium';
import { openInterview, readFeed, signedInWorkstation, waitPlaying } from '../support/live-page';
import { RENDERER_DIR, startStack, type Stack } from '../support/servers';

/**
 * The panel room in Chromium, as a panel sits it: three examiners, each with a workstation of
 * their own (own data folder, own browser host, own browser context), and a candidate's main and
 * side phones as pages, against the reference platform with its SFU (Janus); then the direct
 * route with two examiners. The examiners' fake microphone plays a steady tone from a file, so the
 * candidate's page can tell an examiner's voice by its pitch.
 */

const MIC_TONE_HZ = 880;
/** The candidate page's analyser reads 0..255; the tone at full scale reads far above this, silence far below. */
const HEARD = 100;
const SILENT = 30;

type ExaminerWindow = typeof globalThis & { __examinerLive: LiveTestHandle };

interface Examiner {
  readonly username: string;
  readonly stack: Stack;
  readonly page: Page;
}

let browser: ChromiumBrowser;
let micFolder: string;
const pageErrors: string[] = [];
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  for (const dir of [RENDERER_DIR, CANDIDATE_PAGE_DIR]) {
    if (!existsSync(join(dir, 'index.html'))) throw new Error(`${dir} is not built: run npm run build (npm test builds it)`);
  }
  micFolder = mkdtempSync(join(tmpdir(), 'examiner-mic-'));
  const tone = join(micFolder, 'tone.wav');
  const made = spawnSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', `sine=frequency=${MIC_TONE_HZ}:duration=60`, '-ar', '48000', '-ac', '1', tone]);
  if (made.status !== 0) throw new Error(`ffmpeg could not make the microphone's tone: ${String(made.stderr)}`);
  browser = await launchChromiumBrowser({
    args: [
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${tone}`,
      // The candidate's phone plays the panel's voices as they come, with nobody to click first.
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
});

/** Closes what the tests opened so far, last first: pages, workstations, platforms. */
async function closeOpened(): Promise<void> {
  for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) await cleanup();
}

afterAll(async () => {
  await closeOpened();
  await browser?.close();
  if (micFolder) rmSync(micFolder, { recursive: true, force: true });
});

async function platformWith(options: PlatformOptions): Promise<RunningPlatform> {
  const platform = await startPlatform(options);
  cleanups.push(() => platform.close());
  return platform;
}

/** A workstation of its own for `username`, signed in, in a browser context of its own. */
async function seat(platform: RunningPlatform, username: string): Promise<Examiner> {
  const stack = await startStack({ platform: false, platformUrl: platform.url });
  cleanups.push(() => stack.stop());
  const context = await browser.newContext();
  cleanups.push(() => context.close());
  const page = await signedInWorkstation(context, stack, (message) => pageErrors.push(`${username}: ${message}`), { username });
  return { username, stack, page };
}

/** Both phones of a candidate as pages in a context of their own, waiting in the queue. */
async function candidatePhones(platform: RunningPlatform, candidate: AdminCandidate): Promise<Record<Device, Page>> {
  const context = await browser.newContext();
  cleanups.push(() => context.close());
  return openCandidatePages(context, platform.url, candidate, (message) => pageErrors.push(message));
}

const bothPlaying = (page: Page) => Promise.all([waitPlaying(page, 'main'), waitPlaying(page, 'side')]);

/** Bytes both phones sent over `seconds` on their publishing peers. */
async function uplinkBytes(phones: Record<Device, Page>, seconds: number): Promise<number> {
  const sent = () => Promise.all([phones.main, phones.side].map((page) => page.evaluate(() => (globalThis as CandidateWindow).__candidate.outboundBytes())));
  const before = await sent();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const after = await sent();
  return after.reduce((sum, bytes, i) => sum + bytes - (before[i] ?? 0), 0);
}

/**
 * Answers the confirmation on top (the interview is itself a dialog beneath it) with Enter, once
 * its OK button has the focus, as an examiner does.
 */
async function confirmOnTop(page: Page): Promise<void> {
  await page.locator('.ant-modal-confirm').waitFor();
  await page.waitForFunction(() => {
    const focused = document.activeElement;
    return focused instanceof HTMLButtonElement && focused.closest('.ant-modal-confirm') !== null && focused.classList.contains('ant-btn-primary');
  });
  await page.keyboard.press('Enter');
  await page.locator('.ant-modal-confirm').waitFor({ state: 'detached' });
}

const memberRows = (page: Page) => page.locator('[data-testid="room-panel"] [data-testid="room-member"]');

describe('the panel room through the SFU: three examiners and a candidate in Chromium', () => {
  let platform: RunningPlatform;
  let lead: Examiner;
  let members: Examiner[];
  let candidate: AdminCandidate;
  let phones: Record<Device, Page>;

  // The room leaves before the next one sits: five pages still decoding and encoding video would
  // starve the next room's pages on two cores.
  afterAll(closeOpened);

  it('seats the lead (the chief) and two members, each on a workstation of their own', async () => {
    platform = await platformWith({});
    expect(platform.sfu?.status.state).toBe('up');
    [lead, ...members] = await Promise.all([seat(platform, 'chief'), seat(platform, 'examiner1'), seat(platform, 'examiner2')]);
    const [first] = await slotCandidates(platform.url, DEMO_LIVE_SLOT_ID, platform.adminSecret);
    if (!first) throw new Error('the demo slot has no candidates');
    candidate = first;
    phones = await candidatePhones(platform, candidate);
  });

  it("refuses a member's call, and shows members who calls", async () => {
    const [member] = members;
    if (!member) throw new Error('no member');
    const refused = await member.stack.workstation.dispatch('live.call', { slotId: DEMO_LIVE_SLOT_ID, entryId: candidate.entryId }, { transport: 'test' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'not_lead' } });
    await member.page.getByTestId('queue-lead-hint').waitFor();
    expect(await member.page.getByTestId('queue-lead-hint').textContent()).toContain('刘主任');
    expect(await member.page.getByTestId('call-next').isDisabled()).toBe(true);
    // The members look at their review queue for now: they join the interview later.
    for (const { page } of members) await page.getByRole('tab', { name: /录播阅卷/ }).click();
  });

  let uplinkWithOne = 0;

  it('the lead calls: both feeds decode on the lead’s panels, through the SFU', async () => {
    await openInterview(lead.page, DEMO_LIVE_SLOT_ID, candidate.entryId);
    await lead.page.getByTestId('call-candidate').click();
    const readings = await bothPlaying(lead.page);
    for (const reading of readings) expect(reading).toMatchObject({ link: 'connected', wrongDevice: 0 });
    await lead.page.waitForSelector('[data-testid="room-panel"][data-route="sfu"][data-lead="you"]');
    // The phone's encoder settles before its uplink is measured with one examiner watching.
    await Promise.all([waitPlaying(lead.page, 'main', readings[0].frames + 90), waitPlaying(lead.page, 'side', readings[1].frames + 90)]);
    uplinkWithOne = await uplinkBytes(phones, 10);
    expect(uplinkWithOne).toBeGreaterThan(0);
  }, 120_000);

  it('members who arrive late join the interview in progress, and all three see both feeds', async () => {
    for (const { page } of members) await page.getByRole('tab', { name: /现场候考/ }).click();
    // Their queue opens the running interview by itself, and they are in the room.
    await Promise.all(members.map(({ page }) => page.waitForSelector(`[data-testid="live-interview"][data-entry-id="${candidate.entryId}"]`)));
    await Promise.all(members.map(({ page }) => bothPlaying(page)));
    for (const { page } of [lead, ...members]) {
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="room-member"][data-present="true"]').length === 3);
    }
    expect(await memberRows(lead.page).count()).toBe(4);
  }, 120_000);

  it("the phones' uplink with three examiners is within 20% of that with one: each phone publishes once", async () => {
    const uplinkWithThree = await uplinkBytes(phones, 10);
    expect(uplinkWithThree / uplinkWithOne).toBeGreaterThan(0.8);
    expect(uplinkWithThree / uplinkWithOne).toBeLessThan(1.2);
  }, 60_000);

  it("a member holds push-to-talk: the candidate's main phone plays the examiner's tone, and the panel sees who talks", async () => {
    const speaker = members[1];
    if (!speaker) throw new Error('no second member');
    const main = phones.main;
    const level = () => main.evaluate((hz) => (globalThis as CandidateWindow).__candidate.voiceLevel(hz), MIC_TONE_HZ);
    await speaker.page.waitForSelector('[data-testid="talk-back"][data-mic="on"][data-voice="connected"]');
    expect(await level()).toBeLessThan(SILENT);

    const button = speaker.page.getByTestId('push-to-talk');
    await button.hover();
    await speaker.page.mouse.down();
    await main.waitForFunction(([hz, heard]) => (globalThis as CandidateWindow).__candidate.voiceLevel(hz) > heard, [MIC_TONE_HZ, HEARD] as const);
    await lead.page.waitForSelector('[data-testid="room-member"][data-talking="true"]');
    expect(await lead.page.locator('[data-testid="room-member"][data-talking="true"]').count()).toBe(1);

    await speaker.page.mouse.up();
    await main.waitForFunction(([hz, silent]) => (globalThis as CandidateWindow).__candidate.voiceLevel(hz) < silent, [MIC_TONE_HZ, SILENT] as const);
    await lead.page.waitForFunction(() => document.querySelectorAll('[data-testid="room-member"][data-talking="true"]').length === 0);
  }, 60_000);

  it('the side phone drops and comes back: all three panels show it again by themselves', async () => {
    const before = await Promise.all([lead, ...members].map(({ page }) => readFeed(page, 'side')));
    await phones.side.evaluate(() => (globalThis as CandidateWindow).__candidate.drop(3));
    await Promise.all(
      [lead, ...members].map(async ({ page }, i) => {
        await page.waitForSelector('[data-testid="feed-side"][data-view="playing"]');
        return page.waitForFunction(
          ([links, frames]) => {
            const side = (globalThis as ExaminerWindow).__examinerLive.feed('side');
            return side.links > links && side.frames > frames;
          },
          [before[i]?.links ?? 0, before[i]?.frames ?? 0] as const,
          { timeout: 60_000 },
        );
      }),
    );
  }, 90_000);

  it('all three score on their own; the lead sees three submissions, never a score', async () => {
    for (const { page } of [lead, ...members]) {
      const sheet = page.getByTestId('interview-grading').getByTestId('score-sheet');
      await sheet.waitFor();
      const inputs = sheet.locator('input[data-criterion]');
      const count = await inputs.count();
      expect(count).toBeGreaterThan(0);
      for (let i = 0; i < count; i++) await inputs.nth(i).fill('5');
      await sheet.getByTestId('submit-sheet').click();
      await confirmOnTop(page);
    }
    await lead.page.waitForFunction(() => document.querySelectorAll('[data-testid="room-member"][data-submitted="true"]').length === 3, undefined, {
      timeout: 60_000,
    });
    // A member's room panel shows no one's submissions; no panel shows a score.
    const [member] = members;
    if (!member) throw new Error('no member');
    expect(await member.page.locator('[data-testid="room-member-submitted"]').count()).toBe(0);
    expect(await lead.page.getByTestId('room-panel').textContent()).not.toMatch(/\d+(\.\d+)?\s*分/);
    await lead.page.getByTestId('end-interview').click();
    await confirmOnTop(lead.page);
    await lead.page.waitForSelector('[data-testid="live-interview"][data-state="finished"]');
  }, 120_000);
});

describe('the panel room on the direct route (no SFU): two examiners', () => {
  it('the lead calls, both examiners see both feeds, and the room says it is direct', async () => {
    const platform = await platformWith({ sfu: 'off' });
    expect(platform.sfu).toBeNull();
    const [lead, member] = await Promise.all([seat(platform, 'chief'), seat(platform, 'examiner1')]);
    const [, second] = await slotCandidates(platform.url, DEMO_LIVE_SLOT_ID, platform.adminSecret);
    if (!second) throw new Error('the demo slot has too few candidates');
    await candidatePhones(platform, second);
    await openInterview(lead.page, DEMO_LIVE_SLOT_ID, second.entryId);
    await lead.page.getByTestId('call-candidate').click();
    await member.page.waitForSelector(`[data-testid="live-interview"][data-entry-id="${second.entryId}"]`);
    await Promise.all([bothPlaying(lead.page), bothPlaying(member.page)]);
    for (const { page } of [lead, member]) {
      await page.waitForSelector('[data-testid="room-panel"][data-route="direct"]');
      expect(await page.getByTestId('room-route').textContent()).toContain('直连');
    }
  }, 120_000);
});

describe('what the pages said', () => {
  it('raised no error in any page', () => {
    expect(pageErrors).toEqual([]);
  });
});
