import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { SheetLock } from '@common/contract';
import { ScoreSheetForm } from '../../renderer/src/sheet/ScoreSheetForm';
import { fakeExaminer } from './fake-examiner';
import { renderInApp } from './render';
import { demoRubric, serveSheet } from './sheet-fixtures';

const ASSIGNMENT = 'as-lock-1';
const vocal = demoRubric('vocal');
const unlocked: SheetLock = { assignmentId: ASSIGNMENT, locked: false, signedOff: false };

async function openForm(lock: SheetLock) {
  serveSheet(fakeExaminer, ASSIGNMENT, vocal);
  fakeExaminer.handle('sheets.getLock', () => lock);
  const user = userEvent.setup();
  renderInApp(<ScoreSheetForm assignmentId={ASSIGNMENT} rubric={vocal} candidateCode="K7Q2-M9XA" />);
  await screen.findByTestId('score-sheet');
  return user;
}

const submitButton = () => screen.getByTestId('submit-sheet') as HTMLButtonElement;
const pitch = () => screen.getByLabelText('音准') as HTMLInputElement;

describe('a sheet the chief examiner locked', () => {
  it('says 已被主考锁定 before any submission, with submit and the fields disabled', async () => {
    await openForm({ assignmentId: ASSIGNMENT, locked: true, signedOff: false });
    expect((await screen.findByTestId('sheet-locked')).textContent).toContain('已被主考锁定');
    expect(submitButton().disabled).toBe(true);
    expect(pitch().disabled).toBe(true);
  });

  it('says 本场已签署 when the lock is the sign-off', async () => {
    await openForm({ assignmentId: ASSIGNMENT, locked: true, signedOff: true });
    const alert = await screen.findByTestId('sheet-locked');
    expect(alert.textContent).toContain('本场已签署');
    expect(alert.getAttribute('data-signed-off')).toBe('true');
  });

  it('locks when the push arrives, and comes back when unlocked; a lock for another sheet changes nothing', async () => {
    const user = await openForm(unlocked);
    await waitFor(() => expect(fakeExaminer.callsOf('sheets.getLock')).toEqual([{ assignmentId: ASSIGNMENT }]));
    expect(screen.queryByTestId('sheet-locked')).toBeNull();
    await user.type(pitch(), '20');
    await waitFor(() => expect(fakeExaminer.callsOf('sheets.save').at(-1)?.values).toEqual({ pitch: 20 }));

    act(() => fakeExaminer.emit('sheet.lock', { assignmentId: 'another', locked: true, signedOff: false }));
    expect(screen.queryByTestId('sheet-locked')).toBeNull();
    expect(submitButton().disabled).toBe(false);

    act(() => fakeExaminer.emit('sheet.lock', { assignmentId: ASSIGNMENT, locked: true, signedOff: false }));
    expect((await screen.findByTestId('sheet-locked')).textContent).toContain('已被主考锁定');
    expect(submitButton().disabled).toBe(true);
    expect(pitch().disabled).toBe(true);
    // Enter submits nothing while locked.
    await user.keyboard('{Enter}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(fakeExaminer.callsOf('sheets.submit')).toHaveLength(0);

    act(() => fakeExaminer.emit('sheet.lock', unlocked));
    await waitFor(() => expect(screen.queryByTestId('sheet-locked')).toBeNull());
    expect(submitButton().disabled).toBe(false);
    expect(pitch().disabled).toBe(false);
    // What was typed before the lock is still there.
    expect(pitch().value).toBe('20');
  });

  it('shows no lock when the lock cannot be read (the refusal would still say so)', async () => {
    serveSheet(fakeExaminer, ASSIGNMENT, vocal);
    renderInApp(<ScoreSheetForm assignmentId={ASSIGNMENT} rubric={vocal} />);
    await screen.findByTestId('score-sheet');
    await waitFor(() => expect(fakeExaminer.callsOf('sheets.getLock')).toHaveLength(1));
    expect(screen.queryByTestId('sheet-locked')).toBeNull();
    expect(screen.queryByTestId('sheet-error')).toBeNull();
  });
});
