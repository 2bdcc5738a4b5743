import { isAbsolute, join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveMediaTools } from '../../node-shared/media/binaries';
import type { RunningPlatform } from '../../platform/server';
import { SEEK_EXACT_MARK } from '../../renderer/src/review/player/player-clock';
import type { Chromium } from '../support/chromium';
import type { Stack } from '../support/servers';
import { decodedKeyframes } from '../support/decoded-keyframes';
import { demoPairAssignment, openReviewQueue, startReviewDemo, type ReviewDemo } from './desk/review-page';

/**
 * Opening and seeking in Chromium, against the reference platform with the demo's long pair
 * (index 3, four minutes, a keyframe every two seconds):
 *  - the <video> elements the player shows are the ones the queue started loading when the exam
 *    was opened, and after going back to the queue, opening it again shows them at once (already
 *    decoded, at their start);
 *  - a click on the scrubber shows each angle's keyframe before that moment first, where ffmpeg's
 *    decoder finds the keyframes, then the exact frame; a frame step goes straight to its frame.
 */
const MEDIA = { seconds: 6, longSeconds: 240 } as const;

let stack: Stack;
let platform: RunningPlatform;
let browser: Chromium;
let page: Page;
let long = '';

let demo: ReviewDemo | undefined;

beforeAll(async () => {
  demo = await startReviewDemo('review-open-seek', MEDIA, { liveCandidates: 1, recordedPerSlot: 2, danceCandidates: 0 });
  ({ stack, platform, browser } = demo);
  long = demoPairAssignment(platform, MEDIA, 3);
}, 300_000);

afterAll(() => demo?.stop());

const row = (assignmentId: string) => page.locator(`[data-testid="review-table"] [data-row-key="${assignmentId}"]`);

/** The main recording's keyframes in seconds, as ffmpeg's decoder finds them (not the workstation's probe). */
async function mainKeyframes(assignmentId: string): Promise<number[]> {
  const file = platform.ctx.db
    .prepare("SELECT r.path FROM recordings r JOIN assignments a ON a.candidate_id = r.candidate_id AND a.slot_id = r.slot_id WHERE a.id = ? AND r.angle = 'main'")
    .get(assignmentId) as { path: string };
  const path = isAbsolute(file.path) ? file.path : join(platform.ctx.mediaDir ?? '', file.path);
  return decodedKeyframes(resolveMediaTools().ffprobe, path);
}

/** Every time the main angle seeked to, from now until the clock says both are on the exact frame. */
function recordSeeks(): Promise<number[]> {
  return page.evaluate(
    (exactMark) =>
      new Promise<number[]>((resolve) => {
        const main = document.querySelector<HTMLVideoElement>('video[data-angle="main"]');
        if (!main) throw new Error('no main video');
        const times: number[] = [];
        const onSeeked = () => times.push(main.currentTime);
        main.addEventListener('seeked', onSeeked);
        const started = performance.now();
        const observer = new PerformanceObserver((list) => {
          if (!list.getEntries().some((entry) => entry.name === exactMark && entry.startTime >= started)) return;
          observer.disconnect();
          main.removeEventListener('seeked', onSeeked);
          resolve(times);
        });
        observer.observe({ type: 'mark' });
      }),
    SEEK_EXACT_MARK,
  );
}

describe('opening and seeking in Chromium', () => {
  it('opens the long pair on the very elements the queue started loading, and again at once after going back', async () => {
    page = await openReviewQueue(browser, stack);
    await row(long).getByRole('button', { name: /^下载 考号/ }).click();
    await row(long).locator('[data-testid="download-state"][data-state="ready"]').waitFor({ timeout: 120_000 });
    await row(long).getByRole('button', { name: /^为 .+ 评分$/ }).click();
    await page.waitForSelector('[data-testid="review-player"][data-ready="true"]', { timeout: 60_000 });
    // Move away from the start, then tag both elements.
    await page.evaluate(() => {
      for (const video of document.querySelectorAll<HTMLVideoElement>('video[data-angle]')) {
        (video as HTMLVideoElement & { tag?: string }).tag = video.dataset.angle ?? '';
        video.currentTime = 30;
      }
    });
    await page.getByRole('button', { name: '返回阅卷队列' }).click();
    await page.waitForSelector('[data-testid="review-queue"]');
    expect(await page.locator('video').count()).toBe(0);

    await row(long).getByRole('button', { name: /^为 .+ 评分$/ }).click();
    // As the videos appear in the page, they are the same elements, at their start, already with a frame.
    const adopted = await page.evaluate(
      () =>
        new Promise<{ tag: string | undefined; time: number; readyState: number }[]>((resolve) => {
          const look = () => {
            const videos = Array.from(document.querySelectorAll<HTMLVideoElement>('video[data-angle]'));
            if (videos.length < 2) return false;
            resolve(videos.map((video) => ({ tag: (video as HTMLVideoElement & { tag?: string }).tag, time: video.currentTime, readyState: video.readyState })));
            return true;
          };
          if (look()) return;
          const observer = new MutationObserver(() => {
            if (look()) observer.disconnect();
          });
          observer.observe(document.body, { childList: true, subtree: true });
        }),
    );
    expect(adopted.map((video) => video.tag)).toEqual(['main', 'side']);
    for (const video of adopted) {
      expect(video.time).toBe(0);
      expect(video.readyState).toBeGreaterThanOrEqual(2);
    }
    await page.waitForSelector('[data-testid="review-player"][data-ready="true"]');
  });

  it('shows the keyframe before a clicked moment first, then the exact frame; a frame step goes straight to its frame', async () => {
    const keyframes = await mainKeyframes(long);
    expect(keyframes.length).toBeGreaterThan(100);
    await page.waitForSelector('[data-testid="strip"][data-state="ready"]', { timeout: 120_000 });
    const scrubber = page.getByTestId('scrubber');
    const box = await scrubber.boundingBox();
    if (!box) throw new Error('the scrubber has no box');

    const seeks = recordSeeks();
    await page.evaluate(() => undefined);
    // About 89 s into 240: a second after the keyframe at 88 s.
    await page.mouse.click(box.x + (box.width * 89) / 240, box.y + box.height / 2);
    const times = await seeks;
    const exact = times.at(-1) ?? Number.NaN;
    const before = keyframes.filter((time) => time <= exact + 1e-3).at(-1) ?? Number.NaN;
    expect(exact - before).toBeGreaterThan(0.25);
    expect(times).toHaveLength(2);
    // Inside the keyframe (half a frame into it at 30 fps), then the exact time.
    expect(times[0]).toBeGreaterThanOrEqual(before);
    expect(times[0]).toBeLessThan(before + 1 / 30);
    // Both angles end on the same moment (the demo's long pair starts together).
    const side = await page.evaluate(() => document.querySelector<HTMLVideoElement>('video[data-angle="side"]')?.currentTime ?? Number.NaN);
    expect(Math.abs(side - exact)).toBeLessThan(1 / 30);

    const stepped = recordSeeks();
    await page.evaluate(() => undefined);
    await page.keyboard.press('.');
    const step = await stepped;
    // One seek, to the next frame: not by way of the keyframe (a second back).
    expect(step).toHaveLength(1);
    expect((step[0] ?? 0) - exact).toBeGreaterThan(0);
    expect((step[0] ?? 0) - exact).toBeLessThan(0.1);
  });
});
