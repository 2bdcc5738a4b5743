import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandInput, CommandName, CommandOutput, EvidenceRecording } from '@common/contract';
import { ADMIN_SECRET_HEADER, AdminCandidateList, type AdminCandidate } from '@common/platform/admin';
import type { Device } from '@common/platform/queue';
import type { LiveTestHandle } from '../../renderer/src/live/diagnostics';
import { DEMO_LIVE_SLOT_ID } from '../../platform/demo/exam';
import { CANDIDATE_PAGE_DIR } from '../../platform/server';
import { slotCandidates } from '../../platform/sim/admin';
import { startCandidateProcess, type CandidateProcess } from '../support/candidate-process';
import { launchChromium, type Chromium } from '../support/chromium';
import { ffprobe, MATROSKA_CUES_ID } from '../support/evidence-fixtures';
import { openInterview, readFeed, signedInWorkstation, waitEntryState, waitPlaying } from '../support/live-page';
import { createVethNamespace, namespaceProblem, type VethNamespace } from '../support/netns';
import { startStack, RENDERER_DIR, type Stack } from '../support/servers';

/** What the candidate page exposes to tests (platform/web/candidate/main.ts). */
interface CandidateHandle {
  readonly state: string | null;
  readonly prompts: readonly string[];
  readonly connection: string;
  drop(seconds: number): Promise<void>;
  quickMessage(id: string): boolean;
}
type CandidateWindow = typeof globalThis & { __candidate: CandidateHandle };
/** What the workstation's live interview exposes to tests (renderer/src/live/diagnostics.ts). */
type ExaminerWindow = typeof globalThis & { __examinerLive: LiveTestHandle };

let stack: Stack;
let browser: Chromium;
let workstation: Page;
let candidates: AdminCandidate[];
const pageErrors: string[] = [];

beforeAll(async () => {
  for (const dir of [RENDERER_DIR, CANDIDATE_PAGE_DIR]) {
    if (!existsSync(join(dir, 'index.html'))) throw new Error(`${dir} is not built: run npm run build (npm test builds it)`);
  }
  stack = await startStack();
  const platform = stack.platform;
  if (!platform) throw new Error('the stack has no platform');
  candidates = await slotCandidates(platform.url, DEMO_LIVE_SLOT_ID, platform.adminSecret);
  browser = await launchChromium();
  workstation = await signedInWorkstation(browser.context, stack, (message) => pageErrors.push(message));
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** Both devices of a candidate as pages in this browser, the way their phones would open them. */
async function openCandidate(candidate: AdminCandidate): Promise<Record<Device, Page>> {
  const open = async (device: Device): Promise<Page> => {
    const page = await browser.context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`${device}: ${error.message}`));
    const token = device === 'main' ? candidate.mainToken : candidate.sideToken;
    const hash = new URLSearchParams({ token, device });
    await page.goto(`${stack.platform?.url ?? ''}/candidate/?width=640&height=360&fps=15#${hash.toString()}`);
    await page.waitForSelector('html[data-candidate-ready="true"]');
    return page;
  };
  // The side phone first, as the manuals set it up before entering the queue.
  const side = await open('side');
  const main = await open('main');
  await main.waitForFunction(() => (globalThis as CandidateWindow).__candidate.state === 'waiting');
  return { main, side };
}

const feed = (device: Device) => readFeed(workstation, device);
const playing = (device: Device, moreFramesThan = 0) => waitPlaying(workstation, device, moreFramesThan);
const entryState = (state: string) => waitEntryState(workstation, state);

describe('the live interview in Chromium: a simulated candidate with a main and a side page', () => {
  let pages: Record<Device, Page>;
  let candidate: AdminCandidate;
  let recordedMs: Record<Device, number>;

  it('calls the candidate from the queue and shows both cameras as soon as their frames decode', async () => {
    const first = candidates[0];
    if (!first) throw new Error('the demo slot has no candidates');
    candidate = first;
    pages = await openCandidate(candidate);
    await workstation.getByTestId('call-next').click();
    await workstation.getByTestId('live-interview').waitFor();
    // Until a frame is shown, each panel says what it waits for.
    expect(await workstation.getByTestId('feed-main').getAttribute('data-view')).not.toBe('playing');

    const [main, side] = await Promise.all([playing('main'), playing('side')]);
    for (const reading of [main, side]) {
      expect(reading).toMatchObject({ link: 'connected', online: true, links: 1, wrongDevice: 0 });
      expect(reading.firstFrameMs).toBeGreaterThan(0);
    }
    await entryState('in_room');
    // The candidate code, the answering time and the grading form stay on screen beside the panels.
    expect(await workstation.getByTestId('candidate-code').textContent()).toContain('考号');
    await workstation.getByTestId('answer-time').waitFor();
    await workstation.getByTestId('interview-grading').getByTestId('score-sheet').waitFor();
    // One glance: both feeds graded good once the first stats interval has passed.
    await workstation.waitForSelector('[data-testid="quality-main"][data-grade="good"]');
    await workstation.waitForSelector('[data-testid="quality-side"][data-grade="good"]');
  });

  it('records both feeds as evidence from here on', async () => {
    await workstation.getByTestId('record-toggle').click();
    await workstation.waitForSelector('[data-testid="recording-main"][data-state="recording"]');
    await workstation.waitForSelector('[data-testid="recording-side"][data-state="recording"]');
  });

  it("shows the candidate's quick messages and sends the subject's prompts", async () => {
    await pages.main.evaluate(() => (globalThis as CandidateWindow).__candidate.quickMessage('cannot_hear'));
    const message = workstation.locator('[data-testid="live-quick-message"][data-message-id="cannot_hear"]');
    await message.waitFor();
    expect(await message.textContent()).toContain('听不到考官声音');
    expect(await message.getAttribute('data-device')).toBe('main');

    await workstation.getByTestId('prompt-preset-0').click();
    await workstation.getByTestId('prompt-text').fill('请把辅机位放低一点');
    await workstation.getByTestId('prompt-send').click();
    for (const page of [pages.main, pages.side]) {
      await page.waitForFunction(() => (globalThis as CandidateWindow).__candidate.prompts.length === 2);
      expect(await page.evaluate(() => (globalThis as CandidateWindow).__candidate.prompts)).toEqual(['请开始演唱第一首曲目', '请把辅机位放低一点']);
    }
  });

  it('shows an interruption with the rule and a live countdown when the side camera drops, and reconnects when it returns', async () => {
    const before = await feed('side');
    const back = pages.side.evaluate(() => (globalThis as CandidateWindow).__candidate.drop(4));
    const notice = workstation.getByTestId('interruption-side');
    await notice.waitFor();
    await entryState('interrupted');
    expect(await workstation.getByTestId('feed-side').getAttribute('data-view')).toBe('offline');
    expect(await notice.getAttribute('data-count')).toBe('1');
    const text = (await notice.textContent()) ?? '';
    expect(text).toMatch(/剩余 (2:00|1:5\d) 返回（第 1 次，最多 3 次）/);
    expect(text).toContain('2 分钟内返回');
    // The countdown moves while we look.
    await workstation.waitForFunction((first) => document.querySelector('[data-testid="interruption-side"]')?.textContent !== first, text);
    // The main camera never stopped.
    expect((await feed('main')).link).toBe('connected');

    await back;
    await entryState('in_room');
    await workstation.getByTestId('interview-resumed').waitFor();
    expect(await notice.count()).toBe(0);
    const after = await playing('side', before.frames);
    // A new peer (simple-peer has no ICE restart), negotiated by the workstation itself.
    expect(after.links).toBe(before.links + 1);
    expect(await workstation.getByTestId('interview-interruption-count').getAttribute('data-count')).toBe('1');
  });

  it('stops recording into one seekable file per feed, as long as the recording ran', async () => {
    await workstation.getByTestId('record-toggle').click();
    for (const device of ['main', 'side'] as const) await workstation.waitForSelector(`[data-testid="recording-${device}"][data-state="finished"]`);
    const readings = { main: await feed('main'), side: await feed('side') };
    recordedMs = { main: readings.main.recorder?.elapsedMs ?? 0, side: readings.side.recorder?.elapsedMs ?? 0 };

    const { assignments } = await call('assignments.list', {});
    const assignment = assignments.find((view) => view.assignment.entryId === candidate.entryId)?.assignment;
    if (!assignment) throw new Error('no assignment for the interviewed candidate');
    const { recordings } = await call('evidence.list', { assignmentId: assignment.assignmentId });
    expect(recordings.map((recording) => recording.device).sort()).toEqual(['main', 'side']);
    for (const recording of recordings) {
      expect(recording).toMatchObject<Partial<EvidenceRecording>>({ state: 'finished', recovered: false, recordingId: readings[recording.device].recorder?.recordingId ?? '' });
      const file = stack.workstation.evidence.fileFor(recording.recordingId);
      if (!file) throw new Error(`no file for ${recording.device}`);
      const probed = ffprobe(file.path);
      expect(probed.streams.find((stream) => stream.codec_type === 'video')).toMatchObject({ codec_name: 'vp8' });
      expect(Math.abs(probed.durationMs - recordedMs[recording.device])).toBeLessThanOrEqual(1000);
      expect(readFileSync(file.path).includes(MATROSKA_CUES_ID)).toBe(true);
    }
  });

  it("shows the platform's decision when a fourth interruption fails the exam", async () => {
    for (const count of [2, 3]) {
      const back = pages.side.evaluate(() => (globalThis as CandidateWindow).__candidate.drop(1));
      await workstation.waitForSelector(`[data-testid="interruption-side"][data-count="${count}"]`);
      await back;
      await entryState('in_room');
      await playing('side', (await feed('side')).frames);
    }
    const notice = workstation.getByTestId('interruption-side');
    void pages.side.evaluate(() => (globalThis as CandidateWindow).__candidate.drop(1));
    await entryState('failed');
    const failed = workstation.getByTestId('interview-failed');
    await failed.waitFor();
    expect(await failed.getAttribute('data-reason')).toBe('too_many_interruptions');
    expect(await failed.textContent()).toContain('中断超过 3 次');
    expect(await notice.count()).toBe(0);
    // Both connections are closed, and the grading form stays for the score.
    for (const device of ['main', 'side'] as const) {
      await workstation.waitForSelector(`[data-testid="feed-${device}"][data-view="ended"]`);
      expect((await feed(device)).link).toBe('none');
    }
    await workstation.getByTestId('interview-grading').getByTestId('score-sheet').waitFor();
    await workstation.getByTestId('close-interview').click();
    await workstation.getByTestId('live-interview-host').waitFor({ state: 'detached' });
    for (const page of Object.values(pages)) await page.close();
  });
});

describe('ending an interview', () => {
  it('closes both peers on "end", and leaves the grading form open until it is submitted', async () => {
    const candidate = candidates[1];
    if (!candidate) throw new Error('the demo slot has too few candidates');
    const pages = await openCandidate(candidate);
    // Opened by its address, then called in from the interview itself.
    await openInterview(workstation, DEMO_LIVE_SLOT_ID, candidate.entryId);
    await workstation.getByTestId('call-candidate').click();
    await Promise.all([playing('main'), playing('side')]);
    await entryState('in_room');
    const calledAt = await workstation.evaluate(() => (globalThis as ExaminerWindow).__examinerLive.calledAt);
    expect(calledAt).not.toBeNull();

    await workstation.getByTestId('end-interview').click();
    await workstation.locator('.ant-modal-confirm').getByRole('button', { name: '结束面试' }).click();
    await entryState('finished');
    await workstation.getByTestId('interview-ended').waitFor();
    for (const device of ['main', 'side'] as const) {
      await workstation.waitForSelector(`[data-testid="feed-${device}"][data-view="ended"]`);
      expect((await feed(device)).link).toBe('none');
    }
    for (const page of Object.values(pages)) {
      await page.waitForFunction(() => (globalThis as CandidateWindow).__candidate.state === 'finished');
    }
    const sheet = workstation.getByTestId('interview-grading').getByTestId('score-sheet');
    await sheet.waitFor();
    expect(await sheet.getAttribute('data-status')).not.toBe('submitted');
    expect(pageErrors).toEqual([]);
    for (const page of Object.values(pages)) await page.close();
  });
});

/** Why this machine cannot run the network-cut test (it needs `ip netns`, i.e. root), or null. */
const NETNS_PROBLEM = namespaceProblem();
const CUT_SECONDS = 10;

describe.runIf(NETNS_PROBLEM === null)('a real network cut: the candidate in a network namespace of its own', () => {
  let ns: VethNamespace;
  let cutStack: Stack;
  let candidate: CandidateProcess | null = null;

  beforeAll(async () => {
    ns = createVethNamespace();
    // The platform listens on this side of the veth pair, so the candidate reaches it only over the link.
    cutStack = await startStack({ platform: { host: ns.outsideAddress } });
    workstation = await signedInWorkstation(browser.context, cutStack, (message) => pageErrors.push(message));
  });
  afterAll(async () => {
    await candidate?.stop();
    await cutStack?.stop();
    ns?.remove();
  });

  it(`loses both feeds while the link is down for ${CUT_SECONDS} s, and recovers them when it is back`, async () => {
    const platform = cutStack.platform;
    if (!platform) throw new Error('no platform');
    // The admin endpoint answers loopback peers only; the platform listens on the veth address.
    const listed = await platform.app.inject({
      method: 'GET',
      url: `/api/v1/admin/candidates?slotId=${DEMO_LIVE_SLOT_ID}`,
      headers: { [ADMIN_SECRET_HEADER]: platform.adminSecret },
    });
    const [first] = AdminCandidateList.parse(listed.json()).candidates;
    if (!first) throw new Error('the demo slot has no candidates');
    candidate = startCandidateProcess({ platformUrl: platform.url, mainToken: first.mainToken, sideToken: first.sideToken, netns: ns.name });
    await candidate.until((line) => line.device === 'main' && line.state === 'waiting');

    await openInterview(workstation, DEMO_LIVE_SLOT_ID, first.entryId);
    await workstation.getByTestId('call-candidate').click();
    await Promise.all([playing('main'), playing('side')]);

    ns.setLink(false);
    const cutAt = Date.now();
    for (const device of ['main', 'side'] as const) {
      await workstation.waitForSelector(`[data-testid="feed-${device}"][data-frozen="true"]`);
      await workstation.waitForSelector(`[data-testid="quality-${device}"][data-grade="lost"]`);
    }
    // The fault itself lasts CUT_SECONDS: this wait is the outage, not a wait for an outcome.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, CUT_SECONDS * 1000 - (Date.now() - cutAt))));
    const before = { main: await feed('main'), side: await feed('side') };
    ns.setLink(true);

    for (const device of ['main', 'side'] as const) {
      await workstation.waitForFunction(
        ([which, frames]) => {
          const reading = (globalThis as ExaminerWindow).__examinerLive.feed(which);
          return reading.frames > frames + 15 && !reading.frozen && reading.playing;
        },
        [device, before[device].frames] as const,
      );
      await workstation.waitForSelector(`[data-testid="feed-${device}"][data-view="playing"][data-frozen="false"]`);
    }
    expect(pageErrors).toEqual([]);
  });
});

if (NETNS_PROBLEM !== null) {
  describe('a real network cut', () => {
    it.skip(`skipped: ${NETNS_PROBLEM}`, () => undefined);
  });
}

async function call<N extends CommandName>(name: N, input: CommandInput<N>): Promise<CommandOutput<N>> {
  const result = await stack.workstation.dispatch(name, input, { transport: 'test' });
  if (!result.ok) throw new Error(`${name}: ${result.error.code}: ${result.error.message}`);
  return result.value as CommandOutput<N>;
}
