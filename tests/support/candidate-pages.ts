import type { BrowserContext, Page } from 'playwright-core';
import type { AdminCandidate } from '@common/platform/admin';
import type { Device } from '@common/platform/queue';

/** What the candidate page exposes to tests (platform/web/candidate/main.ts). */
export interface CandidateHandle {
  readonly state: string | null;
  readonly prompts: readonly string[];
  readonly connection: string;
  readonly voices: number;
  voiceLevel(hz: number): number;
  outboundBytes(): Promise<number>;
  drop(seconds: number): Promise<void>;
  quickMessage(id: string): boolean;
}
export type CandidateWindow = typeof globalThis & { __candidate: CandidateHandle };

/**
 * Both phones of a candidate as pages in `context`, the way their phones would open them, the
 * side one first as the manuals set it up; resolves once the main one waits in the queue.
 */
export async function openCandidatePages(
  context: BrowserContext,
  platformUrl: string,
  candidate: AdminCandidate,
  onError: (message: string) => void,
): Promise<Record<Device, Page>> {
  const open = async (device: Device): Promise<Page> => {
    const page = await context.newPage();
    page.on('pageerror', (error) => onError(`${device}: ${error.message}`));
    const hash = new URLSearchParams({ token: device === 'main' ? candidate.mainToken : candidate.sideToken, device });
    await page.goto(`${platformUrl}/candidate/?width=640&height=360&fps=15#${hash.toString()}`);
    await page.waitForSelector('html[data-candidate-ready="true"]');
    return page;
  };
  const side = await open('side');
  const main = await open('main');
  await main.waitForFunction(() => (globalThis as CandidateWindow).__candidate.state === 'waiting');
  return { main, side };
}
