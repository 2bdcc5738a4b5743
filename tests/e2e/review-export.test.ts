import { readdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportList } from '@common/contract';
import type { RunningPlatform } from '../../platform/server';
import { sql } from '../../main/store/sql';
import type { Chromium } from '../support/chromium';
import type { Stack } from '../support/servers';
import { demoPairAssignment, openReviewQueue, startReviewDemo, type ReviewDemo } from './desk/review-page';

/**
 * Cancelling an export in Chromium, against the reference platform with real demo recordings:
 * the side-by-side export of the demo's long pair (index 3) is started from the player's export
 * panel and cancelled from it while ffmpeg runs; it shows as cancelled (已取消), no file is made,
 * and since main keeps the assignment's exports, the list still shows it after the grader leaves
 * the player and opens it again.
 */
const MEDIA = { seconds: 6, longSeconds: 240 } as const;

let stack: Stack;
let platform: RunningPlatform;
let browser: Chromium;
let page: Page;
let long = '';

let demo: ReviewDemo | undefined;

beforeAll(async () => {
  demo = await startReviewDemo('review-export', MEDIA, { liveCandidates: 1, recordedPerSlot: 2, danceCandidates: 0 });
  ({ stack, platform, browser } = demo);
  long = demoPairAssignment(platform, MEDIA, 3);
}, 300_000);

afterAll(() => demo?.stop());

const row = (assignmentId: string) => page.locator(`[data-testid="review-table"] [data-row-key="${assignmentId}"]`);
const sideBySideRow = () => page.locator('[data-testid="export-job"][data-kind="side_by_side"]');

async function openAssignment(assignmentId: string): Promise<void> {
  await row(assignmentId).getByRole('button', { name: /^为 .+ 评分$/ }).click();
  await page.waitForSelector(`[data-testid="grading-view"][data-assignment-id="${assignmentId}"]`);
  await page.waitForSelector('[data-testid="review-player"][data-ready="true"]', { timeout: 60_000 });
}

async function exportsInMain(): Promise<ExportList['exports']> {
  const result = await stack.workstation.dispatch('media.listExports', { assignmentId: long }, { transport: 'test' });
  if (!result.ok) throw new Error(result.error.message);
  return (result.value as ExportList).exports;
}

describe('cancelling an export in Chromium', () => {
  it('opens the long recorded pair in the player', async () => {
    page = await openReviewQueue(browser, stack);
    await row(long).locator('[data-testid="download-state"][data-state="none"]').waitFor();
    await row(long).getByRole('button', { name: /^下载 考号/ }).click();
    await row(long).locator('[data-testid="download-state"][data-state="ready"]').waitFor({ timeout: 120_000 });
    await openAssignment(long);
    expect(await page.getByTestId('export-job').count()).toBe(0);
  });

  it('cancels the side-by-side export while it runs: 已取消, and no file', async () => {
    await page.getByTestId('export-side-by-side').click();
    // Background work: it runs once the player's own jobs (strips, waveforms) are done.
    await page.waitForSelector('[data-testid="export-job"][data-kind="side_by_side"][data-state="running"]', { timeout: 180_000 });
    // Named by main (the candidate code), offered for cancelling under that name.
    await sideBySideRow().getByRole('button', { name: /^取消导出 [A-Za-z0-9_-]+_side-by-side\.mp4$/ }).click();

    await page.waitForSelector('[data-testid="export-job"][data-kind="side_by_side"][data-state="failed"]', { timeout: 60_000 });
    expect(await sideBySideRow().getAttribute('data-error')).toBe('media_cancelled');
    expect(await sideBySideRow().textContent()).toContain('已取消');
    expect(await sideBySideRow().getAttribute('data-media-id')).toBe('');
    expect(await sideBySideRow().getByTestId('export-save').count()).toBe(0);

    // Main says the same: failed as cancelled, no media id; and nothing of it is on disk or in the cache's rows.
    const [entry] = await exportsInMain();
    expect(entry).toMatchObject({ kind: 'side_by_side', state: 'failed', mediaId: null, error: { code: 'media_cancelled' } });
    const rows = stack.workstation.store.reader.all<{ media_id: string }>(sql`SELECT media_id FROM media_artefacts WHERE kind = 'side_by_side'`);
    expect(rows).toEqual([]);
    const leftovers = readdirSync(stack.dataDir, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.partial'));
    expect(leftovers).toEqual([]);
  });

  it('still lists it, cancelled, after leaving the player and opening it again', async () => {
    const jobId = await sideBySideRow().getAttribute('data-job-id');
    expect(jobId).toMatch(/^j[0-9a-f]{16}$/);
    await page.getByRole('button', { name: '返回阅卷队列' }).click();
    await page.waitForSelector('[data-testid="review-queue"]');
    expect(await page.getByTestId('export-job').count()).toBe(0);

    await openAssignment(long);
    const listed = page.locator(`[data-testid="export-job"][data-job-id="${jobId ?? ''}"]`);
    await listed.waitFor();
    expect(await page.getByTestId('export-job').count()).toBe(1);
    expect(await listed.getAttribute('data-state')).toBe('failed');
    expect(await listed.getAttribute('data-error')).toBe('media_cancelled');
    expect(await listed.textContent()).toContain('已取消');
    expect(await listed.getAttribute('data-media-id')).toBe('');
  });
});
