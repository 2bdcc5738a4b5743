import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ContractFailure, type ChiefMatrixInput } from '@common/contract';
import type { MatrixRow, ScoreMatrix } from '@common/platform/chief';
import { ChiefSlotDesk } from '../../renderer/src/chief/ChiefDesk';
import { FIRST_PAGE_ROWS, NEXT_PAGE_ROWS } from '../../renderer/src/chief/useChiefMatrix';
import { CHIEF_EXAM, fresh, matrix, MEMBERS, row, sheet, SLOT, SLOT_ID } from './chief-fixtures';
import { fakeExaminer } from './fake-examiner';
import { renderInApp } from './render';

/** A slot of `count` candidates, every sheet accepted (so it could be signed off once all are in). */
const TOTAL = FIRST_PAGE_ROWS + NEXT_PAGE_ROWS + 50;
const codeOf = (index: number) => `C${String(index + 1).padStart(4, '0')}`;
const complete = (index: number): MatrixRow =>
  row(
    index + 1,
    codeOf(index),
    MEMBERS.map((member) => sheet(codeOf(index), member.memberId, 'accepted', { total: 80, acceptedAt: '2026-05-01T02:00:00.000Z' })),
    80,
  );
const ALL = Array.from({ length: TOTAL }, (_unused, index) => complete(index));

const pageOf = (offset: number, limit: number): ScoreMatrix => ({
  ...matrix(ALL.slice(offset, offset + limit)),
  page: { offset, limit, totalRows: TOTAL },
});

interface Held {
  readonly input: ChiefMatrixInput;
  answer(): void;
  fail(failure: unknown): void;
}

/** Serves pages of ALL, each held until the test answers it (in the order they were asked for). */
function serve() {
  const held: Held[] = [];
  fakeExaminer.handle('chief.getMatrix', (input: ChiefMatrixInput) => {
    return new Promise((resolve, reject) => {
      held.push({
        input,
        answer: () => resolve({ matrix: pageOf(input.offset ?? 0, input.limit ?? TOTAL), freshness: fresh }),
        fail: reject,
      });
    });
  });
  fakeExaminer.handle('chief.getRoomLog', () => ({ slotId: SLOT_ID, entries: [] }));
  const next = async (index: number): Promise<Held> => {
    await waitFor(() => expect(held.length).toBeGreaterThan(index));
    return held[index] as Held;
  };
  return { held, next };
}

const table = () => screen.getByTestId('matrix-table');
const count = () => screen.getByTestId('matrix-count').textContent;
const signOff = () => screen.getByTestId('sign-off');

describe("the chief's matrix, loaded in pages", () => {
  it('shows the first page before the rest arrives, counts what is loaded, and allows the sign-off only once every page is in', async () => {
    const { next } = serve();
    renderInApp(<ChiefSlotDesk exam={CHIEF_EXAM} slot={SLOT} />);
    const first = await next(0);
    expect(first.input).toEqual({ slotId: SLOT_ID, offset: 0, limit: FIRST_PAGE_ROWS });
    await act(async () => first.answer());
    await waitFor(() => expect(table().getAttribute('data-loading')).toBe('false'));
    expect(table().getAttribute('data-rows')).toBe(String(FIRST_PAGE_ROWS));
    expect(table().querySelector(`[data-row-key="${codeOf(0)}"]`)).not.toBeNull();
    expect(count()).toBe(`显示 200 / 已加载 200 / 共 1,250 名考生（加载中）`);
    expect(signOff().hasAttribute('disabled')).toBe(true);
    expect(screen.getByTestId('sign-off-blocked').textContent).toBe('矩阵仍在加载（已加载 200 / 1,250），加载完成后才能签署');

    // The rest, one page after another.
    const second = await next(1);
    expect(second.input).toEqual({ slotId: SLOT_ID, offset: FIRST_PAGE_ROWS, limit: NEXT_PAGE_ROWS });
    await act(async () => second.answer());
    await waitFor(() => expect(table().getAttribute('data-rows')).toBe(String(FIRST_PAGE_ROWS + NEXT_PAGE_ROWS)));
    expect(count()).toBe('显示 1200 / 已加载 1,200 / 共 1,250 名考生（加载中）');
    expect(signOff().hasAttribute('disabled')).toBe(true);
    const third = await next(2);
    expect(third.input).toEqual({ slotId: SLOT_ID, offset: FIRST_PAGE_ROWS + NEXT_PAGE_ROWS, limit: NEXT_PAGE_ROWS });
    await act(async () => third.answer());
    await waitFor(() => expect(table().getAttribute('data-rows')).toBe(String(TOTAL)));
    expect(count()).toBe('显示 1250 / 共 1250 名考生');
    await waitFor(() => expect(signOff().hasAttribute('disabled')).toBe(false));
    expect(screen.queryByTestId('sign-off-blocked')).toBeNull();
  });

  it('keeps a push that arrived before its page: a page never replaces a row already there', async () => {
    const { next } = serve();
    renderInApp(<ChiefSlotDesk exam={CHIEF_EXAM} slot={SLOT} />);
    await act(async () => (await next(0)).answer());
    await waitFor(() => expect(table().getAttribute('data-loading')).toBe('false'));
    // A row of the second page changes (one sheet back to submitted) before that page comes.
    const index = FIRST_PAGE_ROWS + 5;
    const code = codeOf(index);
    const pushed = row(index + 1, code, [sheet(code, 'm-chief', 'submitted'), ...complete(index).cells.slice(1)], 80);
    act(() => fakeExaminer.emit('chief.matrix', { slotId: SLOT_ID, rows: [pushed], signedOff: null }));
    await act(async () => (await next(1)).answer());
    await act(async () => (await next(2)).answer());
    await waitFor(() => expect(table().getAttribute('data-rows')).toBe(String(TOTAL)));
    // The push's version stands: one candidate not all accepted, and the sign-off says so.
    await waitFor(() => expect(screen.getByTestId('sign-off-blocked').textContent).toBe('还有 1 名考生的评分表未全部接收，不能签署'));
    fireEvent.click(screen.getByTestId('filter-not-accepted'));
    await waitFor(() => expect(table().getAttribute('data-rows')).toBe('1'));
    const cell = table().querySelector(`[data-testid="matrix-cell"][data-code="${code}"][data-member="m-chief"]`);
    expect(cell?.getAttribute('data-state')).toBe('submitted');
  });

  it('shows a page that failed with its error, and carries on from it on retry', async () => {
    const { next, held } = serve();
    renderInApp(<ChiefSlotDesk exam={CHIEF_EXAM} slot={SLOT} />);
    await act(async () => (await next(0)).answer());
    await act(async () => (await next(1)).fail(new ContractFailure('platform_unreachable', 'down')));
    await waitFor(() => expect(screen.getByTestId('matrix-page-error').textContent).toContain('矩阵其余部分未能加载：无法连接考试平台，请检查网络。'));
    expect(table().getAttribute('data-rows')).toBe(String(FIRST_PAGE_ROWS));
    expect(signOff().hasAttribute('disabled')).toBe(true);
    expect(held).toHaveLength(2);

    fireEvent.click(screen.getByTestId('matrix-page-retry'));
    const again = await next(2);
    expect(again.input).toEqual({ slotId: SLOT_ID, offset: FIRST_PAGE_ROWS, limit: NEXT_PAGE_ROWS });
    await waitFor(() => expect(screen.queryByTestId('matrix-page-error')).toBeNull());
    await act(async () => again.answer());
    await act(async () => (await next(3)).answer());
    await waitFor(() => expect(table().getAttribute('data-rows')).toBe(String(TOTAL)));
    await waitFor(() => expect(signOff().hasAttribute('disabled')).toBe(false));
  });

  it('stops asking for the old slot’s pages once the slot changes', async () => {
    const { next, held } = serve();
    const view = renderInApp(<ChiefSlotDesk exam={CHIEF_EXAM} slot={SLOT} />);
    await act(async () => (await next(0)).answer());
    const second = await next(1);
    view.unmount();
    await act(async () => second.answer());
    expect(held).toHaveLength(2);
  });
});
