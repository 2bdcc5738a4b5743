import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { QueueEntry } from '@common/platform';
import { NO_FILTER, type QueueFilter } from '../../renderer/src/queue/filter-queue';
import { LiveQueueScreen } from '../../renderer/src/queue/LiveQueueScreen';
import { QueueView } from '../../renderer/src/queue/QueueView';
import { fakeExaminer } from './fake-examiner';
import { DANCE_ENTRIES, QUEUE_EXAM, VOCAL_ENTRIES } from './queue-fixtures';
import { renderInApp } from './render';

/** This examiner leads the panel: the queue's calls are theirs (tests/components/queue-lead-live.test.tsx covers the others). */
const LEAD_EXAM = { ...QUEUE_EXAM, panels: QUEUE_EXAM.panels.map((panel) => ({ ...panel, lead: { displayName: '刘主任', isYou: true } })) };

const fresh = { fetchedAt: '2026-05-01T01:00:00.000Z', fresh: true };

function serveQueues() {
  fakeExaminer.handle('live.getQueue', ({ slotId }) => ({
    queue: { slotId, entries: [...(slotId === 'slot-vocal' ? VOCAL_ENTRIES : DANCE_ENTRIES)] },
    freshness: fresh,
  }));
}

/** The codes in the table, top to bottom. */
function shownCodes(): string[] {
  return [...screen.getByTestId('queue-table').querySelectorAll('[data-code]')].map((cell) => cell.getAttribute('data-code') ?? '');
}

async function loaded(): Promise<void> {
  await waitFor(() => expect(screen.getByTestId('queue-table').getAttribute('data-loading')).toBe('false'));
}

function renderView(filter: QueueFilter, slots = QUEUE_EXAM.slots) {
  serveQueues();
  renderInApp(
    <QueueView
      exam={LEAD_EXAM}
      slots={slots}
      liveSlots={QUEUE_EXAM.slots}
      slotChoice="all"
      filter={filter}
      onSlotChoice={() => undefined}
      onFilter={() => undefined}
    />,
  );
}

describe('the live queue view', () => {
  it('lists the candidates of a slot in appointment order, by code only', async () => {
    renderView(NO_FILTER, QUEUE_EXAM.slots.slice(0, 1));
    await loaded();
    expect(shownCodes()).toEqual(['AA11-DONE', 'AB22-ROOM', 'CC33-WAIT', 'DD44-SCHD', 'EE55-WAIT']);
    expect(screen.getByTestId('queue-count').textContent).toBe('显示 5 / 共 5 名考生');
  });

  it.each<{ name: string; filter: QueueFilter; codes: string[] }>([
    { name: 'by state', filter: { ...NO_FILTER, states: ['waiting'] }, codes: ['FA66-WAIT', 'CC33-WAIT', 'EE55-WAIT'] },
    { name: 'by several states', filter: { ...NO_FILTER, states: ['in_room', 'absent'] }, codes: ['AB22-ROOM', 'GB77-ABST'] },
    { name: 'by subject', filter: { ...NO_FILTER, subjectIds: ['dance'] }, codes: ['FA66-WAIT', 'GB77-ABST'] },
    { name: 'by part of a code, any case', filter: { ...NO_FILTER, code: ' ab' }, codes: ['AB22-ROOM', 'GB77-ABST'] },
    { name: 'by state, subject and code together', filter: { states: ['waiting'], subjectIds: ['vocal'], code: 'ee' }, codes: ['EE55-WAIT'] },
    { name: 'to nothing', filter: { ...NO_FILTER, code: 'ZZZ' }, codes: [] },
  ])('filters $name', async ({ filter, codes }) => {
    renderView(filter);
    await loaded();
    expect(shownCodes()).toEqual(codes);
    expect(screen.getByTestId('queue-count').textContent).toBe(`显示 ${codes.length} / 共 7 名考生`);
    if (codes.length === 0) expect(screen.getByText('没有符合条件的考生')).toBeTruthy();
  });

  it('searches by code and filters by state as the examiner types and picks', async () => {
    serveQueues();
    const user = userEvent.setup();
    renderInApp(<LiveQueueScreen exam={LEAD_EXAM} />);
    await loaded();
    await user.type(screen.getByRole('searchbox', { name: '搜索考号' }), 'wait');
    expect(shownCodes()).toEqual(['CC33-WAIT', 'EE55-WAIT']);
    await user.clear(screen.getByRole('searchbox', { name: '搜索考号' }));
    expect(shownCodes()).toHaveLength(5);

    // antd's Select opens on mouse down; its options are in a list of their own.
    fireEvent.mouseDown(screen.getByRole('combobox', { name: '状态' }));
    await user.click(await screen.findByTitle('面试中'));
    expect(shownCodes()).toEqual(['AB22-ROOM']);
  });

  it('applies pushed changes: newer revisions only, with the interruption countdown and count', async () => {
    renderView(NO_FILTER, QUEUE_EXAM.slots.slice(0, 1));
    await loaded();
    const room = VOCAL_ENTRIES.find((item) => item.entryId === 'e2') as QueueEntry;
    const interrupted: QueueEntry = { ...room, state: 'interrupted', interruptions: 2, interruptedAt: new Date(Date.now() - 30_000).toISOString(), revision: 5 };
    act(() => fakeExaminer.emit('live.queueEntry', interrupted));
    const row = () => screen.getByTestId('queue-table').querySelector('[data-row-key="e2"]') as HTMLElement;
    await waitFor(() => expect(within(row()).getByText('中断中')).toBeTruthy());
    expect(within(row()).getByTestId('interruption-count').textContent).toBe('2/3');
    // 2 minutes from 30 s ago: about 1:30 left, counting down.
    expect(within(row()).getByTestId('interruption-countdown').textContent).toMatch(/^1:(29|30)/);
    // An older revision arriving late changes nothing.
    act(() => fakeExaminer.emit('live.queueEntry', { ...room, state: 'in_room', revision: 4 }));
    act(() => fakeExaminer.emit('live.presence', { slotId: 'slot-vocal', entryId: 'e2', device: 'side', online: true }));
    await waitFor(() => expect(row().querySelector('[data-device="side"]')?.getAttribute('data-online')).toBe('true'));
    expect(within(row()).getByText('中断中')).toBeTruthy();
    expect(screen.getByTestId('queue-table').getAttribute('data-applied')).toBe('2');
  });

  it('moves with the arrow keys, calls the active waiting candidate with Enter, and marks their quick messages read', async () => {
    renderView(NO_FILTER, QUEUE_EXAM.slots.slice(0, 1));
    await loaded();
    fakeExaminer.handle('live.call', ({ entryId }) => ({ ...(VOCAL_ENTRIES.find((item) => item.entryId === entryId) as QueueEntry), state: 'called', revision: 2 }));
    act(() =>
      fakeExaminer.emit('live.quickMessage', {
        slotId: 'slot-vocal',
        entryId: 'e3',
        device: 'main',
        messageId: 'ready',
        text: { zh: '我已准备好', en: 'I am ready' },
        at: '2026-05-01T01:21:00.000Z',
      }),
    );
    const badge = () => screen.getByTestId('queue-table').querySelector('[data-row-key="e3"] [data-testid="unread-messages"]');
    await waitFor(() => expect(badge()?.getAttribute('data-unread')).toBe('1'));

    const user = userEvent.setup();
    screen.getByTestId('queue-table').focus();
    await user.keyboard('{ArrowDown}{ArrowDown}{ArrowDown}');
    expect(screen.getByTestId('entry-panel').getAttribute('data-entry-id')).toBe('e3');
    expect(within(screen.getByTestId('quick-messages')).getByText('我已准备好')).toBeTruthy();
    await waitFor(() => expect(badge()?.getAttribute('data-unread')).toBe('0'));

    await user.keyboard('{Enter}');
    await waitFor(() => expect(fakeExaminer.callsOf('live.call')).toEqual([{ slotId: 'slot-vocal', entryId: 'e3' }]));
    // Enter on a candidate who is not waiting calls nobody.
    await user.keyboard('{ArrowUp}{Enter}');
    expect(fakeExaminer.callsOf('live.call')).toHaveLength(1);
  });

  it('calls the next waiting candidate of the slot shown', async () => {
    renderView({ ...NO_FILTER, subjectIds: ['dance'] });
    await loaded();
    fakeExaminer.handle('live.callNext', () => ({ ...(DANCE_ENTRIES[0] as QueueEntry), state: 'called', revision: 2 }));
    await userEvent.setup().click(screen.getByTestId('call-next'));
    await waitFor(() => expect(fakeExaminer.callsOf('live.callNext')).toEqual([{ slotId: 'slot-dance' }]));
    await waitFor(() => expect(screen.getByTestId('entry-panel').getAttribute('data-entry-id')).toBe('d1'));
  });
});
