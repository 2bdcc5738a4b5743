import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssignmentList, SHA256_HEADER, type Assignment } from '@common/platform/assignments';
import { Anchor, CalibrationResult, CalibrationStatus, ChiefCalibration } from '@common/platform/fairness';
import type { ScoreSheet } from '@common/platform/scores';
import { DEMO_ANCHOR_REFERENCES } from '../../platform/demo/seed';
import { DEMO_DANCE_SLOT_ID, DEMO_EXAM_ID } from '../../platform/demo/exam';
import { startPlatform, type RunningPlatform } from '../../platform/server';
import { chiefClient, dataFolder, type Answer } from '../support/platform-chief';
import { platformHttp } from '../support/platform-http';

// The demo on loopback with its dance slot: two candidates every member scores, and the chief's
// anchors A1 (upper band) and A2 (middle band), with 1-second recordings.
let platform: RunningPlatform;
let folder: { dir: string; remove: () => void };
let client: ReturnType<typeof chiefClient>;
let http: ReturnType<typeof platformHttp>;
const tokens = new Map<string, string>();

beforeAll(async () => {
  folder = dataFolder('platform-calibration-');
  platform = await startPlatform({
    dataDir: folder.dir,
    sfu: 'off',
    demo: { liveCandidates: 1, recordedPerSlot: 1, danceCandidates: 2 },
    demoMedia: { seconds: 1, longSeconds: 1 },
  });
  client = chiefClient(platform);
  http = platformHttp(platform);
  for (const username of ['examiner1', 'examiner2', 'grader1', 'chief']) tokens.set(username, await client.login(username));
}, 180_000);

afterAll(async () => {
  await platform.close();
  folder.remove();
});

const token = (username: string) => tokens.get(username) ?? '';
const send = (method: string, path: string, username: string, body?: unknown): Promise<Answer> => client.send(method, path, token(username), body);
const errorOf = (answer: Answer) => (answer.body as { error: { code: string; message: string } }).error;
const db = () => platform.ctx.db;
const count = (table: string) => (db().prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;

async function assignmentsOf(username: string): Promise<Assignment[]> {
  const answer = await send('GET', '/assignments', username);
  expect(answer.status).toBe(200);
  return AssignmentList.parse(answer.body).assignments;
}

const anchorIdOf = (label: string): string => (db().prepare('SELECT id FROM anchors WHERE label = ?').get(label) as { id: string }).id;

/** The examiner's dance assignments for real candidates (not the anchors'). */
const danceAssignments = (examinerId: string): { id: string; candidate_id: string }[] =>
  db()
    .prepare(
      `SELECT id, candidate_id FROM assignments WHERE examiner_id = ? AND slot_id = ?
       AND candidate_id NOT IN (SELECT candidate_id FROM anchors) ORDER BY candidate_id`,
    )
    .all(examinerId, DEMO_DANCE_SLOT_ID) as { id: string; candidate_id: string }[];

const danceSheet = (values: Record<string, number>, band: string): ScoreSheet => ({
  values,
  band,
  comment: '',
  violation: { flagged: false, note: null },
});

const UPPER = { technique: 34, expression: 27, rhythm: 16, appearance: 8 }; // 85, against A1's 36/26/17/9 = 88
const MIDDLE = { technique: 30, expression: 20, rhythm: 15, appearance: 7 }; // 72, against A2's 28/21/14/7 = 70

describe('platform: calibration (试评) on anchors (样卷)', () => {
  it('offers the chief’s anchors to the other members of the dance panel as calibration assignments, recordings included', async () => {
    const assignments = await assignmentsOf('examiner2');
    const calibration = assignments.filter((assignment) => assignment.purpose === 'calibration');
    expect(calibration.map((assignment) => assignment.candidateCode).sort()).toEqual(['A1', 'A2']);
    const dueAt = assignments.filter((assignment) => assignment.subjectId === 'dance' && assignment.purpose === 'score').map((assignment) => assignment.dueAt);
    expect(dueAt).toHaveLength(2);
    for (const assignment of calibration) {
      expect(assignment).toMatchObject({
        assignmentId: anchorIdOf(assignment.candidateCode),
        anchorId: anchorIdOf(assignment.candidateCode),
        subjectId: 'dance',
        slotId: DEMO_DANCE_SLOT_ID,
        kind: 'recorded',
        entryId: null,
        position: null,
        order: 'appointment',
        recusal: null,
        dueAt: dueAt.sort().at(-1),
      });
      expect(assignment.assignmentId).toMatch(/^anchor-[0-9a-f]+$/);
      expect(assignment.recordings.map((recording) => recording.angle)).toEqual(['main', 'side']);
    }

    // The anchor's recording is served to an examiner offered it: whole, and by ranges.
    const [recording] = calibration[0]?.recordings ?? [];
    if (!recording) throw new Error('no recording');
    const whole = await http.api(`/recordings/${recording.recordingId}`, { headers: { authorization: `Bearer ${token('examiner2')}` } });
    expect(whole.status).toBe(200);
    const bytes = Buffer.from(await whole.arrayBuffer());
    expect(bytes.length).toBe(recording.bytes);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(recording.sha256);
    expect(whole.headers.get(SHA256_HEADER)).toBe(recording.sha256);
    const part = await http.api(`/recordings/${recording.recordingId}`, { headers: { authorization: `Bearer ${token('examiner2')}`, range: 'bytes=10-19' } });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(bytes.subarray(10, 20));
    const head = await http.api(`/recordings/${recording.recordingId}`, { method: 'HEAD', headers: { authorization: `Bearer ${token('grader1')}` } });
    expect(head.status).toBe(200);

    // examiner1 sits on no dance panel: no anchors, and the recording is not theirs to fetch.
    expect((await assignmentsOf('examiner1')).filter((assignment) => assignment.purpose === 'calibration')).toEqual([]);
    const refused = await http.api(`/recordings/${recording.recordingId}`, { headers: { authorization: `Bearer ${token('examiner1')}` } });
    expect(refused.status).toBe(404);
    // The chief who set them is never offered their own anchors.
    expect((await assignmentsOf('chief')).filter((assignment) => assignment.purpose === 'calibration')).toEqual([]);
  });

  it('tells the examiner their calibration status; a subject of no panel of theirs is a 404', async () => {
    const answer = await send('GET', '/calibration/subjects/dance', 'examiner2');
    expect(answer.status).toBe(200);
    const status = CalibrationStatus.parse(answer.body);
    expect(status).toEqual({ subjectId: 'dance', required: true, anchorIds: [anchorIdOf('A1'), anchorIdOf('A2')], results: [], complete: false });
    expect((await send('GET', '/calibration/subjects/dance', 'examiner1')).status).toBe(404);
    const instrumental = CalibrationStatus.parse((await send('GET', '/calibration/subjects/instrumental', 'examiner2')).body);
    expect(instrumental).toEqual({ subjectId: 'instrumental', required: false, anchorIds: [], results: [], complete: true });
  });

  it('refuses scores that do not fit the rubric or its band, storing nothing', async () => {
    const before = count('calibration_scores');
    const outside = await send('POST', `/calibration/anchors/${anchorIdOf('A1')}`, 'examiner2', { values: { ...UPPER, technique: 20 }, band: 'upper' });
    expect(outside.status).toBe(400);
    expect(errorOf(outside).code).toBe('invalid_score');
    expect((outside.body as { problems: unknown[] }).problems).toEqual(
      expect.arrayContaining([
        { criterionId: 'technique', problem: 'outside_band' },
        { criterionId: '@total', problem: 'total_outside_band' },
      ]),
    );
    const noBand = await send('POST', `/calibration/anchors/${anchorIdOf('A1')}`, 'examiner2', { values: UPPER });
    expect(noBand.status).toBe(400);
    expect((noBand.body as { problems: unknown[] }).problems).toEqual([{ criterionId: '@band', problem: 'band_missing' }]);
    const missing = await send('POST', `/calibration/anchors/${anchorIdOf('A1')}`, 'examiner2', { values: { technique: 34 }, band: 'upper' });
    expect(missing.status).toBe(400);
    expect((missing.body as { problems: unknown[] }).problems).toContainEqual({ criterionId: 'expression', problem: 'missing' });
    expect(count('calibration_scores')).toBe(before);
  });

  it('gates the dance sheets until every offered anchor is scored, and shows the differences per criterion', async () => {
    const [sheet] = danceAssignments('ex-02');
    if (!sheet) throw new Error('no dance assignment');
    const refused = await client.submit(token('examiner2'), sheet.id, 0, danceSheet(UPPER, 'upper'));
    expect(refused.status).toBe(403);
    expect(errorOf(refused).code).toBe('calibration_required');
    expect(errorOf(refused).message).toContain('2');

    const first = await send('POST', `/calibration/anchors/${anchorIdOf('A1')}`, 'examiner2', { values: UPPER, band: 'upper' });
    expect(first.status).toBe(201);
    const result = CalibrationResult.parse(first.body);
    expect(result).toMatchObject({ anchorId: anchorIdOf('A1'), label: 'A1', total: 85, referenceTotal: 88, totalDifference: -3, band: { yours: 'upper', reference: 'upper' } });
    expect(result.criteria).toEqual([
      { criterionId: 'technique', yours: 34, reference: 36, difference: -2 },
      { criterionId: 'expression', yours: 27, reference: 26, difference: 1 },
      { criterionId: 'rhythm', yours: 16, reference: 17, difference: -1 },
      { criterionId: 'appearance', yours: 8, reference: 9, difference: -1 },
    ]);
    expect(DEMO_ANCHOR_REFERENCES.A1.values).toEqual({ technique: 36, expression: 26, rhythm: 17, appearance: 9 });

    // One anchor left: still refused, now naming 1.
    const stillRefused = await client.submit(token('examiner2'), sheet.id, 0, danceSheet(UPPER, 'upper'));
    expect(stillRefused.status).toBe(403);
    expect(errorOf(stillRefused).message).toContain('1');

    const second = await send('POST', `/calibration/anchors/${anchorIdOf('A2')}`, 'examiner2', { values: MIDDLE, band: 'middle' });
    expect(second.status).toBe(201);
    expect(CalibrationResult.parse(second.body)).toMatchObject({ total: 72, referenceTotal: 70, totalDifference: 2, band: { yours: 'middle', reference: 'middle' } });

    const status = CalibrationStatus.parse((await send('GET', '/calibration/subjects/dance', 'examiner2')).body);
    expect(status.complete).toBe(true);
    expect(status.results.map((item) => item.label).sort()).toEqual(['A1', 'A2']);

    const accepted = await client.submit(token('examiner2'), sheet.id, 0, danceSheet(UPPER, 'upper'));
    expect(accepted.status).toBe(201);
    // grader1 has not calibrated: their sheets are still refused.
    const [graderSheet] = danceAssignments('gr-01');
    if (!graderSheet) throw new Error('no dance assignment');
    const graderRefused = await client.submit(token('grader1'), graderSheet.id, 0, danceSheet(UPPER, 'upper'));
    expect(graderRefused.status).toBe(403);
    expect(errorOf(graderRefused).code).toBe('calibration_required');
  });

  it('scores an anchor once: a second time replays the stored result', async () => {
    const status = CalibrationStatus.parse((await send('GET', '/calibration/subjects/dance', 'examiner2')).body);
    const stored = CalibrationResult.parse(status.results.find((item) => item.label === 'A1'));
    const again = await send('POST', `/calibration/anchors/${anchorIdOf('A1')}`, 'examiner2', { values: MIDDLE, band: 'middle' });
    expect(again.status).toBe(409);
    expect(errorOf(again).code).toBe('already_calibrated');
    expect(CalibrationResult.parse((again.body as { result: unknown }).result)).toEqual(stored);
    expect(stored.total).toBe(85);
    expect((db().prepare('SELECT COUNT(*) AS n FROM calibration_scores WHERE examiner_id = ?').get('ex-02') as { n: number }).n).toBe(2);
  });

  it('refuses the chief’s calibration on their own anchor, and anchors not offered', async () => {
    const own = await send('POST', `/calibration/anchors/${anchorIdOf('A1')}`, 'chief', { values: UPPER, band: 'upper' });
    expect(own.status).toBe(403);
    expect(errorOf(own).code).toBe('own_anchor');
    const notOffered = await send('POST', `/calibration/anchors/${anchorIdOf('A1')}`, 'examiner1', { values: UPPER, band: 'upper' });
    expect(notOffered.status).toBe(404);
    const unknown = await send('POST', '/calibration/anchors/anchor-0000', 'examiner2', { values: UPPER, band: 'upper' });
    expect(unknown.status).toBe(404);
  });

  it('lets the chief see every member’s calibration; others get 403, other subjects 404', async () => {
    const answer = await send('GET', `/chief/exams/${DEMO_EXAM_ID}/subjects/dance/calibration`, 'chief');
    expect(answer.status).toBe(200);
    const view = ChiefCalibration.parse(answer.body);
    expect(view.required).toBe(true);
    expect(view.anchors.map((anchor) => [anchor.label, anchor.referenceTotal, anchor.reference.band, anchor.setBy])).toEqual([
      ['A1', 88, 'upper', '刘主任'],
      ['A2', 70, 'middle', '刘主任'],
    ]);
    const byMember = new Map(view.examiners.map((examiner) => [examiner.memberId, examiner]));
    // The chief set both anchors: nothing is offered to them, so they are not listed as an examinee.
    expect([...byMember.keys()].sort()).toEqual(['ex-02', 'gr-01']);
    expect(byMember.get('ex-02')).toMatchObject({ displayName: '李老师', complete: true });
    expect(byMember.get('ex-02')?.results.map((result) => [result.label, result.totalDifference])).toEqual([
      ['A1', -3],
      ['A2', 2],
    ]);
    expect(byMember.get('gr-01')).toMatchObject({ results: [], complete: false });

    const forbidden = await send('GET', `/chief/exams/${DEMO_EXAM_ID}/subjects/dance/calibration`, 'examiner2');
    expect(forbidden.status).toBe(403);
    expect(errorOf(forbidden).code).toBe('forbidden');
    // The chief sits on no panel of the instrumental slot.
    expect((await send('GET', `/chief/exams/${DEMO_EXAM_ID}/subjects/instrumental/calibration`, 'chief')).status).toBe(404);
  });

  it('lets a chief set an anchor on their own recorded assignment, with a valid reference only, once per candidate', async () => {
    const [chiefSheet] = danceAssignments('ch-01');
    const next = danceAssignments('ex-02')[1];
    if (!chiefSheet || !next) throw new Error('no dance assignments');
    const anchors = count('anchors');
    const actions = count('chief_actions');

    const invalid = await send('POST', '/chief/anchors', 'chief', {
      assignmentId: chiefSheet.id,
      label: 'A3',
      reference: { values: { technique: 28, expression: 28, rhythm: 18, appearance: 9 }, band: 'middle' },
    });
    expect(invalid.status).toBe(400);
    expect(errorOf(invalid).code).toBe('invalid_reference');
    expect((invalid.body as { problems: unknown[] }).problems).toEqual([{ criterionId: '@total', problem: 'total_outside_band' }]);
    expect(count('anchors')).toBe(anchors);
    expect(count('chief_actions')).toBe(actions);

    const reference = { values: { technique: 20, expression: 15, rhythm: 10, appearance: 5 }, band: 'lower' };
    expect((await send('POST', '/chief/anchors', 'examiner2', { assignmentId: next.id, label: 'A3', reference })).status).toBe(403);
    // Another member's assignment, or the chief's live one, is none of theirs to anchor.
    expect((await send('POST', '/chief/anchors', 'chief', { assignmentId: next.id, label: 'A3', reference })).status).toBe(404);
    const live = client.assignmentOf('ch-01', client.candidateOf('slot-vocal-live'));
    expect((await send('POST', '/chief/anchors', 'chief', { assignmentId: live, label: 'A3', reference })).status).toBe(404);

    const created = await send('POST', '/chief/anchors', 'chief', { assignmentId: chiefSheet.id, label: 'A3', reference });
    expect(created.status).toBe(201);
    const anchor = Anchor.parse(created.body);
    expect(anchor).toMatchObject({ examId: DEMO_EXAM_ID, subjectId: 'dance', label: 'A3', referenceTotal: 50, reference, setBy: '刘主任' });
    expect(anchor.anchorId).toMatch(/^anchor-[0-9a-f]+$/);
    const logged = db().prepare('SELECT slot_id, actor_id, action, assignment_id, reason FROM chief_actions ORDER BY id DESC LIMIT 1').get();
    expect(logged).toEqual({ slot_id: DEMO_DANCE_SLOT_ID, actor_id: 'ch-01', action: 'anchor', assignment_id: chiefSheet.id, reason: 'A3' });

    const twice = await send('POST', '/chief/anchors', 'chief', { assignmentId: chiefSheet.id, label: 'A4', reference });
    expect(twice.status).toBe(409);
    expect(errorOf(twice).code).toBe('anchor_exists');
    expect(count('anchors')).toBe(anchors + 1);

    // A new anchor is offered at once: examiner2 must score it before their next dance sheet.
    const status = CalibrationStatus.parse((await send('GET', '/calibration/subjects/dance', 'examiner2')).body);
    expect(status.anchorIds).toContain(anchor.anchorId);
    expect(status.complete).toBe(false);
    const refused = await client.submit(token('examiner2'), next.id, 0, danceSheet(MIDDLE, 'middle'));
    expect(refused.status).toBe(403);
    expect(errorOf(refused).code).toBe('calibration_required');
  });
});
