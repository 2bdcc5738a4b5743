import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandInput, CommandName, CommandOutput } from '@common/contract';
import type { Assignment } from '@common/platform';
import { DEMO_DANCE_SLOT_ID, DEMO_LIVE_SLOT_ID } from '../../platform/demo/exam';
import { DEMO_ANCHOR_REFERENCES } from '../../platform/demo/seed';
import { startPlatform, type RunningPlatform } from '../../platform/server';
import { slotCandidates } from '../../platform/sim/admin';
import { openCandidatePages } from '../support/candidate-pages';
import { launchChromiumBrowser, type ChromiumBrowser } from '../support/chromium';
import { openInterview, signedInWorkstation } from '../support/live-page';
import { startStack, type Stack } from '../support/servers';
import { confirmWithEnter } from './desk/confirm';
import { assignmentsOf, roomLogOf, scoreOf, signInToPlatform, submitScore } from './desk/platform-api';
import { workstationCommands } from '../support/workstation';

/**
 * Fair scoring in Chromium against the reference platform: a grader meets the dance subject's
 * calibration requirement, calibrates on the chief's two anchors (样卷) and reads the differences
 * (in Chinese, then in English), then scores a band-first sheet with the keyboard alone; a member
 * of the live panel recuses in the room and the chief sees the void sheet on the desk and in the
 * exam-room log. The tests of each scene run in order and share it.
 */

let platformDir: string;
let platform: RunningPlatform;
let browser: ChromiumBrowser;
const cleanups: (() => Promise<void> | void)[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  platformDir = mkdtempSync(join(tmpdir(), 'fair-scoring-platform-'));
  platform = await startPlatform({ dataDir: platformDir, sfu: 'off', demo: { liveCandidates: 2, recordedPerSlot: 1 } });
  browser = await launchChromiumBrowser();
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await browser?.close();
  await platform?.close();
  if (platformDir) rmSync(platformDir, { recursive: true, force: true });
});

/** A workstation of its own for `username`, signed in, in a browser context of its own. */
async function seat(username: string): Promise<{ stack: Stack; page: Page; context: BrowserContext }> {
  const stack = await startStack({ platform: false, platformUrl: platform.url });
  cleanups.push(() => stack.stop());
  const context = await browser.newContext();
  cleanups.push(() => context.close());
  const page = await signedInWorkstation(context, stack, (message) => pageErrors.push(`${username}: ${message}`), { username });
  return { stack, page, context };
}

function dispatch<N extends CommandName>(stack: Stack, name: N, input: CommandInput<N>): Promise<CommandOutput<N>> {
  return workstationCommands(() => stack.workstation).call(name, input);
}

/** Presses Tab, then types, for each value: the form's keyboard path from the band picker. */
async function tabAndType(page: Page, values: readonly number[]): Promise<void> {
  for (const value of values) {
    await page.keyboard.press('Tab');
    await page.keyboard.type(String(value));
  }
}

/** Presses a band's number key and waits until the form shows that band and the keyboard is on it. */
async function pressBand(page: Page, key: string, band: string): Promise<void> {
  await page.keyboard.press(key);
  await page.waitForSelector(`[data-testid="score-sheet"][data-band="${band}"]`);
  await page.waitForFunction((id) => (document.activeElement as HTMLInputElement | null)?.value === id, band);
}

const differenceOf = (page: Page, criterion: string) =>
  page.locator(`[data-testid="calibration-result"] [data-testid="diff-row"][data-criterion="${criterion}"] [data-testid="diff-value"]`).getAttribute('data-difference');

describe('a grader: calibration on anchors, then a band-first sheet by keyboard', () => {
  let page: Page;
  let stack: Stack;
  let danceAssignment: Assignment;
  let token: string;

  it('refuses a dance sheet until the grader has calibrated, on both ends, and says why', async () => {
    ({ page, stack } = await seat('grader1'));
    token = await signInToPlatform(platform.url, 'grader1');
    const mine = await assignmentsOf(platform.url, token);
    const dance = mine.filter((assignment) => assignment.slotId === DEMO_DANCE_SLOT_ID && assignment.purpose === 'score');
    const anchors = mine.filter((assignment) => assignment.purpose === 'calibration');
    expect(anchors.map((anchor) => anchor.candidateCode).sort()).toEqual(['A1', 'A2']);
    const first = dance[0];
    if (!first) throw new Error('grader1 has no dance assignment');
    danceAssignment = first;

    // The platform refuses a real dance sheet while anchors are left, whatever it holds.
    const refused = await submitScore(platform.url, token, danceAssignment.assignmentId, 0, {
      values: { technique: 26, expression: 20, rhythm: 12, appearance: 6 },
      comment: '',
      violation: { flagged: false, note: null },
      band: 'middle',
    });
    expect(refused).toBe(403);

    // So does the workstation, before anything reaches the outbox.
    await dispatch(stack, 'assignments.list', {});
    await dispatch(stack, 'sheets.save', {
      assignmentId: danceAssignment.assignmentId,
      values: { technique: 26, expression: 20, rhythm: 12, appearance: 6 },
      comment: '',
      violation: { flagged: false, note: null },
      band: 'middle',
    });
    const submitted = await stack.workstation.dispatch('sheets.submit', { assignmentId: danceAssignment.assignmentId }, { transport: 'test' });
    expect(submitted).toMatchObject({ ok: false, error: { code: 'calibration_required' } });
    expect((await dispatch(stack, 'sync.getStatus', {})).pending).toBe(0);

    // The grading form says so, and leads to the anchors.
    await page.getByRole('tab', { name: /录播阅卷/ }).click();
    await page.locator(`[data-testid="review-table"] [data-row-key="${danceAssignment.assignmentId}"]`).click();
    await page.keyboard.press('Enter');
    await page.waitForSelector(`[data-testid="grading-view"][data-assignment-id="${danceAssignment.assignmentId}"]`);
    const notice = page.getByTestId('calibration-notice');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('还有 2 份样卷');
    await page.getByTestId('calibration-notice-open').click();
    await page.waitForSelector('[data-testid="calibration-anchor"][data-label="A1"][data-state="todo"]');
    expect(await page.locator('[data-testid="calibration-anchor"]').count()).toBe(2);
  });

  it('calibrates on A1 with the keyboard and reads the difference from the reference per criterion', async () => {
    await page.locator('[data-testid="calibration-anchor"][data-label="A1"] [data-testid="calibration-open"]').click();
    await page.waitForSelector('[data-testid="calibration-view"] [data-testid="score-sheet"]');
    // The band picker has the focus: 1 is the upper band; then each criterion in turn.
    await page.waitForFunction(() => document.activeElement?.closest('[data-testid="band-picker"]') != null);
    await pressBand(page, '1', 'upper');
    await tabAndType(page, [34, 24, 18, 8]);
    await page.keyboard.press('Enter');
    expect(await confirmWithEnter(page)).toContain('84');
    await page.getByTestId('calibration-result').waitFor();

    const reference = DEMO_ANCHOR_REFERENCES.A1.values;
    expect(await differenceOf(page, 'technique')).toBe(String(34 - (reference.technique ?? 0)));
    expect(await differenceOf(page, 'expression')).toBe(String(24 - (reference.expression ?? 0)));
    expect(await differenceOf(page, 'rhythm')).toBe(String(18 - (reference.rhythm ?? 0)));
    expect(await differenceOf(page, 'appearance')).toBe(String(8 - (reference.appearance ?? 0)));
    const total = await page.locator('[data-testid="calibration-result"] [data-testid="diff-total"] [data-testid="diff-value"]').getAttribute('data-difference');
    expect(total).toBe(String(84 - 88));
    expect(await page.getByTestId('diff-bands').getAttribute('data-same')).toBe('true');
  });

  it('calibrates on A2 in English, and the subject is then open for scoring', async () => {
    await page.getByTestId('language-switch').click();
    await page.getByTitle('English').click();
    await page.getByTestId('calibration-back').click();
    await page.waitForSelector('[data-testid="calibration-anchor"][data-label="A1"][data-state="done"]');
    await page.locator('[data-testid="calibration-anchor"][data-label="A2"] [data-testid="calibration-open"]').click();
    await page.waitForSelector('[data-testid="calibration-view"] [data-testid="score-sheet"]');
    await page.waitForFunction(() => document.activeElement?.closest('[data-testid="band-picker"]') != null);
    await pressBand(page, '2', 'middle');
    await tabAndType(page, [30, 20, 15, 5]);
    await page.keyboard.press('Enter');
    await confirmWithEnter(page);
    const result = page.getByTestId('calibration-result');
    await result.waitFor();
    expect(await result.textContent()).toContain('Difference');
    expect(await result.textContent()).toContain('Middle band');
    const reference = DEMO_ANCHOR_REFERENCES.A2.values;
    expect(await differenceOf(page, 'technique')).toBe(String(30 - (reference.technique ?? 0)));
    expect(await differenceOf(page, 'appearance')).toBe(String(5 - (reference.appearance ?? 0)));

    const status = await dispatch(stack, 'calibration.get', { subjectId: danceAssignment.subjectId });
    expect(status.status.complete).toBe(true);
    expect(status.status.results.map((line) => line.label).sort()).toEqual(['A1', 'A2']);

    await page.getByTestId('language-switch').click();
    await page.getByTitle('简体中文').click();
    await page.getByRole('tab', { name: /录播阅卷/ }).waitFor();
  });

  it('scores a band-first dance sheet with the keyboard only: a score outside the band is refused until it fits', async () => {
    await page.getByTestId('review-sections').getByText('评分任务').click();
    await page.locator(`[data-testid="review-table"] [data-row-key="${danceAssignment.assignmentId}"]`).click();
    await page.keyboard.press('Enter');
    const view = `[data-testid="grading-view"][data-assignment-id="${danceAssignment.assignmentId}"]`;
    await page.waitForSelector(`${view} [data-testid="score-sheet"]`);
    expect(await page.getByTestId('calibration-notice').count()).toBe(0);

    // The draft saved earlier through the contract holds the middle band, and the first score has
    // the focus; Shift+Tab goes back to the band, where 1 picks the upper band and puts technique
    // (26) below the band's 32.
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-criterion') === 'technique');
    const inBand = () => page.evaluate(() => document.activeElement?.closest('[data-testid="band-picker"]') != null);
    await page.keyboard.press('Shift+Tab');
    expect(await inBand()).toBe(true);
    await pressBand(page, '1', 'upper');
    await page.waitForSelector('input[data-criterion="technique"][aria-invalid="true"]');
    await page.keyboard.press('Enter');
    // Nothing to confirm: the form sends the keyboard to the band or the score at fault.
    await page.waitForFunction(() => {
      const focused = document.activeElement;
      return focused?.closest('[data-testid="band-picker"]') != null || focused?.getAttribute('data-criterion') === 'technique';
    });
    expect(await page.locator('.ant-modal-confirm').count()).toBe(0);

    // Back to the middle band (key 2), whose ranges the scores fit: Enter, Enter.
    if (!(await inBand())) await page.keyboard.press('Shift+Tab');
    expect(await inBand()).toBe(true);
    await pressBand(page, '2', 'middle');
    await page.waitForSelector('input[data-criterion="technique"][aria-invalid="false"]');
    await page.keyboard.press('Enter');
    expect(await confirmWithEnter(page)).toContain('64');
    await page.waitForSelector('[data-testid="save-state"][data-state="accepted"]');

    const held = await scoreOf(platform.url, token, danceAssignment.assignmentId);
    expect(held.total).toBe(64);
    expect(held.sheet?.band).toBe('middle');
  });
});

describe('a member recuses in the live room, and the chief sees it', () => {
  it('examiner1 declares they know the candidate during the interview; the chief sees the void sheet and the log', async () => {
    const lead = await seat('chief');
    const member = await seat('examiner1');
    const [candidate] = await slotCandidates(platform.url, DEMO_LIVE_SLOT_ID, platform.adminSecret);
    if (!candidate) throw new Error('the demo slot has no candidates');
    const phonesContext = await browser.newContext();
    cleanups.push(() => phonesContext.close());
    await openCandidatePages(phonesContext, platform.url, candidate, (message) => pageErrors.push(message));

    await openInterview(lead.page, DEMO_LIVE_SLOT_ID, candidate.entryId);
    await lead.page.getByTestId('call-candidate').click();
    await member.page.waitForSelector(`[data-testid="live-interview"][data-entry-id="${candidate.entryId}"]`);

    await member.page.getByTestId('recuse-button').click();
    await member.page.getByRole('dialog', { name: /回避考号/ }).waitFor();
    await member.page.getByLabel('本人学生').check();
    await member.page.getByRole('button', { name: '确认回避' }).click();
    const recused = member.page.locator('[data-testid="interview-grading"] [data-testid="sheet-recused"]');
    await recused.waitFor();
    expect(await recused.getAttribute('data-reason')).toBe('own_student');
    expect(await member.page.locator('[data-testid="interview-grading"] [data-testid="submit-sheet"]').count()).toBe(0);

    // The platform holds it: the examiner can no longer score that candidate.
    const memberToken = await signInToPlatform(platform.url, 'examiner1');
    const mine = (await assignmentsOf(platform.url, memberToken)).find((assignment) => assignment.entryId === candidate.entryId);
    if (!mine) throw new Error('examiner1 has no assignment for the candidate');
    expect(mine.recusal?.reason).toBe('own_student');
    const status = await submitScore(platform.url, memberToken, mine.assignmentId, 0, {
      values: { pitch: 20, rhythm: 15, tone: 15, expression: 15, stage: 5 },
      comment: '',
      violation: { flagged: false, note: null },
    });
    expect(status).toBe(403);

    // The chief, the room's lead, ends the interview and finds the sheet void on the desk.
    await lead.page.getByTestId('end-interview').click();
    await lead.page.locator('.ant-modal-confirm').waitFor();
    await lead.page.locator('.ant-modal-confirm .ant-btn-primary').click();
    await lead.page.waitForSelector('[data-testid="live-interview"][data-state="finished"]');
    await lead.page.getByTestId('close-interview').click();
    await lead.page.getByTestId('live-interview-host').waitFor({ state: 'detached' });
    await lead.page.getByRole('tab', { name: '主考工作台' }).click();
    await lead.page.waitForSelector(`[data-testid="chief-slot"][data-slot-id="${DEMO_LIVE_SLOT_ID}"]`);
    const cell = lead.page.locator('[data-testid="matrix-cell"][data-member="ex-01"][data-state="recused"]');
    await cell.waitFor();
    expect(await cell.count()).toBe(1);

    const chiefToken = await signInToPlatform(platform.url, 'chief');
    const log = await roomLogOf(platform.url, chiefToken, DEMO_LIVE_SLOT_ID, candidate.entryId);
    const line = log.lines.find((one) => one.action === 'recusal');
    expect(line?.detail).toEqual({ reason: 'own_student' });
  }, 120_000);

  it('raised no error in any page', () => {
    expect(pageErrors).toEqual([]);
  });
});
