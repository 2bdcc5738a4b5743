import { act, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { StoreSpace } from '@common/contract';
import { StoreSpaceNotice } from '../../renderer/src/app/StoreSpaceNotice';
import { formatInZone, localTimeZone } from '../../renderer/src/format/time';
import { fakeExaminer } from './fake-examiner';
import { renderInApp } from './render';

const SPENT_AT = '2026-03-14T06:42:05.000Z';
const notice = () => screen.queryByTestId('store-space-notice');

function showing(initial: StoreSpace) {
  fakeExaminer.handle('store.getSpace', () => initial);
  renderInApp(<StoreSpaceNotice />);
}

describe('StoreSpaceNotice', () => {
  it('shows nothing while space is held back for scores', async () => {
    showing({ reserve: 'held', spentAt: null });
    await waitFor(() => expect(fakeExaminer.callsOf('store.getSpace')).toHaveLength(1));
    expect(notice()).toBeNull();
  });

  it('says the disk is full, in Chinese, when a score was saved from the reserve, and goes when the reserve is back', async () => {
    showing({ reserve: 'held', spentAt: null });
    await waitFor(() => expect(fakeExaminer.callsOf('store.getSpace')).toHaveLength(1));

    act(() => fakeExaminer.emit('store.space', { reserve: 'spent', spentAt: SPENT_AT }));
    const shown = await screen.findByTestId('store-space-notice');
    expect(shown.getAttribute('data-reserve')).toBe('spent');
    expect(shown.textContent).toContain('磁盘已满');
    expect(shown.textContent).toContain(`为评分预留的磁盘空间已于 ${formatInZone(SPENT_AT, 'clock', 'zh-CN', localTimeZone())} 启用，评分仍在保存`);
    expect(shown.textContent).toContain('请立即清理磁盘空间');

    act(() => fakeExaminer.emit('store.space', { reserve: 'held', spentAt: null }));
    await waitFor(() => expect(notice()).toBeNull());
  });

  it('warns, from the first answer, when the disk was too full to hold any space back', async () => {
    showing({ reserve: 'missing', spentAt: null });
    const shown = await screen.findByTestId('store-space-notice');
    expect(shown.getAttribute('data-reserve')).toBe('missing');
    expect(shown.textContent).toContain('磁盘空间即将用尽');
  });
});
