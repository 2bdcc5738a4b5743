import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { SheetState } from '@common/contract';
import { ScoreSheetForm } from '../../renderer/src/sheet/ScoreSheetForm';
import { fakeExaminer } from './fake-examiner';
import { renderInApp } from './render';
import { blankSheet, demoRubric, serveSheet } from './sheet-fixtures';

const ASSIGNMENT = 'as-issues-1';
const vocal = demoRubric('vocal');

async function openForm(initial: SheetState | null = null, now = 83_400) {
  serveSheet(fakeExaminer, ASSIGNMENT, vocal, initial);
  const user = userEvent.setup();
  renderInApp(<ScoreSheetForm assignmentId={ASSIGNMENT} rubric={vocal} candidateCode="K7Q2-M9XA" currentTimeMs={() => now} />);
  await screen.findByTestId('score-sheet');
  return user;
}

const lastSave = () => fakeExaminer.callsOf('sheets.save').at(-1);

async function chooseCategory(user: ReturnType<typeof userEvent.setup>, label: string) {
  const section = screen.getByTestId('technical-issues');
  await user.click(within(section).getByRole('combobox', { name: '问题类型' }));
  const option = await waitFor(() => {
    const found = Array.from(document.querySelectorAll<HTMLElement>('.ant-select-item-option')).find((element) => element.textContent === label);
    if (!found) throw new Error(`no option ${label}`);
    return found;
  });
  await user.click(option);
}

describe('technical-issue marks on the sheet', () => {
  it('adds an issue with a category, a note and moments (from the clock and typed), saved with the sheet, the total unchanged', async () => {
    const user = await openForm();
    expect(screen.getByTestId('technical-issues').textContent).toContain('技术问题（不计入总分）');
    await user.type(screen.getByLabelText('音准'), '20');
    await waitFor(() => expect(lastSave()?.values).toEqual({ pitch: 20 }));

    await chooseCategory(user, '画面卡住');
    await user.click(screen.getByTestId('add-issue'));
    const issue = await screen.findByTestId('technical-issue');
    expect(issue.getAttribute('data-category')).toBe('picture_frozen');
    await user.type(within(issue).getByLabelText('说明'), '主机位卡顿');
    await user.click(within(issue).getByTestId('add-moment-now'));
    // A typed moment; Enter adds it and submits nothing.
    await user.type(within(issue).getByLabelText('时刻（分:秒）'), '00:42{Enter}');
    expect(screen.queryByRole('dialog')).toBeNull();
    // A moment that is not mm:ss is refused with a sentence.
    await user.type(within(issue).getByLabelText('时刻（分:秒）'), '4x');
    await user.click(within(issue).getByTestId('add-moment-typed'));
    expect(await within(issue).findByText('请按“分:秒”输入，例如 03:25')).toBeTruthy();

    expect(within(issue).getAllByTestId('issue-moment').map((tag) => [tag.getAttribute('data-at-ms'), tag.textContent?.replace('×', '')])).toEqual([
      ['42000', '00:42'],
      ['83400', '01:23'],
    ]);
    await waitFor(() =>
      expect(lastSave()?.technicalIssues).toEqual([
        { id: expect.stringMatching(/^ti[0-9a-f]{16}$/) as unknown as string, category: 'picture_frozen', note: '主机位卡顿', moments: [{ atMs: 42_000 }, { atMs: 83_400 }] },
      ]),
    );
    // Never part of the total.
    expect(lastSave()?.values).toEqual({ pitch: 20 });
    expect(screen.getByTestId('sheet-total').textContent).toContain('20');
    expect(fakeExaminer.callsOf('sheets.submit')).toHaveLength(0);

    // Removing it saves an empty list.
    await user.click(within(issue).getByTestId('remove-issue'));
    await waitFor(() => expect(lastSave()?.technicalIssues).toEqual([]));
  });

  it('shows the issues of a submitted sheet without letting them change', async () => {
    await openForm(
      blankSheet(ASSIGNMENT, {
        status: 'submitted',
        values: { pitch: 20, rhythm: 15, tone: 15, expression: 15, stage: 8 },
        total: 73,
        technicalIssues: [{ id: 'ti1', category: 'sound_missing', note: '前 10 秒无声', moments: [{ atMs: 0, toMs: 10_000 }] }],
      }),
    );
    const issue = await screen.findByTestId('technical-issue');
    expect(issue.textContent).toContain('技术问题 1：没有声音');
    expect(issue.textContent).toContain('前 10 秒无声');
    expect(within(issue).getByTestId('issue-moment').textContent).toBe('00:00–00:10');
    expect(screen.queryByTestId('add-issue')).toBeNull();
    expect(within(issue).queryByTestId('remove-issue')).toBeNull();
    expect(within(issue).queryByLabelText('时刻（分:秒）')).toBeNull();
  });
});
