import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { LiveConnection, LiveRefusal } from '@common/contract';
import { HEARTBEAT, MAX_PUSH_BYTES, PushToExaminer, type QueueEntry, type Slot } from '@common/platform';
import { API_PREFIX } from '@common/platform/wire';
import { LiveService } from '../services/live-service';
import { PlatformCache } from '../services/platform-cache';
import { openStore } from '../store/database';
import { blocked, fail, oneLine, pass, type RuleResult } from './results';
import { failureText } from './target';
import type { CheckedWorkstation } from './workstation';

const CONNECT_TIMEOUT_MS = 5_000;
/** How long the pushes a subscription sets off may take to arrive. */
const PUSH_WAIT_MS = 3_000;
/**
 * How long the socket is watched for its heartbeat: longer than HEARTBEAT.deadAfterMs after the
 * last push, so it stays up only if the platform heartbeats (the workstation drops a socket that
 * was silent that long) and takes the workstation's heartbeats for life (the platform drops one
 * it did not hear from).
 */
const HEARTBEAT_WATCH_MS = HEARTBEAT.deadAfterMs + 1_000;

/**
 * `realtime.hello`: a socket at /api/v1/realtime, opened as the workstation opens it (the token in
 * the Authorization header, never the URL; pushes capped at MAX_PUSH_BYTES), is greeted first with
 * `hello` for an examiner.
 */
export async function helloRule(origin: string, token: string): Promise<RuleResult> {
  const rule = 'realtime.hello';
  const expected = `the socket at ${API_PREFIX}/realtime to open with the examiner's bearer token and push {"type":"hello","role":"examiner"} first`;
  const socket = new WebSocket(`${origin.replace(/^http/, 'ws')}${API_PREFIX}/realtime`, {
    headers: { authorization: `Bearer ${token}` },
    handshakeTimeout: CONNECT_TIMEOUT_MS,
    maxPayload: MAX_PUSH_BYTES,
  });
  const got = await new Promise<string | null>((resolve) => {
    const timer = setTimeout(() => resolve(`no message within ${String(CONNECT_TIMEOUT_MS)} ms`), CONNECT_TIMEOUT_MS);
    const done = (outcome: string | null) => {
      clearTimeout(timer);
      resolve(outcome);
    };
    socket.once('message', (data: WebSocket.RawData) => {
      const text = Buffer.isBuffer(data) ? data.toString('utf8') : String(data);
      const parsed = PushToExaminer.safeParse(parseJson(text));
      if (parsed.success && parsed.data.type === 'hello' && parsed.data.role === 'examiner') done(null);
      else done(`first message ${oneLine(text, 200)}`);
    });
    socket.once('unexpected-response', (request, response) => {
      request.destroy();
      done(`HTTP ${String(response.statusCode)} to the upgrade`);
    });
    socket.once('error', (error) => done(`socket error: ${error.message}`));
    socket.once('close', (code) => done(`the socket closed (code ${String(code)}) before any message`));
  });
  socket.removeAllListeners();
  socket.on('error', () => undefined);
  socket.terminate();
  return got === null ? pass(rule, `greeted with hello (role examiner) on ${API_PREFIX}/realtime`) : fail(rule, expected, got);
}

/** What the workstation's live service told its renderer while it was watched. */
interface Observed {
  readonly states: LiveConnection['state'][];
  readonly entries: QueueEntry[];
  readonly refusals: LiveRefusal[];
}

/**
 * `queue.subscribe` and `realtime.heartbeat`, through the workstation's own live service
 * (main/services/live-service.ts: its socket, its heartbeat, its reading of pushes): it connects,
 * asks for the live slot's queue (GET the snapshot, then `subscribe`), and must hear a `queue`
 * push for the slot (the reference platform pushes every entry on subscribe) or, for an empty
 * queue, at least no `error`; then the socket must stay up for longer than a silence the
 * workstation tolerates. The live service keeps what it fetched in a scratch store, removed after.
 */
export async function liveRules(ws: CheckedWorkstation, slot: Slot | null): Promise<RuleResult[]> {
  if (slot === null) {
    const expected = 'a live slot in the test exam on a panel of this examiner';
    return [fail('queue.subscribe', expected, 'none'), blocked('realtime.heartbeat', 'a subscribed socket to watch', 'queue.subscribe')];
  }
  const scratch = await mkdtemp(join(tmpdir(), 'conformance-store-'));
  const { store } = openStore(scratch, { reserveBytes: 0, lockWaitMs: 0 });
  const cache = new PlatformCache(store, ws.client, ws.session);
  const live = new LiveService({ client: ws.client, session: ws.session, health: ws.health, cache, events: ws.events, log: ws.log });
  const observed: Observed = { states: [], entries: [], refusals: [] };
  const unsubscribe = ws.events.subscribe((name, payload) => {
    if (name === 'live.connection') observed.states.push((payload as LiveConnection).state);
    if (name === 'live.queueEntry') observed.entries.push(payload as QueueEntry);
    if (name === 'live.refused') observed.refusals.push(payload as LiveRefusal);
  });
  try {
    live.start();
    return await watch(live, ws, slot, observed);
  } finally {
    live.stop();
    unsubscribe();
    store.close();
    await rm(scratch, { recursive: true, force: true });
  }
}

async function watch(live: LiveService, ws: CheckedWorkstation, slot: Slot, observed: Observed): Promise<RuleResult[]> {
  const connected = await until(() => live.connection().state === 'connected', CONNECT_TIMEOUT_MS);
  if (!connected) {
    const got = `state ${live.connection().state} after ${String(CONNECT_TIMEOUT_MS)} ms${complaint(ws)}`;
    return [
      fail('queue.subscribe', `the workstation's realtime socket to connect to ${API_PREFIX}/realtime`, got),
      blocked('realtime.heartbeat', 'a connected socket to watch', 'queue.subscribe'),
    ];
  }
  const connectedAt = Date.now();
  const subscribe = await subscribeRule(live, ws, slot, observed);
  const statesBefore = observed.states.length;
  await delay(Math.max(0, connectedAt + HEARTBEAT_WATCH_MS - Date.now()));
  const lost = observed.states.slice(statesBefore).find((state) => state !== 'connected');
  const heartbeat =
    lost === undefined && live.connection().state === 'connected'
      ? pass('realtime.heartbeat', `the socket stayed up ${String(HEARTBEAT_WATCH_MS)} ms on heartbeats both ways (the workstation drops one silent for ${String(HEARTBEAT.deadAfterMs)} ms)`)
      : fail(
          'realtime.heartbeat',
          `the platform to send heartbeat (or anything) at least every ${String(HEARTBEAT.deadAfterMs)} ms and keep a socket that heartbeats every ${String(HEARTBEAT.intervalMs)} ms`,
          `the socket went ${lost ?? live.connection().state} within ${String(HEARTBEAT_WATCH_MS)} ms${complaint(ws)}`,
        );
  return [subscribe, heartbeat];
}

async function subscribeRule(live: LiveService, ws: CheckedWorkstation, slot: Slot, observed: Observed): Promise<RuleResult> {
  const rule = 'queue.subscribe';
  let size: number;
  try {
    size = (await live.getQueue(slot.id)).queue.entries.length;
  } catch (error) {
    return fail(rule, `GET /slots/${slot.id}/queue to answer the slot's queue snapshot`, failureText(error));
  }
  const pushed = () => observed.entries.filter((entry) => entry.slotId === slot.id).length;
  // An empty queue has nothing to push: then only a refusal within the wait tells.
  await until(() => observed.refusals.length > 0 || (size > 0 && pushed() > 0), PUSH_WAIT_MS);
  const refusal = observed.refusals[0];
  if (refusal) return fail(rule, `queue pushes for slot ${slot.id} after subscribe`, `error ${refusal.code}: ${refusal.message}`);
  if (size > 0 && pushed() === 0) {
    return fail(rule, `a queue push for slot ${slot.id} after subscribe (its snapshot holds ${String(size)} entries)`, `none within ${String(PUSH_WAIT_MS)} ms${complaint(ws)}`);
  }
  return pass(rule, `subscribed to ${slot.id}: snapshot of ${String(size)} entries, ${String(pushed())} queue push(es), no error`);
}

const complaint = (ws: CheckedWorkstation) => (ws.complaints.length === 0 ? '' : ` (the workstation logged: ${ws.complaints.at(-1) ?? ''})`);

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `done` until it holds or `ms` passed; whether it held. */
async function until(done: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() >= end) return false;
    await delay(25);
  }
  return true;
}
