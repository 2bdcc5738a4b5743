import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { QueueEntry, QueueSnapshot } from '@common/platform/queue';
import { ManualClock } from '../../platform/clock';
import { DEMO_LIVE_SLOT_ID } from '../../platform/demo/exam';
import { startPlatform, type RunningPlatform } from '../../platform/server';
import { platformHttp } from '../support/platform-http';

/** One candidate of the live slot as the tests drive them: their entry and both device tokens. */
interface Candidate {
  readonly entryId: string;
  readonly candidateId: string;
  readonly name: string;
  readonly idNumber: string;
  readonly main: string;
  readonly side: string;
}

const SLOT = DEMO_LIVE_SLOT_ID;

function candidatesOf(platform: RunningPlatform): Candidate[] {
  return platform.ctx.db
    .prepare(
      `SELECT q.id AS entryId, c.id AS candidateId, c.name, c.id_number AS idNumber, m.token AS main, s.token AS side
       FROM queue_entries q JOIN candidates c ON c.id = q.candidate_id
       JOIN device_tokens m ON m.candidate_id = c.id AND m.device = 'main'
       JOIN device_tokens s ON s.candidate_id = c.id AND s.device = 'side'
       WHERE q.slot_id = ? ORDER BY q.appointment_at, q.id`,
    )
    .all(SLOT) as Candidate[];
}

/** Expects a 2xx with a queue entry and returns it. */
async function entryOf(response: Response): Promise<QueueEntry> {
  const body: unknown = await response.json();
  expect(response.status, JSON.stringify(body)).toBe(200);
  return QueueEntry.parse(body);
}

async function refusal(response: Response, status: number, code: string): Promise<Record<string, unknown>> {
  const body = (await response.json()) as Record<string, unknown>;
  expect(response.status, JSON.stringify(body)).toBe(status);
  expect(body).toMatchObject({ error: { code } });
  return body;
}

const sockets: WebSocket[] = [];

/** Connects a candidate device to the realtime hub, as its phone would; resolves at its hello. */
function connectDevice(platform: RunningPlatform, token: string): Promise<WebSocket> {
  const socket = new WebSocket(`ws://127.0.0.1:${platform.port}/api/v1/realtime?token=${encodeURIComponent(token)}`);
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('message', (data) => {
      expect(JSON.parse(data.toString())).toMatchObject({ type: 'hello', role: 'candidate' });
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

afterEach(async () => {
  await Promise.all(
    sockets.splice(0).map(
      (socket) =>
        new Promise<void>((resolve) => {
          if (socket.readyState === WebSocket.CLOSED) return resolve();
          socket.once('close', () => resolve());
          socket.close();
        }),
    ),
  );
});

describe('reference platform: the live queue over HTTP', () => {
  let platform: RunningPlatform;
  let http: ReturnType<typeof platformHttp>;
  let candidates: Candidate[];
  const tokens: Record<'ex1' | 'ex2' | 'chief' | 'grader', string> = { ex1: '', ex2: '', chief: '', grader: '' };
  let next = 0;
  /** A candidate no other test has touched. */
  const fresh = (): Candidate => {
    const candidate = candidates[next++];
    if (!candidate) throw new Error('the demo slot ran out of candidates');
    return candidate;
  };

  beforeAll(async () => {
    platform = await startPlatform({ sfu: 'off', clock: new ManualClock(), demo: { liveCandidates: 40, recordedPerSlot: 1 } });
    http = platformHttp(platform);
    candidates = candidatesOf(platform);
    const [ex1, ex2, chief, grader] = await Promise.all(['examiner1', 'examiner2', 'chief', 'grader1'].map((username) => http.login(username)));
    Object.assign(tokens, { ex1, ex2, chief, grader });
  });
  afterAll(async () => {
    await platform.close();
  });

  const queueOf = async (token: string) => {
    const response = await http.get(`/slots/${SLOT}/queue`, token);
    expect(response.status).toBe(200);
    return QueueSnapshot.parse(await response.json());
  };
  const toWaiting = async (candidate: Candidate) => {
    await entryOf(await http.post('/candidate/check-in', candidate.main));
    await entryOf(await http.post('/candidate/face', candidate.main, { matched: true }));
    return entryOf(await http.post('/candidate/ready', candidate.main));
  };
  const callAs = (token: string, candidate: Candidate) => http.post(`/slots/${SLOT}/queue/${candidate.entryId}/call`, token);

  it('gives each examiner the slot in appointment order under their own blind codes', async () => {
    const [mine, theirs] = await Promise.all([queueOf(tokens.ex1), queueOf(tokens.ex2)]);
    expect(mine.slotId).toBe(SLOT);
    expect(mine.entries.map((entry) => entry.entryId)).toEqual(candidates.map((candidate) => candidate.entryId));
    expect(theirs.entries.map((entry) => entry.entryId)).toEqual(candidates.map((candidate) => candidate.entryId));
    const times = mine.entries.map((entry) => entry.appointmentAt);
    expect(times).toEqual([...times].sort());
    for (const [index, candidate] of candidates.entries()) {
      const a = mine.entries[index];
      const b = theirs.entries[index];
      expect(a?.candidateCode).toBe(platform.ctx.codes.codeFor('ex-01', candidate.candidateId));
      expect(b?.candidateCode).toBe(platform.ctx.codes.codeFor('ex-02', candidate.candidateId));
      expect(a?.candidateCode).not.toBe(b?.candidateCode);
      expect(a?.devices).toEqual({ main: false, side: false });
    }
    const text = JSON.stringify([mine, theirs]);
    for (const candidate of candidates) {
      expect(text).not.toContain(candidate.name);
      expect(text).not.toContain(candidate.idNumber);
      expect(text).not.toContain(candidate.candidateId);
    }
  });

  it('answers an unchanged snapshot with 304 and a changed one with a new ETag', async () => {
    const first = await http.get(`/slots/${SLOT}/queue`, tokens.ex1);
    const etag = first.headers.get('etag');
    expect(first.status).toBe(200);
    expect(etag).toMatch(/^".+"$/);
    const again = await http.get(`/slots/${SLOT}/queue`, tokens.ex1, { 'if-none-match': etag ?? '' });
    expect(again.status).toBe(304);

    // Another examiner's codes are another body, so another tag.
    const other = await http.get(`/slots/${SLOT}/queue`, tokens.ex2, { 'if-none-match': etag ?? '' });
    expect(other.status).toBe(200);
    expect(other.headers.get('etag')).not.toBe(etag);

    const candidate = fresh();
    await entryOf(await http.post('/candidate/check-in', candidate.main));
    const changed = await http.get(`/slots/${SLOT}/queue`, tokens.ex1, { 'if-none-match': etag ?? '' });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    const snapshot = QueueSnapshot.parse(await changed.json());
    expect(snapshot.entries.find((entry) => entry.entryId === candidate.entryId)).toMatchObject({ state: 'checked_in', revision: 1 });
  });

  it('shows a slot and its entries only to examiners of its panel', async () => {
    const candidate = fresh();
    await toWaiting(candidate);
    const outsiders: [string, Response][] = [
      ['a grader off the panel reads the queue', await http.get(`/slots/${SLOT}/queue`, tokens.grader)],
      ['a grader off the panel calls', await callAs(tokens.grader, candidate)],
      ['a grader off the panel calls the next', await http.post(`/slots/${SLOT}/queue/call-next`, tokens.grader)],
      ['a grader off the panel marks absent', await http.post(`/slots/${SLOT}/queue/${candidate.entryId}/absent`, tokens.grader)],
      ['an unknown slot', await http.get('/slots/slot-nowhere/queue', tokens.ex1)],
      ['a recorded slot of another panel', await http.get('/slots/slot-acting-rec/queue', tokens.chief)],
      ['an unknown entry', await http.post(`/slots/${SLOT}/queue/q-nowhere/call`, tokens.chief)],
      ['an entry under another slot', await http.post(`/slots/slot-acting-rec/queue/${candidate.entryId}/call`, tokens.ex1)],
    ];
    for (const [label, response] of outsiders) {
      expect(response.status, label).toBe(404);
      expect(await response.json(), label).toMatchObject({ error: { code: 'not_found' } });
    }
    await refusal(await http.get(`/slots/${SLOT}/queue`, candidate.main), 401, 'unauthorized');
    await refusal(await http.api(`/slots/${SLOT}/queue`), 401, 'unauthorized');
    await refusal(await http.post('/candidate/check-in', tokens.ex1), 401, 'unauthorized');
    await refusal(await http.api('/candidate/state'), 401, 'unauthorized');
    expect((await queueOf(tokens.ex1)).entries.find((entry) => entry.entryId === candidate.entryId)?.state).toBe('waiting');
  });

  it('takes a candidate from scheduled to finished, one revision per change', async () => {
    const candidate = fresh();
    const steps: [string, () => Promise<Response>, Partial<QueueEntry>][] = [
      ['check-in', () => http.post('/candidate/check-in', candidate.main), { state: 'checked_in', faceAttempts: 0 }],
      ['a failed face', () => http.post('/candidate/face', candidate.main, { matched: false }), { state: 'checked_in', faceAttempts: 1 }],
      ['a matched face', () => http.post('/candidate/face', candidate.main, { matched: true }), { state: 'face_verified', faceAttempts: 1 }],
      ['ready', () => http.post('/candidate/ready', candidate.main, {}), { state: 'waiting' }],
    ];
    let revision = 0;
    for (const [label, act, expected] of steps) {
      const entry = await entryOf(await act());
      expect(entry, label).toMatchObject({ ...expected, entryId: candidate.entryId, revision: ++revision });
    }

    // The live panel's lead is its chief examiner (主考): the only one who calls and ends.
    const called = await entryOf(await callAs(tokens.chief, candidate));
    expect(called).toMatchObject({ state: 'called', revision: ++revision, candidateCode: platform.ctx.codes.codeFor('ch-01', candidate.candidateId) });
    expect(called.calledAt).toBe(platform.ctx.clock.now().toISOString());
    expect(platform.ctx.db.prepare('SELECT called_by FROM queue_entries WHERE id = ?').get(candidate.entryId)).toEqual({ called_by: 'ch-01' });

    const offline = await refusal(await http.post('/candidate/join', candidate.main), 409, 'devices_offline');
    expect(offline.offline).toEqual(['main', 'side']);
    await connectDevice(platform, candidate.main);
    const sideMissing = await refusal(await http.post('/candidate/join', candidate.main), 409, 'devices_offline');
    expect(sideMissing.offline).toEqual(['side']);
    await connectDevice(platform, candidate.side);

    const joined = await entryOf(await http.post('/candidate/join', candidate.main));
    expect(joined).toMatchObject({ state: 'in_room', revision: ++revision, devices: { main: true, side: true } });
    const finished = await entryOf(await http.post(`/slots/${SLOT}/queue/${candidate.entryId}/finish`, tokens.chief));
    expect(finished).toMatchObject({ state: 'finished', revision: revision + 1, candidateCode: platform.ctx.codes.codeFor('ch-01', candidate.candidateId) });
    expect(finished.finishedAt).not.toBeNull();
  });

  it('sends 3 failed faces in a row to manual review, which only the chief decides', async () => {
    const approved = fresh();
    await entryOf(await http.post('/candidate/check-in', approved.main));
    for (const attempts of [1, 2]) {
      expect(await entryOf(await http.post('/candidate/face', approved.main, { matched: false }))).toMatchObject({ state: 'checked_in', faceAttempts: attempts });
    }
    expect(await entryOf(await http.post('/candidate/face', approved.main, { matched: false }))).toMatchObject({ state: 'manual_review', faceAttempts: 3 });
    const more = await refusal(await http.post('/candidate/face', approved.main, { matched: true }), 409, 'illegal_transition');
    expect(more).toMatchObject({ from: 'manual_review', to: 'face_verified' });

    const review = (token: string, body: unknown, candidate = approved) => http.post(`/slots/${SLOT}/queue/${candidate.entryId}/review`, token, body);
    await refusal(await review(tokens.ex1, { approve: true }), 403, 'forbidden');
    await refusal(await review(tokens.chief, { approve: 'yes' }), 400, 'bad_request');
    await refusal(await review(tokens.chief, { approve: true, note: 'looks fine' }), 400, 'bad_request');
    expect(await entryOf(await review(tokens.chief, { approve: true }))).toMatchObject({ state: 'face_verified', faceAttempts: 3 });
    expect(await entryOf(await http.post('/candidate/ready', approved.main))).toMatchObject({ state: 'waiting' });

    const refused = fresh();
    await entryOf(await http.post('/candidate/check-in', refused.main));
    for (let i = 0; i < 3; i++) await entryOf(await http.post('/candidate/face', refused.main, { matched: false }));
    expect(await entryOf(await review(tokens.chief, { approve: false }, refused))).toMatchObject({ state: 'failed', failureReason: 'face_verification' });
    expect(await refusal(await review(tokens.chief, { approve: true }, refused), 409, 'illegal_transition')).toMatchObject({ from: 'failed', to: 'face_verified' });
  });

  type Reachable = 'scheduled' | 'checked_in' | 'face_verified' | 'manual_review' | 'waiting' | 'called' | 'absent';
  /** Brings a fresh candidate to a state through the API. */
  const reach = async (candidate: Candidate, state: Reachable) => {
    const at = (path: string, token: string, body?: unknown) => http.post(path, token, body).then(entryOf);
    if (state === 'scheduled') return;
    if (state === 'absent') return void (await at(`/slots/${SLOT}/queue/${candidate.entryId}/absent`, tokens.chief));
    await at('/candidate/check-in', candidate.main);
    if (state === 'checked_in') return;
    if (state === 'manual_review') {
      for (let i = 0; i < 3; i++) await at('/candidate/face', candidate.main, { matched: false });
      return;
    }
    await at('/candidate/face', candidate.main, { matched: true });
    if (state === 'face_verified') return;
    await at('/candidate/ready', candidate.main);
    if (state === 'waiting') return;
    await at(`/slots/${SLOT}/queue/${candidate.entryId}/call`, tokens.chief);
  };

  /** Each action sent by whoever may take it: the candidate's main device, an examiner, the chief. */
  const actions = {
    checkIn: (c: Candidate) => http.post('/candidate/check-in', c.main),
    face: (c: Candidate) => http.post('/candidate/face', c.main, { matched: true }),
    faceFailed: (c: Candidate) => http.post('/candidate/face', c.main, { matched: false }),
    ready: (c: Candidate) => http.post('/candidate/ready', c.main),
    join: (c: Candidate) => http.post('/candidate/join', c.main),
    call: (c: Candidate) => callAs(tokens.chief, c),
    finish: (c: Candidate) => http.post(`/slots/${SLOT}/queue/${c.entryId}/finish`, tokens.chief),
    absent: (c: Candidate) => http.post(`/slots/${SLOT}/queue/${c.entryId}/absent`, tokens.chief),
    approve: (c: Candidate) => http.post(`/slots/${SLOT}/queue/${c.entryId}/review`, tokens.chief, { approve: true }),
  };

  it.each<[Reachable, keyof typeof actions, string]>([
    ['scheduled', 'face', 'face_verified'],
    ['scheduled', 'ready', 'waiting'],
    ['scheduled', 'call', 'called'],
    ['scheduled', 'approve', 'face_verified'],
    ['checked_in', 'checkIn', 'checked_in'],
    ['checked_in', 'ready', 'waiting'],
    ['manual_review', 'ready', 'waiting'],
    ['face_verified', 'join', 'in_room'],
    ['waiting', 'join', 'in_room'],
    ['waiting', 'finish', 'finished'],
    ['waiting', 'faceFailed', 'checked_in'],
    ['called', 'call', 'called'],
    ['called', 'absent', 'absent'],
    ['called', 'finish', 'finished'],
    ['absent', 'checkIn', 'checked_in'],
    ['absent', 'absent', 'absent'],
  ])('refuses from %s the action %s (to %s) with 409, changing nothing', async (from, action, to) => {
    const candidate = fresh();
    await reach(candidate, from);
    const before = (await queueOf(tokens.ex1)).entries.find((entry) => entry.entryId === candidate.entryId);
    expect(before?.state).toBe(from);
    const body = await refusal(await actions[action](candidate), 409, 'illegal_transition');
    expect(body).toMatchObject({ from, to });
    const after = (await queueOf(tokens.ex1)).entries.find((entry) => entry.entryId === candidate.entryId);
    expect(after).toEqual(before);
  });

  it('marks absent from every state before the call', async () => {
    const setups = ['scheduled', 'checked_in', 'face_verified', 'manual_review', 'waiting'] as const;
    for (const state of setups) {
      const candidate = fresh();
      await reach(candidate, state);
      expect((await entryOf(await http.get('/candidate/state', candidate.side))).state).toBe(state);
      const absent = await entryOf(await http.post(`/slots/${SLOT}/queue/${candidate.entryId}/absent`, tokens.chief));
      expect(absent, state).toMatchObject({ state: 'absent' });
      expect(absent.finishedAt).toBe(platform.ctx.clock.now().toISOString());
    }
  });

  it('lets only the main device act, and shows the candidate a place in the queue, not an examiner code', async () => {
    const candidate = fresh();
    await refusal(await http.post('/candidate/check-in', candidate.side), 403, 'forbidden');
    await refusal(await http.post('/candidate/face', candidate.main, { matched: true, confidence: 0.9 }), 400, 'bad_request');
    await refusal(await http.post('/candidate/check-in', candidate.main, { now: true }), 400, 'bad_request');
    const mine = await entryOf(await http.get('/candidate/state', candidate.side));
    expect(mine).toMatchObject({ entryId: candidate.entryId, state: 'scheduled', revision: 0 });
    const place = candidates.indexOf(candidate) + 1;
    expect(mine.candidateCode).toBe(String(place).padStart(3, '0'));
    for (const examinerId of ['ex-01', 'ex-02', 'ex-03', 'ch-01']) {
      expect(mine.candidateCode).not.toBe(platform.ctx.codes.codeFor(examinerId, candidate.candidateId));
    }
    expect(await entryOf(await http.post('/candidate/check-in', candidate.main))).toMatchObject({ state: 'checked_in', candidateCode: mine.candidateCode });
  });

  it('refuses unknown fields in examiner actions', async () => {
    const candidate = fresh();
    await toWaiting(candidate);
    await refusal(await http.post(`/slots/${SLOT}/queue/${candidate.entryId}/call`, tokens.chief, { urgent: true }), 400, 'bad_request');
    await refusal(await http.post(`/slots/${SLOT}/queue/call-next`, tokens.chief, { entryId: candidate.entryId }), 400, 'bad_request');
    expect((await entryOf(await http.get('/candidate/state', candidate.main))).state).toBe('waiting');
  });
});

describe('reference platform: calling the next candidate', () => {
  let platform: RunningPlatform;
  afterEach(async () => {
    await platform.close();
  });

  it('calls the first waiting candidate by appointment, and says when nobody waits', async () => {
    platform = await startPlatform({ sfu: 'off', clock: new ManualClock(), demo: { liveCandidates: 5, recordedPerSlot: 1 } });
    const http = platformHttp(platform);
    const [first, , third] = candidatesOf(platform);
    if (!first || !third) throw new Error('demo slot too small');
    const [ex1, chief] = await Promise.all([http.login('examiner1'), http.login('chief')]);
    const callNext = (token: string) => http.post(`/slots/${SLOT}/queue/call-next`, token);

    await refusal(await callNext(chief), 404, 'queue_empty');
    // The later appointment gets ready first; the order is the appointment's, not readiness'.
    for (const candidate of [third, first]) {
      await http.post('/candidate/check-in', candidate.main);
      await http.post('/candidate/face', candidate.main, { matched: true });
      await http.post('/candidate/ready', candidate.main);
    }
    // Only the lead calls; a co-examiner is told who does.
    expect(await refusal(await callNext(ex1), 403, 'not_lead')).toMatchObject({ lead: { displayName: '刘主任' } });
    expect(await entryOf(await callNext(chief))).toMatchObject({ entryId: first.entryId, state: 'called' });
    expect(await entryOf(await callNext(chief))).toMatchObject({ entryId: third.entryId, state: 'called' });
    await refusal(await callNext(chief), 404, 'queue_empty');
    const called = platform.ctx.db.prepare("SELECT id, called_by FROM queue_entries WHERE state = 'called' ORDER BY appointment_at").all();
    expect(called).toEqual([
      { id: first.entryId, called_by: 'ch-01' },
      { id: third.entryId, called_by: 'ch-01' },
    ]);
  });
});
