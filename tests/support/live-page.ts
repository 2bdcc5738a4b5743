import type { BrowserContext, Page } from 'playwright-core';
import type { Device } from '@common/platform/queue';
import type { FeedReading, LiveTestHandle } from '../../renderer/src/live/diagnostics';
import type { Stack } from './servers';

/**
 * The workstation's live interview in a Chromium page, as end-to-end tests and the benchmark
 * drive it: through its UI and its test handle (renderer/src/live/diagnostics.ts), never by sleeping.
 */
type ExaminerWindow = typeof globalThis & { __examinerLive: LiveTestHandle };

/**
 * Opens the workstation of `stack`, signs in (the demo examiner by default; `chief` is the lead
 * (主考) of the demo's live panel, who calls), with the panels reading frame stamps.
 */
export async function signedInWorkstation(
  context: BrowserContext,
  stack: Stack,
  onError: (message: string) => void = () => undefined,
  user: { readonly username: string; readonly password?: string } = { username: 'examiner1' },
): Promise<Page> {
  const page = await context.newPage();
  await page.addInitScript(() => {
    (globalThis as { __examinerLiveProbe?: boolean }).__examinerLiveProbe = true;
  });
  page.on('pageerror', (error) => onError(`workstation: ${error.message}`));
  await page.goto(stack.host.newLaunchUrl());
  await page.waitForSelector('html[data-examiner-ready="true"]');
  await page.getByLabel('用户名').fill(user.username);
  await page.getByLabel('密码').fill(user.password ?? 'demo1234');
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.getByTestId('app-shell').waitFor();
  return page;
}

/** Opens the interview of an entry by its address and waits until it shows. */
export async function openInterview(page: Page, slotId: string, entryId: string): Promise<void> {
  await page.evaluate(({ slot, entry }) => (window.location.hash = `#/interview/${slot}/${entry}`), { slot: slotId, entry: entryId });
  await page.waitForSelector(`[data-testid="live-interview"][data-entry-id="${entryId}"]`);
}

export function readFeed(page: Page, device: Device): Promise<FeedReading> {
  return page.evaluate((which) => (globalThis as ExaminerWindow).__examinerLive.feed(which), device);
}

/** Waits until the panel shows the device's picture with more than `moreFramesThan` frames, one stamped; returns its reading. */
export async function waitPlaying(page: Page, device: Device, moreFramesThan = 0): Promise<FeedReading> {
  await page.waitForSelector(`[data-testid="feed-${device}"][data-view="playing"]`);
  await page.waitForFunction(
    ([which, frames]) => {
      const reading = (globalThis as ExaminerWindow).__examinerLive.feed(which);
      return reading.frames > frames && reading.stamped > 0;
    },
    [device, moreFramesThan] as const,
  );
  return readFeed(page, device);
}

/** Waits until the workstation is in the entry's panel room (its first `room` push arrived). */
export async function waitInRoom(page: Page): Promise<void> {
  await page.waitForSelector('[data-testid="room-panel"][data-state="joined"]');
}

export function waitEntryState(page: Page, state: string): Promise<unknown> {
  return page.waitForSelector(`[data-testid="live-interview"][data-state="${state}"]`);
}
