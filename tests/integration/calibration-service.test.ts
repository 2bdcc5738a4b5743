import { describe, expect, it } from 'vitest';
import { DEMO_DANCE_SUBJECT_ID } from '../../platform/demo/exam';
import { danceAnchor, danceScore, fairScoring, listed, pick, refusal, sheet, submitted, UPPER } from '../support/fair-scoring';

/**
 * Calibration (试评) through the workstation (services/calibration-service.ts) against the real platform
 * on loopback: the demo's dance subject requires it, on the chief's two anchors A1 and A2.
 */

const { platformIn, signedIn, tempDir } = fairScoring();

describe('calibration (试评)', () => {
  it('holds back real sheets of the subject until every anchor is scored, then lets them through', async () => {
    const platform = await platformIn();
    const ws = await signedIn(platform, 'grader1');
    const views = await listed(ws);
    const anchors = views.filter((view) => danceAnchor(view.assignment));
    expect(anchors.map((view) => view.assignment.candidateCode).sort()).toEqual(['A1', 'A2']);

    const before = await ws.call('calibration.get', { subjectId: DEMO_DANCE_SUBJECT_ID });
    expect(before.status).toMatchObject({ required: true, complete: false, results: [] });
    expect(before.status.anchorIds).toHaveLength(2);
    expect(before.freshness.fresh).toBe(true);

    const target = pick(views, danceScore);
    await ws.call('sheets.save', sheet(target.assignmentId, UPPER, { band: 'upper' }));
    const held = await refusal(ws.call('sheets.submit', { assignmentId: target.assignmentId }));
    expect(held.code).toBe('calibration_required');
    expect(held.message).toContain('2 of 2');
    expect((await ws.call('sheets.get', { assignmentId: target.assignmentId }))?.status).toBe('draft');

    const [firstAnchor, secondAnchor] = anchors.map((view) => view.assignment.anchorId ?? '');
    // An anchor is never submitted as a score.
    const anchorAssignment = anchors[0]?.assignment.assignmentId ?? '';
    await ws.call('sheets.save', sheet(anchorAssignment, UPPER, { band: 'upper' }));
    expect((await refusal(ws.call('sheets.submit', { assignmentId: anchorAssignment }))).code).toBe('invalid_input');
    // Values that do not fit the rubric: the platform's problems, as invalid_sheet.
    expect((await refusal(ws.call('calibration.submit', { anchorId: firstAnchor ?? '', values: { technique: 35 }, band: 'upper' }))).code).toBe('invalid_sheet');
    const result = await ws.call('calibration.submit', { anchorId: firstAnchor ?? '', values: UPPER, band: 'upper' });
    expect(result).toMatchObject({ anchorId: firstAnchor, total: 83 });
    expect(result.criteria.map((line) => line.criterionId).sort()).toEqual(['appearance', 'expression', 'rhythm', 'technique']);
    for (const line of result.criteria) expect(line.difference).toBeCloseTo(line.yours - line.reference);
    // Again: the stored result, not a second one.
    expect(await ws.call('calibration.submit', { anchorId: firstAnchor ?? '', values: { ...UPPER, technique: 40 }, band: 'upper' })).toEqual(result);
    expect((await refusal(ws.call('sheets.submit', { assignmentId: target.assignmentId }))).message).toContain('1 of 2');

    await ws.call('calibration.submit', { anchorId: secondAnchor ?? '', values: UPPER, band: 'upper' });
    const after = await ws.call('calibration.get', { subjectId: DEMO_DANCE_SUBJECT_ID });
    expect(after.status.complete).toBe(true);
    expect(after.status.results).toHaveLength(2);
    expect((await submitted(ws, target.assignmentId)).status).toBe('accepted');

    // Offline, the last answer, with its age.
    await platform.close();
    const offline = await ws.call('calibration.get', { subjectId: DEMO_DANCE_SUBJECT_ID });
    expect(offline.freshness.fresh).toBe(false);
    expect(offline.status).toEqual(after.status);
  });

  it('lets a sheet through offline when no status was ever fetched; the platform then refuses it calibration_required', async () => {
    const dataDir = tempDir('fair-platform-');
    const platform = await platformIn(dataDir);
    const ws = await signedIn(platform, 'grader1');
    const target = pick(await listed(ws), danceScore);
    await ws.call('sheets.save', sheet(target.assignmentId, UPPER, { band: 'upper' }));
    await platform.close();
    expect((await ws.call('sheets.submit', { assignmentId: target.assignmentId })).status).toBe('submitted');

    const rejected = ws.waitFor('sheet.changed', (state) => state.assignmentId === target.assignmentId && state.status === 'rejected');
    await platformIn(dataDir, platform.port);
    await ws.call('sync.now', {});
    expect((await rejected).error?.code).toBe('calibration_required');
    expect(ws.workstation.sync.status()).toMatchObject({ pending: 0, rejected: 1 });
  });

  it('refuses the chief calibrating on their own anchor', async () => {
    const platform = await platformIn();
    const chief = await signedIn(platform, 'chief');
    const status = await chief.call('calibration.get', { subjectId: DEMO_DANCE_SUBJECT_ID });
    expect(status.status.anchorIds).toEqual([]);
    const grader = await signedIn(platform, 'grader1');
    const anchorId = (await grader.call('calibration.get', { subjectId: DEMO_DANCE_SUBJECT_ID })).status.anchorIds[0] ?? '';
    expect((await refusal(chief.call('calibration.submit', { anchorId, values: UPPER, band: 'upper' }))).code).toBe('own_anchor');
  });
});

