import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { AuditFlag } from '@common/platform/audit';
import { ChiefSlotDesk } from '../../renderer/src/chief/ChiefDesk';
import { CHIEF_EXAM, fresh, matrix, SLOT, SLOT_ID } from './chief-fixtures';
import { fakeExaminer } from './fake-examiner';
import { renderInApp } from './render';

const hash = (digit: string) => digit.repeat(64);
const flag = (flagId: number, examinerId: string, reason: AuditFlag['reason'], assignmentIds: string[]): AuditFlag => ({
  flagId,
  examinerId,
  chain: 'c'.repeat(32),
  reason,
  witnessed: { seq: 41, hash: hash('a'), chain: 'c'.repeat(32), at: '2026-05-01T02:10:00.000Z' },
  claimed: { seq: 12, hash: hash('b') },
  assignmentIds,
  flaggedAt: '2026-05-01T02:30:00.000Z',
});

describe("the chief's audit flags", () => {
  it("lists this slot's members' flags only, naming the member, what happened and this slot's candidates", async () => {
    fakeExaminer.handle('chief.getMatrix', () => ({ matrix: matrix(), freshness: fresh }));
    fakeExaminer.handle('chief.getRoomLog', () => ({ slotId: SLOT_ID, entries: [] }));
    fakeExaminer.handle('chief.getAuditFlags', () => ({
      flags: [
        flag(1, 'm-wang', 'backwards', ['as-AB22-m-wang', 'as-elsewhere-1']),
        // Another panel's examiner: not this slot's business.
        flag(2, 'ex-other', 'fork', ['as-other']),
      ],
    }));
    const user = userEvent.setup();
    renderInApp(<ChiefSlotDesk exam={CHIEF_EXAM} slot={SLOT} />);
    await waitFor(() => expect(screen.getByTestId('matrix-table').getAttribute('data-loading')).toBe('false'));

    await user.click(within(screen.getByTestId('chief-views')).getByText('审计告警'));
    await waitFor(() => expect(screen.getByTestId('audit-flags').getAttribute('data-loading')).toBe('false'));
    const rows = screen.getAllByTestId('audit-flag');
    expect(rows).toHaveLength(1);
    const [only] = rows as [HTMLElement];
    expect(only.textContent).toContain('王老师');
    expect(within(only).getByTestId('audit-reason').textContent).toBe('审计链回退');
    expect(only.textContent).toContain('平台记录第 41 条');
    expect(only.textContent).toContain('本次声称第 12 条');
    expect(only.textContent).toContain('AB22');
    expect(only.textContent).toContain('另有 1 份不在本场次');
  });

  it('says so when nothing is flagged', async () => {
    fakeExaminer.handle('chief.getMatrix', () => ({ matrix: matrix(), freshness: fresh }));
    fakeExaminer.handle('chief.getRoomLog', () => ({ slotId: SLOT_ID, entries: [] }));
    fakeExaminer.handle('chief.getAuditFlags', () => ({ flags: [] }));
    const user = userEvent.setup();
    renderInApp(<ChiefSlotDesk exam={CHIEF_EXAM} slot={SLOT} />);
    await waitFor(() => expect(screen.getByTestId('matrix-table').getAttribute('data-loading')).toBe('false'));
    await user.click(within(screen.getByTestId('chief-views')).getByText('审计告警'));
    await waitFor(() => expect(screen.getByText('本场次评委的审计链没有异常')).toBeTruthy());
    expect(screen.queryAllByTestId('audit-flag')).toHaveLength(0);
  });
});
