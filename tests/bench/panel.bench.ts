import type { Device } from '@common/platform/queue';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '../../platform/demo';
import { DEMO_LIVE_SLOT_ID } from '../../platform/demo/exam';
import { startPlatform, type PlatformOptions, type RunningPlatform } from '../../platform/server';
import { SimulatedExaminer, type WatchedFeed } from '../../platform/sim/examiner';
import type { FeedProbe } from '../../platform/sim/feed-probe';
import type { CandidateProcess } from '../support/candidate-process';
import { ensureLoopbackIceInterface, LOOPBACK_ICE_ADDRESS } from '../support/loopback-ice';
import { createVethNamespace, namespaceProblem } from '../support/netns';
import { liveSlotCandidates, waitingCandidate } from './candidates';
import { bench, note, percentile } from './report';

/** PANEL_BENCH_QUICK=1 shrinks every count and duration, to try the benchmark itself out. */
const QUICK = process.env.PANEL_BENCH_QUICK === '1';
const CAMERA = { width: 1280, height: 720, fps: 30 } as const;
const SFU_PANELS = [1, 3, 5, 9] as const;
const DIRECT_PANELS = [1, 3] as const;
/** Calls per panel size: each one a first-frame sample. */
const CALLS = QUICK ? 2 : 5;
const GLASS_TO_GLASS_S = QUICK ? 5 : 20;
const UPLINK_S = 10;
const CUT_S = 10;
const CUTS = QUICK ? 1 : 3;
const DEVICES: readonly Device[] = ['main', 'side'];
/** The demo's live panel has four members; the benchmark seats five more to reach nine. */
const EXTRA_MEMBERS = 5;

/**
 * The panel room, measured: one candidate (both phones, 720p30, frame stamps, a tone) in a child
 * process, as a phone is a machine of its own, and a panel of 1, 3, 5 and 9 headless examiners
 * (platform/sim, wrtc) in this process. Every examiner subscribes to both feeds; only the lead
 * decodes them (the probe), the others receive without decoding, so that nine panels fit on two
 * cores. Through the platform's SFU (Janus), then the direct route at 1 and 3.
 *
 *   first frame     — the lead's call → the first decoded frame of both feeds at the lead (the later)
 *   glass to glass  — the stamp drawn by the candidate → the frame out of the lead's decoder
 *   uplink ratio    — bytes both phones sent over 10 s with N examiners subscribed ÷ with 1
 *   recovery        — a 10 s cut (the candidate in a network namespace) → frames again on both feeds
 */
export async function run(): Promise<void> {
  note(`candidate: platform/sim in a child process, ${CAMERA.width}x${CAMERA.height} at ${CAMERA.fps} fps, both devices, a tone`);
  note('examiners: platform/sim (Node + wrtc) in this process; the lead decodes both feeds, the others only receive');
  const loopback = ensureLoopbackIceInterface();
  if ('problem' in loopback) note(`no loopback-range interface for the SFU (${loopback.problem}): media uses this machine's own address`);
  try {
    const firstFrames: number[] = [];
    const sfu = await measureRoute({ sfu: 'auto' }, SFU_PANELS, firstFrames);
    if (sfu) {
      bench('panel.first_frame_p95_ms', percentile(firstFrames, 95), 'ms');
      bench('panel.g2g_p95_ms_n5', percentile(sfu.latencies.get(5) ?? [], 95), 'ms');
      bench('panel.g2g_p95_ms_n9', percentile(sfu.latencies.get(9) ?? [], 95), 'ms');
      bench('panel.uplink_ratio_n5_vs_n1', ratio(sfu.uplink, 5, 1), 'x');
      note(`uplink through the SFU at 9 examiners vs 1: ${ratio(sfu.uplink, 9, 1).toFixed(2)}x`);
    }
    const direct = await measureRoute({ sfu: 'off' }, DIRECT_PANELS, []);
    if (direct) bench('panel.uplink_ratio_direct_n3_vs_n1', ratio(direct.uplink, 3, 1), 'x');
    await networkCut();
  } finally {
    if (!('problem' in loopback)) loopback.remove();
  }
}

interface RouteFigures {
  /** Glass-to-glass samples (ms) at the lead, by panel size. */
  readonly latencies: Map<number, number[]>;
  /** Bytes per second both phones sent, by panel size. */
  readonly uplink: Map<number, number>;
}

async function measureRoute(options: PlatformOptions, panels: readonly number[], firstFrames: number[]): Promise<RouteFigures | null> {
  const largest = Math.max(...panels);
  const platform = await startPlatform({ ...options, demo: { liveCandidates: panels.length * CALLS + 2 } });
  try {
    const route = platform.sfu ? 'sfu' : 'direct';
    note(`route: ${platform.mediaNotice}`);
    if (options.sfu !== 'off' && route !== 'sfu') {
      note('the SFU figures are not measured: the platform has no SFU here');
      return null;
    }
    const examiners = await seatPanel(platform, largest);
    const lead = examiners[0];
    if (!lead) throw new Error('the panel has no lead');
    await lead.subscribe(DEMO_LIVE_SLOT_ID);
    const candidates = await liveSlotCandidates(platform);
    const figures: RouteFigures = { latencies: new Map(), uplink: new Map() };
    let next = 0;
    for (const size of panels) {
      const panel = examiners.slice(0, size);
      for (let call = 0; call < CALLS; call++) {
        const candidate = candidates[next++];
        if (!candidate) throw new Error('the demo slot has too few candidates');
        const phones = await waitingCandidate(platform.url, candidate, CAMERA);
        try {
          const calledAt = Date.now();
          await lead.call(DEMO_LIVE_SLOT_ID, candidate.entryId);
          const feeds = await watchAll(panel, candidate.entryId);
          try {
            const probes = await Promise.all(DEVICES.map((device) => firstProbe(feeds, device)));
            const firstShown = await Promise.all(probes.map(async (probe) => (await probe.waitForStamped(1))[0]?.receivedAt ?? Number.NaN));
            firstFrames.push(Math.max(...firstShown) - calledAt);
            if (call === 0) {
              // Every member's subscription is up before the uplink is counted.
              await Promise.all(feeds.map((feed) => feed.connected));
              figures.uplink.set(size, await uplinkRate(phones));
              for (const probe of probes) probe.startLatencies();
              await wait(GLASS_TO_GLASS_S * 1000);
              figures.latencies.set(size, probes.flatMap((probe) => probe.takeLatencies()));
              const samples = figures.latencies.get(size) ?? [];
              note(
                `${route}, ${size} examiner(s): uplink ${((figures.uplink.get(size) ?? 0) / 1000).toFixed(0)} kB/s, glass to glass p50 ${percentile(samples, 50).toFixed(1)} ms, p95 ${percentile(samples, 95).toFixed(1)} ms over ${samples.length} frames`,
              );
            }
          } finally {
            for (const feed of feeds) feed.close();
            await lead.finish(DEMO_LIVE_SLOT_ID, candidate.entryId);
            for (const examiner of panel) examiner.leaveRoom(candidate.entryId);
          }
        } finally {
          await phones.stop();
        }
      }
    }
    note(`${route}: first frame at the lead after the call, ms: ${firstFrames.map((ms) => ms.toFixed(0)).join(' ')}`);
    for (const examiner of examiners) examiner.close();
    return figures;
  } finally {
    await platform.close();
  }
}

/**
 * Signs in `size` members of the demo's live panel, the lead (the chief) first, seating extra
 * members on it when the demo's four are too few.
 */
async function seatPanel(platform: RunningPlatform, size: number): Promise<SimulatedExaminer[]> {
  const { ctx } = platform;
  const extras = Array.from({ length: EXTRA_MEMBERS }, (_, i) => ({
    id: `bench-${i + 1}`,
    username: `bench${i + 1}`,
    password: DEMO_PASSWORD,
    displayName: `评委${i + 5}`,
    roles: ['examiner' as const],
  }));
  ctx.accounts.seed(extras);
  for (const exam of ctx.catalog.all()) {
    const panels = exam.panels.map((panel) =>
      exam.slots.some((slot) => slot.id === DEMO_LIVE_SLOT_ID && slot.panelId === panel.id)
        ? { ...panel, examinerIds: [...panel.examinerIds, ...extras.map((extra) => extra.id)] }
        : panel,
    );
    ctx.catalog.add({ ...exam, panels });
  }
  const chief = DEMO_ACCOUNTS.find((account) => account.roles.includes('chief'));
  const members = DEMO_ACCOUNTS.filter((account) => account.roles.includes('examiner') && account !== chief);
  const usernames = [chief?.username ?? 'chief', ...members.map((account) => account.username), ...extras.map((extra) => extra.username)];
  return Promise.all(usernames.slice(0, size).map((username) => SimulatedExaminer.signIn(platform.url, username, DEMO_PASSWORD)));
}

/** Every member joins the room and subscribes to both feeds; the lead's (the first) decode. */
async function watchAll(panel: readonly SimulatedExaminer[], entryId: string): Promise<WatchedFeed[]> {
  await Promise.all(panel.map((examiner) => examiner.joinRoom(entryId)));
  return panel.flatMap((examiner, index) => DEVICES.map((device) => examiner.watch(entryId, device, { decode: index === 0 })));
}

function firstProbe(feeds: readonly WatchedFeed[], device: Device): Promise<FeedProbe> {
  const feed = feeds.find((candidate) => candidate.device === device);
  if (!feed) throw new Error(`nobody watches the ${device} feed`);
  return feed.video;
}

/** Bytes per second both phones send, over UPLINK_S. */
async function uplinkRate(phones: CandidateProcess): Promise<number> {
  const before = await phones.outboundBytes();
  const startedAt = Date.now();
  await wait(UPLINK_S * 1000);
  const after = await phones.outboundBytes();
  return ((after - before) * 1000) / (Date.now() - startedAt);
}

function ratio(uplink: ReadonlyMap<number, number>, many: number, one: number): number {
  return (uplink.get(many) ?? Number.NaN) / (uplink.get(one) ?? Number.NaN);
}

async function networkCut(): Promise<void> {
  const problem = namespaceProblem();
  if (problem !== null) {
    note(`panel.recovery_ms not measured: ${problem}`);
    return;
  }
  const ns = createVethNamespace();
  let platform: RunningPlatform | null = null;
  let phones: CandidateProcess | null = null;
  let lead: SimulatedExaminer | null = null;
  try {
    // Janus gathers where the namespace reaches it, and on 127/8 for the examiners here.
    platform = await startPlatform({ host: ns.outsideAddress, sfu: { iceAddresses: [LOOPBACK_ICE_ADDRESS, ns.outsideAddress] }, demo: { liveCandidates: 2 } });
    if (!platform.sfu) {
      note(`panel.recovery_ms not measured: ${platform.mediaNotice}`);
      return;
    }
    const [candidate] = await liveSlotCandidates(platform);
    if (!candidate) throw new Error('the demo slot has no candidates');
    phones = await waitingCandidate(platform.url, candidate, CAMERA, ns.name);
    lead = (await seatPanel(platform, 1))[0] ?? null;
    if (!lead) throw new Error('no lead');
    await lead.subscribe(DEMO_LIVE_SLOT_ID);
    await lead.call(DEMO_LIVE_SLOT_ID, candidate.entryId);
    const feeds = await watchAll([lead], candidate.entryId);
    const probes = await Promise.all(DEVICES.map((device) => firstProbe(feeds, device)));
    note(`network cut: the candidate runs in namespace ${ns.name} (${ns.insideAddress}); the platform listens on ${ns.outsideAddress}`);
    const recoveries: number[] = [];
    for (let cut = 0; cut < CUTS; cut++) {
      // Steady playback first, so each cut starts from a healthy connection.
      await Promise.all(probes.map((probe) => probe.nextStamped(CAMERA.fps)));
      ns.setLink(false);
      await wait(CUT_S * 1000);
      const frames = Promise.all(probes.map((probe) => probe.nextStamped(1)));
      ns.setLink(true);
      const upAt = Date.now();
      await frames;
      const recovery = Date.now() - upAt;
      const subscriptions = feeds.map((feed) => feed.subscriptions()).join(' and ');
      note(`cut ${cut + 1}: frames on both feeds ${recovery} ms after the link returned (subscriptions so far: ${subscriptions})`);
      recoveries.push(recovery);
    }
    bench('panel.recovery_ms', percentile(recoveries, 50), 'ms');
    for (const feed of feeds) feed.close();
  } finally {
    lead?.close();
    await phones?.stop();
    await platform?.close();
    ns.remove();
  }
}

function wait(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
