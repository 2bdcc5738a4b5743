import { FINAL_QUEUE_STATES, type QueueEntry } from '@common/platform/queue';
import type { AdminCandidate } from '@common/platform/admin';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '../demo';
import { DEMO_LIVE_SLOT_ID } from '../demo/exam';
import { slotCandidates } from './admin';
import { startSimulatedCandidate, type SimulatedCandidate } from './candidate';
import { PlatformRefusal, SimulatedExaminer, type WatchedFeed } from './examiner';

/**
 * The demo's live job with no second command (`npm start` with the embedded platform): headless
 * candidates check in over time, and every panel member of the live slot but the one the human
 * signs in as is simulated — the lead calls the next candidate when nobody is live and ends each
 * interview after a while; every simulated member joins the room, watches (through the SFU; on
 * the direct route they leave its few places to the human), and scores after the interview.
 * One candidate is left to whoever wants to play it in a browser. The load stays small: one
 * simulated candidate in the room and one or two waiting, 640×360 at 12 fps.
 */
export interface DemoSimulationOptions {
  readonly platformUrl: string;
  readonly adminSecret: string;
  /** The account the human signs in as (not simulated). */
  readonly humanUsername?: string;
  /** How long the lead lets an interview run. */
  readonly interviewSeconds?: number;
  /** A new simulated candidate checks in this often while few are waiting. */
  readonly checkInSeconds?: number;
  readonly say: (line: string) => void;
}

export interface DemoSimulation {
  /** The candidate left for a person to play: both devices' page addresses. */
  readonly playable: { readonly main: string; readonly side: string } | null;
  stop(): void;
}

const LIVE: readonly QueueEntry['state'][] = ['called', 'in_room', 'interrupted'];
/** Simulated candidates not yet examined at once (one in the room, the rest waiting). */
const MAX_OPEN_CANDIDATES = 3;
const TICK_MS = 3000;
const CAMERA = { width: 640, height: 360, fps: 12 } as const;

export async function startDemoSimulation(options: DemoSimulationOptions): Promise<DemoSimulation> {
  const { platformUrl, say } = options;
  const human = options.humanUsername ?? 'examiner1';
  const interviewMs = (options.interviewSeconds ?? 90) * 1000;
  const checkInMs = (options.checkInSeconds ?? 40) * 1000;
  const timers: NodeJS.Timeout[] = [];
  const running: { candidate: SimulatedCandidate; entryId: string }[] = [];
  const examiners: SimulatedExaminer[] = [];
  let stopped = false;
  const fail = (what: string) => (error: unknown) => {
    if (!stopped) say(`Demo simulation: ${what} failed (${error instanceof Error ? error.message : String(error)}); the workstation carries on.`);
  };

  const open = (await slotCandidates(platformUrl, DEMO_LIVE_SLOT_ID, options.adminSecret)).filter((item) => !FINAL_QUEUE_STATES.includes(item.state));
  // The second candidate in the calling order is the person's: called right after the first.
  const playable = open[1] ?? null;
  const queue: AdminCandidate[] = open.filter((item) => item !== playable);

  const pageUrl = (candidate: AdminCandidate, device: 'main' | 'side') =>
    `${platformUrl}/candidate/?width=${CAMERA.width}&height=${CAMERA.height}&fps=15#${new URLSearchParams({ token: device === 'main' ? candidate.mainToken : candidate.sideToken, device }).toString()}`;

  // ── the panel ──
  const signIns = await Promise.all(
    DEMO_ACCOUNTS.filter((account) => account.username !== human).map(async (account) => {
      try {
        return await SimulatedExaminer.signIn(platformUrl, account.username, DEMO_PASSWORD);
      } catch (error) {
        fail(`signing in ${account.username}`)(error);
        return null;
      }
    }),
  );
  // The live slot's panel members are those with assignments in it.
  for (const examiner of signIns) {
    if (!examiner) continue;
    const assignments = await examiner.api.assignments().catch(() => []);
    if (assignments.some((assignment) => assignment.slotId === DEMO_LIVE_SLOT_ID)) examiners.push(examiner);
    else examiner.close();
  }
  const onPanel = new Set(examiners.map((examiner) => examiner.username));
  for (const examiner of examiners) await examiner.subscribe(DEMO_LIVE_SLOT_ID).catch(fail(`${examiner.username} subscribing`));
  const chief = DEMO_ACCOUNTS.find((account) => account.roles.includes('chief') && onPanel.has(account.username));
  const lead = examiners.find((examiner) => examiner.username === chief?.username) ?? null;

  // ── each member: join every live room, watch, score when it is over ──
  for (const examiner of examiners) {
    const rooms = new Map<string, WatchedFeed[]>();
    examiner.onMessage((message) => {
      if (message.type !== 'queue' || stopped) return;
      const { entryId, state } = message.entry;
      if (LIVE.includes(state) && !rooms.has(entryId)) {
        rooms.set(entryId, []);
        void examiner.joinRoom(entryId).then((room) => {
          // The direct route carries few examiners: its places are left to the human.
          if (room.route !== 'sfu' || stopped) return;
          rooms.get(entryId)?.push(examiner.watch(entryId, 'main'), examiner.watch(entryId, 'side'));
        }, fail(`${examiner.username} joining the room`));
      } else if (FINAL_QUEUE_STATES.includes(state) && rooms.has(entryId)) {
        for (const feed of rooms.get(entryId) ?? []) feed.close();
        rooms.delete(entryId);
        examiner.leaveRoom(entryId);
        if (state === 'finished') {
          const fraction = 0.6 + Math.random() * 0.3;
          void examiner.scoreEntry(entryId, fraction, '（模拟评分）').catch(fail(`${examiner.username} scoring`));
        }
      }
    });
  }

  // ── the lead: call the next candidate when nobody is live; end each interview after a while ──
  let leadRefused = false;
  const leadTick = async () => {
    if (!lead || leadRefused || stopped) return;
    const live = lead.entries().find((entry) => entry.slotId === DEMO_LIVE_SLOT_ID && LIVE.includes(entry.state));
    try {
      if (!live) {
        await lead.callNext(DEMO_LIVE_SLOT_ID);
      } else if (live.state === 'in_room' && live.enteredAt && Date.now() - Date.parse(live.enteredAt) >= interviewMs) {
        await lead.finish(DEMO_LIVE_SLOT_ID, live.entryId);
      }
    } catch (error) {
      if (error instanceof PlatformRefusal && error.code === 'queue_empty') return;
      if (error instanceof PlatformRefusal && error.code === 'not_lead') leadRefused = true;
      fail(`the lead's ${live ? 'finish' : 'call'}`)(error);
    }
  };

  // ── candidates: one now, then another while few are open ──
  const checkIn = async () => {
    if (stopped) return;
    for (const [index, item] of running.entries()) {
      const state = item.candidate.entry()?.state;
      if (state && FINAL_QUEUE_STATES.includes(state)) {
        item.candidate.stop();
        running.splice(index, 1);
      }
    }
    if (running.length >= MAX_OPEN_CANDIDATES) return;
    const next = queue.shift();
    if (!next) return;
    try {
      const candidate = await startSimulatedCandidate({ platformUrl, mainToken: next.mainToken, sideToken: next.sideToken, ...CAMERA });
      if (stopped) candidate.stop();
      else running.push({ candidate, entryId: next.entryId });
    } catch (error) {
      fail(`simulated candidate ${next.candidateId}`)(error);
    }
  };

  await checkIn();
  timers.push(setInterval(() => void checkIn(), checkInMs));
  timers.push(setInterval(() => void leadTick(), TICK_MS));
  say(
    `Demo simulation: ${examiners.map((examiner) => examiner.username).join(', ')} on the panel (${lead ? `${lead.username} leads` : 'no simulated lead'}); candidates check in every ${Math.round(checkInMs / 1000)} s; each interview lasts ${Math.round(interviewMs / 1000)} s.`,
  );

  return {
    playable: playable ? { main: pageUrl(playable, 'main'), side: pageUrl(playable, 'side') } : null,
    stop: () => {
      stopped = true;
      for (const timer of timers) clearInterval(timer);
      for (const { candidate } of running) candidate.stop();
      for (const examiner of examiners) examiner.close();
    },
  };
}
