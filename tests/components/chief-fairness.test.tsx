import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { ContractFailure, type AssignmentView } from '@common/contract';
import type { Anchor, CalibrationResult, ChiefCalibration, Exam, Rubric, Subject } from '@common/platform';
import type { ScoreMatrix } from '@common/platform/chief';
import { ChiefSlotDesk } from '../../renderer/src/chief/ChiefDesk';
import { CHIEF_EXAM, fresh, matrix, row, sheet, SLOT, SLOT_ID } from './chief-fixtures';
import { fakeExaminer } from './fake-examiner';
import { renderInApp } from './render';

const whole = (id: string, zh: string, en: string, max: number) => ({ id, label: { zh, en }, max, step: 1, required: true });
const RUBRIC: Rubric = {
  id: 'rubric-ballet',
  version: 1,
  criteria: [whole('technique', '技术技巧', 'Technique', 40), whole('expression', '表现力', 'Expression', 30), whole('rhythm', '节奏', 'Rhythm', 30)],
};
const BALLET: Subject = { id: 'ballet', name: { zh: '芭蕾', en: 'Ballet' }, kind: 'recorded', answerSeconds: 300, rubric: RUBRIC, prompts: [], calibrationRequired: true, reviewMode: 'open' };
const EXAM: Exam = { ...CHIEF_EXAM, subjects: [...CHIEF_EXAM.subjects, BALLET] };

const RECUSAL = { assignmentId: 'as-EE55-m-zhao', reason: 'relative' as const, note: null, declaredAt: '2026-05-01T02:00:00.000Z', declaredBy: 'self' as const };
const accepted = (code: string, memberId: string, total: number, extra = {}) =>
  sheet(code, memberId, 'accepted', { total, version: 1, acceptedAt: '2026-05-01T02:00:00.000Z', firstAcceptedAt: '2026-05-01T02:00:00.000Z', ...extra });
const FAIR_ROWS = [
  row(1, 'EE55', [accepted('EE55', 'm-chief', 80), accepted('EE55', 'm-wang', 84, { technicalIssues: 2 }), sheet('EE55', 'm-zhao', 'recused', { recusal: RECUSAL })], 82),
  row(2, 'FF66', [accepted('FF66', 'm-chief', 70), accepted('FF66', 'm-wang', 72), accepted('FF66', 'm-zhao', 71)], 71),
];

function serve(view: ScoreMatrix = matrix(FAIR_ROWS)) {
  fakeExaminer.handle('chief.getMatrix', () => ({ matrix: view, freshness: fresh }));
  fakeExaminer.handle('chief.getRoomLog', () => ({ slotId: SLOT_ID, entries: [] }));
}

const cellOf = (code: string, member: string) =>
  screen.getByTestId('matrix-table').querySelector(`[data-testid="matrix-cell"][data-code="${code}"][data-member="${member}"]`) as HTMLElement;

async function open() {
  serve();
  const user = userEvent.setup();
  renderInApp(<ChiefSlotDesk exam={EXAM} slot={SLOT} />);
  await waitFor(() => expect(cellOf('EE55', 'm-zhao')).toBeTruthy());
  return user;
}

const lastDialog = async () => (await screen.findAllByRole('dialog')).at(-1) as HTMLElement;

describe('fair scoring on the matrix', () => {
  it('shows a recused cell with its reason, the row counting without it, and technical issues with their count', async () => {
    await open();
    const recused = cellOf('EE55', 'm-zhao');
    expect(recused.getAttribute('data-state')).toBe('recused');
    const tag = within(recused).getByTestId('mark-recused');
    expect(tag.textContent).toBe('回避');
    expect(tag.getAttribute('title')).toBe('回避（评委声明）：亲属关系');
    const rowOf = (code: string) => screen.getByTestId('matrix-table').querySelector(`[data-row-key="${code}"]`) as HTMLElement;
    expect(within(rowOf('EE55')).getByTestId('row-progress').textContent).toBe('2/2');
    expect(within(rowOf('EE55')).getByTestId('row-recused').textContent).toBe('回避 1');
    // The row with nobody recused says nothing of it.
    expect(within(rowOf('FF66')).getByTestId('row-progress').textContent).toBe('3/3');
    expect(within(rowOf('FF66')).queryByTestId('row-recused')).toBeNull();

    const technical = within(cellOf('EE55', 'm-wang')).getByTestId('mark-technical');
    expect(technical.getAttribute('data-count')).toBe('2');
    expect(technical.textContent).toBe('🛠 2');
    expect(technical.getAttribute('aria-label')).toBe('评分表标记了 2 个技术问题（不计入总分）');
    expect(within(cellOf('EE55', 'm-chief')).queryByTestId('mark-technical')).toBeNull();
  });

  it('says it in English when chosen', async () => {
    await i18next.changeLanguage('en');
    try {
      await open();
      expect(within(cellOf('EE55', 'm-zhao')).getByTestId('mark-recused').getAttribute('title')).toBe('Recused (declared by the examiner): A relative');
      expect(within(cellOf('EE55', 'm-wang')).getByTestId('mark-technical').getAttribute('aria-label')).toBe('The sheet marks 2 technical issues (never part of the total)');
    } finally {
      await i18next.changeLanguage('zh-CN');
    }
  });

  it('records a recusal for a member only with a note, after a confirmation', async () => {
    fakeExaminer.handle('chief.recordRecusal', () => null);
    const user = await open();
    await user.click(cellOf('FF66', 'm-wang'));
    await user.click(screen.getByTestId('sheet-recuse'));
    const dialog = await lastDialog();
    expect(within(dialog).getByText('记录 王老师 对考号 FF66 的回避')).toBeTruthy();
    await user.click(within(dialog).getByLabelText('本人学生'));
    await user.click(within(dialog).getByRole('button', { name: '记录回避' }));
    expect(within(dialog).getByTestId('recusal-note-required').textContent).toBe('请填写理由');
    await user.type(within(dialog).getByTestId('recusal-note'), '该考生为王老师辅导过的学生');
    await user.click(within(dialog).getByRole('button', { name: '记录回避' }));
    const confirm = await lastDialog();
    expect(within(confirm).getByText('王老师 对考号 FF66 的评分（包括已接收的）将作废，不再计入综合分。')).toBeTruthy();
    expect(fakeExaminer.callsOf('chief.recordRecusal')).toEqual([]);
    await user.click(within(confirm).getByRole('button', { name: '记录回避' }));
    await waitFor(() =>
      expect(fakeExaminer.callsOf('chief.recordRecusal')).toEqual([
        { slotId: SLOT_ID, assignmentId: 'as-FF66-m-wang', reason: 'own_student', note: '该考生为王老师辅导过的学生' },
      ]),
    );
    expect(await screen.findByText('已记录回避')).toBeTruthy();
  });

  it('shows the recusal in the sheet panel and offers no second one', async () => {
    const user = await open();
    await user.click(cellOf('EE55', 'm-zhao'));
    expect(screen.getByTestId('sheet-recusal').textContent).toBe('回避（评委声明）：亲属关系');
    expect(screen.queryByTestId('sheet-recuse')).toBeNull();
  });

  it('names recusals and anchors in the action log', async () => {
    fakeExaminer.handle('chief.getActions', () => ({
      actions: [
        { at: '2026-05-01T02:00:00.000Z', actor: '刘主任', action: 'recusal', assignmentId: 'as-FF66-m-wang', candidateCode: 'FF66', memberName: '王老师', reason: '本人学生' },
        { at: '2026-05-01T02:10:00.000Z', actor: '刘主任', action: 'anchor', assignmentId: null, candidateCode: null, memberName: null, reason: 'A1' },
      ],
    }));
    const user = await open();
    await user.click(screen.getByText('主考操作记录'));
    const log = await screen.findByTestId('action-log');
    await waitFor(() => expect(log.getAttribute('data-loading')).toBe('false'));
    expect(within(log).getAllByTestId('action-kind').map((node) => node.textContent)).toEqual(['记录回避', '设置样卷']);
  });
});

const ANCHORS: Anchor[] = [
  { anchorId: 'anc-1', examId: EXAM.id, subjectId: 'ballet', label: 'A1', reference: { values: { technique: 34, expression: 25, rhythm: 25 } }, referenceTotal: 84, setBy: '刘主任', createdAt: '2026-05-01T01:00:00.000Z' },
  { anchorId: 'anc-2', examId: EXAM.id, subjectId: 'ballet', label: 'A2', reference: { values: { technique: 26, expression: 20, rhythm: 18 } }, referenceTotal: 64, setBy: '刘主任', createdAt: '2026-05-01T01:05:00.000Z' },
];

function result(anchor: Anchor, differences: Record<string, number>): CalibrationResult {
  const criteria = RUBRIC.criteria.map(({ id }) => {
    const reference = anchor.reference.values[id] ?? 0;
    const difference = differences[id] ?? 0;
    return { criterionId: id, yours: reference + difference, reference, difference };
  });
  const totalDifference = criteria.reduce((total, line) => total + line.difference, 0);
  return { anchorId: anchor.anchorId, label: anchor.label, scoredAt: '2026-05-01T03:00:00.000Z', criteria, total: anchor.referenceTotal + totalDifference, referenceTotal: anchor.referenceTotal, totalDifference, band: null };
}

const CALIBRATION: ChiefCalibration = {
  examId: EXAM.id,
  subjectId: 'ballet',
  required: true,
  anchors: ANCHORS,
  examiners: [
    { memberId: 'm-wang', displayName: '王老师', results: [result(ANCHORS[0] as Anchor, { technique: -12, expression: 1 }), result(ANCHORS[1] as Anchor, { rhythm: 2 })], complete: true },
    { memberId: 'm-zhao', displayName: '赵老师', results: [result(ANCHORS[0] as Anchor, { expression: -1 })], complete: false },
  ],
};

function ownAssignment(id: string, code: string): AssignmentView {
  return {
    assignment: {
      assignmentId: id, examId: EXAM.id, subjectId: 'ballet', slotId: 'slot-ballet', kind: 'recorded', candidateCode: code, entryId: null, recordings: [],
      dueAt: '2026-05-09T00:00:00.000Z', purpose: 'score', anchorId: null, position: 1, order: 'shuffled', recusal: null,
    },
    sheetStatus: null,
  };
}

async function openCalibration(tab = '试评') {
  fakeExaminer.handle('chief.getCalibration', () => CALIBRATION);
  fakeExaminer.handle('assignments.list', () => ({
    assignments: [ownAssignment('as-own-1', 'B7K2-Q9PL'), { ...ownAssignment('as-cal-x', 'A9'), assignment: { ...ownAssignment('as-cal-x', 'A9').assignment, purpose: 'calibration', anchorId: 'anc-9' } }],
    freshness: fresh,
  }));
  const user = await open();
  await user.click(screen.getByText(tab));
  const view = await screen.findByTestId('chief-calibration-subject');
  await waitFor(() => expect(view.getAttribute('data-loading')).toBe('false'));
  return { user, view };
}

const calibrationCell = (member: string, anchorId: string) =>
  screen.getByTestId('calibration-examiners').querySelector(`[data-testid="calibration-cell"][data-member="${member}"][data-anchor-id="${anchorId}"]`) as HTMLElement;

describe("the chief's calibration view (试评)", () => {
  it("lists the anchors and each examiner's total difference, per criterion on demand, and who is done", async () => {
    const { user, view } = await openCalibration();
    expect(fakeExaminer.callsOf('chief.getCalibration')).toEqual([{ examId: EXAM.id, subjectId: 'ballet' }]);
    const anchors = within(view).getAllByTestId('anchor-row');
    expect(anchors.map((node) => node.getAttribute('data-anchor-id'))).toEqual(['anc-1', 'anc-2']);
    expect(anchors[0]?.textContent).toContain('84');
    expect(anchors[0]?.textContent).toContain('刘主任');
    expect(calibrationCell('m-wang', 'anc-1').textContent).toBe('−11');
    expect(calibrationCell('m-wang', 'anc-2').textContent).toBe('+2');
    expect(calibrationCell('m-zhao', 'anc-2').textContent).toBe('未试评');
    const completeness = within(view).getAllByTestId('calibration-completeness');
    expect(completeness.map((node) => node.textContent)).toEqual(['已完成', '未完成 1/2']);

    const wang = within(view).getAllByTestId('calibration-examiner').find((node) => node.getAttribute('data-member') === 'm-wang') as HTMLElement;
    await user.click(within(wang).getByRole('button'));
    const criteria = await within(view).findByTestId('calibration-criteria');
    const technique = criteria.querySelector('[data-testid="criterion-difference"][data-criterion="technique"][data-anchor-id="anc-1"]') as HTMLElement;
    expect(technique.textContent).toBe('−12');
    expect(technique.querySelector('[data-tone]')?.getAttribute('data-tone')).toBe('danger');
    const expression = criteria.querySelector('[data-testid="criterion-difference"][data-criterion="expression"][data-anchor-id="anc-1"]') as HTMLElement;
    expect(expression.querySelector('[data-tone]')?.getAttribute('data-tone')).toBe('neutral');
  });

  it("sets an anchor from the chief's own recorded assignment with its reference scores", async () => {
    fakeExaminer.handle('chief.createAnchor', ({ label, reference }) => ({
      anchorId: 'anc-3', examId: EXAM.id, subjectId: 'ballet', label, reference, referenceTotal: 70, setBy: '刘主任', createdAt: '2026-05-01T04:00:00.000Z',
    }));
    const { user, view } = await openCalibration();
    await user.click(within(view).getByTestId('set-anchor-open'));
    const form = await within(view).findByTestId('anchor-form');
    // antd's Select opens on mouse down; only the chief's own scoring assignments are offered.
    fireEvent.mouseDown(within(form).getByRole('combobox', { name: '录播任务（考号）' }));
    await user.click(await screen.findByTitle('B7K2-Q9PL'));
    expect(screen.queryByTitle('A9')).toBeNull();
    await user.type(within(form).getByTestId('anchor-label'), 'A3');
    for (const [label, value] of [['技术技巧', '30'], ['表现力', '22'], ['节奏', '18']] as const) await user.type(within(form).getByLabelText(label), value);
    await user.click(within(form).getByTestId('submit-sheet'));
    await user.click(within(await lastDialog()).getByRole('button', { name: /提交/ }));
    await waitFor(() =>
      expect(fakeExaminer.callsOf('chief.createAnchor')).toEqual([
        { assignmentId: 'as-own-1', label: 'A3', reference: { values: { technique: 30, expression: 22, rhythm: 18 } } },
      ]),
    );
    expect(await screen.findByText('已设置样卷 A3')).toBeTruthy();
    // The calibration is read again, with the new anchor.
    await waitFor(() => expect(fakeExaminer.callsOf('chief.getCalibration')).toHaveLength(2));
  });

  it('asks for the label before sending, and shows a refused reference in words', async () => {
    fakeExaminer.handle('chief.createAnchor', () => {
      throw new ContractFailure('invalid_reference', 'missing a criterion');
    });
    const { user, view } = await openCalibration();
    await user.click(within(view).getByTestId('set-anchor-open'));
    const form = await within(view).findByTestId('anchor-form');
    fireEvent.mouseDown(within(form).getByRole('combobox', { name: '录播任务（考号）' }));
    await user.click(await screen.findByTitle('B7K2-Q9PL'));
    for (const [label, value] of [['技术技巧', '30'], ['表现力', '22'], ['节奏', '18']] as const) await user.type(within(form).getByLabelText(label), value);
    expect((await within(form).findByTestId('anchor-incomplete')).textContent).toBe('请填写样卷标签');
    await user.click(within(form).getByTestId('submit-sheet'));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(fakeExaminer.callsOf('chief.createAnchor')).toEqual([]);
    await user.type(within(form).getByTestId('anchor-label'), 'A3');
    await user.click(within(form).getByTestId('submit-sheet'));
    await user.click(within(await lastDialog()).getByRole('button', { name: /提交/ }));
    await waitFor(() => expect(fakeExaminer.callsOf('chief.createAnchor')).toHaveLength(1));
    expect((await within(form).findByTestId('sheet-error')).textContent).toBe('样卷的参考分不完整或不符合评分标准（包括分档）。');
  });

  it('speaks English when chosen', async () => {
    await i18next.changeLanguage('en');
    try {
      const { view } = await openCalibration('Calibration');
      expect(within(view).getAllByTestId('calibration-completeness').map((node) => node.textContent)).toEqual(['Complete', 'Incomplete 1/2']);
      expect(calibrationCell('m-zhao', 'anc-2').textContent).toBe('Not scored');
    } finally {
      await i18next.changeLanguage('zh-CN');
    }
  });
});
