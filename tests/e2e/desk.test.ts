import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminCandidate } from '@common/platform/admin';
import { DEMO_LIVE_SLOT_ID, demoCandidate } from '../../platform/demo/exam';
import { startPlatform, type RunningPlatform } from '../../platform/server';
import { slotCandidates } from '../../platform/sim/admin';
import { launchChromium, type Chromium } from '../support/chromium';
import { closedPort, startStack, type Stack } from '../support/servers';
import { seriousViolations } from './desk/axe';
import { RawCandidate } from './desk/candidate';
import { confirmWithEnter } from './desk/confirm';
import { assignmentsOf, roomLogOf, scoreOf, signInToPlatform, submitScore } from './desk/platform-api';

/**
 * The examiner's desk in Chromium against the browser host and the reference platform, driven
 * as an examiner drives it. The tests run in order and share one workstation: sign-in, the live
 * queue, grading, grading offline, a conflict, then the language.
 */
let dataDir: string;
let stack: Stack;
let platform: RunningPlatform;
let browser: Chromium;
let page: Page;
const candidates: RawCandidate[] = [];
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'desk-platform-'));
  stack = await startStack({ platform: { dataDir } });
  platform = stack.platform as RunningPlatform;
  browser = await launchChromium();
});
afterAll(async () => {
  for (const candidate of candidates) await candidate.close();
  for (const cleanup of cleanups.reverse()) await cleanup();
  await browser?.close();
  await stack?.stop();
  await platform?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function open(at: Stack): Promise<Page> {
  const opened = await browser.context.newPage();
  await opened.goto(at.host.newLaunchUrl());
  await opened.waitForSelector('html[data-examiner-ready="true"]');
  return opened;
}

async function signIn(at: Page, password = 'demo1234', username = 'examiner1'): Promise<void> {
  await at.getByLabel('用户名').fill(username);
  await at.getByLabel('密码').fill(password);
  await at.getByLabel('密码').press('Enter');
}

async function expectAccessible(at: Page): Promise<void> {
  expect(await seriousViolations(at)).toEqual([]);
}

const row = (entryId: string) => page.locator(`[data-testid="queue-table"] [data-row-key="${entryId}"]`);
const rowState = (entryId: string, state: string) => page.waitForSelector(`[data-testid="queue-table"] [data-row-key="${entryId}"] [data-state="${state}"]`);
const saveState = (state: string) => page.waitForSelector(`[data-testid="save-state"][data-state="${state}"]`);

/** Types a score into every criterion with the number keys, Tab between them. */
async function typeScores(value: string): Promise<void> {
  const count = await page.locator('[data-testid="score-sheet"] input[data-criterion]').count();
  expect(count).toBeGreaterThan(0);
  for (let i = 0; i < count; i++) {
    await page.keyboard.type(value);
    if (i < count - 1) await page.keyboard.press('Tab');
  }
}

/** Presses Tab until the element with this test id has the focus, as a keyboard user would. */
async function tabTo(testId: string): Promise<void> {
  const focused: string[] = [];
  for (let i = 0; i < 10; i++) {
    await page.keyboard.press('Tab');
    const at = await page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.outerHTML.slice(0, 80) ?? '');
    if (at === testId) return;
    focused.push(at);
  }
  throw new Error(`Tab never reached ${testId}; it went to: ${focused.join(' | ')}`);
}

/** From the review queue (focused), the next row with Enter. */
async function openNextSheet(): Promise<string> {
  // Back from a sheet, the queue takes the focus in the next frame: the keys wait for it, as a user's eyes would.
  await page.waitForFunction(() => document.activeElement?.closest('[data-testid="review-table"]') != null);
  // …and for the list to have finished reading again (its rows are refreshed as sheets change).
  await page.waitForSelector('[data-testid="review-table"] .ant-spin-spinning', { state: 'detached' });
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  const view = await page.waitForSelector('[data-testid="grading-view"]');
  await page.waitForSelector('[data-testid="score-sheet"]');
  return (await view.getAttribute('data-assignment-id')) ?? '';
}

describe("the examiner's desk, in Chromium, against the reference platform", () => {
  it('says why signing in failed: wrong password, unreachable platform, expired sign-in', async () => {
    page = await open(stack);
    await page.waitForSelector('[data-testid="platform-health"][data-state="online"]');
    await signIn(page, 'wrong-password');
    await page.waitForSelector('[data-testid="login-error"][data-code="invalid_credentials"]');
    expect(await page.getByTestId('login-error').textContent()).toContain('用户名或密码错误');
    await expectAccessible(page);

    const nowhere = await startStack({ platform: false, platformUrl: `http://127.0.0.1:${await closedPort()}` });
    cleanups.push(() => nowhere.stop());
    const lost = await open(nowhere);
    await signIn(lost);
    await lost.waitForSelector('[data-testid="login-error"][data-code="platform_unreachable"]');
    expect(await lost.getByTestId('login-error').textContent()).toContain('无法连接考试平台');
    await lost.close();

    // A platform whose tokens last two seconds: the workstation returns to sign-in and says why.
    const brief = await startStack({ platform: { tokenTtlMs: 2_000 } });
    cleanups.push(() => brief.stop());
    const expiring = await open(brief);
    await signIn(expiring);
    await expiring.getByTestId('app-shell').waitFor();
    await expiring.waitForSelector('[data-testid="login-error"][data-code="session_expired"]', { timeout: 15_000 });
    expect(await expiring.getByTestId('login-error').textContent()).toContain('登录已过期');
    await expiring.close();
  });

  it("shows the live slot's queue and a candidate's state changing live", async () => {
    await signIn(page);
    await page.getByTestId('app-shell').waitFor();
    await page.waitForSelector('[data-testid="queue-table"][data-loading="false"][data-rows="32"]');
    const [first] = await slotCandidates(platform.url, DEMO_LIVE_SLOT_ID, platform.adminSecret);
    const candidate = new RawCandidate(platform.url, first as AdminCandidate);
    candidates.push(candidate);
    const entryId = candidate.candidate.entryId;
    // Appointment order: the first candidate is on top, by code only.
    expect(await page.locator('[data-testid="queue-table"] [data-row-key]').first().getAttribute('data-row-key')).toBe(entryId);
    // Blind grading: the candidate's name, which the platform holds, appears nowhere.
    const name = demoCandidate(Number(candidate.candidate.candidateId.replace(/\D/g, ''))).name;
    expect(await page.locator('body').textContent()).not.toContain(name);

    await candidate.connect('side');
    await candidate.connect('main');
    await page.waitForSelector(`[data-row-key="${entryId}"] [data-device="main"][data-online="true"]`);
    await page.waitForSelector(`[data-row-key="${entryId}"] [data-device="side"][data-online="true"]`);
    await candidate.act('check-in');
    await rowState(entryId, 'checked_in');
    await candidate.act('face', { matched: true });
    await candidate.act('ready');
    await rowState(entryId, 'waiting');
    candidate.quickMessage('cannot_hear');
    await page.waitForSelector(`[data-row-key="${entryId}"] [data-testid="unread-messages"][data-unread="1"]`);

    // Search by code narrows the queue to that candidate.
    const code = (await row(entryId).locator('[data-code]').getAttribute('data-code')) ?? '';
    const search = page.getByRole('searchbox', { name: '搜索考号' });
    await search.fill(code.slice(0, 6));
    await page.waitForSelector('[data-testid="queue-table"][data-rows="1"]');
    await search.fill('');
    await page.waitForSelector('[data-testid="queue-table"][data-rows="32"]');

    // Keyboard: into the queue, onto the first candidate (their message is now read).
    await page.getByTestId('queue-table').focus();
    await page.keyboard.press('ArrowDown');
    await page.waitForSelector(`[data-testid="entry-panel"][data-entry-id="${entryId}"]`);
    expect(await page.getByTestId('quick-messages').textContent()).toContain('听不到考官声音');
    await page.waitForSelector(`[data-row-key="${entryId}"] [data-testid="unread-messages"][data-unread="0"]`);
    await expectAccessible(page);

    // examiner1 is a member of the panel, not its lead (主考): the desk says who calls, and its call
    // buttons are disabled; Enter on the candidate leaves the call to the lead.
    const ledBy = '由主考 刘主任 叫号';
    expect(await page.getByTestId('entry-lead-hint').textContent()).toBe(ledBy);
    expect(await page.getByTestId('entry-call').count()).toBe(0);
    expect(await row(entryId).getByRole('button', { name: `叫号：${code}`, exact: true }).isDisabled()).toBe(true);
    expect(await page.getByTestId('call-next').isDisabled()).toBe(true);
    expect(await page.getByTestId('queue-lead-hint').textContent()).toBe(ledBy);
    await page.keyboard.press('Enter');

    // The lead, at a workstation of their own, calls them with the keyboard: into the queue, onto
    // the first candidate (still waiting: examiner1's Enter called nobody), Enter.
    const leads = await startStack({ platform: false, platformUrl: platform.url });
    cleanups.push(() => leads.stop());
    const lead = await open(leads);
    await signIn(lead, 'demo1234', 'chief');
    await lead.waitForSelector('[data-testid="queue-table"][data-loading="false"][data-rows="32"]');
    expect(await lead.getByTestId('call-next').isDisabled()).toBe(false);
    expect(await lead.getByTestId('queue-lead-hint').count()).toBe(0);
    await lead.getByTestId('queue-table').focus();
    await lead.keyboard.press('ArrowDown');
    await lead.waitForSelector(`[data-testid="entry-panel"][data-entry-id="${entryId}"] [data-testid="entry-call"]`);
    await lead.waitForSelector(`[data-row-key="${entryId}"] [data-state="waiting"]`);
    await lead.keyboard.press('Enter');
    await lead.waitForSelector(`[data-testid="live-interview"][data-entry-id="${entryId}"]`);

    // The call reaches examiner1 too: the live interview opens over their queue, which goes on behind it.
    await rowState(entryId, 'called');
    await page.waitForSelector(`[data-testid="live-interview"][data-entry-id="${entryId}"]`);
    await candidate.act('join');
    await rowState(entryId, 'in_room');
    await page.waitForSelector('[data-testid="room-panel"][data-state="joined"][data-lead="other"]');
    expect(await page.getByTestId('end-interview').count()).toBe(0);
    // The exam-room log: one call, by the lead.
    const calls = (await roomLogOf(platform.url, await signInToPlatform(platform.url, 'examiner1'), DEMO_LIVE_SLOT_ID, entryId)).lines.filter((line) => line.action === 'call');
    expect(calls.map((line) => line.actor)).toEqual(['刘主任']);
    await lead.close();

    // The side phone drops: interrupted, counting down from 2 minutes, the first of 3.
    await candidate.disconnect('side');
    await rowState(entryId, 'interrupted');
    const countdown = row(entryId).getByTestId('interruption-countdown');
    expect(await countdown.textContent()).toMatch(/^(2:00|1:5\d)1\/3$/);
    await candidate.connect('side');
    await rowState(entryId, 'in_room');
    expect(await row(entryId).getByTestId('interruption-count').textContent()).toBe('1/3');

    // The rest of the desk in a window of its own (the session lives in main). A member who arrives
    // while an interview runs is taken into it; examiner1 closes it and the queue stays.
    await page.close();
    page = await open(stack);
    await page.getByTestId('app-shell').waitFor();
    await page.waitForSelector(`[data-testid="live-interview"][data-entry-id="${entryId}"]`);
    await page.getByTestId('close-interview').click();
    await page.getByTestId('live-interview-host').waitFor({ state: 'detached' });
  });

  let accepted = '';

  it('grades a recorded exam with the keyboard only, and the platform accepts it', async () => {
    await page.getByRole('tab', { name: /录播阅卷/ }).click();
    await page.waitForSelector('[data-testid="review-table"][data-rows="12"]');
    await tabTo('review-table');
    accepted = await openNextSheet();
    // The first score field has the focus: number keys, Tab, Enter, Enter.
    await typeScores('10');
    await saveState('saved');
    await page.keyboard.press('Enter');
    expect(await confirmWithEnter(page)).toContain('总分');
    await saveState('accepted');
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    await expectAccessible(page);

    const token = await signInToPlatform(platform.url, 'examiner1');
    const held = await scoreOf(platform.url, token, accepted);
    expect(held.version).toBe(1);
    expect(Object.values(held.sheet?.values ?? {}).every((value) => value === 10)).toBe(true);
    await page.waitForSelector('[data-testid="sync-status"][data-pending="0"]');
  });

  it('keeps a sheet graded while the platform is down pending, and delivers it when it returns', async () => {
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="review-queue"]');
    await page.waitForSelector(`[data-testid="review-table"] [data-row-key="${accepted}"] [data-status="accepted"]`);
    await expectAccessible(page);
    const port = platform.port;
    await platform.close();
    await page.waitForSelector('[data-testid="platform-health"][data-state="offline"]');

    const assignmentId = await openNextSheet();
    await typeScores('8');
    await saveState('saved');
    await page.keyboard.press('Enter');
    await confirmWithEnter(page);
    await saveState('sending');
    await page.waitForSelector('[data-testid="sync-status"][data-state="offline"][data-pending="1"]');
    expect(await page.getByTestId('sync-pending').textContent()).toBe('待发送 1 份');

    platform = await startPlatform({ dataDir, port });
    await saveState('accepted');
    await page.waitForSelector('[data-testid="sync-status"][data-pending="0"]');
    const token = await signInToPlatform(platform.url, 'examiner1');
    expect((await scoreOf(platform.url, token, assignmentId)).version).toBe(1);
  });

  it("shows a conflict with the platform's version beside this computer's, and resolves it as the examiner says", async () => {
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="review-queue"]');
    const assignmentId = await openNextSheet();
    await typeScores('9');
    await saveState('saved');

    // Meanwhile the same examiner's sheet reaches the platform from another computer.
    const token = await signInToPlatform(platform.url, 'examiner1');
    const assignment = (await assignmentsOf(platform.url, token)).find((item) => item.assignmentId === assignmentId);
    expect(assignment).toBeDefined();
    const count = await page.locator('[data-testid="score-sheet"] input[data-criterion]').count();
    const ids = await page.locator('[data-testid="score-sheet"] input[data-criterion]').evaluateAll((inputs) => inputs.map((input) => input.getAttribute('data-criterion') ?? ''));
    expect(ids).toHaveLength(count);
    const theirs = Object.fromEntries(ids.map((id) => [id, 5]));
    expect(await submitScore(platform.url, token, assignmentId, 0, { values: theirs, comment: '另一台电脑', violation: { flagged: false, note: null } })).toBe(201);

    await page.keyboard.press('Enter');
    await confirmWithEnter(page);
    await saveState('conflict');
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    const panel = page.getByTestId('conflict-panel');
    expect(await panel.getAttribute('data-reason')).toBe('version_conflict');
    expect(await page.getByTestId('conflict-mine-total').textContent()).toBe(String(9 * count));
    expect(await page.getByTestId('conflict-platform-total').textContent()).toBe(String(5 * count));
    expect(await panel.textContent()).toContain('另一台电脑');
    await expectAccessible(page);

    await page.getByTestId('keep-mine').click();
    await saveState('accepted');
    const held = await scoreOf(platform.url, token, assignmentId);
    expect(held.version).toBe(2);
    expect(held.total).toBe(9 * count);
    await page.waitForSelector('[data-testid="sync-status"][data-conflicts="0"]');
  });

  it('switches to English and back, with the times still in the exam time zone', async () => {
    await page.keyboard.press('Escape');
    await page.getByTestId('language-switch').click();
    await page.getByTitle('English').click();
    await page.getByRole('tab', { name: 'Live queue' }).click();
    await page.getByRole('button', { name: 'Call next' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.getByText("Times are in the exam's time zone (Asia/Shanghai)").count()).toBe(1);
    await page.waitForSelector('[data-testid="queue-table"][data-loading="false"]');
    await expectAccessible(page);
    await page.getByRole('tab', { name: /Recorded exams/ }).click();
    await page.getByText('Recorded exams to grade').waitFor();
    expect(await page.getByTestId('sync-status').textContent()).toContain('Every score has reached the platform');

    await page.getByTestId('language-switch').click();
    await page.getByTitle('简体中文').click();
    await page.getByRole('tab', { name: '现场候考' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
  });
});
