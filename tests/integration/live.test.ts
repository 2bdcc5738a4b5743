import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Exam } from '@common/platform';
import { slotCandidates } from '../../platform/sim/admin';
import { startPlatform, type RunningPlatform } from '../../platform/server';
import { startWorkstation, valuesFor } from '../support/workstation';

const SLOT = 'slot-vocal-live';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * A platform and a workstation signed in as `username`: by default `chief` (刘主任), the lead
 * (主考) of the vocal panel, who alone calls. The direct route (no SFU) unless asked: the
 * relay of signals is then checked against raw device sockets, without an SFU's real SDP.
 */
async function setup(options: { dataDir?: string; port?: number; username?: string } = {}) {
  const platform = await startPlatform({ dataDir: options.dataDir ?? null, sfu: 'off', ...(options.port && { port: options.port }) });
  cleanups.push(() => platform.close());
  const ws = await signedIn(platform, options.username ?? 'chief');
  return { platform, ws };
}

async function signedIn(platform: RunningPlatform, username: string) {
  const ws = startWorkstation(platform.url);
  cleanups.push(() => ws.stop());
  const connected = ws.waitFor('live.connection', (connection) => connection.state === 'connected');
  await ws.call('session.login', { username, password: 'demo1234' });
  await connected;
  return ws;
}

/** One candidate's two devices as raw realtime sockets, driven through the platform's candidate API. */
async function candidate(platform: RunningPlatform, index = 0) {
  const listed = await slotCandidates(platform.url, SLOT, platform.adminSecret);
  const me = listed[index];
  if (!me) throw new Error('no such candidate');
  const open = (token: string) =>
    new Promise<{ socket: WebSocket; messages: Record<string, unknown>[] }>((resolve, reject) => {
      const socket = new WebSocket(`${platform.url.replace('http', 'ws')}/api/v1/realtime?token=${token}`);
      const messages: Record<string, unknown>[] = [];
      socket.on('message', (data) => {
        messages.push(JSON.parse(data.toString()) as Record<string, unknown>);
        socket.emit('examiner-test:message');
      });
      socket.once('open', () => resolve({ socket, messages }));
      socket.once('error', reject);
    });
  const main = await open(me.mainToken);
  const side = await open(me.sideToken);
  cleanups.push(() => {
    main.socket.close();
    side.socket.close();
  });
  const act = async (path: string, body?: unknown) => {
    const response = await fetch(`${platform.url}/api/v1/candidate/${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${me.mainToken}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
  };
  /** The first message of that type the device received, waiting for it if it has not come yet. */
  const untilMessage = (device: { socket: WebSocket; messages: Record<string, unknown>[] }, type: string) =>
    new Promise<Record<string, unknown>>((resolve) => {
      const look = () => {
        const found = device.messages.find((message) => message.type === type);
        if (!found) return;
        device.socket.off('examiner-test:message', look);
        resolve(found);
      };
      device.socket.on('examiner-test:message', look);
      look();
    });
  return { entryId: me.entryId, main, side, act, untilMessage };
}

describe('the live interview through main', () => {
  it('shows the queue with this examiner’s codes and pushes each change of it', async () => {
    const { platform, ws } = await setup();
    const { queue, freshness } = await ws.call('live.getQueue', { slotId: SLOT });
    expect(queue.entries).toHaveLength(32);
    expect(freshness.fresh).toBe(true);
    expect(await ws.call('live.getConnection', {})).toEqual({ state: 'connected', slots: [SLOT] });

    const someone = await candidate(platform);
    const checkedIn = ws.waitFor('live.queueEntry', (entry) => entry.entryId === someone.entryId && entry.state === 'checked_in');
    await someone.act('check-in');
    const entry = await checkedIn;
    expect(entry.candidateCode).toBe(queue.entries.find((item) => item.entryId === someone.entryId)?.candidateCode);
  });

  it('calls in as the lead, joins the room, relays a feed’s signals both ways, prompts and quick messages', async () => {
    const { platform, ws } = await setup();
    await ws.call('live.getQueue', { slotId: SLOT });
    expect(await ws.call('live.callNext', { slotId: SLOT })).toBeNull();

    const someone = await candidate(platform);
    await someone.act('check-in');
    await someone.act('face', { matched: true });
    await someone.act('ready');
    const called = await ws.call('live.callNext', { slotId: SLOT });
    expect(called).toMatchObject({ entryId: someone.entryId, state: 'called' });
    await someone.untilMessage(someone.main, 'call');

    const joined = ws.waitFor('live.room', (room) => room.entryId === someone.entryId);
    await ws.call('live.roomJoin', { entryId: someone.entryId });
    const room = await joined;
    expect(room).toMatchObject({ route: 'direct', routeReason: 'sfu_not_installed', lead: room.you });
    expect(room.members.find((member) => member.memberId === room.you)).toMatchObject({ role: 'lead', present: true });

    // A feed: this examiner subscribes; on the direct route the device is asked to publish and offers.
    await ws.call('live.feedSubscribe', { entryId: someone.entryId, device: 'side', peerId: 'peer-1' });
    const publish = await someone.untilMessage(someone.side, 'publish');
    const devicePeer = String(publish.peerId);
    expect(devicePeer).not.toBe('peer-1');
    const offer = ws.waitFor('live.signal', (signal) => signal.peerId === 'peer-1');
    someone.side.socket.send(JSON.stringify({ type: 'signal', peerId: devicePeer, data: { type: 'offer', sdp: 'v=0' } }));
    expect(await offer).toEqual({ entryId: someone.entryId, peerId: 'peer-1', data: { type: 'offer', sdp: 'v=0' } });
    await ws.call('live.signal', { entryId: someone.entryId, peerId: 'peer-1', data: { type: 'answer', sdp: 'v=0' } });
    expect(await someone.untilMessage(someone.side, 'signal')).toEqual({ type: 'signal', peerId: devicePeer, data: { type: 'answer', sdp: 'v=0' } });

    // Talking is shown to the panel.
    const talking = ws.waitFor('live.room', (next) => next.members.some((member) => member.memberId === room.you && member.talking));
    await ws.call('live.talking', { entryId: someone.entryId, talking: true });
    await talking;

    await ws.call('live.prompt', { entryId: someone.entryId, text: '请开始演唱' });
    expect(await someone.untilMessage(someone.main, 'prompt')).toMatchObject({ text: '请开始演唱' });

    const message = ws.waitFor('live.quickMessage', (quick) => quick.entryId === someone.entryId);
    someone.main.socket.send(JSON.stringify({ type: 'quick_message', messageId: 'cannot_hear' }));
    expect(await message).toMatchObject({ device: 'main', messageId: 'cannot_hear', text: { zh: '听不到考官声音' } });

    // The lead extends the answering time: the room says so.
    const extended = ws.waitFor('live.room', (next) => next.entryId === someone.entryId && next.extraSeconds === 120);
    expect(await ws.call('live.extend', { slotId: SLOT, entryId: someone.entryId, minutes: 2, reason: '网络中断后补时' })).toMatchObject({ entryId: someone.entryId });
    await extended;
    const log = await ws.call('live.roomLog', { slotId: SLOT, entryId: someone.entryId });
    expect(log.lines.map((line) => line.action)).toEqual(expect.arrayContaining(['call', 'extend']));
    // The reason the lead gave goes into the exam-room log with the extension.
    expect(log.lines.find((line) => line.action === 'extend')?.detail).toMatchObject({ minutes: 2, reason: '网络中断后补时' });

    // Calling again someone no longer waiting is a typed refusal, not a crash.
    await expect(ws.call('live.call', { slotId: SLOT, entryId: someone.entryId })).rejects.toThrow(/queue_changed/);
  });

  it('refuses the lead’s controls to a member with not_lead, and the room carries on', async () => {
    const { platform, ws: lead } = await setup();
    const member = await signedIn(platform, 'examiner1');
    await lead.call('live.getQueue', { slotId: SLOT });
    await member.call('live.getQueue', { slotId: SLOT });
    const someone = await candidate(platform);
    await someone.act('check-in');
    await someone.act('face', { matched: true });
    await someone.act('ready');

    await expect(member.call('live.callNext', { slotId: SLOT })).rejects.toThrow(/not_lead/);
    await expect(member.call('live.call', { slotId: SLOT, entryId: someone.entryId })).rejects.toThrow(/not_lead/);
    await expect(member.call('live.move', { slotId: SLOT, entryId: someone.entryId, move: { to: 'end' } })).rejects.toThrow(/not_lead/);

    // The lead calls; the member sees the call pushed, joins the room and sees the lead there.
    const seen = member.waitFor('live.queueEntry', (entry) => entry.entryId === someone.entryId && entry.state === 'called');
    await lead.call('live.call', { slotId: SLOT, entryId: someone.entryId });
    await seen;
    await expect(member.call('live.extend', { slotId: SLOT, entryId: someone.entryId, minutes: 1 })).rejects.toThrow(/not_lead/);
    await expect(member.call('live.finish', { slotId: SLOT, entryId: someone.entryId })).rejects.toThrow(/not_lead/);
    const inRoom = member.waitFor('live.room', (room) => room.entryId === someone.entryId);
    await member.call('live.roomJoin', { entryId: someone.entryId });
    const room = await inRoom;
    expect(room.lead).not.toBe(room.you);
    expect(room.members.find((item) => item.memberId === room.lead)).toMatchObject({ role: 'lead', displayName: expect.any(String) });
  });

  it('reconnects when the platform comes back and keeps receiving the slot', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'live-platform-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const { platform, ws } = await setup({ dataDir });
    await ws.call('live.getQueue', { slotId: SLOT });
    const offline = ws.waitFor('live.connection', (connection) => connection.state === 'offline');
    await platform.close();
    await offline;
    await expect(ws.call('live.signal', { entryId: 'q-x', peerId: 'p', data: {} })).rejects.toThrow(/platform_unreachable/);

    const reconnected = ws.waitFor('live.connection', (connection) => connection.state === 'connected');
    const again = await startPlatform({ dataDir, port: platform.port });
    cleanups.push(() => again.close());
    await reconnected;
    const someone = await candidate(again, 1);
    const pushed = ws.waitFor('live.queueEntry', (entry) => entry.entryId === someone.entryId && entry.state === 'checked_in');
    await someone.act('check-in');
    await pushed;
  });

  it('delivers a re-review request, reopens the accepted sheet, and its resubmission is accepted', async () => {
    // examiner1 sits on the grading panel of the recorded subject (the chief does not).
    const { platform, ws } = await setup({ username: 'examiner1' });
    const { assignments } = await ws.call('assignments.list', {});
    const mine = assignments.find((item) => item.assignment.kind === 'recorded')?.assignment;
    if (!mine) throw new Error('no recorded assignment');
    const { exam } = await ws.call('exams.get', { examId: mine.examId });
    const criteria = (exam as Exam).subjects.find((subject) => subject.id === mine.subjectId)?.rubric.criteria ?? [];

    // examiner1 scores far below the other two panel members: the outlier.
    const accepted = ws.waitFor('sheet.changed', (sheet) => sheet.status === 'accepted');
    const requested = ws.waitFor('reReview.requested', (request) => request.assignmentId === mine.assignmentId);
    await ws.call('sheets.save', { assignmentId: mine.assignmentId, values: valuesFor(criteria, 0.2), comment: '', violation: { flagged: false, note: null } });
    await ws.call('sheets.submit', { assignmentId: mine.assignmentId });
    await accepted;
    const candidateId = (platform.ctx.db.prepare('SELECT candidate_id FROM assignments WHERE id = ?').get(mine.assignmentId) as { candidate_id: string }).candidate_id;
    for (const username of ['examiner2', 'grader1']) await scoreDirectly(platform, username, candidateId, mine.subjectId, valuesFor(criteria, 0.9));
    const request = await requested;
    expect(request.reason).toBe('deviation');
    expect(JSON.stringify(request)).not.toMatch(/examiner2|grader1|ex-02|gr-01/);
    expect((await ws.call('reReviews.list', {})).requests.map((item) => item.requestId)).toContain(request.requestId);

    const reopened = await ws.call('sheets.reopen', { assignmentId: mine.assignmentId });
    expect(reopened).toMatchObject({ status: 'draft', baseVersion: 1 });
    const second = ws.waitFor('sheet.changed', (sheet) => sheet.status === 'accepted' && sheet.acceptedVersion === 2);
    await ws.call('sheets.save', { assignmentId: mine.assignmentId, values: valuesFor(criteria, 0.85), comment: '复核后修改', violation: { flagged: false, note: null } });
    await ws.call('sheets.submit', { assignmentId: mine.assignmentId });
    await second;
    expect((await ws.call('reReviews.list', {})).requests).toEqual([]);
    expect(await ws.call('audit.verify', {})).toMatchObject({ ok: true });
  });
});

/** Another panel member scores the same candidate through the platform API. */
async function scoreDirectly(platform: RunningPlatform, username: string, candidateId: string, subjectId: string, values: Record<string, number>) {
  const login = (await (
    await fetch(`${platform.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: 'demo1234' }),
    })
  ).json()) as { token: string; examiner: { id: string } };
  const { id } = platform.ctx.db
    .prepare('SELECT id FROM assignments WHERE examiner_id = ? AND candidate_id = ? AND subject_id = ?')
    .get(login.examiner.id, candidateId, subjectId) as { id: string };
  const response = await fetch(`${platform.url}/api/v1/assignments/${id}/score`, {
    method: 'POST',
    headers: { authorization: `Bearer ${login.token}`, 'content-type': 'application/json', 'idempotency-key': `direct-${username}-${id}`, 'if-match': '"0"' },
    body: JSON.stringify({ values, comment: '', violation: { flagged: false, note: null }, auditHead: null }),
  });
  if (response.status !== 201) throw new Error(`${username}: HTTP ${response.status}`);
}
