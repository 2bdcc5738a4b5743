import { afterEach, describe, expect, it } from 'vitest';
import { Results, ScoreMatrix } from '@common/platform/chief';
import type { TechnicalIssue } from '@common/platform/fairness';
import { BatchResponse, ScoreReceipt, ScoreRecord, type ScoreSheet } from '@common/platform/scores';
import { DEMO_DANCE_SLOT_ID, DEMO_DANCE_SUBJECT_ID, DEMO_EXAM_ID } from '../../platform/demo/exam';
import { startPlatform, type RunningPlatform } from '../../platform/server';
import { requestHash } from '../../platform/state/scores';
import { chiefClient, vocalSheet } from '../support/platform-chief';

const platforms: RunningPlatform[] = [];
afterEach(async () => {
  await Promise.all(platforms.splice(0).map((platform) => platform.close()));
});

/**
 * The demo platform, its dance subject (band-first: upper 80–100 with technique 32–40, middle
 * 60–79 with 24–31, lower 0–59 with 0–23) without the calibration it requires, so that these
 * tests see the band check alone.
 */
async function setUp() {
  const platform = await startPlatform({ sfu: 'off', demo: { liveCandidates: 2, recordedPerSlot: 1, danceCandidates: 3 } });
  platforms.push(platform);
  const { catalog } = platform.ctx;
  const exam = catalog.all().find((candidate) => candidate.id === DEMO_EXAM_ID);
  if (!exam) throw new Error('no demo exam');
  catalog.add({ ...exam, subjects: exam.subjects.map((subject) => (subject.id === DEMO_DANCE_SUBJECT_ID ? { ...subject, calibrationRequired: false } : subject)) });
  const c = chiefClient(platform);
  const grader = await c.login('grader1');
  const chief = await c.login('chief');
  const candidates = (
    platform.ctx.db.prepare("SELECT candidate_id FROM assignments WHERE slot_id = ? AND examiner_id = 'gr-01' ORDER BY candidate_id").all(DEMO_DANCE_SLOT_ID) as {
      candidate_id: string;
    }[]
  ).map((row) => row.candidate_id);
  const sheetOf = (candidateId: string) => c.assignmentOf('gr-01', candidateId, DEMO_DANCE_SUBJECT_ID);
  return { platform, c, grader, chief, candidates, sheetOf };
}

const dance = (band: string | undefined, technique: number, expression = 20, rhythm = 15, appearance = 7, extra: Partial<ScoreSheet> = {}): ScoreSheet => ({
  values: { technique, expression, rhythm, appearance },
  comment: '',
  violation: { flagged: false, note: null },
  ...(band !== undefined && { band }),
  ...extra,
});

const issue = (id: string, category: TechnicalIssue['category'], atMs: number): TechnicalIssue => ({ id, category, note: '', moments: [{ atMs }] });

describe('reference platform: band-first sheets (分档) and technical-issue marks', () => {
  it('refuses a sheet that does not fit its band, saying where, and accepts one that does', async () => {
    const { c, grader, candidates, sheetOf } = await setUp();
    const sheet = sheetOf(candidates[0] ?? '');
    const table: [string, ScoreSheet, unknown[]][] = [
      ['no band', dance(undefined, 28), [{ criterionId: '@band', problem: 'band_missing' }]],
      ['an unknown band', dance('top', 28), [{ criterionId: '@band', problem: 'band_unknown' }]],
      ['technique below the upper band', dance('upper', 30, 30, 20, 10), [{ criterionId: 'technique', problem: 'outside_band' }]],
      ['the total below the upper band', dance('upper', 32, 20, 15, 5), [{ criterionId: '@total', problem: 'total_outside_band' }]],
      ['the total above the middle band', dance('middle', 31, 30, 15, 5), [{ criterionId: '@total', problem: 'total_outside_band' }]],
      [
        'technique over its max, and so outside the band (the total is unknown)',
        dance('upper', 41, 30, 20, 10),
        [
          { criterionId: 'technique', problem: 'over_max' },
          { criterionId: 'technique', problem: 'outside_band' },
        ],
      ],
      [
        'a technical issue id used twice',
        dance('middle', 28, 20, 15, 7, { technicalIssues: [issue('t1', 'sound_clipped', 1000), issue('t1', 'picture_frozen', 2000)] }),
        [{ field: 'technicalIssues', problem: 'duplicate_id', id: 't1' }],
      ],
    ];
    for (const [name, body, problems] of table) {
      const answer = await c.submit(grader, sheet, 0, body);
      expect(answer.status, name).toBe(400);
      expect(answer.body, name).toMatchObject({ error: { code: 'invalid_score' } });
      expect((answer.body as { problems: unknown[] }).problems, name).toEqual(problems);
    }
    // The batch checks the same.
    const batch = await c.send('POST', '/scores/batch', grader, { items: [{ assignmentId: sheet, idempotencyKey: c.nextKey(), baseVersion: 0, sheet: dance('lower', 28, 10, 10, 5) }] });
    expect(BatchResponse.parse(batch.body).results.map((result) => result.status)).toEqual([400]);
    // Read raw: the batch's schema keeps only what every refusal has.
    const [result] = (batch.body as { results: { body: unknown }[] }).results;
    expect(result?.body).toMatchObject({ error: { code: 'invalid_score' }, problems: [{ criterionId: 'technique', problem: 'outside_band' }] });
    expect(ScoreRecord.parse((await c.send('GET', `/assignments/${sheet}/score`, grader)).body).version).toBe(0);

    const accepted = await c.submit(grader, sheet, 0, dance('middle', 28));
    expect(accepted.status, accepted.text).toBe(201);
    expect(ScoreReceipt.parse(accepted.body).total).toBe(70);
    expect(ScoreRecord.parse((await c.send('GET', `/assignments/${sheet}/score`, grader)).body).sheet).toMatchObject({ band: 'middle' });
  });

  it('refuses a band on a rubric without bands, and leaves sheets without one as they were (their idempotency hash too)', async () => {
    const { platform, c } = await setUp();
    const examiner = await c.login('examiner1');
    const [candidate] = c.liveCandidates('slot-vocal-live');
    const sheet = c.assignmentOf('ex-01', candidate ?? '');
    const banded = await c.submit(examiner, sheet, 0, { ...vocalSheet(20), band: 'upper' });
    expect(banded.status).toBe(400);
    expect(banded.body).toMatchObject({ error: { code: 'invalid_score' }, problems: [{ criterionId: '@band', problem: 'band_not_used' }] });
    expect((await c.submit(examiner, sheet, 0, vocalSheet(20))).status).toBe(201);
    // The hash binds what the sheet says, and a sheet without band or marks says nothing of them.
    const plain = vocalSheet(20);
    expect(requestHash({ assignmentId: sheet, baseVersion: 0, sheet: plain })).toBe(
      requestHash({ assignmentId: sheet, baseVersion: 0, sheet: JSON.parse(JSON.stringify(plain)) as ScoreSheet }),
    );
    expect(requestHash({ assignmentId: sheet, baseVersion: 0, sheet: plain })).not.toBe(
      requestHash({ assignmentId: sheet, baseVersion: 0, sheet: { ...plain, technicalIssues: [] } }),
    );
    expect(platform.ctx.db.prepare('SELECT sheet FROM scores WHERE assignment_id = ?').get(sheet)).toEqual({ sheet: expect.not.stringContaining('band') as string });
  });

  it('keeps technical issues with the sheet, never in its total; the chief sees how many, and the results carry them with the band', async () => {
    const { c, grader, chief, candidates, sheetOf, platform } = await setUp();
    const cand = candidates[1] ?? '';
    const issues = [issue('i-1', 'sound_clipped', 12_000), { id: 'i-2', category: 'connection_lost' as const, note: '画面中断约5秒', moments: [{ atMs: 30_000, toMs: 35_000 }] }];
    const withIssues = await c.submit(grader, sheetOf(cand), 0, dance('upper', 36, 25, 16, 8, { technicalIssues: issues }));
    expect(withIssues.status, withIssues.text).toBe(201);
    // The same values without marks: the same total.
    const other = await c.submit(await c.login('examiner2'), c.assignmentOf('ex-02', cand, DEMO_DANCE_SUBJECT_ID), 0, dance('upper', 36, 25, 16, 8));
    expect(other.status, other.text).toBe(201);
    expect(ScoreReceipt.parse(withIssues.body).total).toBe(85);
    expect(ScoreReceipt.parse(other.body).total).toBe(85);

    const matrix = ScoreMatrix.parse((await c.send('GET', `/chief/slots/${DEMO_DANCE_SLOT_ID}/matrix`, chief)).body);
    const code = platform.ctx.codes.codeFor('ch-01', cand);
    const row = matrix.rows.find((candidate) => candidate.candidateCode === code);
    expect(row?.cells.map((cell) => [cell.memberId, cell.state, cell.total, cell.technicalIssues])).toEqual([
      ['gr-01', 'accepted', 85, 2],
      ['ex-02', 'accepted', 85, 0],
      ['ch-01', 'not_scored', null, 0],
    ]);

    const results = Results.parse((await c.send('GET', `/chief/slots/${DEMO_DANCE_SLOT_ID}/results`, chief)).body);
    const sheets = results.candidates.find((candidate) => candidate.candidateCode === code)?.sheets ?? [];
    expect(sheets.map((sheet) => [sheet.memberId, sheet.band, sheet.technicalIssues, sheet.recusal])).toEqual([
      ['gr-01', 'upper', issues, null],
      ['ex-02', 'upper', [], null],
      ['ch-01', null, [], null],
    ]);
  });
});
