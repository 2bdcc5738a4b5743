import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { ReviewMark } from '@common/platform';
import { startPlatform, type RunningPlatform } from '../../platform/server';
import { launchChromium, type Chromium } from '../support/chromium';
import { startStack, type Stack } from '../support/servers';
import { ffprobe } from '../support/evidence-fixtures';
import { seriousViolations } from './desk/axe';
import { confirmWithEnter } from './desk/confirm';
import { scoreOf, signInToPlatform } from './desk/platform-api';
import { demoPairAssignment, openReviewQueue } from './desk/review-page';

/**
 * Offline review of recorded exams in Chromium, as a grader works on a train: download two
 * assignments while the platform answers, lose it, review both camera angles of each in sync,
 * note a moment, score, and see the score (with the note) accepted once the platform is back.
 * Real ffmpeg makes the demo recordings and the review artefacts; the videos really play.
 */
const MEDIA = { seconds: 10, longSeconds: 12 } as const;
/** One main + side pair's video frame at 30 fps. */
const FRAME = 1 / 30;

let dataDir: string;
let stack: Stack;
let platform: RunningPlatform;
let browser: Chromium;
let page: Page;
/**
 * grader1's assignments of the demo's plain pair (index 5), the pair whose main falls silent (index 2)
 * and the performance pair (index 4, two phones started apart: its alignment is tested in
 * review-listening.test.ts), left undownloaded here.
 */
let plain = '';
let silent = '';
let notDownloaded = '';
/** The pair whose main phone recorded HEVC, which Chromium cannot play: ffmpeg makes a proxy. */
let hevc = '';

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'review-platform-'));
  stack = await startStack({ platform: { dataDir, demo: { liveCandidates: 2, recordedPerSlot: 3, danceCandidates: 0 }, demoMedia: MEDIA } });
  platform = stack.platform as RunningPlatform;
  const assignmentOfPair = (index: number) => demoPairAssignment(platform, MEDIA, index);
  plain = assignmentOfPair(5);
  silent = assignmentOfPair(2);
  notDownloaded = assignmentOfPair(4);
  hevc = assignmentOfPair(1);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await platform?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const row = (assignmentId: string) => page.locator(`[data-testid="review-table"] [data-row-key="${assignmentId}"]`);
const saveState = (state: string) => page.waitForSelector(`[data-testid="save-state"][data-state="${state}"]`);

async function openAssignment(assignmentId: string): Promise<void> {
  await row(assignmentId).getByRole('button', { name: /^为 .+ 评分$/ }).click();
  await page.waitForSelector(`[data-testid="grading-view"][data-assignment-id="${assignmentId}"]`);
  await page.waitForSelector('[data-testid="score-sheet"]');
}

async function backToQueue(): Promise<void> {
  await page.getByRole('button', { name: '返回阅卷队列' }).click();
  await page.waitForSelector('[data-testid="review-queue"]');
}

/** Both angles' clocks, read in one task of the page. */
function clocks(): Promise<{ main: number; side: number; mainPaused: boolean; sidePaused: boolean }> {
  return page.evaluate(() => {
    const main = document.querySelector<HTMLVideoElement>('video[data-angle="main"]');
    const side = document.querySelector<HTMLVideoElement>('video[data-angle="side"]');
    if (!main || !side) throw new Error('both angles should have a video');
    return { main: main.currentTime, side: side.currentTime, mainPaused: main.paused, sidePaused: side.paused };
  });
}

/** Side minus main on every animation frame for a while, while both play (not while seeking). */
function driftWhilePlaying(frames: number): Promise<number[]> {
  return page.evaluate(
    (count) =>
      new Promise<number[]>((resolve) => {
        const main = document.querySelector<HTMLVideoElement>('video[data-angle="main"]');
        const side = document.querySelector<HTMLVideoElement>('video[data-angle="side"]');
        const drifts: number[] = [];
        const sample = () => {
          if (main && side && !main.paused && !side.paused && !main.seeking && !side.seeking) drifts.push(side.currentTime - main.currentTime);
          if (drifts.length >= count || !main || main.ended) resolve(drifts);
          else requestAnimationFrame(sample);
        };
        requestAnimationFrame(sample);
      }),
    frames,
  );
}

/** Plays until both angles are past `seconds`, then pauses; the side is then put on the main's frame. */
async function playPast(seconds: number): Promise<void> {
  await page.getByTestId('player-toggle').click();
  await page.waitForSelector('[data-testid="player-toggle"][data-playing="true"]');
  await page.waitForFunction(
    (past) => Array.from(document.querySelectorAll<HTMLVideoElement>('video[data-angle]')).every((video) => video.currentTime > past),
    seconds,
  );
}

async function pauseAligned(): Promise<{ main: number; side: number }> {
  await page.getByTestId('player-toggle').click();
  await page.waitForSelector('[data-testid="player-toggle"][data-playing="false"]');
  await page.waitForFunction(
    (frame) => {
      const [main, side] = ['main', 'side'].map((angle) => document.querySelector<HTMLVideoElement>(`video[data-angle="${angle}"]`));
      return !!main && !!side && main.paused && side.paused && !side.seeking && Math.abs(side.currentTime - main.currentTime) <= frame / 2;
    },
    FRAME,
  );
  return clocks();
}

describe('offline review of recorded exams, in Chromium, against the reference platform', () => {
  it('downloads assignments while online, with their state and the cache fill in the queue', async () => {
    page = await openReviewQueue(browser, stack);
    await page.waitForSelector('[data-testid="review-table"][data-rows="6"]');

    for (const assignmentId of [plain, silent, hevc]) {
      await row(assignmentId).locator('[data-testid="download-state"][data-state="none"]').waitFor();
      await row(assignmentId).getByRole('button', { name: /^下载 考号/ }).click();
    }
    for (const assignmentId of [plain, silent, hevc]) await row(assignmentId).locator('[data-testid="download-state"][data-state="ready"]').waitFor();
    expect(await row(plain).getByTestId('download-state').textContent()).toContain('已下载');
    expect(await row(notDownloaded).locator('[data-testid="download-state"]').getAttribute('data-state')).toBe('none');
    const usage = page.getByTestId('cache-usage');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="cache-usage"]')?.getAttribute('data-used')) > 0);
    expect(await usage.textContent()).toMatch(/^录像缓存：已用 [\d.]+ [KMG]?B \/ 共 [\d.]+ [KMGT]?B/);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('goes offline, and an assignment not downloaded says so but can still be scored', async () => {
    await platform.close();
    await page.waitForSelector('[data-testid="platform-health"][data-state="offline"]');
    await openAssignment(notDownloaded);
    await page.waitForSelector('[data-testid="angle-main"][data-state="not_downloaded"]');
    expect(await page.getByTestId('angle-main').textContent()).toContain('录像尚未下载到本机');
    expect(await page.locator('[data-testid="score-sheet"] input[data-criterion]').first().isEnabled()).toBe(true);
    await backToQueue();
  });

  let note: ReviewMark | null = null;

  it('plays both angles of the first in sync, notes a moment while typing keys the player ignores, and scores offline', async () => {
    await openAssignment(plain);
    await page.waitForSelector('[data-testid="review-player"][data-ready="true"]');
    await page.waitForSelector('[data-testid="strip"][data-state="ready"]');
    await page.waitForSelector('[data-testid="waveform"][data-state="ready"]');
    expect(Number(await page.getByTestId('strip').getAttribute('data-tiles'))).toBeGreaterThan(1);

    await playPast(1.5);
    const drifts = await driftWhilePlaying(20);
    expect(drifts.length).toBe(20);
    // sync.ts nudges the side within 0.3 s and seeks it beyond, on the next animation frame:
    // the tolerance is that band plus one slow frame of a busy machine.
    expect(Math.max(...drifts.map(Math.abs))).toBeLessThan(0.5);
    const paused = await pauseAligned();
    expect(paused.main).toBeGreaterThan(1.5);

    // The keyboard: ← goes back 5 s on both angles, . steps one frame.
    await page.getByTestId('review-player').focus();
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction((from) => (document.querySelector<HTMLVideoElement>('video[data-angle="main"]')?.currentTime ?? 0) >= from + 4.9, paused.main);
    const stepped = await clocks();
    await page.keyboard.press('.');
    await page.waitForFunction(
      ([from, frame]) => {
        const [main, side] = ['main', 'side'].map((angle) => document.querySelector<HTMLVideoElement>(`video[data-angle="${angle}"]`));
        const time = main?.currentTime ?? 0;
        return time > from + frame / 2 && time < from + frame * 1.5 + 0.01 && !!side && !side.seeking && Math.abs((side.currentTime ?? 0) - time) <= frame / 2;
      },
      [stepped.main, FRAME] as const,
    );

    // A note at this moment; the K typed into it is text, not "play".
    const at = (await clocks()).main;
    const text = page.getByTestId('mark-text');
    await text.click();
    await text.pressSequentially('第二段 ok 音准偏低');
    expect(await page.getByTestId('player-toggle').getAttribute('data-playing')).toBe('false');
    expect(await text.inputValue()).toBe('第二段 ok 音准偏低');
    await text.press('Enter');
    await page.waitForSelector('[data-testid="marks-panel"][data-count="1"]');
    const mark = page.getByTestId('mark');
    const atMs = Number(await mark.getAttribute('data-at-ms'));
    expect(Math.abs(atMs - at * 1000)).toBeLessThanOrEqual(1);
    await page.waitForSelector('[data-testid="scrubber-mark"][data-kind="note"]');
    note = { id: '', kind: 'note', atMs, text: '第二段 ok 音准偏低' };

    // The note jumps back to its moment from elsewhere.
    await page.getByTestId('player-back').click();
    await page.waitForFunction((ms) => Math.abs((document.querySelector<HTMLVideoElement>('video[data-angle="main"]')?.currentTime ?? 0) * 1000 - ms) > 1000, atMs);
    await page.getByTestId('mark-jump').click();
    await page.waitForFunction((ms) => Math.abs((document.querySelector<HTMLVideoElement>('video[data-angle="main"]')?.currentTime ?? 0) * 1000 - ms) < 2, atMs);

    // Score with the number keys; it waits in the outbox while the platform is away.
    const fields = page.locator('[data-testid="score-sheet"] input[data-criterion]');
    const count = await fields.count();
    expect(count).toBeGreaterThan(0);
    await fields.first().click();
    for (let i = 0; i < count; i++) {
      await page.keyboard.type('8');
      if (i < count - 1) await page.keyboard.press('Tab');
    }
    // The digits went into the fields, not to the player.
    expect(await page.getByTestId('player-toggle').getAttribute('data-playing')).toBe('false');
    await saveState('saved');
    await page.getByTestId('submit-sheet').click();
    await confirmWithEnter(page);
    await saveState('sending');
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    // The whole page, the header's offline badge and its "check now" link included.
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('plays both angles of the second, with the silent gap of its main recording marked', async () => {
    await backToQueue();
    await openAssignment(silent);
    await page.waitForSelector('[data-testid="review-player"][data-ready="true"]');
    await page.waitForSelector('[data-testid="waveform"][data-state="ready"]');
    const gap = page.getByTestId('silent-gap').first();
    await gap.waitFor({ state: 'attached' });
    // The demo's main falls silent from 35% to 60% of its 10 s.
    expect(Number(await gap.getAttribute('data-start-ms'))).toBeGreaterThanOrEqual(3000);
    expect(Number(await gap.getAttribute('data-end-ms'))).toBeLessThanOrEqual(6500);
    await playPast(1);
    const both = await pauseAligned();
    expect(both.side).toBeGreaterThan(1);
  });

  it('plays an HEVC main recording through the H.264 proxy ffmpeg makes of it', async () => {
    await backToQueue();
    const state = await stack.workstation.dispatch('recordings.state', { assignmentId: hevc }, { transport: 'test' });
    if (!state.ok) throw new Error(state.error.message);
    const original = (state.value as { recordings: { angle: string; mediaId: string | null }[] }).recordings.find((recording) => recording.angle === 'main')?.mediaId;
    expect(original).toMatch(/^m[0-9a-f]{24}$/);
    await openAssignment(hevc);
    await page.waitForSelector('[data-testid="angle-main"][data-state="ready"][data-provisional="false"]', { timeout: 60_000 });
    expect(await page.locator('video[data-angle="main"]').getAttribute('data-media-id')).not.toBe(original);
    await page.waitForSelector('[data-testid="review-player"][data-ready="true"]');
    await playPast(1);
    await pauseAligned();
  });

  it('exports both angles side by side and a clip of a marked range, offline, as files ffprobe reads as such', async () => {
    await backToQueue();
    await openAssignment(plain);
    await page.waitForSelector('[data-testid="review-player"][data-ready="true"]');
    const angles = await page.evaluate(() =>
      ['main', 'side'].map((angle) => {
        const video = document.querySelector<HTMLVideoElement>(`video[data-angle="${angle}"]`);
        if (!video) throw new Error(`no ${angle} video`);
        return { width: video.videoWidth, height: video.videoHeight };
      }),
    );
    const [mainSize, sideSize] = angles;
    if (!mainSize || !sideSize) throw new Error('both angles should have a size');

    await page.getByTestId('export-side-by-side').click();

    // The clip's start and end are taken from the player's clock: seek the main angle (the clock follows it), set each.
    const panel = page.getByTestId('export-panel');
    for (const [seconds, button] of [
      [1, 'clip-set-start'],
      [3, 'clip-set-end'],
    ] as const) {
      await page.evaluate((to) => {
        const main = document.querySelector<HTMLVideoElement>('video[data-angle="main"]');
        if (main) main.currentTime = to;
      }, seconds);
      await page.waitForSelector(`[data-testid="export-panel"][data-now-ms="${String(seconds * 1000)}"]`);
      await page.getByTestId(button).click();
    }
    const range = page.getByTestId('clip-range');
    expect(await range.getAttribute('data-start-ms')).toBe('1000');
    expect(await range.getAttribute('data-end-ms')).toBe('3000');
    expect(await range.getAttribute('data-valid')).toBe('true');
    await page.getByTestId('export-clip').click();

    const job = (kind: string) => panel.locator(`[data-testid="export-job"][data-kind="${kind}"]`);
    await page.waitForFunction(
      () => {
        const rows = Array.from(document.querySelectorAll('[data-testid="export-job"]'));
        return rows.length === 2 && rows.every((row) => ['done', 'failed'].includes(row.getAttribute('data-state') ?? ''));
      },
      undefined,
      { timeout: 60_000 },
    );
    expect(await job('side_by_side').getAttribute('data-error')).toBe('');
    expect(await job('clip').getAttribute('data-error')).toBe('');
    expect(await job('side_by_side').getAttribute('data-state')).toBe('done');
    expect(await job('clip').getAttribute('data-state')).toBe('done');

    const exportsDir = mkdtempSync(join(tmpdir(), 'review-exports-'));
    onTestFinished(() => rmSync(exportsDir, { recursive: true, force: true }));
    /** The saved file, fetched through the page as the link would download it. */
    const saved = async (kind: string) => {
      const link = job(kind).getByTestId('export-save');
      const href = await link.getAttribute('href');
      const name = await link.getAttribute('download');
      if (!href || !name) throw new Error(`the ${kind} export has no save link`);
      const base64 = await page.evaluate(async (url) => {
        const response = await fetch(url);
        if (!response.ok) throw new Error(`GET ${url}: ${String(response.status)}`);
        const bytes = new Uint8Array(await response.arrayBuffer());
        let binary = '';
        for (let at = 0; at < bytes.length; at += 0x8000) binary += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
        return btoa(binary);
      }, href);
      const file = join(exportsDir, name);
      writeFileSync(file, Buffer.from(base64, 'base64'));
      return { name, probe: ffprobe(file) };
    };

    // Both angles at one height (the taller one's), side by side: as wide as both at that height.
    const sideBySide = await saved('side_by_side');
    expect(sideBySide.name).toMatch(/^[A-Za-z0-9_-]+_side-by-side\.mp4$/);
    const height = Math.max(mainSize.height, sideSize.height);
    const widthAt = (size: { width: number; height: number }) => (height * size.width) / size.height;
    const videos = sideBySide.probe.streams.filter((stream) => stream.codec_type === 'video');
    expect(videos).toHaveLength(1);
    expect(videos[0]?.height).toBe(height);
    expect(Math.abs((videos[0]?.width ?? 0) - (widthAt(mainSize) + widthAt(sideSize)))).toBeLessThanOrEqual(4);
    expect(sideBySide.probe.streams.filter((stream) => stream.codec_type === 'audio')).toHaveLength(1);

    // The clip of the main angle lasts what was marked.
    const clip = await saved('clip');
    expect(clip.name).toMatch(/^[A-Za-z0-9_-]+_main_1\.0-3\.0s\.mp4$/);
    const clipVideos = clip.probe.streams.filter((stream) => stream.codec_type === 'video');
    expect(clipVideos).toHaveLength(1);
    expect([clipVideos[0]?.width, clipVideos[0]?.height]).toEqual([mainSize.width, mainSize.height]);
    expect(Math.abs(clip.probe.durationMs - 2000)).toBeLessThanOrEqual(200);
    // The panel with its finished jobs, save links included.
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('delivers the score with its note once the platform is back', async () => {
    await backToQueue();
    platform = await startPlatform({ dataDir, port: platform.port });
    await page.waitForSelector(`[data-testid="review-table"] [data-row-key="${plain}"] [data-status="accepted"]`, { timeout: 30_000 });
    const token = await signInToPlatform(platform.url, 'grader1');
    const held = await scoreOf(platform.url, token, plain);
    expect(held.version).toBe(1);
    expect(Object.values(held.sheet?.values ?? {}).every((value) => value === 8)).toBe(true);
    expect(held.sheet?.marks).toEqual([{ ...note, id: expect.stringMatching(/^mk[0-9a-f]{16}$/) as unknown as string }]);
  });
});
