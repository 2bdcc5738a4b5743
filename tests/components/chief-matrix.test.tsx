import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { ContractFailure } from '@common/contract';
import type { ScoreMatrix } from '@common/platform/chief';
import { ChiefSlotDesk } from '../../renderer/src/chief/ChiefDesk';
import { CHIEF_EXAM, fresh, matrix, row, sheet, SLOT, SLOT_ID } from './chief-fixtures';
import { fakeExaminer } from './fake-examiner';
import { renderInApp } from './render';

const slot = SLOT;

function serve(view: ScoreMatrix | Promise<ScoreMatrix> = matrix()) {
  fakeExaminer.handle('chief.getMatrix', async () => ({ matrix: await view, freshness: fresh }));
  fakeExaminer.handle('chief.getRoomLog', () => ({ slotId: SLOT_ID, entries: [] }));
}

const table = () => screen.getByTestId('matrix-table');
const codes = () => [...table().querySelectorAll('[data-code]')].filter((node) => node.getAttribute('data-testid') !== 'matrix-cell').map((node) => node.getAttribute('data-code'));
const cellOf = (code: string, member: string) => table().querySelector(`[data-testid="matrix-cell"][data-code="${code}"][data-member="${member}"]`) as HTMLElement;

async function loaded(rows = 3) {
  await waitFor(() => expect(table().getAttribute('data-loading')).toBe('false'));
  await waitFor(() => expect(codes()).toHaveLength(rows));
}

describe("the chief's score matrix", () => {
  it('shows candidates by code in order × members, each sheet’s state, its total once accepted, and its marks', async () => {
    serve();
    renderInApp(<ChiefSlotDesk exam={CHIEF_EXAM} slot={slot} />);
    await loaded();
    expect(codes()).toEqual(['AA11', 'AB22', 'CC33']);
    expect(screen.getByRole('columnheader', { name: '刘主任（我）' })).toBeTruthy();
    expect(cellOf('CC33', 'm-chief').textContent).toBe('未评');
    expect(cellOf('CC33', 'm-wang').textContent).toBe('已保存');
    expect(cellOf('CC33', 'm-zhao').textContent).toBe('已提交');
    expect(cellOf('AA11', 'm-zhao').textContent).toBe('回避');
    expect(cellOf('AA11', 'm-chief').textContent).toBe('已接收80');
    // The lock, the re-review and the deviation are each said in words, not colour alone.
    expect(within(cellOf('AA11', 'm-wang')).getByTestId('mark-locked').textContent).toBe('锁');
    expect(within(cellOf('AB22', 'm-wang')).getByTestId('mark-re-review').textContent).toBe('复核中');
    expect(within(cellOf('AB22', 'm-wang')).getByTestId('mark-flagged').textContent).toBe('⚠ 偏差 16');
    expect(cellOf('AB22', 'm-chief').querySelector('[data-testid="mark-flagged"]')).toBeNull();
    const rowOf = (code: string) => table().querySelector(`[data-row-key="${code}"]`) as HTMLElement;
    expect(within(rowOf('AB22')).getByTestId('row-combined').textContent).toBe('74');
    expect(within(rowOf('AA11')).getByTestId('row-progress').textContent).toBe('2/2');
    expect(within(rowOf('CC33')).getByTestId('row-progress').textContent).toBe('0/3');
  });

  it("puts each sheet under its own member's column, even when a member has no sheet for a candidate", async () => {
    // 王老师 has no assignment for DD44: the row has two cells, 刘主任's and 赵老师's.
    const gap = row(1, 'DD44', [sheet('DD44', 'm-chief', 'saved'), sheet('DD44', 'm-zhao', 'submitted')], null);
    serve(matrix([gap]));
    renderInApp(<ChiefSlotDesk exam={CHIEF_EXAM} slot={slot} />);
    await loaded(1);
    const headers = screen.getAllByRole('columnheader').map((header) => header.textContent);
    const cellsOfRow = [...(table().querySelector('[data-row-key="DD44"]') as HTMLElement).children];
    const columnOf = (name: string) => cellsOfRow[headers.indexOf(name)] as HTMLElement;
    expect(within(columnOf('赵老师')).getByTestId('matrix-cell').getAttribute('data-member')).toBe('m-zhao');
    expect(columnOf('王老师').querySelector('[data-testid="matrix-cell"]')).toBeNull();
    expect(within(columnOf('刘主任（我）')).getByTestId('matrix-cell').getAttribute('data-member')).toBe('m-chief');
  });

  it('replaces a row by its code when a chief.matrix push arrives, and ignores another slot’s', async () => {
    serve();
    renderInApp(<ChiefSlotDesk exam={CHIEF_EXAM} slot={slot} />);
    await loaded();
    const applied = Number(table().getAttribute('data-applied'));
    const updated = row(3, 'CC33', [sheet('CC33', 'm-chief', 'accepted', { total: 60 }), sheet('CC33', 'm-wang', 'submitted'), sheet('CC33', 'm-zhao', 'submitted')], 60);
    act(() => fakeExaminer.emit('chief.matrix', { slotId: 'slot-dance', rows: [{ ...updated, cells: [] }], signedOff: null }));
    act(() => fakeExaminer.emit('chief.matrix', { slotId: SLOT_ID, rows: [updated], signedOff: null }));
    await waitFor(() => expect(cellOf('CC33', 'm-chief').getAttribute('data-state')).toBe('accepted'));
    expect(cellOf('CC33', 'm-chief').textContent).toBe('已接收60');
    expect(cellOf('CC33', 'm-wang').textContent).toBe('已提交');
    expect(Number(table().getAttribute('data-applied'))).toBe(applied + 1);
    expect(codes()).toEqual(['AA11', 'AB22', 'CC33']);
    expect(cellOf('AA11', 'm-chief').textContent).toBe('已接收80');
  });

  it('replays a push that arrived while the snapshot was on its way', async () => {
    let answer: (value: ScoreMatrix) => void = () => undefined;
    serve(new Promise<ScoreMatrix>((resolve) => (answer = resolve)));
    renderInApp(<ChiefSlotDesk exam={CHIEF_EXAM} slot={slot} />);
    await waitFor(() => expect(fakeExaminer.callsOf('chief.getMatrix')).toHaveLength(1));
    const later = row(4, 'DD44', [sheet('DD44', 'm-chief', 'saved'), sheet('DD44', 'm-wang', 'not_scored'), sheet('DD44', 'm-zhao', 'not_scored')], null);
    act(() => fakeExaminer.emit('chief.matrix', { slotId: SLOT_ID, rows: [later], signedOff: null }));
    await act(async () => answer(matrix()));
    await loaded(4);
    expect(codes()).toEqual(['AA11', 'AB22', 'CC33', 'DD44']);
    expect(cellOf('DD44', 'm-chief').textContent).toBe('已保存');
  });

  it('filters to flagged rows, to rows not all accepted, and by part of a code', async () => {
    serve();
    const user = userEvent.setup();
    renderInApp(<ChiefSlotDesk exam={CHIEF_EXAM} slot={slot} />);
    await loaded();
    await user.click(screen.getByText('只看偏差标记'));
    await waitFor(() => expect(codes()).toEqual(['AB22']));
    expect(screen.getByTestId('matrix-count').textContent).toBe('显示 1 / 共 3 名考生');
    await user.click(screen.getByText('只看偏差标记'));
    await user.click(screen.getByText('只看未全部接收'));
    await waitFor(() => expect(codes()).toEqual(['CC33']));
    await user.click(screen.getByText('只看未全部接收'));
    await user.type(screen.getByRole('searchbox', { name: '搜索考号' }), 'a');
    await waitFor(() => expect(codes()).toEqual(['AA11', 'AB22']));
    await user.clear(screen.getByRole('searchbox', { name: '搜索考号' }));
    await user.type(screen.getByRole('searchbox', { name: '搜索考号' }), 'zz');
    await waitFor(() => expect(codes()).toEqual([]));
    expect(screen.getByText('没有符合条件的考生')).toBeTruthy();
  });

  it('moves between candidates and members with the arrow keys, the side panel following', async () => {
    serve();
    renderInApp(<ChiefSlotDesk exam={CHIEF_EXAM} slot={slot} />);
    await loaded();
    table().focus();
    fireEvent.keyDown(table(), { key: 'ArrowDown' });
    await waitFor(() => expect(screen.getByTestId('sheet-panel').getAttribute('data-code')).toBe('AA11'));
    expect(screen.getByTestId('sheet-panel').getAttribute('data-member')).toBe('m-chief');
    fireEvent.keyDown(table(), { key: 'ArrowDown' });
    fireEvent.keyDown(table(), { key: 'ArrowRight' });
    await waitFor(() => expect(screen.getByTestId('sheet-panel').getAttribute('data-code')).toBe('AB22'));
    expect(screen.getByTestId('sheet-panel').getAttribute('data-member')).toBe('m-wang');
    expect(cellOf('AB22', 'm-wang').getAttribute('aria-pressed')).toBe('true');
    expect(within(screen.getByTestId('sheet-panel')).getByTestId('sheet-state').textContent).toBe('已接收');
    fireEvent.keyDown(table(), { key: 'End' });
    await waitFor(() => expect(screen.getByTestId('sheet-panel').getAttribute('data-code')).toBe('CC33'));
  });

  it('shows a refused matrix in words, and no sign-off reason for a matrix it does not have', async () => {
    fakeExaminer.handle('chief.getMatrix', () => {
      throw new ContractFailure('forbidden', 'not a chief');
    });
    fakeExaminer.handle('chief.getRoomLog', () => ({ slotId: SLOT_ID, entries: [] }));
    renderInApp(<ChiefSlotDesk exam={CHIEF_EXAM} slot={slot} />);
    expect((await screen.findByTestId('chief-error')).textContent).toBe('无权执行此操作。');
    expect(screen.getByTestId('sign-off').hasAttribute('disabled')).toBe(true);
    expect(screen.queryByTestId('sign-off-blocked')).toBeNull();
  });

  it('speaks English when chosen', async () => {
    serve();
    await i18next.changeLanguage('en');
    try {
      renderInApp(<ChiefSlotDesk exam={CHIEF_EXAM} slot={slot} />);
      await loaded();
      expect(cellOf('CC33', 'm-wang').textContent).toBe('Saved');
      expect(cellOf('AA11', 'm-zhao').textContent).toBe('Recused');
      expect(within(cellOf('AB22', 'm-zhao')).getByTestId('mark-flagged').textContent).toBe('⚠ Off by 12');
      expect(screen.getByRole('columnheader', { name: '刘主任 (you)' })).toBeTruthy();
      expect(screen.getByTestId('matrix-count').textContent).toBe('Showing 3 of 3 candidates');
    } finally {
      await i18next.changeLanguage('zh-CN');
    }
  });
});
