import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ContractFailure } from '@common/contract';
import type { ScoreMatrix, SignOff } from '@common/platform/chief';
import { ChiefSlotDesk } from '../../renderer/src/chief/ChiefDesk';
import { CHIEF_EXAM, fresh, matrix, ROW_AA11, ROWS, row, sheet, SLOT, SLOT_ID } from './chief-fixtures';
import { fakeExaminer } from './fake-examiner';
import { renderInApp } from './render';

const slot = SLOT;
const SIGNED: SignOff = { slotId: SLOT_ID, at: '2026-05-01T03:00:00.000Z', by: '刘主任' };

function serve(view: ScoreMatrix = matrix()) {
  fakeExaminer.handle('chief.getMatrix', () => ({ matrix: view, freshness: fresh }));
  fakeExaminer.handle('chief.getRoomLog', () => ({ slotId: SLOT_ID, entries: [] }));
}

const cellOf = (code: string, member: string) =>
  screen.getByTestId('matrix-table').querySelector(`[data-testid="matrix-cell"][data-code="${code}"][data-member="${member}"]`) as HTMLElement;

async function open(view?: ScoreMatrix) {
  serve(view);
  const user = userEvent.setup();
  renderInApp(<ChiefSlotDesk exam={CHIEF_EXAM} slot={slot} />);
  await waitFor(() => expect(screen.getByTestId('matrix-table').getAttribute('data-loading')).toBe('false'));
  await waitFor(() => expect(cellOf('AA11', 'm-chief')).toBeTruthy());
  return user;
}

const AB22_ALL_ACCEPTED = row(
  2,
  'AB22',
  [sheet('AB22', 'm-chief', 'accepted', { total: 70 }), sheet('AB22', 'm-wang', 'accepted', { total: 72 }), sheet('AB22', 'm-zhao', 'recused')],
  71,
);

describe("the chief's actions on a sheet", () => {
  it('locks the selected sheet', async () => {
    fakeExaminer.handle('chief.lock', () => null);
    const user = await open();
    await user.click(cellOf('AB22', 'm-zhao'));
    expect(within(screen.getByTestId('sheet-panel')).getByText('62')).toBeTruthy();
    await user.click(screen.getByTestId('sheet-lock'));
    await waitFor(() => expect(fakeExaminer.callsOf('chief.lock')).toEqual([{ slotId: SLOT_ID, assignmentId: 'as-AB22-m-zhao' }]));
    expect(await screen.findByText('已锁定评分表')).toBeTruthy();
  });

  it('unlocks without a reason before the sign-off', async () => {
    fakeExaminer.handle('chief.unlock', () => null);
    const user = await open();
    await user.click(cellOf('AA11', 'm-wang'));
    await user.click(screen.getByTestId('sheet-unlock'));
    await waitFor(() => expect(fakeExaminer.callsOf('chief.unlock')).toEqual([{ slotId: SLOT_ID, assignmentId: 'as-AA11-m-wang' }]));
    expect(screen.queryByText('解锁已签署场次的评分表')).toBeNull();
  });

  it('asks for the reason to unlock once the slot is signed off, and refuses a blank one', async () => {
    fakeExaminer.handle('chief.unlock', () => null);
    const user = await open(matrix(ROWS, SIGNED));
    expect(screen.getByTestId('signed-off').textContent).toContain('已签署确认：刘主任');
    await user.click(cellOf('AA11', 'm-wang'));
    await user.click(screen.getByTestId('sheet-unlock'));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText('解锁已签署场次的评分表')).toBeTruthy();
    await user.type(within(dialog).getByTestId('unlock-reason-text'), '   ');
    await user.click(within(dialog).getByRole('button', { name: '解 锁' }));
    expect(within(dialog).getByTestId('unlock-reason-required').textContent).toBe('请填写理由');
    expect(fakeExaminer.callsOf('chief.unlock')).toEqual([]);
    await user.type(within(dialog).getByTestId('unlock-reason-text'), '考务核实：评委录入错误');
    await user.click(within(dialog).getByRole('button', { name: '解 锁' }));
    await waitFor(() =>
      expect(fakeExaminer.callsOf('chief.unlock')).toEqual([{ slotId: SLOT_ID, assignmentId: 'as-AA11-m-wang', reason: '考务核实：评委录入错误' }]),
    );
  });

  it('requests a re-review only with a reason, and says it was sent', async () => {
    fakeExaminer.handle('chief.requestReReview', ({ assignmentId, note }) => ({
      requestId: 'r1',
      assignmentId,
      candidateCode: 'AB22',
      memberId: 'm-wang',
      memberName: '王老师',
      reason: 'chief',
      note,
      deviation: null,
      requestedBy: '刘主任',
      requestedAt: '2026-05-01T03:00:00.000Z',
      state: 'open',
      answeredAt: null,
    }));
    const user = await open();
    await user.click(cellOf('AB22', 'm-wang'));
    await user.click(screen.getByTestId('sheet-re-review'));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText('请求 王老师 复核考号 AB22')).toBeTruthy();
    await user.click(within(dialog).getByRole('button', { name: '发 送' }));
    expect(within(dialog).getByTestId('re-review-note-required')).toBeTruthy();
    expect(fakeExaminer.callsOf('chief.requestReReview')).toEqual([]);
    await user.type(within(dialog).getByTestId('re-review-note-text'), '请再听一遍第二首');
    await user.click(within(dialog).getByRole('button', { name: '发 送' }));
    await waitFor(() => expect(fakeExaminer.callsOf('chief.requestReReview')).toEqual([{ slotId: SLOT_ID, assignmentId: 'as-AB22-m-wang', note: '请再听一遍第二首' }]));
    expect(await screen.findByText('已向 王老师 发出复核请求')).toBeTruthy();
  });

  it('shows a refusal in words (errors.<code>)', async () => {
    fakeExaminer.handle('chief.lock', () => {
      throw new ContractFailure('forbidden', 'not a chief');
    });
    const user = await open();
    await user.click(cellOf('AB22', 'm-zhao'));
    await user.click(screen.getByTestId('sheet-lock'));
    expect(await screen.findByText('无权执行此操作。')).toBeTruthy();
  });
});

describe('the sign-off', () => {
  it('is disabled, saying why, until every counting sheet is accepted', async () => {
    await open();
    expect(screen.getByTestId('sign-off').hasAttribute('disabled')).toBe(true);
    expect(screen.getByTestId('sign-off-blocked').textContent).toBe('还有 1 名考生的评分表未全部接收，不能签署');
  });

  it('becomes possible when the last sheet arrives, asks for confirmation, then shows the sign-off', async () => {
    fakeExaminer.handle('chief.signOff', () => SIGNED);
    const user = await open(matrix([ROW_AA11, row(2, 'AB22', [sheet('AB22', 'm-chief', 'accepted', { total: 70 }), sheet('AB22', 'm-wang', 'submitted'), sheet('AB22', 'm-zhao', 'recused')], 70)]));
    expect(screen.getByTestId('sign-off').hasAttribute('disabled')).toBe(true);
    act(() => fakeExaminer.emit('chief.matrix', { slotId: SLOT_ID, rows: [AB22_ALL_ACCEPTED], signedOff: null }));
    await waitFor(() => expect(screen.getByTestId('sign-off').hasAttribute('disabled')).toBe(false));
    expect(screen.queryByTestId('sign-off-blocked')).toBeNull();
    await user.click(screen.getByTestId('sign-off'));
    expect((await screen.findAllByText('签署确认该场次？')).length).toBeGreaterThan(0);
    expect(fakeExaminer.callsOf('chief.signOff')).toEqual([]);
    await user.click(screen.getByRole('button', { name: '签 署' }));
    await waitFor(() => expect(fakeExaminer.callsOf('chief.signOff')).toEqual([{ slotId: SLOT_ID }]));
    expect((await screen.findByTestId('signed-off')).textContent).toContain('已签署确认：刘主任');
    expect(screen.queryByTestId('sign-off')).toBeNull();
  });
});

describe("the slot's lists", () => {
  it('lists re-reviews requested, outstanding and answered, with who asked and why', async () => {
    fakeExaminer.handle('chief.getReReviews', () => ({
      requests: [
        {
          requestId: 'r1', assignmentId: 'as-AB22-m-wang', candidateCode: 'AB22', memberId: 'm-wang', memberName: '王老师',
          reason: 'deviation', note: null, deviation: 16, requestedBy: null, requestedAt: '2026-05-01T02:00:00.000Z', state: 'open', answeredAt: null,
        },
        {
          requestId: 'r2', assignmentId: 'as-AA11-m-chief', candidateCode: 'AA11', memberId: 'm-chief', memberName: '刘主任',
          reason: 'chief', note: '再看一次', deviation: null, requestedBy: '刘主任', requestedAt: '2026-05-01T02:10:00.000Z', state: 'answered', answeredAt: '2026-05-01T02:20:00.000Z',
        },
      ],
    }));
    const user = await open();
    await user.click(screen.getByText('复核请求'));
    const list = await screen.findByTestId('re-review-list');
    await waitFor(() => expect(list.getAttribute('data-loading')).toBe('false'));
    expect(within(list).getByTestId('re-review-counts').textContent).toBe('已请求 2 · 待复核 1 · 已复核 1');
    expect(within(list).getByText('偏差超过阈值（16）')).toBeTruthy();
    expect(within(list).getByText('平台自动')).toBeTruthy();
    expect(within(list).getByText('主考：再看一次')).toBeTruthy();
  });

  it("lists the chiefs' actions", async () => {
    fakeExaminer.handle('chief.getActions', () => ({
      actions: [
        { at: '2026-05-01T02:00:00.000Z', actor: '刘主任', action: 'lock', assignmentId: 'as-AA11-m-wang', candidateCode: 'AA11', memberName: '王老师', reason: null },
        { at: '2026-05-01T03:00:00.000Z', actor: '刘主任', action: 'sign_off', assignmentId: null, candidateCode: null, memberName: null, reason: null },
        { at: '2026-05-01T03:05:00.000Z', actor: '刘主任', action: 'unlock', assignmentId: 'as-AA11-m-wang', candidateCode: 'AA11', memberName: '王老师', reason: '录入错误' },
      ],
    }));
    const user = await open();
    await user.click(screen.getByText('主考操作记录'));
    const log = await screen.findByTestId('action-log');
    await waitFor(() => expect(log.getAttribute('data-loading')).toBe('false'));
    expect(within(log).getAllByTestId('action-kind').map((node) => node.textContent)).toEqual(['锁定', '签署确认', '解锁']);
    expect(within(log).getAllByText('AA11 · 王老师')).toHaveLength(2);
    expect(within(log).getByText('录入错误')).toBeTruthy();
  });
});
