import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import type { CommandInput, CommandName, CommandOutput, EventName, EventPayload } from '@common/contract';
import type { AdminCandidate } from '@common/platform/admin';
import type { Exam } from '@common/platform';
import { DEMO_LIVE_SLOT_ID, DEMO_SUBJECTS } from '../../platform/demo/exam';
import type { RunningPlatform } from '../../platform/server';
import { slotCandidates } from '../../platform/sim/admin';
import { startSimulatedCandidate, type SimulatedCandidate } from '../../platform/sim/candidate';
import { DEMO_PASSWORD } from '../../platform/demo';
import { SimulatedExaminer, type TalkBack } from '../../platform/sim/examiner';
import { ensureRendererBuilt } from '../../scripts/renderer-build';
import { RawCandidate } from '../e2e/desk/candidate';
import { demoPairAssignment } from '../e2e/desk/review-page';
import { assignmentsOf, leadControl, scoreOf, signInToPlatform, submitScore } from '../e2e/desk/platform-api';
import { launchChromiumBrowser } from '../support/chromium';
import { startStack, type Stack } from '../support/servers';
import { valuesFor, workstationCommands } from '../support/workstation';

/**
 * `npm run screenshots`: the main screens in both languages, into docs/screenshots, for the
 * README: sign-in, the live queue with candidates in many states, the review queue, the grading
 * form, a conflict, and the panel room as a member and as the lead see it. Needs a CJK font for
 * Chinese text (Debian: fonts-noto-cjk).
 *
 * The scene is real: the reference platform (with short demo recordings and its SFU), simulated
 * candidates' phones on its realtime socket (one with both cameras, for the panel room), the rest
 * of the panel as simulated examiners, scores from "other examiners" through its API.
 */
const LANGUAGES = [
  { language: 'zh-CN', user: '用户名', password: '密码', signIn: /登\s*录/, signOut: /退出登录/, live: '现场候考', review: /录播阅卷/, chief: '主考工作台', quality: '评委评分质量', anchors: '试评（样卷）', calibration: '试评', dance: '舞蹈', back: '返回阅卷队列' },
  { language: 'en', user: 'User name', password: 'Password', signIn: /Sign in/, signOut: 'Sign out', live: 'Live queue', review: /Recorded exams/, chief: "Chief's desk", quality: 'Rater quality', anchors: 'Calibration (anchors)', calibration: 'Calibration', dance: 'Dance', back: 'Back to the review queue' },
] as const;
type Words = (typeof LANGUAGES)[number];

const out = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
mkdirSync(out, { recursive: true });
await ensureRendererBuilt((line) => process.stdout.write(`${line}\n`));
const platformDir = mkdtempSync(join(tmpdir(), 'screenshots-platform-'));
const DEMO_MEDIA = { seconds: 4, longSeconds: 6 } as const;
const stack = await startStack({ platform: { dataDir: platformDir, demoMedia: DEMO_MEDIA } });
const platform = stack.platform as RunningPlatform;
// A fake microphone, so that the panel room's talk-back has one; the panels play sound unprompted.
const browser = await launchChromiumBrowser({ args: ['--use-fake-device-for-media-stream', '--autoplay-policy=no-user-gesture-required'] });
const context = await browser.newContext();
const candidates: RawCandidate[] = [];
const closing: (() => void)[] = [];
try {
  let scene: Scene | null = null;
  for (const words of LANGUAGES) {
    const { language } = words;
    const page = await openWorkstation(language);
    await shoot(page, `sign-in.${language}`);

    await signIn(page, words, 'examiner1');
    scene ??= await setScene(stack);

    const liveTab = page.getByRole('tab', { name: words.live });
    if ((await liveTab.getAttribute('aria-selected')) !== 'true') await liveTab.click();
    await backToQueue(page, scene.interrupted.candidate.entryId);
    await liveQueue(page, scene);
    await shoot(page, `live-queue.${language}`);
    await scene.interrupted.connect('side');
    await rowState(page, scene.interrupted.candidate.entryId, 'in_room');

    await page.getByRole('tab', { name: words.review }).click();
    await page.waitForSelector(`[data-testid="review-table"] [data-row-key="${scene.draft}"]`);
    for (const assignmentId of [scene.accepted, scene.reReview, scene.conflict, scene.draft]) {
      await page.waitForSelector(`[data-testid="review-table"] [data-row-key="${assignmentId}"] [data-testid="download-state"][data-state="ready"]`);
    }
    await page.getByTestId('re-review').first().waitFor();
    await page.locator(`[data-testid="review-table"] [data-row-key="${scene.accepted}"]`).click();
    await shoot(page, `review-queue.${language}`);

    await openSheet(page, scene.draft);
    // One more keystroke, so that the save state is that of an edit just saved.
    const field = page.locator('[data-testid="score-sheet"] input[data-criterion]').last();
    await field.fill('');
    await field.pressSequentially('8');
    await page.waitForSelector('[data-testid="save-state"][data-state="saved"]');
    await shoot(page, `grading.${language}`);
    await page.keyboard.press('Escape');

    // The demo's performance pair: lined up by its sound, both at one loudness, the pictures hidden (拉幕).
    const performance = demoPairAssignment(platform, DEMO_MEDIA, 4, 'ex-01');
    await downloaded(performance);
    await openSheet(page, performance);
    await page.waitForSelector('[data-testid="alignment"][data-source="sound"]');
    await page.getByTestId('loudness').waitFor();
    await page.getByTestId('blind-toggle').click();
    await page.waitForSelector('[data-testid="review-player"][data-blind="true"]');
    await page.mouse.move(10, 10);
    // The player from its top, so the waveform and the clock show under the curtain.
    await page.getByTestId('review-player').evaluate((player) => player.scrollIntoView({ block: 'start' }));
    await shoot(page, `review-listening.${language}`);
    await page.getByRole('button', { name: words.back }).click();
    await page.waitForSelector('[data-testid="review-queue"]');

    await openSheet(page, scene.conflict);
    await page.getByTestId('conflict-panel').evaluate((panel) => panel.scrollIntoView({ block: 'start' }));
    await shoot(page, `conflict.${language}`);
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="review-queue"]');

    await page.getByRole('button', { name: words.signOut }).click();
    await page.close();
  }

  if (!scene) throw new Error('no scene was set');
  await leadControl(platform.url, await signInToPlatform(platform.url, 'chief'), DEMO_LIVE_SLOT_ID, scene.interrupted.candidate.entryId, 'finish');
  const room = await setPanelRoom();
  for (const words of LANGUAGES) {
    const page = await openWorkstation(words.language);
    await signIn(page, words, 'examiner1');
    await inRoom(page, words, room.entryId, 3);
    await page.waitForSelector('[data-testid="room-member"][data-talking="true"]');
    // The first marks of this interview, kept on this computer (the English round finds them there).
    const marks = page.locator('[data-testid="interview-grading"] input[data-criterion]');
    for (const [i, mark] of ['26', '17.5'].entries()) if ((await marks.nth(i).inputValue()) === '') await marks.nth(i).fill(mark);
    await page.waitForSelector('[data-testid="interview-grading"] [data-testid="save-state"][data-state="saved"]');
    await shoot(page, `panel-room.${words.language}`);
    await leave(page, words);
  }

  // The lead's own view: the chief at this workstation, the two members scored.
  await room.leadView();
  for (const words of LANGUAGES) {
    const page = await openWorkstation(words.language);
    await signIn(page, words, 'chief');
    await inRoom(page, words, room.entryId, 3);
    if (words === LANGUAGES[0]) {
      await page.getByTestId('lead-extend-2').click();
      await page.getByTestId('extra-time').waitFor();
      // The pointer moves on, back to the panels: the button is not left hovered in the picture.
      await page.mouse.move(400, 600);
    }
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="room-member"][data-submitted="true"]').length === 2);
    await page.waitForSelector('.ant-message-notice', { state: 'detached' });
    await shoot(page, `panel-room-lead.${words.language}`);
    await leave(page, words);
  }
  // The chief's desk: the live slot's matrix with a dozen candidates scored by the panel, one
  // sheet far from the rest, a few still to come; then the raters' figures.
  // The panel room's interview ends first: the lead's workstation would open it over the desk.
  await leadControl(platform.url, await signInToPlatform(platform.url, 'chief'), DEMO_LIVE_SLOT_ID, room.entryId, 'finish');
  const flagged = await setChiefScene();
  for (const words of LANGUAGES) {
    const page = await openWorkstation(words.language);
    await signIn(page, words, 'chief');
    await page.getByRole('tab', { name: words.chief }).click();
    await page.waitForSelector(`[data-testid="chief-slot"][data-slot-id="${DEMO_LIVE_SLOT_ID}"] [data-testid="matrix-cell"][data-flagged="true"]`);
    await page.locator(`[data-testid="matrix-cell"][data-flagged="true"][data-member="${flagged}"]`).first().click();
    await page.getByTestId('sheet-panel').waitFor();
    await page.mouse.move(10, 700);
    await shoot(page, `chief-desk.${words.language}`);
    await page.getByTestId('chief-views').getByText(words.quality).click();
    await page.getByTestId('rater-charts').waitFor();
    // ECharts draws on a canvas after its first frame.
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="rater-charts"] canvas').length > 0);
    await page.waitForTimeout(800);
    await shoot(page, `chief-quality.${words.language}`);
    await page.getByRole('button', { name: words.signOut }).click();
    await page.close();
  }

  // A grader's calibration on the dance subject's anchors, and then its band-first sheet.
  const calibration = await setCalibrationScene();
  for (const words of LANGUAGES) {
    const page = await openWorkstation(words.language);
    await signIn(page, words, 'grader1');
    await page.getByRole('tab', { name: words.review }).click();
    await page.getByTestId('review-sections').getByText(words.anchors).click();
    for (const assignmentId of [calibration.anchorA1, calibration.danceSheet]) await downloaded(assignmentId);
    await page.locator('[data-testid="calibration-anchor"][data-label="A1"] [data-testid="calibration-open"]').click();
    await page.getByTestId('calibration-result').waitFor();
    await page.waitForSelector('[data-testid="review-player"][data-ready="true"]');
    await page.mouse.move(10, 700);
    await shoot(page, `calibration.${words.language}`);
    await page.getByTestId('calibration-back').click();

    await dispatch(stack, 'sheets.save', {
      assignmentId: calibration.danceSheet,
      values: { technique: 34, expression: 25 },
      comment: '',
      violation: { flagged: false, note: null },
      band: 'upper',
      technicalIssues: [{ id: 'issue-1', category: 'sound_clipped', note: words === LANGUAGES[0] ? '高音处爆音' : 'Clipped on the high notes', moments: [{ atMs: 3_000 }] }],
    });
    await page.getByTestId('review-sections').getByText(words === LANGUAGES[0] ? '评分任务' : 'Assignments').click();
    await openSheet(page, calibration.danceSheet);
    await page.waitForSelector('[data-testid="score-sheet"][data-band="upper"]');
    // Tall enough for the band, the scores in it and the technical issue on one picture.
    await page.setViewportSize({ width: 1280, height: 1180 });
    await page.getByTestId('score-sheet').evaluate((sheet) => sheet.scrollIntoView({ block: 'start' }));
    await shoot(page, `band-first.${words.language}`);
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: words.signOut }).click();
    await page.close();
  }

  // The chief sees every examiner's calibration against the anchors.
  for (const words of LANGUAGES) {
    const page = await openWorkstation(words.language);
    await signIn(page, words, 'chief');
    await page.getByRole('tab', { name: words.chief }).click();
    await page.getByTestId('chief-views').getByText(words.calibration, { exact: true }).click();
    await page.getByTestId('calibration-subject-picker').click();
    await page.locator('.ant-select-item-option').filter({ hasText: words.dance }).click();
    await page.waitForSelector('.ant-select-dropdown', { state: 'hidden' });
    await page.waitForSelector('[data-testid="chief-calibration-subject"][data-subject-id="dance"][data-loading="false"] [data-testid="calibration-examiners"]');
    await page.mouse.move(10, 700);
    await shoot(page, `chief-calibration.${words.language}`);
    await page.getByRole('button', { name: words.signOut }).click();
    await page.close();
  }
  process.stdout.write(`Screenshots written to ${out}\n`);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
} finally {
  for (const close of closing) close();
  for (const candidate of candidates) await candidate.close();
  await browser.close();
  await stack.stop();
  rmSync(platformDir, { recursive: true, force: true });
}
// Exit explicitly, and not by running out of work: wrtc's finalizers crash a Node process that
// ends naturally (node-webrtc/node-webrtc#636), and the panel room's simulated phones and examiners use it.
process.exit(process.exitCode ?? 0);

async function openWorkstation(language: string): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => process.stderr.write(`page error: ${error.message}\n`));
  await page.addInitScript((lang) => localStorage.setItem('examiner.language', lang), language);
  await page.goto(stack.host.newLaunchUrl());
  await page.waitForSelector('html[data-examiner-ready="true"]');
  await page.waitForSelector('[data-testid="platform-health"][data-state="online"]');
  return page;
}

async function signIn(page: Page, words: Words, username: string): Promise<void> {
  await page.getByLabel(words.user).fill(username);
  await page.getByLabel(words.password).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: words.signIn }).click();
  await page.getByTestId('app-shell').waitFor();
}

/** Out of the interview (it goes on without this examiner) and signed out. */
async function leave(page: Page, words: Words): Promise<void> {
  await page.getByTestId('close-interview').click();
  await page.waitForSelector('[data-testid="live-interview"]', { state: 'detached' });
  await page.getByRole('button', { name: words.signOut }).click();
  await page.close();
}

interface PanelRoom {
  readonly entryId: string;
  /** The chief leaves the room to this workstation; examiner1 joins from elsewhere, and both members score. */
  leadView(): Promise<void>;
}

/**
 * A candidate with both cameras in the panel room, called by the chief (the lead), with
 * examiner2 in the room speaking to them; examiner3 stays away.
 */
async function setPanelRoom(): Promise<PanelRoom> {
  const slot = await slotCandidates(platform.url, DEMO_LIVE_SLOT_ID, platform.adminSecret);
  const chosen = slot[8];
  if (!chosen) throw new Error('the demo slot has too few candidates');
  const candidate: SimulatedCandidate = await startSimulatedCandidate({ platformUrl: platform.url, mainToken: chosen.mainToken, sideToken: chosen.sideToken, tone: true });
  closing.push(() => candidate.stop());
  await candidate.untilState('waiting');
  const member = async (username: string) => {
    const examiner = await SimulatedExaminer.signIn(platform.url, username, DEMO_PASSWORD);
    closing.push(() => examiner.close());
    await examiner.subscribe(DEMO_LIVE_SLOT_ID);
    return examiner;
  };
  const { entryId } = chosen;
  const chief = await member('chief');
  await chief.call(DEMO_LIVE_SLOT_ID, entryId);
  await chief.joinRoom(entryId);
  await candidate.untilState('in_room');
  const speaker = await member('examiner2');
  await speaker.joinRoom(entryId);
  const talk: TalkBack = speaker.talk(entryId);
  await talk.connected;
  return {
    entryId,
    leadView: async () => {
      talk.stop();
      chief.leaveRoom(entryId);
      const examiner1 = await member('examiner1');
      await examiner1.joinRoom(entryId);
      await examiner1.scoreEntry(entryId, 0.85, '音准稳定，气息控制好。');
      await speaker.scoreEntry(entryId, 0.8, '');
    },
  };
}

/**
 * The live queue takes a panel member into the interview running when they arrive: waits there
 * until both cameras play with a good grade and `present` members are in the room.
 */
async function inRoom(page: Page, words: Words, entryId: string, present: number): Promise<void> {
  const liveTab = page.getByRole('tab', { name: words.live });
  if ((await liveTab.getAttribute('aria-selected')) !== 'true') await liveTab.click();
  await page.waitForSelector(`[data-testid="live-interview"][data-entry-id="${entryId}"][data-state="in_room"]`);
  for (const device of ['main', 'side']) await page.waitForSelector(`[data-testid="feed-${device}"][data-view="playing"][data-grade="good"]`);
  await page.waitForSelector('[data-testid="talk-back"][data-mic="on"][data-voice="connected"]');
  await page.waitForFunction((count) => document.querySelectorAll('[data-testid="room-member"][data-present="true"]').length === count, present);
  await page.waitForSelector('[data-testid="interview-grading"] [data-testid="score-sheet"] [data-testid="save-state"]:not([data-state="loading"])');
}

interface Scene {
  /** Waiting, with a quick message the examiner has read (the active row). */
  readonly active: RawCandidate;
  /** Waiting, with a quick message not yet read. */
  readonly unread: RawCandidate;
  /** In the room; their side phone drops for each screenshot. */
  readonly interrupted: RawCandidate;
  /** Recorded assignments: accepted, accepted then asked for a re-review, in conflict, a draft. */
  readonly accepted: string;
  readonly reReview: string;
  readonly conflict: string;
  readonly draft: string;
}

/** The live slot's first candidates in as many states as fit a screen, and sheets in every status. */
async function setScene(at: Stack): Promise<Scene> {
  const slot = await slotCandidates(platform.url, DEMO_LIVE_SLOT_ID, platform.adminSecret);
  const phone = async (index: number, devices: readonly ('main' | 'side')[]) => {
    const candidate = new RawCandidate(platform.url, slot[index] as AdminCandidate);
    candidates.push(candidate);
    for (const device of devices) await candidate.connect(device);
    return candidate;
  };
  // Only the panel's lead (主考) calls, ends and marks absent: the chief does, from a client of their own.
  const chief = await signInToPlatform(platform.url, 'chief');
  const call = (candidate: RawCandidate, control: 'call' | 'finish' | 'absent') => leadControl(platform.url, chief, DEMO_LIVE_SLOT_ID, candidate.candidate.entryId, control);
  const both = ['main', 'side'] as const;

  const active = await phone(0, both);
  await walk(active, 'ready');
  const interrupted = await phone(1, both);
  await walk(interrupted, 'ready');
  const faceVerified = await phone(2, both);
  await walk(faceVerified, 'face');
  const checkedIn = await phone(3, ['main']);
  await walk(checkedIn, 'check-in');
  const review = await phone(4, ['main']);
  await review.act('check-in');
  for (let attempt = 0; attempt < 3; attempt++) await review.act('face', { matched: false });
  const unread = await phone(5, both);
  await walk(unread, 'ready');
  const finished = await phone(6, both);
  await walk(finished, 'ready');
  await call(finished, 'call');
  await finished.act('join');
  await call(finished, 'finish');
  await call(await phone(7, []), 'absent');
  await call(interrupted, 'call');
  await interrupted.act('join');

  const { assignments } = await dispatch(at, 'assignments.list', {});
  const recorded = assignments.filter((item) => item.assignment.kind === 'recorded' && item.assignment.recordings.length > 0).map((item) => item.assignment);
  const [accepted, reReview, conflict, draft] = recorded;
  if (!accepted || !reReview || !conflict || !draft) throw new Error('the demo has too few recorded assignments');
  const { exam } = await dispatch(at, 'exams.get', { examId: accepted.examId });
  const criteriaOf = (subjectId: string) => (exam as Exam).subjects.find((subject) => subject.id === subjectId)?.rubric.criteria ?? [];
  const save = (assignmentId: string, subjectId: string, fraction: number, comment: string) =>
    dispatch(at, 'sheets.save', { assignmentId, values: valuesFor(criteriaOf(subjectId), fraction), comment, violation: { flagged: false, note: null } });
  const settled = (assignmentId: string, status: 'accepted' | 'conflict') =>
    until(at, 'sheet.changed', (sheet) => sheet.assignmentId === assignmentId && sheet.status === status);

  for (const item of [accepted, reReview, conflict, draft]) await dispatch(at, 'recordings.download', { assignmentId: item.assignmentId });

  let done = settled(accepted.assignmentId, 'accepted');
  await save(accepted.assignmentId, accepted.subjectId, 0.8, '音准稳定，气息控制好。');
  await dispatch(at, 'sheets.submit', { assignmentId: accepted.assignmentId });
  await done;

  // examiner1 scores far below the rest of the panel: the platform asks for a re-review.
  done = settled(reReview.assignmentId, 'accepted');
  const requested = until(at, 'reReview.requested', (request) => request.assignmentId === reReview.assignmentId);
  await save(reReview.assignmentId, reReview.subjectId, 0.2, '');
  await dispatch(at, 'sheets.submit', { assignmentId: reReview.assignmentId });
  await done;
  const candidateId = (platform.ctx.db.prepare('SELECT candidate_id FROM assignments WHERE id = ?').get(reReview.assignmentId) as { candidate_id: string }).candidate_id;
  for (const username of ['examiner2', 'grader1']) await scoreAsPanel(username, candidateId, reReview.subjectId, valuesFor(criteriaOf(reReview.subjectId), 0.9));
  await requested;

  // The same sheet reaches the platform from examiner1's other computer first.
  await save(conflict.assignmentId, conflict.subjectId, 0.7, '节奏把握准确。');
  const token = await signInToPlatform(platform.url, 'examiner1');
  const elsewhere = (await assignmentsOf(platform.url, token)).find((item) => item.assignmentId === conflict.assignmentId);
  if (!elsewhere) throw new Error('examiner1 has no such assignment on the platform');
  const theirs = valuesFor(criteriaOf(conflict.subjectId), 0.5);
  await submitScore(platform.url, token, conflict.assignmentId, 0, { values: theirs, comment: '另一台电脑上的评分', violation: { flagged: false, note: null } });
  done = settled(conflict.assignmentId, 'conflict');
  await dispatch(at, 'sheets.submit', { assignmentId: conflict.assignmentId });
  await done;

  await save(draft.assignmentId, draft.subjectId, 0.6, '表现自然，台风稳健。');
  return { active, unread, interrupted, accepted: accepted.assignmentId, reReview: reReview.assignmentId, conflict: conflict.assignmentId, draft: draft.assignmentId };
}

/** The live queue as it stands, plus what only this page can have seen: fresh quick messages and the interruption. */
async function liveQueue(page: Page, scene: Scene): Promise<void> {
  await page.waitForSelector('[data-testid="queue-table"][data-loading="false"]');
  await rowState(page, scene.interrupted.candidate.entryId, 'in_room');
  scene.active.quickMessage('cannot_hear');
  scene.unread.quickMessage('network_poor');
  for (const candidate of [scene.active, scene.unread]) {
    await page.waitForSelector(`[data-row-key="${candidate.candidate.entryId}"] [data-testid="unread-messages"][data-unread="1"]`);
  }
  await page.locator(`[data-testid="queue-table"] [data-row-key="${scene.active.candidate.entryId}"]`).click();
  await page.waitForSelector(`[data-testid="entry-panel"][data-entry-id="${scene.active.candidate.entryId}"]`);
  await scene.interrupted.disconnect('side');
  await rowState(page, scene.interrupted.candidate.entryId, 'interrupted');
}

/**
 * A panel member is taken into each interview the lead calls (and into the one running when they
 * arrive), over the queue: closes them one by one, up to the one still running.
 */
async function backToQueue(page: Page, running: string): Promise<void> {
  for (;;) {
    const shown = await page.waitForSelector('[data-testid="live-interview"]');
    const entryId = await shown.getAttribute('data-entry-id');
    await page.getByTestId('close-interview').click();
    await page.waitForSelector(`[data-testid="live-interview"][data-entry-id="${entryId}"]`, { state: 'detached' });
    if (entryId === running) return;
  }
}

async function openSheet(page: Page, assignmentId: string): Promise<void> {
  const code = page.locator(`[data-testid="review-table"] [data-row-key="${assignmentId}"] [data-code]`);
  // The queue is a virtual table in each grader's own order: wheel down to a row out of view.
  const box = await page.getByTestId('review-table').boundingBox();
  if (box) await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  for (let turns = 0; turns < 40 && (await code.count()) === 0; turns++) await page.mouse.wheel(0, 240);
  await code.dblclick();
  await page.waitForSelector(`[data-testid="grading-view"][data-assignment-id="${assignmentId}"]`);
  await page.waitForSelector('[data-testid="score-sheet"] [data-testid="save-state"]:not([data-state="loading"])');
  // The player with a frame on both angles, its thumbnail strip and its waveform.
  await page.waitForSelector('[data-testid="review-player"][data-ready="true"]');
  await page.waitForSelector('[data-testid="strip"][data-state="ready"]');
  await page.waitForSelector('[data-testid="waveform"]:is([data-state="ready"], [data-state="no_audio"])');
}

function rowState(page: Page, entryId: string, state: string): Promise<unknown> {
  return page.waitForSelector(`[data-testid="queue-table"] [data-row-key="${entryId}"] [data-state="${state}"]`);
}

/** Through check-in, face verification (matched) and ready, as far as `last`. */
async function walk(candidate: RawCandidate, last: 'check-in' | 'face' | 'ready'): Promise<void> {
  await candidate.act('check-in');
  if (last === 'check-in') return;
  await candidate.act('face', { matched: true });
  if (last === 'face') return;
  await candidate.act('ready');
}

/** Another panel member's score for the same candidate, straight to the platform. */
async function scoreAsPanel(username: string, candidateId: string, subjectId: string, values: Record<string, number>): Promise<void> {
  const token = await signInToPlatform(platform.url, username);
  const { id: examinerId } = platform.ctx.db.prepare('SELECT id FROM accounts WHERE username = ?').get(username) as { id: string };
  const { id } = platform.ctx.db
    .prepare('SELECT id FROM assignments WHERE examiner_id = ? AND candidate_id = ? AND subject_id = ?')
    .get(examinerId, candidateId, subjectId) as { id: string };
  const status = await submitScore(platform.url, token, id, 0, { values, comment: '', violation: { flagged: false, note: null } });
  if (status !== 201) throw new Error(`${username}'s score: HTTP ${status}`);
}

/**
 * Sheets for the first candidates of the live slot from the whole panel, straight to the
 * platform: members a little lenient or severe, examiner3 drifting up through the day and once
 * far below the rest; the last few without examiner1's sheet. Sheets the scene already holds are
 * left as they are. Returns examiner3's member id (the flagged column).
 */
async function setChiefScene(): Promise<string> {
  const members = [
    { username: 'examiner1', lean: 3 },
    { username: 'examiner2', lean: -4 },
    { username: 'examiner3', lean: 0 },
    { username: 'chief', lean: 1 },
  ] as const;
  const rows = platform.ctx.db
    .prepare(
      `SELECT a.id, a.candidate_id, acc.username FROM assignments a JOIN accounts acc ON acc.id = a.examiner_id
       JOIN queue_entries q ON q.id = a.entry_id WHERE a.slot_id = ? ORDER BY q.appointment_at`,
    )
    .all(DEMO_LIVE_SLOT_ID) as { id: string; candidate_id: string; username: string }[];
  const candidates = [...new Set(rows.map((row) => row.candidate_id))].slice(0, 14);
  const criteria = DEMO_SUBJECTS.find((subject) => subject.id === 'vocal')?.rubric.criteria ?? [];
  for (const member of members) {
    const token = await signInToPlatform(platform.url, member.username);
    for (const [index, candidateId] of candidates.entries()) {
      if (member.username === 'examiner1' && index >= candidates.length - 3) continue;
      const assignment = rows.find((row) => row.candidate_id === candidateId && row.username === member.username);
      if (!assignment) continue;
      const current = await scoreOf(platform.url, token, assignment.id);
      if (current.version > 0) continue;
      const base = 62 + ((index * 37) % 27);
      const drift = member.username === 'examiner3' ? index * 0.6 - 4 : 0;
      const total = member.username === 'examiner3' && index === 4 ? base - 24 : base + member.lean + drift;
      const values = valuesFor(criteria, Math.min(0.98, Math.max(0.2, total / 100)));
      await submitScore(platform.url, token, assignment.id, 0, { values, comment: '', violation: { flagged: false, note: null } });
    }
  }
  // examiner1 knows one of the candidates still to come, and says so: that sheet is void.
  const recused = rows.find((row) => row.candidate_id === candidates.at(-1) && row.username === 'examiner1');
  if (recused) await platformPost('examiner1', `/assignments/${recused.id}/recusal`, { reason: 'relative' }, [201, 409]);
  const { id } = platform.ctx.db.prepare("SELECT id FROM accounts WHERE username = 'examiner3'").get() as { id: string };
  return id;
}

/** A POST to the platform's API as a demo account; `expected` are the statuses that mean it is done. */
async function platformPost(username: string, path: string, body: unknown, expected: readonly number[]): Promise<unknown> {
  const token = await signInToPlatform(platform.url, username);
  const response = await fetch(`${platform.url}/api/v1${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!expected.includes(response.status)) throw new Error(`POST ${path} as ${username}: HTTP ${String(response.status)} ${await response.text()}`);
  return response.json();
}

/**
 * The dance subject's calibration: grader1 has scored both anchors (a little under A1, close to
 * A2), examiner2 only A1; returns one of grader1's dance sheets, open for scoring now.
 */
async function setCalibrationScene(): Promise<{ danceSheet: string; anchorA1: string }> {
  const anchors = platform.ctx.db.prepare("SELECT id, label FROM anchors WHERE subject_id = 'dance' ORDER BY label").all() as { id: string; label: string }[];
  const given: Record<string, Record<string, { values: Record<string, number>; band: string }>> = {
    grader1: {
      A1: { values: { technique: 34, expression: 24, rhythm: 18, appearance: 8 }, band: 'upper' },
      A2: { values: { technique: 30, expression: 20, rhythm: 15, appearance: 5 }, band: 'middle' },
    },
    examiner2: { A1: { values: { technique: 38, expression: 29, rhythm: 19, appearance: 9 }, band: 'upper' } },
  };
  for (const [username, byLabel] of Object.entries(given)) {
    for (const anchor of anchors) {
      const scores = byLabel[anchor.label];
      if (scores) await platformPost(username, `/calibration/anchors/${anchor.id}`, scores, [201, 409]);
    }
  }
  const row = platform.ctx.db
    .prepare("SELECT a.id FROM assignments a JOIN accounts acc ON acc.id = a.examiner_id WHERE acc.username = 'grader1' AND a.subject_id = 'dance' ORDER BY a.id LIMIT 1")
    .get() as { id: string } | undefined;
  const anchorA1 = anchors.find((anchor) => anchor.label === 'A1')?.id;
  if (!row || !anchorA1) throw new Error('grader1 has no dance sheet, or the demo no anchor A1');
  return { danceSheet: row.id, anchorA1 };
}

/** Downloads an assignment's recordings on this workstation (signed in) and waits until both are in. */
async function downloaded(assignmentId: string): Promise<void> {
  const done = (recordings: CommandOutput<'recordings.state'>) => recordings.state === 'ready';
  const ready = until(stack, 'recordings.progress', (progress) => progress.assignmentId === assignmentId && done(progress));
  if (!done(await dispatch(stack, 'recordings.download', { assignmentId }))) await ready;
}

function dispatch<N extends CommandName>(at: Stack, name: N, input: CommandInput<N>): Promise<CommandOutput<N>> {
  return workstationCommands(() => at.workstation).call(name, input);
}

function until<N extends EventName>(at: Stack, name: N, match: (payload: EventPayload<N>) => boolean): Promise<EventPayload<N>> {
  return workstationCommands(() => at.workstation).waitFor(name, match);
}

/** After the fonts have loaded and no spinner is left on screen. */
async function shoot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => document.fonts.ready);
  await page.waitForFunction(() => document.querySelector('.ant-spin-spinning, .ant-skeleton-active') === null);
  await page.screenshot({ path: `${out}${name}.png` });
}
