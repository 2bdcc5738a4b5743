import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import i18next from 'i18next';
import { describe, expect, it, vi } from 'vitest';
import { ContractFailure, type AssignmentView, type CalibrationView } from '@common/contract';
import type { Assignment, CalibrationResult, Exam, Rubric, Subject } from '@common/platform';
import { CalibrationNotice } from '../../renderer/src/calibration/CalibrationNotice';
import { ReviewScreen } from '../../renderer/src/review/ReviewScreen';
import { fakeExaminer } from './fake-examiner';
import { demoRubric } from './sheet-fixtures';
import { renderInApp } from './render';

/** The demo's dance rubric without its bands (the band picker is the grading form's own business). */
const { bands: _bands, ...DANCE_RUBRIC }: Rubric = demoRubric('dance');
const DANCE: Subject = {
  id: 'dance',
  name: { zh: '舞蹈', en: 'Dance' },
  kind: 'recorded',
  answerSeconds: 300,
  rubric: DANCE_RUBRIC,
  prompts: [],
  calibrationRequired: true,
  reviewMode: 'open',
};
const EXAM: Exam = {
  id: 'exam-cal',
  name: { zh: '试评考试', en: 'Calibration exam' },
  timeZone: 'Asia/Shanghai',
  startsOn: '2026-05-01',
  test: false,
  subjects: [DANCE],
  slots: [{ id: 'slot-dance-rec', subjectId: 'dance', kind: 'recorded', startsAt: '2026-05-01T01:00:00.000Z', endsAt: '2026-05-09T01:00:00.000Z', panelId: 'panel-dance' }],
  panels: [{ id: 'panel-dance', name: { zh: '舞蹈组', en: 'Dance panel' }, size: 3, lead: null }],
  combineRule: { kind: 'mean' },
  deviationThreshold: 10,
};

function assignment(id: string, code: string, extra: Partial<Assignment> = {}): AssignmentView {
  return {
    assignment: {
      assignmentId: id,
      examId: EXAM.id,
      subjectId: 'dance',
      slotId: 'slot-dance-rec',
      kind: 'recorded',
      candidateCode: code,
      entryId: null,
      recordings: [],
      dueAt: '2026-05-09T01:00:00.000Z',
      purpose: 'score',
      anchorId: null,
      position: null,
      order: 'shuffled',
      recusal: null,
      ...extra,
    },
    sheetStatus: null,
  };
}

const ANCHOR_A1 = assignment('as-cal-a1', 'A1', { purpose: 'calibration', anchorId: 'anc-1' });
const ANCHOR_A2 = assignment('as-cal-a2', 'A2', { purpose: 'calibration', anchorId: 'anc-2' });
const REFERENCE: Record<string, Record<string, number>> = {
  'anc-1': { technique: 34, expression: 25, rhythm: 17, appearance: 8 },
  'anc-2': { technique: 26, expression: 20, rhythm: 12, appearance: 7 },
};
const fresh = { fetchedAt: '2026-05-01T02:00:00.000Z', fresh: true };
const sum = (values: Record<string, number>) => Object.values(values).reduce((total, value) => total + value, 0);

function compare(anchorId: string, label: string, yours: Record<string, number>): CalibrationResult {
  const reference = REFERENCE[anchorId] as Record<string, number>;
  return {
    anchorId,
    label,
    scoredAt: '2026-05-01T03:00:00.000Z',
    criteria: DANCE_RUBRIC.criteria.map(({ id }) => ({ criterionId: id, yours: yours[id] ?? 0, reference: reference[id] ?? 0, difference: (yours[id] ?? 0) - (reference[id] ?? 0) })),
    total: sum(yours),
    referenceTotal: sum(reference),
    totalDifference: sum(yours) - sum(reference),
    band: null,
  };
}

/** A platform that compares like the real one: one result per anchor, a second try refused with the stored one. */
function serveCalibration(initial: CalibrationResult[] = []) {
  const results = [...initial];
  const view = (): CalibrationView => ({
    status: { subjectId: 'dance', required: true, anchorIds: ['anc-1', 'anc-2'], results: [...results], complete: results.length === 2 },
    freshness: fresh,
  });
  fakeExaminer.handle('calibration.get', () => view());
  fakeExaminer.handle('calibration.submit', ({ anchorId, values }) => {
    if (results.some((result) => result.anchorId === anchorId)) throw new ContractFailure('already_calibrated', 'scored before');
    const result = compare(anchorId, anchorId === 'anc-1' ? 'A1' : 'A2', values);
    results.push(result);
    return result;
  });
  return results;
}

function serveReview(assignments: AssignmentView[]) {
  fakeExaminer.handle('assignments.list', () => ({ assignments, freshness: fresh }));
}

async function fill(user: ReturnType<typeof userEvent.setup>, values: Record<string, number>) {
  for (const criterion of DANCE_RUBRIC.criteria) {
    const field = screen.getByLabelText(criterion.label.zh);
    await user.clear(field);
    await user.type(field, String(values[criterion.id]));
  }
}

async function submitSheet(user: ReturnType<typeof userEvent.setup>) {
  await user.click(screen.getByTestId('submit-sheet'));
  // The last one: an earlier confirmation may still be closing.
  const dialog = (await screen.findAllByRole('dialog')).at(-1) as HTMLElement;
  await user.click(within(dialog).getByRole('button', { name: /提交/ }));
}

const anchorRow = (label: string) => screen.getAllByTestId('calibration-anchor').find((node) => node.getAttribute('data-label') === label) as HTMLElement;

describe("the examiner's calibration (试评)", () => {
  it('scores two anchors in turn and shows the differences from the reference per criterion', async () => {
    serveReview([assignment('as-real-1', 'K7Q2-M9XA'), ANCHOR_A1, ANCHOR_A2]);
    const stored = serveCalibration();
    const user = userEvent.setup();
    renderInApp(<ReviewScreen exam={EXAM} reReviews={[]} />);

    await user.click(await screen.findByText('试评（样卷）'));
    await waitFor(() => expect(anchorRow('A2').getAttribute('data-state')).toBe('todo'));
    expect(anchorRow('A1').getAttribute('data-state')).toBe('todo');
    expect(screen.getByTestId('calibration-remaining').textContent).toBe('还有 2 份样卷待试评');

    // A1: close to the reference, except the technique, far below it.
    await user.click(within(anchorRow('A1')).getByTestId('calibration-open'));
    expect((await screen.findByTestId('calibration-view')).getAttribute('data-anchor-id')).toBe('anc-1');
    await fill(user, { technique: 24, expression: 26, rhythm: 17, appearance: 8 });
    await submitSheet(user);
    const diff = await screen.findByTestId('calibration-diff');
    expect(fakeExaminer.callsOf('calibration.submit')).toEqual([{ anchorId: 'anc-1', values: { technique: 24, expression: 26, rhythm: 17, appearance: 8 } }]);
    const differences = Object.fromEntries(
      within(diff)
        .getAllByTestId('diff-row')
        .map((row) => [row.getAttribute('data-criterion'), within(row).getByTestId('diff-value').textContent]),
    );
    expect(differences).toEqual({ technique: '−10', expression: '+1', rhythm: '0', appearance: '0' });
    // Ten points off a scale of 40 is far off; one of 30 is not.
    const technique = within(diff).getAllByTestId('diff-row').find((row) => row.getAttribute('data-criterion') === 'technique') as HTMLElement;
    expect(within(technique).getByTestId('diff-value').getAttribute('data-tone')).toBe('danger');
    const expression = within(diff).getAllByTestId('diff-row').find((row) => row.getAttribute('data-criterion') === 'expression') as HTMLElement;
    expect(within(expression).getByTestId('diff-value').getAttribute('data-tone')).toBe('neutral');
    const total = within(diff).getByTestId('diff-total');
    expect(total.textContent).toContain('75');
    expect(total.textContent).toContain('84');
    expect(within(total).getByTestId('diff-value').textContent).toBe('−9');

    // Back on the list, A1 is done with its total difference; then A2.
    await user.click(screen.getByTestId('calibration-back'));
    await waitFor(() => expect(anchorRow('A1').getAttribute('data-state')).toBe('done'));
    expect(within(anchorRow('A1')).getByTestId('calibration-anchor-state').textContent).toBe('已完成 · 总分差 −9');
    await user.click(within(anchorRow('A2')).getByTestId('calibration-open'));
    await screen.findByTestId('calibration-view');
    await fill(user, { technique: 28, expression: 22, rhythm: 12, appearance: 7 });
    await submitSheet(user);
    const second = await screen.findByTestId('calibration-diff');
    expect(second.getAttribute('data-anchor-id')).toBe('anc-2');
    expect(within(within(second).getByTestId('diff-total')).getByTestId('diff-value').textContent).toBe('+4');
    expect(stored.map((result) => result.anchorId)).toEqual(['anc-1', 'anc-2']);

    await user.click(screen.getByTestId('calibration-back'));
    expect(await screen.findByTestId('calibration-complete')).toBeTruthy();
    // A done anchor opens on its stored result, not on a blank sheet.
    await user.click(within(anchorRow('A1')).getByTestId('calibration-open'));
    expect((await screen.findByTestId('calibration-diff')).getAttribute('data-anchor-id')).toBe('anc-1');
    expect(screen.queryByTestId('score-sheet')).toBeNull();
  });

  it('keeps anchors out of the review queue: they are in the calibration section, never a real sheet', async () => {
    serveReview([assignment('as-real-1', 'K7Q2-M9XA'), ANCHOR_A1, ANCHOR_A2]);
    serveCalibration();
    const user = userEvent.setup();
    renderInApp(<ReviewScreen exam={EXAM} reReviews={[]} />);
    const table = await screen.findByTestId('review-table');
    await waitFor(() => expect(within(table).getAllByText('K7Q2-M9XA').length).toBeGreaterThan(0));
    expect(within(table).queryByText('A1')).toBeNull();
    await user.click(screen.getByText('试评（样卷）'));
    await waitFor(() => expect(screen.getAllByTestId('calibration-anchor').map((node) => node.getAttribute('data-label'))).toEqual(['A1', 'A2']));
    expect(fakeExaminer.callsOf('sheets.get')).toEqual([]);
  });

  it('has no calibration section without anchors', async () => {
    serveReview([assignment('as-real-1', 'K7Q2-M9XA')]);
    renderInApp(<ReviewScreen exam={EXAM} reReviews={[]} />);
    const table = await screen.findByTestId('review-table');
    await waitFor(() => expect(within(table).getAllByText('K7Q2-M9XA').length).toBeGreaterThan(0));
    expect(screen.queryByTestId('review-sections')).toBeNull();
  });

  it('shows the stored result when the anchor was already scored elsewhere (already_calibrated)', async () => {
    serveReview([ANCHOR_A1, ANCHOR_A2]);
    const results = serveCalibration();
    const user = userEvent.setup();
    renderInApp(<ReviewScreen exam={EXAM} reReviews={[]} />);
    await user.click(await screen.findByText('试评（样卷）'));
    await waitFor(() => expect(anchorRow('A2').getAttribute('data-state')).toBe('todo'));
    await user.click(within(anchorRow('A2')).getByTestId('calibration-open'));
    await screen.findByTestId('score-sheet');
    // Meanwhile, on another computer:
    results.push(compare('anc-2', 'A2', { technique: 30, expression: 20, rhythm: 12, appearance: 7 }));
    await fill(user, { technique: 20, expression: 20, rhythm: 12, appearance: 7 });
    await submitSheet(user);
    expect(await screen.findByTestId('calibration-already')).toBeTruthy();
    expect(within(within(screen.getByTestId('calibration-diff')).getByTestId('diff-total')).getByTestId('diff-value').textContent).toBe('+4');
  });

  it('refuses to send an incomplete calibration', async () => {
    serveReview([ANCHOR_A1]);
    serveCalibration();
    const user = userEvent.setup();
    renderInApp(<ReviewScreen exam={EXAM} reReviews={[]} />);
    await user.click(await screen.findByText('试评（样卷）'));
    await user.click(within(await waitFor(() => anchorRow('A1'))).getByTestId('calibration-open'));
    await user.type(await screen.findByLabelText('技术技巧'), '30');
    await user.click(screen.getByTestId('submit-sheet'));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(fakeExaminer.callsOf('calibration.submit')).toEqual([]);
  });
});

describe('CalibrationNotice', () => {
  const status = (required: boolean, scored: number): CalibrationView => ({
    status: {
      subjectId: 'dance',
      required,
      anchorIds: ['anc-1', 'anc-2', 'anc-3'],
      results: [compare('anc-1', 'A1', REFERENCE['anc-1'] as Record<string, number>), compare('anc-2', 'A2', REFERENCE['anc-2'] as Record<string, number>)].slice(0, scored),
      complete: scored === 3,
    },
    freshness: fresh,
  });

  it('counts the anchors left and opens the calibration', async () => {
    fakeExaminer.handle('calibration.get', () => status(true, 1));
    const onOpen = vi.fn();
    const user = userEvent.setup();
    renderInApp(<CalibrationNotice subjectId="dance" onOpenCalibration={onOpen} />);
    const notice = await screen.findByTestId('calibration-notice');
    expect(notice.textContent).toContain('本科目要求先完成试评：还有 2 份样卷');
    expect(fakeExaminer.callsOf('calibration.get')).toEqual([{ subjectId: 'dance' }]);
    await user.click(within(notice).getByTestId('calibration-notice-open'));
    expect(onOpen).toHaveBeenCalledTimes(1);
  });

  it('says nothing when calibration is not required, or complete', async () => {
    fakeExaminer.handle('calibration.get', () => status(false, 0));
    const { unmount } = renderInApp(<CalibrationNotice subjectId="dance" />);
    await waitFor(() => expect(fakeExaminer.callsOf('calibration.get')).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(screen.queryByTestId('calibration-notice')).toBeNull();
    unmount();
    fakeExaminer.handle('calibration.get', () => ({ ...status(true, 2), status: { ...status(true, 2).status, anchorIds: ['anc-1', 'anc-2'], complete: true } }));
    renderInApp(<CalibrationNotice subjectId="dance" />);
    await waitFor(() => expect(fakeExaminer.callsOf('calibration.get')).toHaveLength(2));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(screen.queryByTestId('calibration-notice')).toBeNull();
  });

  it('speaks English when chosen', async () => {
    fakeExaminer.handle('calibration.get', () => status(true, 2));
    await i18next.changeLanguage('en');
    try {
      renderInApp(<CalibrationNotice subjectId="dance" />);
      expect((await screen.findByTestId('calibration-notice')).textContent).toContain('This subject requires calibration first: anchors left to score: 1');
    } finally {
      await i18next.changeLanguage('zh-CN');
    }
  });
});
