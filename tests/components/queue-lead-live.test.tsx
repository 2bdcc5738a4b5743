import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { ContractFailure } from '@common/contract';
import type { Exam, QueueEntry } from '@common/platform';
import { closeLiveInterview } from '../../renderer/src/live/open-interview';
import { NO_FILTER } from '../../renderer/src/queue/filter-queue';
import { QueueView } from '../../renderer/src/queue/QueueView';
import { fakeExaminer } from './fake-examiner';
import { DANCE_ENTRIES, QUEUE_EXAM, VOCAL_ENTRIES } from './queue-fixtures';
import { renderInApp } from './render';

const fresh = { fetchedAt: '2026-05-01T01:00:00.000Z', fresh: true };

function examLedBy(isYou: boolean): Exam {
  return { ...QUEUE_EXAM, panels: QUEUE_EXAM.panels.map((panel) => ({ ...panel, lead: { displayName: '刘主任', isYou } })) };
}

function renderQueue(exam: Exam, slotIndex: number, entries: readonly QueueEntry[]) {
  const slot = exam.slots[slotIndex];
  if (!slot) throw new Error('no such slot in the fixture');
  fakeExaminer.handle('live.getQueue', ({ slotId }) => ({ queue: { slotId, entries: [...entries] }, freshness: fresh }));
  renderInApp(
    <QueueView exam={exam} slots={[slot]} liveSlots={exam.slots} slotChoice={slot.id} filter={NO_FILTER} onSlotChoice={() => undefined} onFilter={() => undefined} />,
  );
}

async function loaded(): Promise<void> {
  await waitFor(() => expect(screen.getByTestId('queue-table').getAttribute('data-loading')).toBe('false'));
}

const row = (entryId: string) => screen.getByTestId('queue-table').querySelector(`[data-row-key="${entryId}"]`) as HTMLElement;

beforeEach(() => {
  // No interview open: the address has no fragment.
  window.history.replaceState(null, '', '/');
});

describe('the queue: only the lead calls', () => {
  it('shows the others who leads, with calling disabled', async () => {
    renderQueue(examLedBy(false), 1, DANCE_ENTRIES);
    await loaded();
    expect((screen.getByTestId('call-next') as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId('queue-lead-hint').textContent).toBe('由主考 刘主任 叫号');
    const call = row('d1').querySelector('button') as HTMLButtonElement;
    expect(call.getAttribute('aria-label')).toBe('叫号：FA66-WAIT');
    expect(call.disabled).toBe(true);

    // Enter on a waiting candidate calls nobody; the entry panel offers no lead action.
    const user = userEvent.setup();
    screen.getByTestId('queue-table').focus();
    await user.keyboard('{ArrowDown}');
    await waitFor(() => expect(screen.getByTestId('entry-panel').getAttribute('data-entry-id')).toBe('d1'));
    await user.keyboard('{Enter}');
    expect(fakeExaminer.callsOf('live.call')).toEqual([]);
    expect(screen.queryByTestId('entry-lead-actions')).toBeNull();
    expect(screen.getByTestId('entry-lead-hint').textContent).toBe('由主考 刘主任 叫号');
  });

  it('gives the lead the calls and the moves of a waiting candidate', async () => {
    renderQueue(examLedBy(true), 1, DANCE_ENTRIES);
    await loaded();
    expect((screen.getByTestId('call-next') as HTMLButtonElement).disabled).toBe(false);
    expect(screen.queryByTestId('queue-lead-hint')).toBeNull();
    expect((row('d1').querySelector('button') as HTMLButtonElement).disabled).toBe(false);

    fakeExaminer.handle('live.move', () => ({ ...(DANCE_ENTRIES[0] as QueueEntry), order: 2, revision: 2 }));
    const user = userEvent.setup();
    screen.getByTestId('queue-table').focus();
    await user.keyboard('{ArrowDown}');
    await user.click(await screen.findByTestId('move-to-end'));
    await waitFor(() => expect(fakeExaminer.callsOf('live.move')).toEqual([{ slotId: 'slot-dance', entryId: 'd1', move: { to: 'end' } }]));
    await user.click(screen.getByTestId('move-later'));
    await waitFor(() => expect(fakeExaminer.callsOf('live.move')).toHaveLength(2));
    expect(fakeExaminer.callsOf('live.move')[1]).toEqual({ slotId: 'slot-dance', entryId: 'd1', move: { to: 'later', places: 1 } });
  });

  it('shows a refusal of the platform (not_lead) as its sentence', async () => {
    renderQueue(examLedBy(true), 1, DANCE_ENTRIES);
    await loaded();
    fakeExaminer.handle('live.callNext', () => {
      throw new ContractFailure('not_lead', 'only the panel lead calls');
    });
    await userEvent.setup().click(screen.getByTestId('call-next'));
    expect(await screen.findByText('只有主考可以执行此操作。')).toBeTruthy();
  });
});

describe('the queue: every member goes into the room the lead opens', () => {
  it('opens the interview a lead called, and not again once this examiner closed it', async () => {
    renderQueue(examLedBy(false), 1, DANCE_ENTRIES);
    await loaded();
    expect(window.location.hash).toBe('');
    act(() => fakeExaminer.emit('live.queueEntry', { ...(DANCE_ENTRIES[0] as QueueEntry), state: 'called', revision: 2 }));
    await waitFor(() => expect(window.location.hash).toBe('#/interview/slot-dance/d1'));

    act(() => closeLiveInterview());
    expect(window.location.hash).toBe('');
    act(() => fakeExaminer.emit('live.queueEntry', { ...(DANCE_ENTRIES[0] as QueueEntry), state: 'in_room', revision: 3 }));
    await waitFor(() => expect(screen.getByTestId('queue-table').getAttribute('data-applied')).toBe('2'));
    expect(window.location.hash).toBe('');
  });

  it('joins an interview already running when the queue opens', async () => {
    renderQueue(examLedBy(false), 0, VOCAL_ENTRIES);
    await loaded();
    await waitFor(() => expect(window.location.hash).toBe('#/interview/slot-vocal/e2'));
  });
});
