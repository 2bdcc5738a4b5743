import { describe, expect, it, onTestFinished } from 'vitest';
import { AssignmentList, type Assignment } from '@common/platform/assignments';
import { DEMO_RECORDED_SLOT_IDS } from '../../platform/demo/exam';
import { startPlatform, type RunningPlatform } from '../../platform/server';
import { chiefClient, dataFolder } from '../support/platform-chief';

const LIVE = 'slot-vocal-live';
const RECORDED = DEMO_RECORDED_SLOT_IDS[0];

async function listOf(platform: RunningPlatform, username: string): Promise<Assignment[]> {
  const c = chiefClient(platform);
  const answer = await c.send('GET', '/assignments', await c.login(username));
  expect(answer.status, answer.text).toBe(200);
  return AssignmentList.parse(answer.body).assignments;
}

/** The candidates of a slot in the order the list gives them, with their positions (behind the API: codes differ per examiner). */
function orderIn(platform: RunningPlatform, list: readonly Assignment[], slotId: string) {
  const candidateOf = platform.ctx.db.prepare('SELECT candidate_id FROM assignments WHERE id = ?');
  return list
    .filter((assignment) => assignment.slotId === slotId && assignment.purpose === 'score')
    .map((assignment) => ({
      candidate: (candidateOf.get(assignment.assignmentId) as { candidate_id: string }).candidate_id,
      position: assignment.position,
      order: assignment.order,
    }));
}

describe('reference platform: the order of each examiner\'s assignments', () => {
  it('shuffles recorded assignments per grader, fixed by the platform across calls and restarts; live ones by appointment', async () => {
    const folder = dataFolder('platform-order-');
    onTestFinished(folder.remove);
    const options = { dataDir: folder.dir, sfu: 'off' as const, demo: { liveCandidates: 5, recordedPerSlot: 12 } };
    const first = await startPlatform(options);
    let closed = false;
    onTestFinished(async () => {
      if (!closed) await first.close();
    });

    const grader = await listOf(first, 'grader1');
    const examiner = await listOf(first, 'examiner1');
    const graderOrder = orderIn(first, grader, RECORDED);
    const examinerOrder = orderIn(first, examiner, RECORDED);
    expect(graderOrder).toHaveLength(12);
    // Numbered 1..12 in list order, shuffled.
    expect(graderOrder.map((entry) => [entry.position, entry.order])).toEqual(graderOrder.map((_entry, index) => [index + 1, 'shuffled']));
    expect(examinerOrder.map((entry) => entry.position)).toEqual(examinerOrder.map((_entry, index) => index + 1));
    // The same candidates, in another order for each grader (12! orders: equal only by a bug).
    const candidates = (order: typeof graderOrder) => order.map((entry) => entry.candidate);
    expect([...candidates(graderOrder)].sort()).toEqual([...candidates(examinerOrder)].sort());
    expect(candidates(graderOrder)).not.toEqual(candidates(examinerOrder));
    // Nor the seeding order.
    expect(candidates(graderOrder)).not.toEqual([...candidates(graderOrder)].sort());
    // Each recorded slot is numbered from 1 on its own.
    expect(orderIn(first, grader, DEMO_RECORDED_SLOT_IDS[1]).map((entry) => entry.position)).toEqual(Array.from({ length: 12 }, (_v, index) => index + 1));

    // Live: the appointment order, numbered from 1.
    const live = orderIn(first, examiner, LIVE);
    expect(live.map((entry) => entry.candidate)).toEqual(chiefClient(first).liveCandidates(LIVE));
    expect(live.map((entry) => [entry.position, entry.order])).toEqual(live.map((_entry, index) => [index + 1, 'appointment']));
    // Calibration assignments, if any, come after every real one.
    const purposes = grader.map((assignment) => assignment.purpose);
    expect(purposes).toEqual([...purposes].sort((a, b) => (a === b ? 0 : a === 'score' ? -1 : 1)));

    // Stable: a second call, and the platform restarted on the same data folder.
    expect(orderIn(first, await listOf(first, 'grader1'), RECORDED)).toEqual(graderOrder);
    await first.close();
    closed = true;
    const again = await startPlatform(options);
    onTestFinished(() => again.close());
    expect(orderIn(again, await listOf(again, 'grader1'), RECORDED)).toEqual(graderOrder);
    expect(orderIn(again, await listOf(again, 'examiner1'), RECORDED)).toEqual(examinerOrder);
  });
});
