import { availableParallelism, loadavg } from 'node:os';
import type { Page } from 'playwright-core';
import type { AdminCandidate } from '@common/platform/admin';
import { DEMO_LIVE_SLOT_ID } from '../../platform/demo/exam';
import { slotCandidates } from '../../platform/sim/admin';
import { ensureRendererBuilt } from '../../scripts/renderer-build';
import { launchChromium } from '../support/chromium';
import { startPlatformProcess } from '../support/platform-process';
import { startStack } from '../support/servers';
import { installSocketProbe, measureFirstRenders, type SocketProbe } from './first-render';
import { bench, note, percentile } from './report';
import { runMatrix } from './ui-matrix';

const CANDIDATES = 5_000;
const FIRST_RENDERS = 5;
const BURST = 100;
const BURSTS = [
  { action: 'check-in', body: undefined },
  { action: 'face', body: { matched: true } },
  { action: 'ready', body: undefined },
] as const;
const KEYPRESSES = 100;

type ProbeWindow = typeof globalThis & { __uiProbe: SocketProbe };

/**
 * The examiner's desk, measured in the renderer in real Chromium against the browser host (a
 * real workstation with its SQLite store) and the reference platform in a process of its own,
 * with 5,000 candidates in today's live slot. Every time is taken in the page, on the page's
 * clock (performance.now / event.timeStamp); a DOM change is timed by a MutationObserver, which
 * runs right after React commits it, before the browser paints that frame.
 *
 *   queue first render  — click on the live queue tab → the 5,000-row queue's first rows are in
 *                         the DOM (the tab mounts afresh: fetch through main + render); median of 5
 *   event apply         — a burst of 100 state changes (candidates checking in, passing face
 *                         verification, getting ready; 3 bursts): each `live.queueEntry` event
 *                         dispatched in the page → the queue's DOM commit that includes it
 *   keypress → saved    — a key typed into a score field → the save-state tag says "saved"
 *                         (autosaved through the contract into SQLite with synchronous = FULL)
 */
export async function run(): Promise<void> {
  await ensureRendererBuilt((line) => note(line));
  const platform = await startPlatformProcess({ demo: { liveCandidates: CANDIDATES, recordedPerSlot: 6 } });
  const stack = await startStack({ platform: false, platformUrl: platform.url });
  const browser = await launchChromium();
  try {
    note(`${CANDIDATES} candidates in ${DEMO_LIVE_SLOT_ID}; the platform in its own process, the workstation (browser host) in this one`);
    // Every figure is wall time on this machine: other work on it shows in them.
    note(`${availableParallelism()} CPUs, load average at the start: ${loadavg().map((load) => load.toFixed(1)).join(' ')}`);
    const page = await browser.context.newPage();
    // tsx keeps function names with an `__name` helper that functions sent to the page would miss.
    await page.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
    await page.addInitScript(installSocketProbe, { global: '__uiProbe', event: 'live.queueEntry', snapshot: 'queue' });
    await page.goto(stack.host.newLaunchUrl());
    await page.waitForSelector('html[data-examiner-ready="true"]');
    await page.getByLabel('用户名').fill('examiner1');
    await page.getByLabel('密码').fill('demo1234');
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await page.getByTestId('app-shell').waitFor();
    await page.waitForSelector(`[data-testid="queue-table"][data-loading="false"][data-rows="${CANDIDATES}"]`, { timeout: 60_000 });

    await firstRender(page);
    await eventBursts(page, await slotCandidates(platform.url, DEMO_LIVE_SLOT_ID, platform.adminSecret), platform.url);
    await keypressToSaved(page);
    note(`load average at the end: ${loadavg().map((load) => load.toFixed(1)).join(' ')}`);
  } finally {
    await browser.close();
    await stack.stop();
    await platform.stop();
  }
  await runMatrix();
}

async function firstRender(page: Page): Promise<void> {
  const runs = await measureFirstRenders(page, { probe: '__uiProbe', tab: '现场候考', table: 'queue-table', rows: CANDIDATES }, FIRST_RENDERS);
  for (const [index, result] of runs.entries()) {
    const fetched = result.fetched === null ? 'snapshot not seen' : `snapshot (${(result.bytes / 1e6).toFixed(1)} MB) in the page after ${result.fetched.toFixed(0)} ms`;
    note(`first render ${index + 1}: ${result.total.toFixed(0)} ms from the click on the tab; ${fetched}`);
  }
  bench('ui.queue_first_render_ms', percentile(runs.map((result) => result.total), 50), 'ms');
  note('goal: under 300 ms');
}

interface BurstResult {
  latencies: number[];
  events: number;
  applied: number;
  drainedMs: number;
  longTasks: number[];
  rowsShowing: number;
}

async function eventBursts(page: Page, candidates: readonly AdminCandidate[], platformUrl: string): Promise<void> {
  const chosen = candidates.slice(0, BURST);
  const all: number[] = [];
  for (const { action, body } of BURSTS) {
    await page.evaluate(() => {
      const win = globalThis as ProbeWindow & { __burst?: { base: number; commits: { applied: number; at: number }[]; longTasks: number[]; stop(): void } };
      const table = document.querySelector('[data-testid="queue-table"]') as HTMLElement;
      const commits: { applied: number; at: number }[] = [];
      const longTasks: number[] = [];
      const observer = new MutationObserver(() => commits.push({ applied: Number(table.dataset.applied), at: performance.now() }));
      observer.observe(table, { attributes: true, attributeFilter: ['data-applied'] });
      const tasks = new PerformanceObserver((list) => longTasks.push(...list.getEntries().map((entry) => entry.duration)));
      tasks.observe({ type: 'longtask' });
      win.__uiProbe.events = [];
      win.__burst = {
        base: Number(table.dataset.applied),
        commits,
        longTasks,
        stop: () => {
          observer.disconnect();
          tasks.disconnect();
        },
      };
    });
    const base = Number(await page.getByTestId('queue-table').getAttribute('data-applied'));
    await Promise.all(chosen.map((candidate) => act(platformUrl, candidate, action, body)));
    await page.waitForFunction((target) => Number(document.querySelector('[data-testid="queue-table"]')?.getAttribute('data-applied')) >= target, base + chosen.length);
    const result: BurstResult = await page.evaluate((state) => {
      const win = globalThis as ProbeWindow & { __burst?: { base: number; commits: { applied: number; at: number }[]; longTasks: number[]; stop(): void } };
      const burst = win.__burst as NonNullable<typeof win.__burst>;
      burst.stop();
      const arrivals = win.__uiProbe.events;
      const latencies = arrivals.flatMap((at, index) => {
        const commit = burst.commits.find((candidate) => candidate.applied >= burst.base + index + 1);
        return commit ? [commit.at - at] : [];
      });
      const last = burst.commits.at(-1)?.at ?? Number.NaN;
      return {
        latencies,
        events: arrivals.length,
        applied: (burst.commits.at(-1)?.applied ?? burst.base) - burst.base,
        drainedMs: last - (arrivals[0] ?? Number.NaN),
        longTasks: burst.longTasks,
        rowsShowing: document.querySelectorAll(`[data-testid="queue-table"] [data-row-key] [data-state="${state}"]`).length,
      };
    }, action === 'check-in' ? 'checked_in' : action === 'face' ? 'face_verified' : 'waiting');
    note(
      `burst "${action}": ${result.events} events in the page, ${result.applied} applied, first event → last commit ${result.drainedMs.toFixed(0)} ms, ` +
        `p50 ${percentile(result.latencies, 50).toFixed(1)} ms, p95 ${percentile(result.latencies, 95).toFixed(1)} ms, max ${Math.max(...result.latencies).toFixed(1)} ms; ` +
        `long tasks: ${result.longTasks.length === 0 ? 'none' : result.longTasks.map((ms) => ms.toFixed(0)).join(' ')}; rows on screen in the new state: ${result.rowsShowing}`,
    );
    if (result.events !== result.applied) note(`  (${result.events} events but ${result.applied} changes applied: the pairing of events to commits is approximate)`);
    all.push(...result.latencies);
  }
  bench('ui.event_apply_p95_ms', percentile(all, 95), 'ms');
  note('goal: under 16 ms (one frame)');
}

async function act(platformUrl: string, candidate: AdminCandidate, action: string, body: unknown): Promise<void> {
  const response = await fetch(`${platformUrl}/api/v1/candidate/${action}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${candidate.mainToken}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`candidate ${action}: HTTP ${response.status} ${await response.text()}`);
}

async function keypressToSaved(page: Page): Promise<void> {
  await page.getByRole('tab', { name: /录播阅卷/ }).click();
  await page.waitForSelector('[data-testid="review-table"] [data-row-key]');
  await page.getByTestId('review-table').focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid="score-sheet"]');
  const field = page.locator('[data-testid="score-sheet"] input[data-criterion]').first();
  await field.focus();
  await page.waitForSelector('[data-testid="save-state"]:not([data-state="loading"])');
  await page.evaluate(() => {
    const win = globalThis as typeof globalThis & { __keys?: { samples: number[] } };
    const keys = { samples: [] as number[] };
    win.__keys = keys;
    let pressedAt: number | null = null;
    let sawSaving = false;
    document.addEventListener(
      'keydown',
      (event) => {
        pressedAt = event.timeStamp;
        sawSaving = false;
      },
      { capture: true },
    );
    const sheet = document.querySelector('[data-testid="score-sheet"]') as HTMLElement;
    new MutationObserver(() => {
      if (pressedAt === null) return;
      const state = sheet.querySelector('[data-testid="save-state"]')?.getAttribute('data-state');
      if (state === 'saving') sawSaving = true;
      else if (state === 'saved' && sawSaving) {
        keys.samples.push(performance.now() - pressedAt);
        pressedAt = null;
      }
    }).observe(sheet, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
  });
  for (let i = 0; i < KEYPRESSES; i++) {
    // A digit, then Backspace: each changes the sheet, so each is saved.
    await page.keyboard.press(i % 2 === 0 ? String((i / 2) % 10) : 'Backspace');
    await page.waitForFunction((count) => ((globalThis as typeof globalThis & { __keys?: { samples: number[] } }).__keys?.samples.length ?? 0) >= count, i + 1);
  }
  const samples = await page.evaluate(() => (globalThis as typeof globalThis & { __keys?: { samples: number[] } }).__keys?.samples ?? []);
  note(`keypress → saved over ${samples.length} keys: p50 ${percentile(samples, 50).toFixed(1)} ms, max ${Math.max(...samples).toFixed(1)} ms`);
  bench('ui.keypress_to_saved_p95_ms', percentile(samples, 95), 'ms');
  note('goal: under 50 ms');
}
