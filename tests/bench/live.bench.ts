import type { Page } from 'playwright-core';
import type { AdminCandidate } from '@common/platform/admin';
import type { Device } from '@common/platform/queue';
import type { FeedReading, LiveTestHandle } from '../../renderer/src/live/diagnostics';
import { DEMO_LIVE_SLOT_ID } from '../../platform/demo/exam';
import type { CandidateProcess } from '../support/candidate-process';
import { launchChromium, type Chromium } from '../support/chromium';
import { openInterview, readFeed, signedInWorkstation, waitPlaying } from '../support/live-page';
import { ensureLoopbackIceInterface, LOOPBACK_ICE_ADDRESS } from '../support/loopback-ice';
import { createVethNamespace, namespaceProblem } from '../support/netns';
import { startStack, type Stack } from '../support/servers';
import { liveSlotCandidates, waitingCandidate as waitingPhones } from './candidates';
import { bench, note, percentile } from './report';

/** LIVE_BENCH_QUICK=1 shrinks every count and duration, to try the benchmark itself out. */
const QUICK = process.env.LIVE_BENCH_QUICK === '1';
const CALLS = QUICK ? 3 : 20;
const CAMERA = { width: 1280, height: 720, fps: 30 } as const;
const GLASS_TO_GLASS_S = QUICK ? 10 : 60;
const SESSION_S = QUICK ? 20 : 5 * 60;
const CUT_S = 10;
const CUTS = QUICK ? 1 : 3;
const DEVICES: readonly Device[] = ['main', 'side'];
/** The lead (主考) of the demo's live panel: only the lead calls candidates in. */
const LEAD = { username: 'chief' } as const;

type ExaminerWindow = typeof globalThis & { __examinerLive: LiveTestHandle };

/**
 * The live interview, measured where the examiner sees it: the workstation's renderer in real
 * Chromium (browser host), whose panels report when each frame is shown (requestVideoFrameCallback)
 * and read the frame stamp in it. The candidates are the platform's Node simulator (both phones,
 * wrtc, 720p30 cameras drawing the stamp) in child processes, so their encoding does not share a
 * thread with the workstation. Every figure below involves the panels; none uses a Node examiner.
 *
 *   first frame     — click on "call in" → first frame shown on both panels (the later of the two)
 *   glass to glass  — frame stamp (drawn by the candidate) → frame shown on the panel, both feeds
 *   frozen          — time the panels stood still (gaps ≥ 1 s) over a 5-minute session, both feeds
 *   recovery        — link back up after a 10 s cut (veth in a network namespace) → new frames on both panels
 */
export async function run(): Promise<void> {
  note('examiner side: the workstation renderer in Chromium (its live panels) for every figure');
  note(`candidate side: platform/sim (Node + wrtc) in child processes, ${CAMERA.width}x${CAMERA.height} at ${CAMERA.fps} fps, both devices`);
  // The platform's SFU (Janus) gathers on an interface of its own for 127.0.0.2, so media stays on loopback.
  const loopback = ensureLoopbackIceInterface();
  if ('problem' in loopback) note(`no loopback-range interface for the SFU (${loopback.problem}): media uses this machine's own address`);
  const browser = await launchChromium();
  try {
    await onLoopback(browser);
    await networkCut(browser);
  } finally {
    await browser.close();
    if (!('problem' in loopback)) loopback.remove();
  }
}

async function onLoopback(browser: Chromium): Promise<void> {
  const stack = await startStack({ platform: { demo: { liveCandidates: CALLS + 4 } } });
  try {
    const page = await signedInWorkstation(browser.context, stack, undefined, LEAD);
    note(`route: ${stack.platform?.mediaNotice ?? 'no platform'}`);
    const candidates = await admin(stack);

    const firstFrames: number[] = [];
    for (const candidate of candidates.slice(0, CALLS)) {
      const proc = await waitingCandidate(stack, candidate);
      try {
        firstFrames.push(await callIn(page, candidate));
        await finish(stack, candidate);
      } finally {
        await proc.stop();
      }
    }
    note(`first frame on both panels, ms: ${firstFrames.map((ms) => ms.toFixed(0)).join(' ')}`);
    bench('live.first_frame_p50_ms', percentile(firstFrames, 50), 'ms');
    bench('live.first_frame_p95_ms', percentile(firstFrames, 95), 'ms');

    const candidate = candidates[CALLS];
    if (!candidate) throw new Error('the demo slot has too few candidates');
    const proc = await waitingCandidate(stack, candidate);
    try {
      await callIn(page, candidate);
      const startedAt = Date.now();
      // Both panels' first stats sample is in (they come once a second), for the receiver's share below.
      await page.waitForFunction(() => (globalThis as ExaminerWindow).__examinerLive.feed('main').receiver !== null && (globalThis as ExaminerWindow).__examinerLive.feed('side').receiver !== null);
      for (const device of DEVICES) await takeLatencies(page, device);
      const from = { main: await readFeed(page, 'main'), side: await readFeed(page, 'side') };
      await wait(GLASS_TO_GLASS_S * 1000);
      const latencies = { main: await takeLatencies(page, 'main'), side: await takeLatencies(page, 'side') };
      const to = { main: await readFeed(page, 'main'), side: await readFeed(page, 'side') };
      for (const device of DEVICES) {
        const samples = latencies[device];
        note(`glass to glass, ${device}: ${samples.length} stamped frames, p50 ${percentile(samples, 50).toFixed(1)} ms, p95 ${percentile(samples, 95).toFixed(1)} ms`);
        note(`  of which, on average, in the panel's jitter buffer ${receiverMs(from[device], to[device], 'jitter')}, decoding ${receiverMs(from[device], to[device], 'decode')}`);
      }
      const both = [...latencies.main, ...latencies.side];
      bench('live.glass_to_glass_p50_ms', percentile(both, 50), 'ms');
      bench('live.glass_to_glass_p95_ms', percentile(both, 95), 'ms');

      await wait(SESSION_S * 1000 - (Date.now() - startedAt));
      const readings = { main: await readFeed(page, 'main'), side: await readFeed(page, 'side') };
      for (const device of DEVICES) {
        const reading = readings[device];
        note(`${device} over ${SESSION_S} s: ${reading.frames} frames shown, ${reading.freezes} freezes, ${reading.frozenMs.toFixed(0)} ms frozen, ${reading.links} connection(s), grade ${reading.grade}`);
      }
      bench('live.frozen_ms', readings.main.frozenMs + readings.side.frozenMs, 'ms');
      await finish(stack, candidate);
    } finally {
      await proc.stop();
    }
  } finally {
    await stack.stop();
  }
}

async function networkCut(browser: Chromium): Promise<void> {
  const problem = namespaceProblem();
  if (problem !== null) {
    note(`live.recovery_ms not measured: ${problem}`);
    return;
  }
  const ns = createVethNamespace();
  let stack: Stack | null = null;
  let proc: CandidateProcess | null = null;
  try {
    // The platform listens on the namespace's side of the veth pair; its SFU gathers there too (and
    // on loopback, for the workstation's Chromium).
    stack = await startStack({ platform: { host: ns.outsideAddress, sfu: { iceAddresses: [LOOPBACK_ICE_ADDRESS, ns.outsideAddress] } } });
    const page = await signedInWorkstation(browser.context, stack, undefined, LEAD);
    const [candidate] = await admin(stack);
    if (!candidate) throw new Error('the demo slot has no candidates');
    proc = await waitingCandidate(stack, candidate, ns.name);
    await callIn(page, candidate);
    note(`network cut: the candidate runs in namespace ${ns.name} (${ns.insideAddress}); the platform listens on ${ns.outsideAddress}; ${stack.platform?.mediaNotice ?? ''}`);

    const recoveries: number[] = [];
    for (let cut = 0; cut < CUTS; cut++) {
      // Steady playback first, so each cut starts from a healthy connection.
      for (const device of DEVICES) await waitPlaying(page, device, (await readFeed(page, device)).frames + CAMERA.fps);
      ns.setLink(false);
      await wait(CUT_S * 1000);
      const frames = { main: (await readFeed(page, 'main')).frames, side: (await readFeed(page, 'side')).frames };
      ns.setLink(true);
      const upAt = await page.evaluate(() => performance.now());
      const backAt = await page.waitForFunction(
        (before) => {
          const live = (globalThis as ExaminerWindow).__examinerLive;
          return live.feed('main').frames > before.main && live.feed('side').frames > before.side ? performance.now() : false;
        },
        frames,
        { timeout: 120_000 },
      );
      const recovery = Number(await backAt.jsonValue()) - upAt;
      const links = (await readFeed(page, 'main')).links + (await readFeed(page, 'side')).links;
      note(`cut ${cut + 1}: frames on both panels ${recovery.toFixed(0)} ms after the link returned (${links} connections so far over both feeds)`);
      recoveries.push(recovery);
    }
    bench('live.recovery_ms', percentile(recoveries, 50), 'ms');
  } finally {
    await proc?.stop();
    await stack?.stop();
    ns.remove();
  }
}

function admin(stack: Stack): Promise<AdminCandidate[]> {
  if (!stack.platform) throw new Error('no platform');
  return liveSlotCandidates(stack.platform);
}

function waitingCandidate(stack: Stack, candidate: AdminCandidate, netns?: string): Promise<CandidateProcess> {
  return waitingPhones(stack.platform?.url ?? '', candidate, CAMERA, netns);
}

/** Calls the candidate in from the interview screen; ms from the click to the first frame on both panels. */
async function callIn(page: Page, candidate: AdminCandidate): Promise<number> {
  await openInterview(page, DEMO_LIVE_SLOT_ID, candidate.entryId);
  await page.getByTestId('call-candidate').click();
  await Promise.all(DEVICES.map((device) => waitPlaying(page, device)));
  return page.evaluate(() => {
    const live = (globalThis as ExaminerWindow).__examinerLive;
    const shown = Math.max(live.feed('main').firstFrameAt ?? Infinity, live.feed('side').firstFrameAt ?? Infinity);
    return shown - (live.calledAt ?? Infinity);
  });
}

async function finish(stack: Stack, candidate: AdminCandidate): Promise<void> {
  const result = await stack.workstation.dispatch('live.finish', { slotId: DEMO_LIVE_SLOT_ID, entryId: candidate.entryId }, { transport: 'test' });
  if (!result.ok) throw new Error(`live.finish: ${result.error.code}`);
}

function takeLatencies(page: Page, device: Device): Promise<number[]> {
  return page.evaluate((which) => (globalThis as ExaminerWindow).__examinerLive.takeLatencies(which), device);
}

/** Average ms per frame the receiver spent in its jitter buffer or decoding between two readings, as text. */
function receiverMs(from: FeedReading, to: FeedReading, what: 'jitter' | 'decode'): string {
  const [a, b] = [from.receiver, to.receiver];
  if (!a || !b) return 'not reported';
  const spent = what === 'jitter' ? (b.jitterBufferDelayS ?? NaN) - (a.jitterBufferDelayS ?? NaN) : (b.decodeTimeS ?? NaN) - (a.decodeTimeS ?? NaN);
  const frames = what === 'jitter' ? (b.jitterBufferEmitted ?? NaN) - (a.jitterBufferEmitted ?? NaN) : b.framesDecoded - a.framesDecoded;
  return Number.isFinite(spent) && frames > 0 ? `${((spent * 1000) / frames).toFixed(1)} ms` : 'not reported';
}

function wait(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
