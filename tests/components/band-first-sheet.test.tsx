import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import i18next from 'i18next';
import { afterEach, describe, expect, it } from 'vitest';
import { ScoreSheetForm } from '../../renderer/src/sheet/ScoreSheetForm';
import { fakeExaminer } from './fake-examiner';
import { renderInApp } from './render';
import { danceRubric, demoRubric, serveSheet } from './sheet-fixtures';

const ASSIGNMENT = 'as-dance-1';
const dance = danceRubric();

async function openForm() {
  serveSheet(fakeExaminer, ASSIGNMENT, dance);
  const user = userEvent.setup();
  renderInApp(<ScoreSheetForm assignmentId={ASSIGNMENT} rubric={dance} candidateCode="D4NC-E001" />);
  await screen.findByTestId('score-sheet');
  return user;
}

const field = (label: string) => screen.getByLabelText(label) as HTMLInputElement;
const chosenBand = () => screen.getByTestId('score-sheet').getAttribute('data-band');
const lastSave = () => fakeExaminer.callsOf('sheets.save').at(-1);
const bandRadio = (text: string) => screen.getByRole('radio', { name: text });

afterEach(async () => {
  await i18next.changeLanguage('zh-CN');
});

describe('a band-first rubric', () => {
  it('offers its bands first, with their keys and total ranges, and starts the keyboard there', async () => {
    await openForm();
    for (const text of ['1 上档 80–100', '2 中档 60–79', '3 下档 0–59']) expect(bandRadio(text)).toBeTruthy();
    expect(document.activeElement).toBe(bandRadio('1 上档 80–100'));
  });

  it('chooses the band with a number key, autosaves it, and shows each range in the band; never while typing a score', async () => {
    const user = await openForm();
    await user.keyboard('2');
    expect(chosenBand()).toBe('middle');
    await waitFor(() => expect(lastSave()?.band).toBe('middle'));
    expect((bandRadio('2 中档 60–79') as HTMLInputElement).checked).toBe(true);
    expect(screen.getByText('满分 40，步长 1 · 本档 24–31')).toBeTruthy();
    expect(screen.getByText('满分 30，步长 1 · 本档 0–30')).toBeTruthy();

    // Typing a score: the digits are the score's, the band stays.
    await user.click(field('技术技巧'));
    await user.keyboard('1');
    expect(field('技术技巧').value).toBe('1');
    expect(chosenBand()).toBe('middle');
    // An input method composing a character: not a band key either (here on the form itself).
    fireEvent.keyDown(screen.getByTestId('score-sheet'), { key: '3', isComposing: true });
    expect(chosenBand()).toBe('middle');
    fireEvent.keyDown(screen.getByTestId('score-sheet'), { key: '3' });
    expect(chosenBand()).toBe('lower');
    await waitFor(() => expect(lastSave()?.band).toBe('lower'));
  });

  it('flags a value and a total outside the band, and refuses to submit', async () => {
    const user = await openForm();
    await user.keyboard('1');
    await user.type(field('技术技巧'), '20');
    expect(await screen.findByText('不在本档范围 32–40 内')).toBeTruthy();
    expect(field('技术技巧').getAttribute('aria-invalid')).toBe('true');
    for (const [label, value] of [['表现力', '20'], ['节奏', '15'], ['形象气质', '8']] as const) await user.type(field(label), value);
    // Outside the band is still a valid draft: it is kept, and another band may fit it.
    await waitFor(() => expect(lastSave()?.values).toEqual({ technique: 20, expression: 20, rhythm: 15, appearance: 8 }));
    await user.keyboard('{Enter}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(field('技术技巧'));
    expect(fakeExaminer.callsOf('sheets.submit')).toHaveLength(0);

    // Technique inside the band, the total (75) still below it: Enter sends the keyboard to the band.
    await user.clear(field('技术技巧'));
    await user.type(field('技术技巧'), '32');
    // (The help's text leaves with an animation; the field says it at once.)
    expect(field('技术技巧').getAttribute('aria-invalid')).toBe('false');
    expect(screen.getByTestId('band-total').textContent).toBe('总分不在本档范围 80–100 内');
    await user.keyboard('{Enter}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(bandRadio('1 上档 80–100'));
    expect(fakeExaminer.callsOf('sheets.submit')).toHaveLength(0);

    // The middle band fits the total but not the technique.
    await user.keyboard('2');
    expect(chosenBand()).toBe('middle');
    expect(screen.getByTestId('band-total').getAttribute('data-outside')).toBe('false');
    expect(await screen.findByText('不在本档范围 24–31 内')).toBeTruthy();
    expect(field('技术技巧').getAttribute('aria-invalid')).toBe('true');

    // Back to the upper band, with a total that reaches it: nothing stands in the way.
    await user.keyboard('1');
    await user.clear(field('表现力'));
    await user.type(field('表现力'), '25');
    expect(screen.getByTestId('band-total').getAttribute('data-outside')).toBe('false');
    expect(field('技术技巧').getAttribute('aria-invalid')).toBe('false');
    await user.keyboard('{Enter}');
    expect((await screen.findByRole('dialog')).textContent).toContain('总分 80。');
  });

  it('with no band chosen, says so on Enter and puts the focus on the band picker', async () => {
    const user = await openForm();
    await user.click(field('技术技巧'));
    for (const value of ['35', '25', '15', '8']) {
      await user.keyboard(value);
      await user.tab();
    }
    await user.click(field('形象气质'));
    await user.keyboard('{Enter}');
    expect(await screen.findByText('请先选择分档')).toBeTruthy();
    expect(document.activeElement).toBe(bandRadio('1 上档 80–100'));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(fakeExaminer.callsOf('sheets.submit')).toHaveLength(0);
  });

  it('is scored with the keyboard alone: band key, Tab, scores, Enter, Enter', async () => {
    const user = await openForm();
    await user.keyboard('1');
    await user.tab();
    expect(document.activeElement).toBe(field('技术技巧'));
    await user.keyboard('35');
    await user.tab();
    await user.keyboard('26');
    await user.tab();
    await user.keyboard('16');
    await user.tab();
    await user.keyboard('8');
    expect(screen.getByTestId('sheet-total').textContent).toContain('85');
    await user.keyboard('{Enter}');
    const dialog = await screen.findByRole('dialog');
    expect(dialog.textContent).toContain('总分 85。');
    await waitFor(() => expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: /确认提交/ })));
    await user.keyboard('{Enter}');
    await waitFor(() => expect(fakeExaminer.callsOf('sheets.submit')).toEqual([{ assignmentId: ASSIGNMENT }]));
    expect(lastSave()).toMatchObject({ band: 'upper', values: { technique: 35, expression: 26, rhythm: 16, appearance: 8 } });
    await waitFor(() => expect(screen.getByTestId('score-sheet').getAttribute('data-status')).toBe('submitted'));
    expect(field('技术技巧').disabled).toBe(true);
  });

  it('speaks English too', async () => {
    await i18next.changeLanguage('en');
    const user = await openForm();
    expect(bandRadio('1 Upper band 80–100')).toBeTruthy();
    await user.keyboard('1');
    expect(screen.getByText('Maximum 40, in steps of 1 · In this band 32–40')).toBeTruthy();
  });
});

describe('a rubric without bands', () => {
  it('has no band picker, ignores the number keys, and sends no band', async () => {
    const vocal = demoRubric('vocal');
    serveSheet(fakeExaminer, 'as-vocal-1', vocal);
    const user = userEvent.setup();
    renderInApp(<ScoreSheetForm assignmentId="as-vocal-1" rubric={vocal} candidateCode="K7Q2-M9XA" />);
    await screen.findByTestId('score-sheet');
    expect(screen.queryByTestId('band-picker')).toBeNull();
    expect(document.activeElement).toBe(field('音准'));
    fireEvent.keyDown(document.body, { key: '1' });
    await user.type(field('音准'), '20');
    await waitFor(() => expect(lastSave()?.values).toEqual({ pitch: 20 }));
    expect(lastSave()?.band ?? null).toBeNull();
  });
});
