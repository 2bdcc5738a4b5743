import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandInput, CommandName, CommandOutput } from '@common/contract';
import { Results, type Assignment, type ScoreSheet } from '@common/platform';
import { DEMO_LIVE_SLOT_ID } from '../../platform/demo/exam';
import { startPlatform, type RunningPlatform } from '../../platform/server';
import { launchChromiumBrowser, type ChromiumBrowser } from '../support/chromium';
import { startStack, type Stack } from '../support/servers';
import { assignmentsOf, signInToPlatform, submitScore } from './desk/platform-api';

/**
 * The chief examiner's desk (主考工作台) in Chromium, against the reference platform: the chief
 * watches the live slot while examiner1 scores on a workstation of their own (in another browser
 * context) and the rest of the panel scores through the platform's API. The matrix fills, a
 * deviation is flagged, a re-review reaches examiner1 blind, a lock reaches examiner1's form, the
 * slot is signed off, and the workbook is downloaded and read back with exceljs, cell by cell,
 * against the platform's own results. The tests run in order and share the scene.
 */

// The vocal rubric: pitch 30, rhythm 20, tone 20, expression 20, stage 10, in steps of 0.5.
const sheet = (pitch: number, rhythm: number, tone: number, expression: number, stage: number): Omit<ScoreSheet, 'auditHead'> => ({
  values: { pitch, rhythm, tone, expression, stage },
  comment: '',
  violation: { flagged: false, note: null },
});
// Totals chosen to be distinctive strings, so the examiner's screen can be searched for them.
const OTHERS_FIRST = {
  examiner2: sheet(23.5, 16.5, 15.5, 16, 6), // 77.5
  examiner3: sheet(24.5, 17, 16.5, 17, 8.5), // 83.5
  chief: sheet(24, 16.5, 16, 16, 8), // 80.5
} as const;
const OTHER_TOTALS = ['77.5', '83.5', '80.5'];
const EXAMINER1_FIRST = sheet(12, 8, 8, 8, 4); // 40: far from the panel's 79 (trimmed mean of 77.5 and 80.5)
const EXAMINER1_AGAIN = sheet(23, 16, 16, 16, 8); // 79
const NOTE = '请重新评估第二首曲目的音准';

let platformDir: string;
let platform: RunningPlatform;
let chiefStack: Stack;
let examinerStack: Stack;
let browser: ChromiumBrowser;
const contexts: BrowserContext[] = [];
let chiefPage: Page;
let examinerPage: Page;
/** Each member's assignment of the live slot, by the candidate's code as the chief sees it. */
const assignments = new Map<string, Map<string, Assignment>>();
let codes: string[] = [];
let chiefToken: string;

beforeAll(async () => {
  platformDir = mkdtempSync(join(tmpdir(), 'chief-desk-platform-'));
  platform = await startPlatform({ dataDir: platformDir, demo: { liveCandidates: 2, recordedPerSlot: 1 } });
  chiefStack = await startStack({ platform: false, platformUrl: platform.url });
  examinerStack = await startStack({ platform: false, platformUrl: platform.url });
  browser = await launchChromiumBrowser();
  // Candidate codes are blind per examiner: the scene names each candidate by the chief's code.
  const byCandidate = new Map<string, Map<string, Assignment>>();
  for (const username of ['examiner1', 'examiner2', 'examiner3', 'chief'] as const) {
    const token = await signInToPlatform(platform.url, username);
    if (username === 'chief') chiefToken = token;
    for (const assignment of await assignmentsOf(platform.url, token)) {
      if (assignment.slotId !== DEMO_LIVE_SLOT_ID) continue;
      const { candidate_id: candidateId } = platform.ctx.db.prepare('SELECT candidate_id FROM assignments WHERE id = ?').get(assignment.assignmentId) as { candidate_id: string };
      const byUser = byCandidate.get(candidateId) ?? new Map<string, Assignment>();
      byUser.set(username, assignment);
      byCandidate.set(candidateId, byUser);
    }
  }
  for (const byUser of byCandidate.values()) {
    const chiefs = byUser.get('chief');
    if (!chiefs) throw new Error('the chief sits on the live panel');
    assignments.set(chiefs.candidateCode, byUser);
  }
  codes = [...assignments.keys()].sort();
  expect(codes).toHaveLength(2);
});

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await chiefStack?.stop();
  await examinerStack?.stop();
  await platform?.close();
  if (platformDir) rmSync(platformDir, { recursive: true, force: true });
});

/** One browser context per workstation: the browser hosts' session cookies would share a host otherwise. */
async function open(stack: Stack, username: string): Promise<Page> {
  const context = await browser.newContext();
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(stack.host.newLaunchUrl());
  await page.waitForSelector('html[data-examiner-ready="true"]');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill('demo1234');
  await page.getByLabel('密码').press('Enter');
  await page.waitForSelector('[data-testid="app-shell"]');
  return page;
}

async function dispatch<N extends CommandName>(stack: Stack, name: N, input: CommandInput<N>): Promise<CommandOutput<N>> {
  const result = await stack.workstation.dispatch(name, input, { transport: 'test' });
  if (!result.ok) throw new Error(`${name}: ${result.error.code}: ${result.error.message}`);
  return result.value as CommandOutput<N>;
}

const assignmentOf = (code: string, username: string): Assignment => {
  const found = assignments.get(code)?.get(username);
  if (!found) throw new Error(`no assignment of ${username} for ${code}`);
  return found;
};
const memberId = (code: string, username: string): string => {
  const row = platform.ctx.db.prepare('SELECT examiner_id FROM assignments WHERE id = ?').get(assignmentOf(code, username).assignmentId) as { examiner_id: string };
  return row.examiner_id;
};
const cell = (code: string, username: string) => `[data-testid="matrix-cell"][data-code="${code}"][data-member="${memberId(code, username)}"]`;

async function scoreByApi(username: keyof typeof OTHERS_FIRST, code: string): Promise<void> {
  const token = username === 'chief' ? chiefToken : await signInToPlatform(platform.url, username);
  const status = await submitScore(platform.url, token, assignmentOf(code, username).assignmentId, 0, OTHERS_FIRST[username]);
  expect(status).toBe(201);
}

async function scoreByExaminer1(code: string, values: Omit<ScoreSheet, 'auditHead'>): Promise<void> {
  const { assignmentId } = assignmentOf(code, 'examiner1');
  await dispatch(examinerStack, 'sheets.save', { assignmentId, ...values });
  await dispatch(examinerStack, 'sheets.submit', { assignmentId });
}

describe('the chief examiner watches the live slot', () => {
  it('opens the desk: every candidate × every panel member, nothing scored yet', async () => {
    chiefPage = await open(chiefStack, 'chief');
    examinerPage = await open(examinerStack, 'examiner1');
    // Grading works from what the workstation has listed while online.
    await dispatch(examinerStack, 'assignments.list', {});
    // examiner1 is no chief: no desk tab.
    expect(await examinerPage.getByRole('tab', { name: '主考工作台' }).count()).toBe(0);

    await chiefPage.getByRole('tab', { name: '主考工作台' }).click();
    await chiefPage.waitForSelector(`[data-testid="chief-slot"][data-slot-id="${DEMO_LIVE_SLOT_ID}"]`);
    await chiefPage.waitForSelector('[data-testid="matrix-cell"]');
    const states = await chiefPage.locator('[data-testid="matrix-cell"]').evaluateAll((cells) => cells.map((one) => one.getAttribute('data-state')));
    expect(states).toEqual(Array.from({ length: codes.length * 4 }, () => 'not_scored'));
    expect(await chiefPage.getByTestId('sign-off').isDisabled()).toBe(true);
  });

  it('sees the matrix fill as sheets are saved and accepted, and the deviation flagged', async () => {
    const [first] = codes as [string, string];
    const { assignmentId } = assignmentOf(first, 'examiner1');
    await dispatch(examinerStack, 'sheets.save', { assignmentId, ...EXAMINER1_FIRST });
    await chiefPage.waitForSelector(`${cell(first, 'examiner1')}[data-state="saved"]`);

    await scoreByApi('examiner2', first);
    await scoreByApi('examiner3', first);
    await scoreByApi('chief', first);
    await dispatch(examinerStack, 'sheets.submit', { assignmentId });
    await chiefPage.waitForSelector(`${cell(first, 'examiner1')}[data-state="accepted"][data-flagged="true"]`);
    for (const username of ['examiner2', 'examiner3', 'chief']) {
      await chiefPage.waitForSelector(`${cell(first, username)}[data-state="accepted"][data-flagged="false"]`);
    }
    await expect.poll(() => chiefPage.locator(cell(first, 'examiner1')).innerText()).toContain('40');
  });

  it('asks examiner1 to look again: the request reaches them blind, and their new sheet answers it', async () => {
    const [first] = codes as [string, string];
    await chiefPage.locator(cell(first, 'examiner1')).click();
    await chiefPage.waitForSelector(`[data-testid="sheet-panel"][data-code="${first}"]`);
    await chiefPage.getByTestId('sheet-re-review').click();
    const dialog = chiefPage.getByRole('dialog');
    await dialog.locator('textarea').fill(NOTE);
    await dialog.getByRole('button', { name: /确\s*定|发\s*送|请求复核/ }).last().click();
    await chiefPage.waitForSelector(`${cell(first, 'examiner1')}[data-re-review="open"]`);

    // examiner1 reads the chief's note on the review tab, and nothing of anyone else's score.
    await examinerPage.getByRole('tab', { name: /录播阅卷/ }).click();
    // The platform's own request (how far off, never from what) and the chief's (the note).
    const notices = examinerPage.locator(`[data-testid="re-review"][data-assignment-id="${assignmentOf(first, 'examiner1').assignmentId}"]`);
    const notice = notices.filter({ hasText: NOTE });
    await notice.waitFor();
    expect(await notices.count()).toBe(2);
    const screen = await examinerPage.locator('body').innerText();
    for (const total of OTHER_TOTALS) expect(screen).not.toContain(total);

    await dispatch(examinerStack, 'sheets.reopen', { assignmentId: assignmentOf(first, 'examiner1').assignmentId });
    await scoreByExaminer1(first, EXAMINER1_AGAIN);
    await chiefPage.waitForSelector(`${cell(first, 'examiner1')}[data-re-review="answered"][data-flagged="false"][data-state="accepted"]`);
  });

  it('locks a sheet: examiner1 sees it locked on the form, and can submit again once unlocked', async () => {
    const [, second] = codes as [string, string];
    const { assignmentId } = assignmentOf(second, 'examiner1');
    await dispatch(examinerStack, 'sheets.save', { assignmentId, ...EXAMINER1_AGAIN });
    await chiefPage.waitForSelector(`${cell(second, 'examiner1')}[data-state="saved"]`);

    await chiefPage.locator(cell(second, 'examiner1')).click();
    await chiefPage.waitForSelector(`[data-testid="sheet-panel"][data-code="${second}"]`);
    await chiefPage.getByTestId('sheet-lock').click();
    await chiefPage.waitForSelector(`${cell(second, 'examiner1')}[data-locked="true"]`);

    // The draft (saved here through the contract, not the form) is listed once the review tab is read again.
    await examinerPage.getByRole('tab', { name: '现场候考' }).click();
    await examinerPage.getByRole('tab', { name: /录播阅卷/ }).click();
    await examinerPage.locator(`[data-testid="review-table"] [data-row-key="${assignmentId}"] [data-code]`).dblclick();
    await examinerPage.waitForSelector(`[data-testid="grading-view"][data-assignment-id="${assignmentId}"]`);
    await examinerPage.waitForSelector('[data-testid="sheet-locked"]');
    expect(await examinerPage.locator('[data-testid="sheet-locked"]').innerText()).toContain('已被主考锁定');
    expect(await examinerPage.getByTestId('submit-sheet').isDisabled()).toBe(true);

    await chiefPage.getByTestId('sheet-unlock').click();
    await chiefPage.waitForSelector(`${cell(second, 'examiner1')}[data-locked="false"]`);
    await examinerPage.waitForSelector('[data-testid="sheet-locked"]', { state: 'detached' });
    expect(await examinerPage.getByTestId('submit-sheet').isDisabled()).toBe(false);
    await dispatch(examinerStack, 'sheets.submit', { assignmentId });
    await chiefPage.waitForSelector(`${cell(second, 'examiner1')}[data-state="accepted"]`);
  });

  it('signs the slot off once every sheet is accepted', async () => {
    const [, second, ...others] = codes as [string, string, ...string[]];
    for (const code of others) {
      await scoreByExaminer1(code, EXAMINER1_AGAIN);
      for (const username of ['examiner2', 'examiner3', 'chief'] as const) await scoreByApi(username, code);
    }
    await scoreByApi('examiner2', second);
    await scoreByApi('examiner3', second);
    expect(await chiefPage.getByTestId('sign-off').isDisabled()).toBe(true);
    await scoreByApi('chief', second);
    await chiefPage.waitForSelector('[data-testid="sign-off"]:not([disabled])');
    await chiefPage.getByTestId('sign-off').click();
    await chiefPage.getByRole('dialog').getByRole('button', { name: /签\s*署|确\s*定/ }).last().click();
    await chiefPage.waitForSelector('[data-testid="signed-off"]');
    expect(await chiefPage.getByTestId('signed-off').innerText()).toContain('刘主任');
    await chiefPage.waitForSelector(`${cell(second, 'examiner1')}[data-locked="true"]`);
  });

  it("shows the raters' figures, drawn", async () => {
    await chiefPage.getByTestId('chief-views').getByText('评委评分质量').click();
    await chiefPage.waitForSelector('[data-testid="rater-quality"]');
    await chiefPage.waitForFunction(() => document.querySelectorAll('[data-testid="rater-charts"] canvas').length > 0);
    await chiefPage.getByTestId('chief-views').getByText('成绩矩阵').click();
    await chiefPage.waitForSelector('[data-testid="matrix-cell"]');
  });

  it('exports the workbook: read back with exceljs, every cell as the platform scored it', async () => {
    await chiefPage.getByTestId('export-slotXlsx').click();
    const link = chiefPage.getByTestId('export-save');
    await link.waitFor();
    const [download] = await Promise.all([chiefPage.waitForEvent('download'), link.click()]);
    const file = join(platformDir, 'results.xlsx');
    await download.saveAs(file);

    const response = await fetch(`${platform.url}/api/v1/chief/slots/${DEMO_LIVE_SLOT_ID}/results`, { headers: { authorization: `Bearer ${chiefToken}` } });
    expect(response.status).toBe(200);
    const results = Results.parse(await response.json());
    expect(results.candidates.map((candidate) => candidate.candidateCode).sort()).toEqual(codes);

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    const rowsOf = (name: string): unknown[][] => {
      const worksheet = workbook.getWorksheet(name);
      if (!worksheet) throw new Error(`no sheet ${name}`);
      const rows: unknown[][] = [];
      worksheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
      return rows;
    };

    // 综合成绩: one row per candidate, the combined score by the exam's rule.
    const [combinedHeader, ...combined] = rowsOf('综合成绩') as [unknown[], ...unknown[][]];
    expect(combinedHeader.slice(0, 4)).toEqual(['考号', '场次', '综合成绩', '已接收/应评']);
    expect(combined).toHaveLength(results.candidates.length);
    for (const candidate of results.candidates) {
      const row = combined.find((one) => one[0] === candidate.candidateCode);
      expect(row?.[2] ?? null).toBe(candidate.combined);
      expect(row?.[3]).toBe(`${candidate.accepted}/${candidate.counting}`);
    }
    // The first candidate: 77.5, 79, 80.5, 83.5 → trimmed mean of 79 and 80.5.
    expect(results.candidates.find((candidate) => candidate.candidateCode === codes[0])?.combined).toBe(79.75);

    // 评委分项成绩: every member's criterion values, as the platform holds them.
    const criteria = results.rubric.criteria;
    const [criteriaHeader, ...sheets] = rowsOf('评委分项成绩') as [unknown[], ...unknown[][]];
    expect(criteriaHeader.slice(0, 3 + criteria.length + 2)).toEqual(['考号', '评委', '状态', ...criteria.map((criterion) => criterion.label.zh), '总分', '版本']);
    const expected = results.candidates.flatMap((candidate) => candidate.sheets.map((one) => ({ candidate, one })));
    expect(sheets).toHaveLength(expected.length);
    for (const { candidate, one } of expected) {
      const row = sheets.find((line) => line[0] === candidate.candidateCode && line[1] === one.memberName);
      expect(row, `${candidate.candidateCode} × ${one.memberName}`).toBeDefined();
      expect(row?.slice(3, 3 + criteria.length)).toEqual(criteria.map((criterion) => one.values?.[criterion.id]));
      expect(row?.[3 + criteria.length] ?? null).toBe(one.total);
      expect(row?.[4 + criteria.length]).toBe(one.version);
    }

    // 考场记录: every line of the platform's room log of the slot.
    const [, ...log] = rowsOf('考场记录');
    expect(log).toHaveLength(results.roomLog.reduce((sum, entry) => sum + entry.lines.length, 0));
  });
});
