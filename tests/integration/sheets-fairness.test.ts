import { describe, expect, it } from 'vitest';
import { ScoreRecord, type Anchor, type Assignment, type TechnicalIssue } from '@common/platform';
import { sql } from '../../main/store/sql';
import { DEMO_DANCE_SLOT_ID, DEMO_DANCE_SUBJECT_ID } from '../../platform/demo/exam';
import type { RunningPlatform } from '../../platform/server';
import {
  auditOf,
  calibrate,
  danceScore,
  fairScoring,
  instrumental,
  listed,
  pick,
  refusal,
  sheet,
  submitted,
  UPPER,
} from '../support/fair-scoring';
import { platformHttp } from '../support/platform-http';
import { valuesFor } from '../support/workstation';

/**
 * Fair scoring on the workstation's side, against the real platform on loopback and a real
 * SQLite file: recusal (回避), band-first sheets, technical-issue marks, calibration (试评) on the
 * demo's dance anchors, and the chief's commands for them.
 */

const { platformIn, signedIn, tempDir } = fairScoring();

describe('recusal (回避)', () => {
  it('stores the recused sheet with its audit entry, and refuses any later save, submit or reopen', async () => {
    const platform = await platformIn();
    const ws = await signedIn(platform, 'grader1');
    const views = await listed(ws);
    const drafted = pick(views, instrumental, 0);
    const untouched = pick(views, instrumental, 1);
    const instrumentCriteria = (await ws.call('exams.get', { examId: drafted.examId })).exam.subjects.find((subject) => subject.id === 'instrumental')?.rubric.criteria ?? [];
    await ws.call('sheets.save', sheet(drafted.assignmentId, valuesFor(instrumentCriteria, 0.5)));

    const changed = ws.waitFor('sheet.changed', (state) => state.assignmentId === drafted.assignmentId && state.status === 'recused');
    const recused = await ws.call('sheets.recuse', { assignmentId: drafted.assignmentId, reason: 'relative' });
    expect(recused.status).toBe('recused');
    expect(recused.recusal).toMatchObject({ assignmentId: drafted.assignmentId, reason: 'relative', note: null, declaredBy: 'self' });
    expect((await changed).status).toBe('recused');
    expect(auditOf(ws, drafted.assignmentId).map((entry) => entry.action)).toEqual(['sheet.saved', 'sheet.recused']);
    expect(auditOf(ws, drafted.assignmentId)[1]?.payload).toMatchObject({ reason: 'relative', declaredBy: 'self', previous: 'draft' });
    expect((await ws.call('audit.verify', {})).ok).toBe(true);

    expect((await refusal(ws.call('sheets.save', sheet(drafted.assignmentId, valuesFor(instrumentCriteria, 0.6))))).code).toBe('recused');
    expect((await refusal(ws.call('sheets.submit', { assignmentId: drafted.assignmentId }))).code).toBe('recused');
    expect((await ws.call('sheets.get', { assignmentId: drafted.assignmentId }))?.values).toEqual(valuesFor(instrumentCriteria, 0.5));

    // A sheet never touched gets a row of its own, recused, with the note of `other`.
    const other = await ws.call('sheets.recuse', { assignmentId: untouched.assignmentId, reason: 'other', note: '邻居家的孩子' });
    expect(other).toMatchObject({ status: 'recused', values: {}, recusal: { reason: 'other', note: '邻居家的孩子' } });
    expect((await refusal(ws.call('sheets.save', sheet(untouched.assignmentId, valuesFor(instrumentCriteria, 0.5))))).code).toBe('recused');

    // The listing says so, from the platform's word as much as from ours.
    const again = await listed(ws);
    for (const assignmentId of [drafted.assignmentId, untouched.assignmentId]) {
      const view = again.find((candidate) => candidate.assignment.assignmentId === assignmentId);
      expect(view?.sheetStatus).toBe('recused');
      expect(view?.assignment.recusal?.declaredBy).toBe('self');
    }
    // Declaring again is no new request and no new entry.
    expect((await ws.call('sheets.recuse', { assignmentId: drafted.assignmentId, reason: 'own_student' })).recusal?.reason).toBe('relative');
    expect(auditOf(ws, drafted.assignmentId)).toHaveLength(2);
  });

  it('is refused once the sheet is submitted or accepted, here and on another workstation that never held it', async () => {
    const platform = await platformIn();
    const ws = await signedIn(platform, 'grader1');
    const views = await listed(ws);
    const target = pick(views, instrumental);
    const criteria = (await ws.call('exams.get', { examId: target.examId })).exam.subjects.find((subject) => subject.id === 'instrumental')?.rubric.criteria ?? [];
    await ws.call('sheets.save', sheet(target.assignmentId, valuesFor(criteria, 0.7)));
    expect((await submitted(ws, target.assignmentId)).status).toBe('accepted');

    expect((await refusal(ws.call('sheets.recuse', { assignmentId: target.assignmentId, reason: 'relative' }))).code).toBe('recusal_after_submit');
    const elsewhere = await signedIn(platform, 'grader1');
    await listed(elsewhere);
    // The platform answers 409 already_scored: the same refusal, nothing stored.
    expect((await refusal(elsewhere.call('sheets.recuse', { assignmentId: target.assignmentId, reason: 'relative' }))).code).toBe('recusal_after_submit');
    expect(await elsewhere.call('sheets.get', { assignmentId: target.assignmentId })).toBeNull();
    expect((await ws.call('sheets.get', { assignmentId: target.assignmentId }))?.status).toBe('accepted');
  });

  it('takes a recusal declared on another workstation, and stores nothing while the platform is away', async () => {
    const platform = await platformIn();
    const first = await signedIn(platform, 'grader1');
    const second = await signedIn(platform, 'grader1');
    const views = await listed(first);
    await listed(second);
    const target = pick(views, instrumental);
    const criteria = (await second.call('exams.get', { examId: target.examId })).exam.subjects.find((subject) => subject.id === 'instrumental')?.rubric.criteria ?? [];
    await second.call('sheets.save', sheet(target.assignmentId, valuesFor(criteria, 0.5)));

    const declared = await first.call('sheets.recuse', { assignmentId: target.assignmentId, reason: 'own_student' });
    // The second declares too: 409 already_recused, and the recusal as it stands is taken.
    const taken = await second.call('sheets.recuse', { assignmentId: target.assignmentId, reason: 'relative' });
    expect(taken.status).toBe('recused');
    expect(taken.recusal).toEqual(declared.recusal);

    // A third workstation with a draft learns it from the listing: its draft becomes recused.
    const third = await signedIn(platform, 'grader1');
    const thirdViews = await listed(third);
    const other = pick(thirdViews, instrumental, 1);
    await third.call('sheets.save', sheet(other.assignmentId, valuesFor(criteria, 0.5)));
    await first.call('sheets.recuse', { assignmentId: other.assignmentId, reason: 'relative' });
    const relisted = await listed(third);
    expect(relisted.find((view) => view.assignment.assignmentId === other.assignmentId)?.sheetStatus).toBe('recused');
    expect((await third.call('sheets.get', { assignmentId: other.assignmentId }))?.status).toBe('recused');
    expect(auditOf(third, other.assignmentId).at(-1)).toMatchObject({ action: 'sheet.recused', payload: { declaredBy: 'self', previous: 'draft' } });

    const away = pick(views, instrumental, 2);
    await platform.close();
    expect((await refusal(first.call('sheets.recuse', { assignmentId: away.assignmentId, reason: 'relative' }))).code).toBe('platform_unreachable');
    expect(await first.call('sheets.get', { assignmentId: away.assignmentId })).toBeNull();
    expect(auditOf(first, away.assignmentId)).toEqual([]);
  });

  it('turns a sheet in the outbox into a refusal with the code `recused` when the recusal was declared elsewhere meanwhile', async () => {
    const dataDir = tempDir('fair-platform-');
    const platform = await platformIn(dataDir);
    const ws = await signedIn(platform, 'grader1');
    const elsewhere = await signedIn(platform, 'grader1');
    const target = pick(await listed(ws), instrumental);
    await listed(elsewhere);
    const criteria = (await ws.call('exams.get', { examId: target.examId })).exam.subjects.find((subject) => subject.id === 'instrumental')?.rubric.criteria ?? [];
    await ws.call('sheets.save', sheet(target.assignmentId, valuesFor(criteria, 0.5)));
    await elsewhere.call('sheets.recuse', { assignmentId: target.assignmentId, reason: 'own_student' });
    await platform.close();
    // Offline, this workstation does not know: the sheet goes into the outbox.
    expect((await ws.call('sheets.submit', { assignmentId: target.assignmentId })).status).toBe('submitted');

    const rejected = ws.waitFor('sheet.changed', (state) => state.assignmentId === target.assignmentId && state.status === 'rejected');
    await platformIn(dataDir, platform.port);
    await ws.call('sync.now', {});
    expect((await rejected).error?.code).toBe('recused');
    expect(ws.workstation.sync.status()).toMatchObject({ pending: 0, rejected: 1 });
    // The next listing brings the recusal: the refused sheet is recused, no longer counted as refused.
    expect((await listed(ws)).find((view) => view.assignment.assignmentId === target.assignmentId)?.sheetStatus).toBe('recused');
    expect((await ws.call('sheets.get', { assignmentId: target.assignmentId }))?.status).toBe('recused');
    expect(ws.workstation.sync.status()).toMatchObject({ pending: 0, rejected: 0 });
    expect(auditOf(ws, target.assignmentId).map((entry) => entry.action)).toEqual(['sheet.saved', 'sheet.submitted', 'sheet.rejected', 'sheet.recused']);
  });
});

describe('band-first sheets and technical issues', () => {
  async function calibrated(platform: RunningPlatform, username: string) {
    const ws = await signedIn(platform, username);
    const views = await listed(ws);
    await calibrate(ws, views);
    return { ws, views };
  }

  it('saves values outside the chosen band as a draft with their problems, and will not submit it', async () => {
    const platform = await platformIn();
    const { ws, views } = await calibrated(platform, 'grader1');
    const target = pick(views, danceScore);

    // No band yet: a problem, not a refusal.
    const unbanded = await ws.call('sheets.save', sheet(target.assignmentId, UPPER));
    expect(unbanded.band).toBeNull();
    expect(unbanded.problems).toEqual([{ criterionId: '@band', problem: 'band_missing' }]);
    expect(unbanded.total).toBe(83);

    // The upper band with technique 30 (below 32) and a total of 78 (below 80): both listed, total as scored.
    const outside = await ws.call('sheets.save', sheet(target.assignmentId, { ...UPPER, technique: 30 }, { band: 'upper' }));
    expect(outside.status).toBe('draft');
    expect(outside.total).toBe(78);
    expect(outside.problems).toEqual([
      { criterionId: 'technique', problem: 'outside_band' },
      { criterionId: '@total', problem: 'total_outside_band' },
    ]);
    const blocked = await refusal(ws.call('sheets.submit', { assignmentId: target.assignmentId }));
    expect(blocked.code).toBe('incomplete_sheet');
    expect(blocked.message).toContain('outside_band');

    // Left out, the band is kept; a band the rubric does not have is refused, and so is one on a rubric without bands.
    const kept = await ws.call('sheets.save', sheet(target.assignmentId, UPPER));
    expect(kept).toMatchObject({ band: 'upper', problems: [], total: 83 });
    expect((await refusal(ws.call('sheets.save', sheet(target.assignmentId, UPPER, { band: 'top' })))).code).toBe('invalid_sheet');
    const plain = pick(views, instrumental);
    const criteria = (await ws.call('exams.get', { examId: plain.examId })).exam.subjects.find((subject) => subject.id === 'instrumental')?.rubric.criteria ?? [];
    expect((await refusal(ws.call('sheets.save', sheet(plain.assignmentId, valuesFor(criteria, 0.5), { band: 'upper' })))).code).toBe('invalid_sheet');

    const audit = auditOf(ws, target.assignmentId);
    expect(audit.map((entry) => entry.payload.band)).toEqual([undefined, 'upper', undefined]);

    expect((await submitted(ws, target.assignmentId)).status).toBe('accepted');
    const http = platformHttp(platform);
    const record = ScoreRecord.parse(await (await http.get(`/assignments/${target.assignmentId}/score`, await http.login('grader1'))).json());
    expect(record.sheet?.band).toBe('upper');
  });

  it('carries technical issues to the platform and back, never into the total', async () => {
    const platform = await platformIn();
    const ws = await signedIn(platform, 'grader1');
    const views = await listed(ws);
    const target = pick(views, instrumental);
    const criteria = (await ws.call('exams.get', { examId: target.examId })).exam.subjects.find((subject) => subject.id === 'instrumental')?.rubric.criteria ?? [];
    const values = valuesFor(criteria, 0.8);
    const issues: TechnicalIssue[] = [
      { id: 'ti-1', category: 'sound_clipped', note: '副歌爆音', moments: [{ atMs: 12_000, toMs: 15_500 }] },
      { id: 'ti-2', category: 'picture_frozen', note: '', moments: [{ atMs: 40_000 }] },
    ];
    const plain = await ws.call('sheets.save', sheet(target.assignmentId, values));
    const marked = await ws.call('sheets.save', sheet(target.assignmentId, values, { technicalIssues: issues }));
    expect(marked.technicalIssues).toEqual(issues);
    expect(marked.total).toBe(plain.total);
    // Left out, they are kept; twice the same id is refused.
    expect((await ws.call('sheets.save', sheet(target.assignmentId, values))).technicalIssues).toEqual(issues);
    const twin = issues[0] as TechnicalIssue;
    expect((await refusal(ws.call('sheets.save', sheet(target.assignmentId, values, { technicalIssues: [twin, twin] })))).code).toBe('invalid_input');
    expect(auditOf(ws, target.assignmentId)[1]?.payload.technicalIssues).toEqual(issues);

    const done = await submitted(ws, target.assignmentId);
    expect(done).toMatchObject({ status: 'accepted', total: plain.total, technicalIssues: issues });
    const http = platformHttp(platform);
    const record = ScoreRecord.parse(await (await http.get(`/assignments/${target.assignmentId}/score`, await http.login('grader1'))).json());
    expect(record.sheet?.technicalIssues).toEqual(issues);
    expect(record.total).toBe(plain.total);
    expect(record.sheet?.band).toBeUndefined();
  });
});

describe("the chief's fair-scoring commands", () => {
  it('records a member’s recusal after acceptance, sets an anchor, and reads every examiner’s calibration', async () => {
    const platform = await platformIn();
    const grader = await signedIn(platform, 'grader1');
    const chief = await signedIn(platform, 'chief');
    const graderViews = await listed(grader);
    await calibrate(grader, graderViews);
    const target = pick(graderViews, danceScore);
    await grader.call('sheets.save', sheet(target.assignmentId, UPPER, { band: 'upper' }));
    expect((await submitted(grader, target.assignmentId)).status).toBe('accepted');

    // The chief's matrix of the slot, cached; the recusal drops it.
    await chief.call('chief.getMatrix', { slotId: DEMO_DANCE_SLOT_ID });
    const cachedPages = () =>
      chief.workstation.store.reader.get<{ n: number }>(sql`SELECT COUNT(*) AS n FROM cache_entries WHERE kind = 'chiefMatrix' AND key = ${DEMO_DANCE_SLOT_ID}`)?.n;
    expect(cachedPages()).toBe(1);
    await chief.call('chief.recordRecusal', { slotId: DEMO_DANCE_SLOT_ID, assignmentId: target.assignmentId, reason: 'relative', note: '考生是其外甥' });
    expect(cachedPages()).toBe(0);
    const { matrix } = await chief.call('chief.getMatrix', { slotId: DEMO_DANCE_SLOT_ID });
    const cell = matrix.rows.flatMap((row) => row.cells).find((candidate) => candidate.assignmentId === target.assignmentId);
    expect(cell?.recusal).toMatchObject({ reason: 'relative', declaredBy: 'chief' });
    expect((await chief.call('chief.getActions', { slotId: DEMO_DANCE_SLOT_ID })).actions.map((action) => action.action)).toContain('recusal');
    expect((await refusal(chief.call('chief.recordRecusal', { slotId: DEMO_DANCE_SLOT_ID, assignmentId: target.assignmentId, reason: 'relative', note: '再次' }))).code).toBe(
      'recused',
    );
    // The examiner's workstation takes the chief's word on its next listing.
    const relisted = await listed(grader);
    expect(relisted.find((view) => view.assignment.assignmentId === target.assignmentId)?.sheetStatus).toBe('recused');
    expect(auditOf(grader, target.assignmentId).at(-1)).toMatchObject({ action: 'sheet.recused', payload: { declaredBy: 'chief', previous: 'accepted' } });

    // An anchor on one of the chief's own dance assignments that is not one yet.
    const chiefViews = await listed(chief);
    const calibration = await chief.call('chief.getCalibration', { examId: target.examId, subjectId: DEMO_DANCE_SUBJECT_ID });
    const anchored = new Set(calibration.anchors.map((anchor) => anchor.label));
    expect([...anchored].sort()).toEqual(['A1', 'A2']);
    const grader1 = calibration.examiners.find((examiner) => examiner.memberId === 'gr-01');
    expect(grader1).toMatchObject({ complete: true });
    expect(grader1?.results).toHaveLength(2);

    // The demo's anchors are two of the chief's candidates: the first one that is not takes the new anchor.
    const own = chiefViews.map((view) => view.assignment).filter(danceScore);
    expect((await refusal(chief.call('chief.createAnchor', { assignmentId: own[0]?.assignmentId ?? '', label: 'A3', reference: { values: UPPER } }))).code).toBe(
      'invalid_reference',
    );
    let anchor: Anchor | null = null;
    let free: Assignment | null = null;
    const taken: string[] = [];
    for (const assignment of own) {
      const attempt = await chief
        .call('chief.createAnchor', { assignmentId: assignment.assignmentId, label: 'A3', reference: { values: UPPER, band: 'upper' } })
        .catch((error: unknown) => error as Error);
      if (attempt instanceof Error) {
        expect(attempt.message).toMatch(/invalid_reference: this performance is already an anchor/);
        taken.push(assignment.candidateCode);
        continue;
      }
      [anchor, free] = [attempt, assignment];
      break;
    }
    if (!anchor || !free) throw new Error('the chief has no dance assignment to set as an anchor');
    expect(taken.length).toBeLessThanOrEqual(2);
    expect(anchor).toMatchObject({ label: 'A3', subjectId: DEMO_DANCE_SUBJECT_ID, referenceTotal: 83 });
    const twice = await refusal(chief.call('chief.createAnchor', { assignmentId: free.assignmentId, label: 'A4', reference: { values: UPPER, band: 'upper' } }));
    expect(twice.code).toBe('invalid_reference');
    expect(twice.message).toContain('already an anchor');
    // The grader has an anchor left again.
    expect((await grader.call('calibration.get', { subjectId: DEMO_DANCE_SUBJECT_ID })).status).toMatchObject({ complete: false });
    expect((await grader.call('calibration.get', { subjectId: DEMO_DANCE_SUBJECT_ID })).status.anchorIds).toHaveLength(3);
  });
});
