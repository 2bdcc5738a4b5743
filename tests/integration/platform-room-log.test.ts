import { afterEach, describe, expect, it } from 'vitest';
import { RoomLog, type RoomLogLine } from '@common/platform/room';
import { ManualClock } from '../../platform/clock';
import { QUICK_MESSAGE_RATE } from '../../platform/realtime/quick-message-limit';
import { roomHarness, settled, SLOT, START, type Candidate, type DeviceClient } from '../support/room-clients';

/**
 * The exam-room log (考场记录) as the platform keeps it by itself, read back through the route the
 * workstation's `live.roomLog` calls (GET /slots/:slotId/queue/:entryId/log): one interview from
 * check-in to finish, line by line, then the interruption rule's decisions, then how a device's
 * socket ended.
 */

const harness = roomHarness();
afterEach(harness.cleanUp);

type Harness = Awaited<ReturnType<typeof harness.setUp>>;

/** The vocal rubric's sheet; its values must never reach the log. */
const SHEET = {
  values: { pitch: 27.5, rhythm: 16, tone: 16, expression: 15, stage: 5 },
  comment: '音准稳定',
  violation: { flagged: false, note: null },
  auditHead: 'ab'.repeat(32),
};


/** The log as a panel member reads it; also its text as sent. */
async function readLog(t: Harness, c: Candidate, username = 'examiner2'): Promise<{ lines: RoomLogLine[]; text: string }> {
  const response = await t.get(`/slots/${SLOT}/queue/${c.entryId}/log`, await t.login(username));
  const text = await response.text();
  expect(response.status, text).toBe(200);
  return { lines: RoomLog.parse(JSON.parse(text)).lines, text };
}

const brief = (lines: readonly RoomLogLine[]) => lines.map((line) => [line.action, line.actor, line.detail]);
const at = (ms: number) => new Date(Date.parse(START) + ms).toISOString();

function assignmentOf(t: Harness, examinerId: string, c: Candidate): string {
  const row = t.platform.ctx.db
    .prepare('SELECT id FROM assignments WHERE examiner_id = ? AND candidate_id = ? AND slot_id = ?')
    .get(examinerId, c.candidateId, SLOT) as { id: string } | undefined;
  if (!row) throw new Error(`no assignment of ${examinerId}`);
  return row.id;
}

/** The waiting state reached by the state pushes a device receives (`next` moves past them). */
const reached = (device: DeviceClient, state: string) => device.next('state', (message) => message.entry.state === state);

describe('reference platform: the exam-room log the platform keeps', () => {
  it('records one interview from check-in to finish: devices, face checks, quick messages, the call, prompts, an interruption, an extension, submissions', async () => {
    const t = await harness.setUp();
    const c = t.candidate(0);
    const chiefToken = await t.login('chief');

    // Before check-in the phone is nobody's interview yet: its connection is noted at check-in.
    const main = await t.device(c.main);
    await t.ok(t.post('/candidate/check-in', c.main));
    await t.ok(t.post('/candidate/face', c.main, { matched: false }));
    t.clock.advance(10_000);
    await t.ok(t.post('/candidate/face', c.main, { matched: true }));
    let side = await t.device(c.side);
    await t.ok(t.post('/candidate/ready', c.main));

    // A burst of quick messages, then two beyond the limit: the first refusal is noted, not the next.
    const panel = await t.examiner('examiner3');
    await t.subscribe(panel, c.entryId);
    for (let i = 0; i < QUICK_MESSAGE_RATE.burst; i++) main.send({ type: 'quick_message', messageId: 'cannot_hear' });
    main.send({ type: 'quick_message', messageId: 'network_poor' });
    main.send({ type: 'quick_message', messageId: 'device_problem' });
    await settled(main);
    expect(main.all('error').filter((message) => message.code === 'rate_limited')).toHaveLength(2);
    expect(panel.all('quick_message')).toHaveLength(QUICK_MESSAGE_RATE.burst);

    t.clock.advance(60_000);
    await t.ok(t.post(`/slots/${SLOT}/queue/${c.entryId}/call`, chiefToken));
    await t.ok(t.post('/candidate/join', c.main));
    await reached(main, 'in_room');
    const [, member] = await t.panel(c.entryId, ['chief', 'examiner1']);
    if (!member) throw new Error('the panel did not form');
    member.send({ type: 'prompt', entryId: c.entryId, text: '请开始演唱第一首' });
    expect(await main.next('prompt')).toMatchObject({ text: '请开始演唱第一首' });

    // The side phone drops and is back 30 s later: an interruption, resumed.
    t.clock.advance(60_000);
    await side.close();
    await reached(main, 'interrupted');
    t.clock.advance(30_000);
    side = await t.device(c.side);
    await reached(main, 'in_room');

    await t.ok(t.post(`/slots/${SLOT}/queue/${c.entryId}/extend`, chiefToken, { minutes: 2, reason: '伴奏中断，补足时间' }));
    await t.ok(t.post(`/slots/${SLOT}/queue/${c.entryId}/finish`, chiefToken));
    // After the finish a device's comings and goings are no longer the interview's.
    await side.close();

    // 王老师 submits, then submits a second version; 刘主任 submits in a batch sent twice (a replay).
    const single = async (key: string, version: number) => {
      const response = await t.api(`/assignments/${assignmentOf(t, 'ex-01', c)}/score`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${await t.login('examiner1')}`,
          'content-type': 'application/json',
          'idempotency-key': key,
          'if-match': `"${version}"`,
        },
        body: JSON.stringify(SHEET),
      });
      expect(response.status, await response.text()).toBe(201);
    };
    await single('room-log-sheet-0001', 0);
    await single('room-log-sheet-0002', 1);
    const batch = { items: [{ assignmentId: assignmentOf(t, 'ch-01', c), idempotencyKey: 'room-log-batch-0001', baseVersion: 0, sheet: SHEET }] };
    for (let i = 0; i < 2; i++) {
      const response = await t.post('/scores/batch', chiefToken, batch);
      const text = await response.text();
      expect(response.status, text).toBe(200);
      expect(JSON.parse(text)).toMatchObject({ results: [{ status: 201 }] });
    }

    const { lines, text } = await readLog(t, c);
    expect(brief(lines)).toEqual([
      ['device_connect', null, { device: 'main', reason: 'before_check_in' }],
      ['face_check', null, { attempt: 1, result: 'failed' }],
      ['face_check', null, { attempt: 2, result: 'passed' }],
      ['device_connect', null, { device: 'side' }],
      ['quick_message', null, { messageId: 'cannot_hear', device: 'main' }],
      ['quick_message', null, { messageId: 'cannot_hear', device: 'main' }],
      ['quick_message', null, { messageId: 'cannot_hear', device: 'main' }],
      ['quick_message', null, { messageId: 'network_poor', device: 'main', refused: true }],
      ['route', null, { route: 'direct', reason: 'sfu_not_installed', epoch: 0 }],
      ['call', '刘主任', { next: false }],
      ['join', '刘主任', {}],
      ['join', '王老师', {}],
      ['prompt', '王老师', { text: '请开始演唱第一首' }],
      ['device_drop', null, { device: 'side', reason: 'closed' }],
      ['interruption', null, { decision: 'started', count: 1, max: 3, deadline: at(250_000) }],
      ['device_connect', null, { device: 'side' }],
      ['interruption', null, { decision: 'resumed', count: 1, max: 3, seconds: 30 }],
      ['extend', '刘主任', { minutes: 2, extraSeconds: 120, reason: '伴奏中断，补足时间' }],
      ['finish', '刘主任', {}],
      ['submit', '王老师', { version: 1 }],
      ['submit', '王老师', { version: 2 }],
      ['submit', '刘主任', { version: 1 }],
    ]);
    // When: each line at the platform's time of the event.
    expect(lines.map((line) => line.at)).toEqual([
      ...Array<string>(2).fill(at(0)),
      ...Array<string>(6).fill(at(10_000)),
      ...Array<string>(5).fill(at(70_000)),
      ...Array<string>(2).fill(at(130_000)),
      ...Array<string>(7).fill(at(160_000)),
    ]);
    // Display names only; no account or candidate id, no score, no total, no comment.
    for (const secret of ['ex-0', 'ch-0', c.candidateId, '27.5', 'total', '音准稳定']) expect(text).not.toContain(secret);
  });

  it('records the interruption rule deciding: a chief\'s face review, the fourth drop failing, a readmission, a timeout', async () => {
    const t = await harness.setUp();
    const c = t.candidate(1);
    const chiefToken = await t.login('chief');
    await t.ok(t.post('/candidate/check-in', c.main));
    for (let i = 0; i < 3; i++) await t.ok(t.post('/candidate/face', c.main, { matched: false }));
    await t.ok(t.post(`/slots/${SLOT}/queue/${c.entryId}/review`, chiefToken, { approve: true }));
    await t.ok(t.post('/candidate/ready', c.main));
    const main = await t.device(c.main);
    let side = await t.device(c.side);
    await t.ok(t.post(`/slots/${SLOT}/queue/${c.entryId}/call`, chiefToken));
    await t.ok(t.post('/candidate/join', c.main));
    await reached(main, 'in_room');

    for (let i = 0; i < 3; i++) {
      await side.close();
      await reached(main, 'interrupted');
      side = await t.device(c.side);
      await reached(main, 'in_room');
    }
    await side.close();
    await reached(main, 'failed');
    // Back while failed: no line; the readmission opens the log to the devices again.
    side = await t.device(c.side);
    await t.ok(t.post(`/slots/${SLOT}/queue/${c.entryId}/readmit`, chiefToken, { reason: '考务：基站故障' }));
    await t.ok(t.post(`/slots/${SLOT}/queue/${c.entryId}/call`, chiefToken));
    await t.ok(t.post('/candidate/join', c.main));
    await reached(main, 'in_room');
    await side.close();
    await reached(main, 'interrupted');
    t.clock.advance(120_000);
    await reached(main, 'failed');

    const { lines } = await readLog(t, c);
    const started = (count: number) => ['interruption', null, { decision: 'started', count, max: 3, deadline: at(0 + 120_000) }];
    const resumed = (count: number) => ['interruption', null, { decision: 'resumed', count, max: 3, seconds: 0 }];
    const drop = ['device_drop', null, { device: 'side', reason: 'closed' }];
    const back = ['device_connect', null, { device: 'side' }];
    expect(brief(lines.filter((line) => line.action !== 'route'))).toEqual([
      ['face_check', null, { attempt: 1, result: 'failed' }],
      ['face_check', null, { attempt: 2, result: 'failed' }],
      ['face_check', null, { attempt: 3, result: 'manual_review' }],
      ['face_check', '刘主任', { review: true, result: 'approved', attempts: 3 }],
      ['device_connect', null, { device: 'main' }],
      back,
      ['call', '刘主任', { next: false }],
      drop,
      started(1),
      back,
      resumed(1),
      drop,
      started(2),
      back,
      resumed(2),
      drop,
      started(3),
      back,
      resumed(3),
      drop,
      ['interruption', null, { decision: 'failed', reason: 'too_many_interruptions', count: 4, max: 3 }],
      ['readmit', '刘主任', { reason: '考务：基站故障', failureReason: 'too_many_interruptions' }],
      ['call', '刘主任', { next: false }],
      drop,
      started(1),
      ['interruption', null, { decision: 'failed', reason: 'interruption_timeout', count: 1, max: 3, seconds: 120 }],
    ]);
  });

  it('tells a dropped socket from one the heartbeat ended, and a newer connection of the same device from either', async () => {
    const heartbeat = new ManualClock(START);
    const t = await harness.setUp({ heartbeatClock: heartbeat });
    const c = t.candidate(0);
    const { main, side } = await t.inRoomByHand(c, await t.login('chief'));
    // The same phone connects again (a reloaded page): the newer connection takes over, nothing dropped.
    const again = await t.device(c.main);
    expect(await main.closed).toBe(4000);
    side.silent = true;
    const beat = async () => {
      heartbeat.advance(1000);
      await again.next('heartbeat');
      await settled(again);
    };
    while (side.socket.readyState === side.socket.OPEN) await beat();
    await reached(again, 'interrupted');

    const { lines } = await readLog(t, c);
    expect(brief(lines.filter((line) => line.action.startsWith('device_')))).toEqual([
      ['device_connect', null, { device: 'main' }],
      ['device_connect', null, { device: 'side' }],
      ['device_connect', null, { device: 'main', reason: 'replaced' }],
      ['device_drop', null, { device: 'side', reason: 'heartbeat' }],
    ]);
  });
});
