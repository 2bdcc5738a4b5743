import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ScoreSheetForm } from '../../renderer/src/sheet/ScoreSheetForm';
import { fakeExaminer } from './fake-examiner';
import { renderInApp } from './render';
import { demoRubric, serveSheet } from './sheet-fixtures';

const ASSIGNMENT = 'as-test-1';
const vocal = demoRubric('vocal');

async function openForm(onClose?: () => void) {
  serveSheet(fakeExaminer, ASSIGNMENT, vocal);
  const user = userEvent.setup();
  renderInApp(<ScoreSheetForm assignmentId={ASSIGNMENT} rubric={vocal} candidateCode="K7Q2-M9XA" {...(onClose && { onClose })} />);
  await screen.findByTestId('score-sheet');
  return user;
}

const field = (label: string) => screen.getByLabelText(label);
const saveState = () => screen.getByTestId('save-state').getAttribute('data-state');
const savedPitches = () => fakeExaminer.callsOf('sheets.save').map((input) => input.values.pitch);

describe('the grading form checks scores against the rubric', () => {
  it.each([
    { typed: '35', message: '不能超过满分 30', lastSaved: 3 },
    { typed: '12.3', message: '须为 0.5 的整数倍', lastSaved: 12 },
    { typed: '1x', message: '请输入数字', lastSaved: 1 },
  ])('shows $typed as wrong ("$message") and never saves it', async ({ typed, message, lastSaved }) => {
    const user = await openForm();
    await user.type(field('音准'), typed);
    expect(await screen.findByText(message)).toBeTruthy();
    expect(field('音准').getAttribute('aria-invalid')).toBe('true');
    expect(saveState()).toBe('invalid');
    // The keystrokes before it were valid and were saved; the wrong value was not.
    await waitFor(() => expect(savedPitches().at(-1)).toBe(lastSaved));
    expect(savedPitches()).not.toContain(Number(typed));
  });

  it('autosaves every valid change and keeps a running total', async () => {
    const user = await openForm();
    await user.type(field('音准'), '28.5');
    await user.tab();
    await user.keyboard('18');
    await waitFor(() => expect(saveState()).toBe('saved'));
    expect(fakeExaminer.callsOf('sheets.save').at(-1)?.values).toEqual({ pitch: 28.5, rhythm: 18 });
    expect(screen.getByTestId('sheet-total').textContent).toContain('46.5');
    // The arrow keys step by the criterion's step.
    await user.keyboard('{ArrowUp}');
    expect((field('节奏') as HTMLInputElement).value).toBe('18.5');
    await waitFor(() => expect(fakeExaminer.callsOf('sheets.save').at(-1)?.values).toEqual({ pitch: 28.5, rhythm: 18.5 }));
  });

  it('on Enter with a required criterion missing, says which and submits nothing', async () => {
    const user = await openForm();
    for (const [label, value] of [['音准', '20'], ['节奏', '15'], ['音色', '15'], ['表现力', '15']] as const) {
      await user.clear(field(label));
      await user.type(field(label), value);
    }
    await user.keyboard('{Enter}');
    expect(await screen.findByText('请填写此项')).toBeTruthy();
    expect(document.activeElement).toBe(field('台风'));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(fakeExaminer.callsOf('sheets.submit')).toHaveLength(0);
  });

  it('requires a note for a violation, then submits after the confirmation', async () => {
    const user = await openForm();
    for (const [label, value] of [['音准', '20'], ['节奏', '15'], ['音色', '15'], ['表现力', '15'], ['台风', '8']] as const) {
      await user.type(field(label), value);
    }
    await user.click(screen.getByRole('checkbox', { name: '违纪' }));
    await user.click(field('音准'));
    await user.keyboard('{Enter}');
    expect(await screen.findByText('标记违纪时必须填写说明')).toBeTruthy();
    expect(document.activeElement).toBe(field('违纪说明'));
    expect(fakeExaminer.callsOf('sheets.submit')).toHaveLength(0);

    await user.type(field('违纪说明'), '画面中出现他人');
    await user.click(field('台风'));
    await user.keyboard('{Enter}');
    const dialog = await screen.findByRole('dialog');
    expect(dialog.textContent).toContain('提交考号 K7Q2-M9XA 的评分？');
    expect(dialog.textContent).toContain('总分 73。');
    expect(fakeExaminer.callsOf('sheets.submit')).toHaveLength(0);
    await user.click(within(dialog).getByRole('button', { name: /确认提交/ }));

    await waitFor(() => expect(saveState()).toBe('sending'));
    expect(fakeExaminer.callsOf('sheets.submit')).toEqual([{ assignmentId: ASSIGNMENT }]);
    const last = fakeExaminer.callsOf('sheets.save').at(-1);
    expect(last?.violation).toEqual({ flagged: true, note: '画面中出现他人' });
    // Submitted: read-only.
    expect((field('音准') as HTMLInputElement).disabled).toBe(true);
  });

  it('goes back on Esc, and a platform change of status shows at once', async () => {
    const onClose = vi.fn();
    const user = await openForm(onClose);
    await user.type(field('音准'), '20');
    await waitFor(() => expect(saveState()).toBe('saved'));
    const saved = fakeExaminer.callsOf('sheets.save').length;
    expect(saved).toBeGreaterThan(0);
    act(() =>
      fakeExaminer.emit('sheet.changed', {
        assignmentId: ASSIGNMENT,
        values: { pitch: 20 },
        comment: '',
        violation: { flagged: false, note: null },
        marks: [],
        band: null,
        technicalIssues: [],
        recusal: null,
        total: null,
        problems: [],
        status: 'conflict',
        baseVersion: 0,
        acceptedVersion: null,
        revision: saved,
        updatedAt: '2026-05-01T06:00:00.000Z',
        submittedAt: '2026-05-01T06:00:00.000Z',
        acceptedAt: null,
        conflict: { reason: 'locked', platform: { version: 1, sheet: null, total: null, acceptedAt: null, locked: true } },
        error: null,
      }),
    );
    expect(saveState()).toBe('conflict');
    expect(screen.getByTestId('conflict-panel').getAttribute('data-reason')).toBe('locked');
    await user.keyboard('{Escape}');
    expect(onClose).toHaveBeenCalledOnce();
  });
});
