import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbToLinear } from '@common/media/loudness';
import { DEMO_SIDE_LATE_S } from '../../platform/demo/media';
import type { RunningPlatform } from '../../platform/server';
import type { Chromium } from '../support/chromium';
import type { Stack } from '../support/servers';
import { seriousViolations } from './desk/axe';
import { demoPairAssignment, openReviewQueue, startReviewDemo, type ReviewDemo } from './desk/review-page';

/**
 * Blind listening (拉幕) in Chromium, against the reference platform with real demo recordings:
 * with the pictures hidden, no video is visible, yet the recording plays on (both angles' clocks
 * move) and its sound reaches the output through the fair-loudness graph (an analyser on it
 * reads sound), at the gain the waveform's loudness gives. The demo's pair 4 is one performance
 * heard by two phones, the side started 2.4 s later and 8 dB quieter: the player finds the offset
 * by sound, holds the side back by it, and plays the two at one loudness.
 */
const MEDIA = { seconds: 10, longSeconds: 12 } as const;

let stack: Stack;
let platform: RunningPlatform;
let browser: Chromium;
let page: Page;
let plain = '';

let demo: ReviewDemo | undefined;

beforeAll(async () => {
  demo = await startReviewDemo('review-listening', MEDIA, { liveCandidates: 2, recordedPerSlot: 3, danceCandidates: 0 });
  ({ stack, platform, browser } = demo);
  plain = demoPairAssignment(platform, MEDIA, 4);
}, 180_000);

afterAll(() => demo?.stop());

const row = (assignmentId: string) => page.locator(`[data-testid="review-table"] [data-row-key="${assignmentId}"]`);

/** How many <video> elements Playwright would call visible. */
async function visibleVideos(): Promise<number> {
  const videos = await page.locator('video').all();
  let visible = 0;
  for (const video of videos) if (await video.isVisible()) visible += 1;
  return visible;
}

function clocks(): Promise<{ main: number; side: number; mainPaused: boolean }> {
  return page.evaluate(() => {
    const main = document.querySelector<HTMLVideoElement>('video[data-angle="main"]');
    const side = document.querySelector<HTMLVideoElement>('video[data-angle="side"]');
    if (!main || !side) throw new Error('both angles should have a video');
    return { main: main.currentTime, side: side.currentTime, mainPaused: main.paused };
  });
}

describe('blind listening in Chromium, against the reference platform', () => {
  it('downloads a recorded assignment and opens it in the player', async () => {
    page = await openReviewQueue(browser, stack);
    await row(plain).locator('[data-testid="download-state"][data-state="none"]').waitFor();
    await row(plain).getByRole('button', { name: /^下载 考号/ }).click();
    await row(plain).locator('[data-testid="download-state"][data-state="ready"]').waitFor({ timeout: 60_000 });

    await row(plain).getByRole('button', { name: /^为 .+ 评分$/ }).click();
    await page.waitForSelector(`[data-testid="grading-view"][data-assignment-id="${plain}"]`);
    await page.waitForSelector('[data-testid="review-player"][data-ready="true"]');
    await page.waitForSelector('[data-testid="waveform"][data-state="ready"]');
    await page.waitForSelector('[data-testid="strip"][data-state="ready"]');
    expect(await visibleVideos()).toBe(2);
  });

  it('lines the side up by its sound, 2.4 s after the main, and plays the quieter side 8 dB louder', async () => {
    const alignment = page.getByTestId('alignment');
    await page.waitForSelector('[data-testid="alignment"][data-source="sound"]');
    const offsetMs = Number(await alignment.getAttribute('data-offset-ms'));
    expect(Math.abs(offsetMs - DEMO_SIDE_LATE_S * 1000)).toBeLessThanOrEqual(34);
    expect(await page.getByTestId('alignment-text').textContent()).toMatch(/^辅机位 \+2\.\d\d s，按声音对齐（可信度 \d+%）$/);
    // Measured in the waveform pass: the side 8 dB quieter, so its gain is 8 dB more (within 1 dB).
    const gain = async (angle: 'main' | 'side') => Number(await page.getByTestId(`loudness-${angle}`).getAttribute('data-gain-db'));
    expect(Math.abs((await gain('side')) - (await gain('main')) - 8)).toBeLessThanOrEqual(1);
  });

  it('hides both pictures and the strip, and the recording plays on with its sound reaching the output', async () => {
    await page.getByTestId('blind-toggle').click();
    await page.waitForSelector('[data-testid="review-player"][data-blind="true"]');
    expect(await visibleVideos()).toBe(0);
    expect(await page.locator('[data-testid="strip"]').count()).toBe(0);
    expect(await page.getByTestId('waveform').isVisible()).toBe(true);
    expect(await page.getByTestId('player-time').isVisible()).toBe(true);
    const before = await clocks();
    expect(before.mainPaused).toBe(true);

    await page.getByTestId('player-toggle').click();
    await page.waitForSelector('[data-testid="player-toggle"][data-playing="true"]');
    // Both hidden angles play on: the main (the sound) and the side following it.
    await page.waitForFunction(
      (from) => {
        const main = document.querySelector<HTMLVideoElement>('video[data-angle="main"]');
        const side = document.querySelector<HTMLVideoElement>('video[data-angle="side"]');
        return !!main && !!side && main.currentTime > from.main + 1 && side.currentTime > from.side + 1;
      },
      before,
    );
    // The analyser after the angles' gains hears the main's sound.
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="output-level"]')?.getAttribute('data-level') ?? '0') > 0.001);
    expect(await visibleVideos()).toBe(0);
    const playing = await clocks();
    expect(playing.mainPaused).toBe(false);
    // The side on the main's clock: 2.4 s behind it (within a frame or two of playback jitter).
    expect(Math.abs(playing.main - playing.side - DEMO_SIDE_LATE_S)).toBeLessThan(0.15);

    // The graph applies the gain the line says (the waveform's loudness, or 0 dB unmeasured).
    const meant = Number(await page.getByTestId('loudness').getAttribute('data-gain-main-db'));
    const applied = Number(await page.getByTestId('output-level').getAttribute('data-applied-main'));
    expect(applied).toBeCloseTo(dbToLinear(meant), 3);
    expect(await seriousViolations(page)).toEqual([]);

    // Showing the pictures again: both videos, still playing.
    await page.getByTestId('review-player').focus();
    await page.keyboard.press('b');
    await page.waitForSelector('[data-testid="review-player"][data-blind="false"]');
    expect(await visibleVideos()).toBe(2);
    expect((await clocks()).mainPaused).toBe(false);
  });
});
