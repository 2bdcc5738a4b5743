import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import i18next from 'i18next';
import { afterEach, describe, expect, it } from 'vitest';
import { ContractFailure, type AssignmentView, type SheetState } from '@common/contract';
import { Assignment, type Exam } from '@common/platform';
import { GradingView } from '../../renderer/src/review/GradingView';
import { fakeExaminer } from './fake-examiner';
import { renderInApp } from './render';
import { blankSheet, danceRubric, serveSheet } from './sheet-fixtures';

const ASSIGNMENT = 'as-dance-7';
const dance = danceRubric();
const exam: Exam = {
  id: 'exam-1',
  name: { zh: '校考', en: 'Exam' },
  timeZone: 'Asia/Shanghai',
  startsOn: '2026-05-01',
  test: false,
  subjects: [{ id: 'dance', name: { zh: '舞蹈', en: 'Dance' }, kind: 'recorded', answerSeconds: 300, rubric: dance, prompts: [], calibrationRequired: false, reviewMode: 'open' }],
  slots: [],
  panels: [],
  combineRule: { kind: 'mean' },
  deviationThreshold: 10,
} as const satisfies Exam;
const assignment = Assignment.parse({
  assignmentId: ASSIGNMENT,
  examId: 'exam-1',
  subjectId: 'dance',
  slotId: 'slot-dance-rec',
  kind: 'recorded',
  candidateCode: 'D4NC-E007',
  entryId: null,
  recordings: [],
  dueAt: '2026-06-01T00:00:00.000Z',
});
const view: AssignmentView = { assignment, sheetStatus: null };

function open(initial: SheetState | null = null) {
  const served = serveSheet(fakeExaminer, ASSIGNMENT, dance, initial);
  const user = userEvent.setup();
  renderInApp(<GradingView exam={exam} view={view} reReview={null} onClose={() => undefined} />);
  return { user, served };
}

const recuseButton = () => screen.findByRole('button', { name: '回避（我认识该考生）' });

afterEach(async () => {
  await i18next.changeLanguage('zh-CN');
});

describe('recusal (回避) in the grading view', () => {
  it('sends the reason chosen in the modal, after saying the sheet becomes void; the sheet is then read-only', async () => {
    const { user } = open();
    await screen.findByTestId('score-sheet');
    await user.click(await recuseButton());
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByTestId('recusal-void').textContent).toContain('评分表将作废');
    const confirm = within(dialog).getByRole('button', { name: /确认回避/ }) as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    await user.click(within(dialog).getByRole('radio', { name: '本人学生' }));
    await user.click(confirm);
    await waitFor(() => expect(fakeExaminer.callsOf('sheets.recuse')).toEqual([{ assignmentId: ASSIGNMENT, reason: 'own_student' }]));

    const alert = await screen.findByTestId('sheet-recused');
    expect(alert.textContent).toContain('你已回避该考生（本人学生）');
    expect(alert.textContent).toContain('声明时间');
    expect(screen.getByTestId('score-sheet').getAttribute('data-status')).toBe('recused');
    expect(screen.getByTestId('save-state').textContent).toBe('已回避');
    expect((screen.getByLabelText('技术技巧') as HTMLInputElement).disabled).toBe(true);
    expect(screen.queryByTestId('submit-sheet')).toBeNull();
    expect(screen.queryByTestId('add-issue')).toBeNull();
    // Not offered again, and the band keys choose nothing.
    expect(screen.queryByTestId('recuse-button')).toBeNull();
    await user.keyboard('1');
    expect(screen.getByTestId('score-sheet').getAttribute('data-band')).toBe('');
  });

  it('needs a note for another reason', async () => {
    const { user } = open();
    await user.click(await recuseButton());
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('radio', { name: '其他' }));
    await user.click(within(dialog).getByRole('button', { name: /确认回避/ }));
    expect(await within(dialog).findByText('选择“其他”时必须填写说明')).toBeTruthy();
    expect(fakeExaminer.callsOf('sheets.recuse')).toHaveLength(0);
    await user.type(within(dialog).getByLabelText('说明'), '邻居家的孩子');
    await user.click(within(dialog).getByRole('button', { name: /确认回避/ }));
    await waitFor(() => expect(fakeExaminer.callsOf('sheets.recuse')).toEqual([{ assignmentId: ASSIGNMENT, reason: 'other', note: '邻居家的孩子' }]));
    expect((await screen.findByTestId('sheet-recused')).textContent).toContain('其他：邻居家的孩子');
  });

  it('shows a refusal by its code, and keeps the sheet as it was', async () => {
    const { user } = open();
    await screen.findByTestId('score-sheet');
    fakeExaminer.handle('sheets.recuse', () => {
      throw new ContractFailure('recusal_after_submit', 'submitted elsewhere');
    });
    await user.click(await recuseButton());
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('radio', { name: '亲属' }));
    await user.click(within(dialog).getByRole('button', { name: /确认回避/ }));
    const error = await within(dialog).findByTestId('recusal-error');
    expect(error.getAttribute('data-code')).toBe('recusal_after_submit');
    expect(error.textContent).toContain('已提交的评分只能由主考办理回避');
    expect(screen.getByTestId('score-sheet').getAttribute('data-status')).not.toBe('recused');
  });

  it('is not offered once the sheet is submitted', async () => {
    open(blankSheet(ASSIGNMENT, { status: 'submitted', values: { technique: 35, expression: 26, rhythm: 16, appearance: 8 }, band: 'upper', total: 85 }));
    await screen.findByTestId('score-sheet');
    expect(screen.queryByTestId('recuse-button')).toBeNull();
  });

  it('a sheet recused by the chief says so, in English too', async () => {
    await i18next.changeLanguage('en');
    open(
      blankSheet(ASSIGNMENT, {
        status: 'recused',
        recusal: { assignmentId: ASSIGNMENT, reason: 'relative', note: null, declaredAt: '2026-05-01T06:00:00.000Z', declaredBy: 'chief' },
      }),
    );
    const alert = await screen.findByTestId('sheet-recused');
    expect(alert.textContent).toContain('You recused yourself from this candidate (Relative)');
    expect(alert.textContent).toContain('The chief examiner recorded your recusal');
    expect(screen.queryByRole('button', { name: 'Recuse (I know this candidate)' })).toBeNull();
  });
});
