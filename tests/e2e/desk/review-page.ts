import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { planDemoRecordings, type DemoMediaOptions } from '../../../platform/demo/media';
import type { RunningPlatform } from '../../../platform/server';
import { launchChromium, type Chromium } from '../../support/chromium';
import { startStack, type Stack } from '../../support/servers';

/**
 * `examinerId`'s assignment of the demo's recorded pair `index` (the cases of platform/demo/media.ts:
 * 1 HEVC, 2 a silent gap, 3 the long one, 4 the performance pair…), for a platform started with `media`.
 */
export function demoPairAssignment(platform: RunningPlatform, media: Omit<DemoMediaOptions, 'tools'>, index: number, examinerId = 'gr-01'): string {
  const pair = planDemoRecordings(platform.ctx, media)[index * 2];
  if (!pair) throw new Error(`the demo has no recorded pair ${String(index)}`);
  const row = platform.ctx.db
    .prepare('SELECT id FROM assignments WHERE examiner_id = ? AND candidate_id = ? AND slot_id = ?')
    .get(examinerId, pair.candidateId, pair.slotId) as { id: string } | undefined;
  if (!row) throw new Error(`${examinerId} has no assignment for pair ${String(index)}`);
  return row.id;
}

/** A new page of the workstation, signed in (in Chinese) as `username`, on the review queue (录播阅卷). */
export async function openReviewQueue(browser: Chromium, stack: Stack, options: { username?: string; height?: number } = {}): Promise<Page> {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1400, height: options.height ?? 1300 });
  await page.goto(stack.host.newLaunchUrl());
  await page.waitForSelector('html[data-examiner-ready="true"]');
  await page.getByLabel('用户名').fill(options.username ?? 'grader1');
  await page.getByLabel('密码').fill('demo1234');
  await page.getByLabel('密码').press('Enter');
  await page.getByTestId('app-shell').waitFor();
  await page.getByRole('tab', { name: /录播阅卷/ }).click();
  return page;
}

/** The reference platform with demo recordings, a workstation and the browser host, and Chromium: one review test file's world. */
export interface ReviewDemo {
  readonly stack: Stack;
  readonly platform: RunningPlatform;
  readonly browser: Chromium;
  /** Closes Chromium, the stack and the platform, and removes the platform's data folder. */
  stop(): Promise<void>;
}

export async function startReviewDemo(
  name: string,
  media: Omit<DemoMediaOptions, 'tools'>,
  demo: { liveCandidates: number; recordedPerSlot: number; danceCandidates: number },
): Promise<ReviewDemo> {
  const dataDir = mkdtempSync(join(tmpdir(), `${name}-`));
  const stack = await startStack({ platform: { dataDir, demo, demoMedia: media } });
  const platform = stack.platform as RunningPlatform;
  const browser = await launchChromium();
  return {
    stack,
    platform,
    browser,
    stop: async () => {
      await browser.close();
      await stack.stop();
      await platform.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
