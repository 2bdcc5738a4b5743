import { availableParallelism, loadavg } from 'node:os';
import type { Page } from 'playwright-core';
import { API_PREFIX, LoginResponse } from '@common/platform/wire';
import { DEMO_PASSWORD } from '../../platform/demo';
import { DEMO_EXAM_ID, DEMO_LIVE_SLOT_ID } from '../../platform/demo/exam';
import { ExaminerApi, sheetFor } from '../../platform/sim/examiner-api';
import { ensureRendererBuilt } from '../../scripts/renderer-build';
import { launchChromium } from '../support/chromium';
import { startPlatformProcess } from '../support/platform-process';
import { startStack } from '../support/servers';
import { installSocketProbe, measureFirstRenders, type SocketProbe } from './first-render';
import { bench, note, percentile } from './report';

const CANDIDATES = 5_000;
/** The demo's vocal panel has four members (three examiners and the chief); five more make nine. */
const EXTRA_MEMBERS = 5;
const FIRST_RENDERS = 5;
/** Candidates each co-examiner scores in the burst: 8 co-examiners × 15 = 120 sheets. */
const SHEETS_EACH = 15;
const CO_EXAMINERS = ['examiner1', 'examiner2', 'examiner3', ...Array.from({ length: EXTRA_MEMBERS }, (_, i) => `examiner${i + 4}`)];

type ProbeWindow = typeof globalThis & { __matrixProbe: SocketProbe };

/**
 * The chief's desk, measured in the renderer in real Chromium against the browser host (a real
 * workstation) and the reference platform in a process of its own, with 5,000 candidates in
 * today's live slot and nine panel members, the chief among them. As in ui.bench.ts, every time
 * is taken in the page on the page's clock, a DOM change by a MutationObserver (which runs right
 * after React commits, before the frame is painted).
 *
 *   matrix first render — click on the chief's tab → the 5,000-row matrix's first rows in the DOM
 *                         (the tab mounts afresh: chief.getMatrix through main + render); median of 5
 *   matrix event apply  — co-examiners submit 120 sheets over HTTP at once: each `chief.matrix`
 *                         event dispatched in the page → the matrix's DOM commit that includes it
 */
export async function runMatrix(): Promise<void> {
  await ensureRendererBuilt((line) => note(line));
  const platform = await startPlatformProcess({ demo: { liveCandidates: CANDIDATES, recordedPerSlot: 6, extraVocalMembers: EXTRA_MEMBERS } });
  const stack = await startStack({ platform: false, platformUrl: platform.url });
  const browser = await launchChromium();
  try {
    note(`matrix: ${CANDIDATES} candidates × ${CO_EXAMINERS.length + 1} members in ${DEMO_LIVE_SLOT_ID}, signed in as the chief`);
    note(`${availableParallelism()} CPUs, load average at the start: ${loadavg().map((load) => load.toFixed(1)).join(' ')}`);
    const page = await browser.context.newPage();
    await page.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
    await page.addInitScript(installSocketProbe, { global: '__matrixProbe', event: 'chief.matrix', snapshot: 'matrix' });
    await page.goto(stack.host.newLaunchUrl());
    await page.waitForSelector('html[data-examiner-ready="true"]');
    await page.getByLabel('用户名').fill('chief');
    await page.getByLabel('密码').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await page.getByTestId('app-shell').waitFor();
    await page.getByRole('tab', { name: '主考工作台' }).click();
    await page.waitForSelector(`[data-testid="matrix-table"][data-loading="false"][data-rows="${CANDIDATES}"]`, { timeout: 60_000 });

    await firstRender(page);
    await sheetBurst(page, platform.url);
    note(`load average at the end: ${loadavg().map((load) => load.toFixed(1)).join(' ')}`);
  } finally {
    await browser.close();
    await stack.stop();
    await platform.stop();
  }
}

async function firstRender(page: Page): Promise<void> {
  const runs = await measureFirstRenders(page, { probe: '__matrixProbe', tab: '主考工作台', table: 'matrix-table', rows: CANDIDATES }, FIRST_RENDERS);
  for (const [index, result] of runs.entries()) {
    const fetched = result.fetched === null ? 'snapshot not seen' : `matrix (${(result.bytes / 1e6).toFixed(1)} MB) in the page after ${result.fetched.toFixed(0)} ms`;
    note(`matrix first render ${index + 1}: ${result.total.toFixed(0)} ms from the click on the tab; ${fetched}`);
  }
  bench('ui.matrix_first_render_ms', percentile(runs.map((result) => result.total), 50), 'ms');
  note('goal: under 300 ms');
}

async function signIn(platformUrl: string, username: string): Promise<ExaminerApi> {
  const response = await fetch(`${platformUrl}${API_PREFIX}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  if (!response.ok) throw new Error(`sign-in as ${username}: HTTP ${response.status}`);
  return new ExaminerApi(platformUrl, LoginResponse.parse(await response.json()).token);
}

interface BurstState {
  base: number;
  commits: { applied: number; at: number }[];
  longTasks: number[];
  stop(): void;
}
type BurstWindow = ProbeWindow & { __matrixBurst?: BurstState };

async function sheetBurst(page: Page, platformUrl: string): Promise<void> {
  // Everything the burst needs is fetched first, so that only the submissions themselves remain.
  const examiners = await Promise.all(CO_EXAMINERS.map((username) => signIn(platformUrl, username)));
  const exam = await examiners[0]?.exam(DEMO_EXAM_ID);
  const criteria = exam?.subjects.find((subject) => subject.id === 'vocal')?.rubric.criteria;
  if (!criteria) throw new Error('the demo exam has no vocal rubric');
  const work = await Promise.all(
    examiners.map(async (api, index) => {
      const assignments = (await api.assignments()).filter((assignment) => assignment.slotId === DEMO_LIVE_SLOT_ID).slice(0, SHEETS_EACH);
      // Members score a little differently, and the last one far from the rest: deviations get flagged.
      const fraction = index === examiners.length - 1 ? 0.3 : 0.6 + index * 0.03;
      return assignments.map((assignment) => () => api.submitScore(assignment.assignmentId, sheetFor(criteria, fraction)));
    }),
  );
  const submissions = work.flat();

  await page.evaluate(() => {
    const win = globalThis as BurstWindow;
    const table = document.querySelector('[data-testid="matrix-table"]') as HTMLElement;
    const commits: { applied: number; at: number }[] = [];
    const longTasks: number[] = [];
    const observer = new MutationObserver(() => commits.push({ applied: Number(table.dataset.applied), at: performance.now() }));
    observer.observe(table, { attributes: true, attributeFilter: ['data-applied'] });
    const tasks = new PerformanceObserver((list) => longTasks.push(...list.getEntries().map((entry) => entry.duration)));
    tasks.observe({ type: 'longtask' });
    win.__matrixProbe.events = [];
    win.__matrixBurst = {
      base: Number(table.dataset.applied),
      commits,
      longTasks,
      stop: () => {
        observer.disconnect();
        tasks.disconnect();
      },
    };
  });
  await Promise.all(submissions.map((submit) => submit()));
  // Each acceptance is pushed (the platform may coalesce rows into fewer events): wait until the
  // events stop arriving and every one of them is applied.
  let seen = -1;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (Date.now() > deadline) throw new Error('the chief.matrix events of the burst were never all applied');
    await page.waitForTimeout(500);
    const { events, applied, base } = await page.evaluate(() => {
      const win = globalThis as BurstWindow;
      const table = document.querySelector('[data-testid="matrix-table"]') as HTMLElement;
      return { events: win.__matrixProbe.events.length, applied: Number(table.dataset.applied), base: win.__matrixBurst?.base ?? 0 };
    });
    if (events === seen && applied - base >= events) break;
    seen = events;
  }
  const result = await page.evaluate(() => {
    const win = globalThis as BurstWindow;
    const burst = win.__matrixBurst as BurstState;
    burst.stop();
    const arrivals = win.__matrixProbe.events;
    const latencies = arrivals.flatMap((at, index) => {
      const commit = burst.commits.find((candidate) => candidate.applied >= burst.base + index + 1);
      return commit ? [commit.at - at] : [];
    });
    return {
      latencies,
      events: arrivals.length,
      applied: (burst.commits.at(-1)?.applied ?? burst.base) - burst.base,
      drainedMs: (burst.commits.at(-1)?.at ?? Number.NaN) - (arrivals[0] ?? Number.NaN),
      longTasks: burst.longTasks,
      accepted: document.querySelectorAll('[data-testid="matrix-table"] [data-testid="matrix-cell"][data-state="accepted"]').length,
      flagged: document.querySelectorAll('[data-testid="matrix-table"] [data-testid="matrix-cell"][data-flagged="true"]').length,
    };
  });
  note(
    `burst: ${submissions.length} sheets submitted, ${result.events} chief.matrix events in the page, ${result.applied} applied, first event → last commit ${result.drainedMs.toFixed(0)} ms, ` +
      `p50 ${percentile(result.latencies, 50).toFixed(1)} ms, max ${Math.max(...result.latencies).toFixed(1)} ms; ` +
      `long tasks: ${result.longTasks.length === 0 ? 'none' : result.longTasks.map((ms) => ms.toFixed(0)).join(' ')}; ` +
      `cells on screen accepted: ${result.accepted}, flagged: ${result.flagged}`,
  );
  if (result.events !== result.applied) note(`  (${result.events} events but ${result.applied} applied: the pairing of events to commits is approximate)`);
  bench('ui.matrix_event_apply_p95_ms', percentile(result.latencies, 95), 'ms');
  note('goal: under 16 ms (one frame)');
}
