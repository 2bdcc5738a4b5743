import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { QueueEntry, RoomMember, RoomState } from '@common/platform';
import { LeadControls } from '../../renderer/src/live/ui/LeadControls';
import { RoomPanel } from '../../renderer/src/live/ui/RoomPanel';
import { entry } from './queue-fixtures';
import { renderInApp } from './render';

const member = (memberId: string, displayName: string, change: Partial<RoomMember> = {}): RoomMember => ({
  memberId,
  displayName,
  role: 'member',
  chief: false,
  present: true,
  submitted: false,
  talking: false,
  ...change,
});

/** A panel of four on the SFU route: 刘主任 leads; 王老师 has submitted, 李老师 is talking, 赵老师 has not come. */
const room = (change: Partial<RoomState> = {}): RoomState => ({
  entryId: 'e1',
  slotId: 'slot-vocal',
  route: 'sfu',
  routeReason: 'sfu',
  directCapacity: 3,
  epoch: 0,
  you: 'm-lead',
  lead: 'm-lead',
  members: [
    member('m-lead', '刘主任', { role: 'lead', chief: true }),
    member('m-wang', '王老师', { submitted: true }),
    member('m-li', '李老师', { talking: true }),
    member('m-zhao', '赵老师', { present: false }),
  ],
  extraSeconds: 0,
  revision: 7,
  iceServers: [],
  ...change,
});

const lines = () => screen.getAllByTestId('room-member');
const line = (name: string) => lines().find((element) => element.textContent?.includes(name)) as HTMLElement;

describe('the room panel', () => {
  it("shows the lead every member, who leads, who is present and talking, and who submitted — never a score", () => {
    renderInApp(<RoomPanel room={room()} />);
    expect(screen.getByTestId('room-panel').getAttribute('data-lead')).toBe('you');
    expect(lines().map((element) => element.getAttribute('data-member-id'))).toEqual(['m-lead', 'm-wang', 'm-li', 'm-zhao']);
    expect(within(line('刘主任')).getByTestId('room-member-lead').textContent).toBe('主考');
    expect(line('刘主任').textContent).toContain('（我）');
    expect(line('赵老师').getAttribute('data-present')).toBe('false');
    expect(within(line('李老师')).getByTestId('room-member-talking')).toBeTruthy();
    expect(within(line('王老师')).queryByTestId('room-member-talking')).toBeNull();
    expect(within(line('王老师')).getByTestId('room-member-submitted').textContent).toBe('✓');
    expect(within(line('李老师')).getByTestId('room-member-submitted').textContent).toBe('—');
    expect(screen.getByTestId('room-route').textContent).toBe('经SFU转发');
  });

  it('does not show a member who submitted: that is for the lead only', () => {
    renderInApp(<RoomPanel room={room({ you: 'm-wang' })} />);
    expect(screen.getByTestId('room-panel').getAttribute('data-lead')).toBe('other');
    expect(screen.queryAllByTestId('room-member-submitted')).toEqual([]);
    expect(line('王老师').hasAttribute('data-submitted')).toBe(false);
    expect(line('王老师').textContent).toContain('（我）');
    expect(within(line('刘主任')).getByTestId('room-member-lead')).toBeTruthy();
  });

  it('tells the lead plainly when the direct route cannot carry the panel', () => {
    renderInApp(<RoomPanel room={room({ route: 'direct', routeReason: 'sfu_not_installed' })} />);
    expect(screen.getByTestId('room-route').textContent).toBe('直连');
    expect(screen.getByTestId('room-direct-warning').textContent).toContain('直连最多支持3位评委，其余评委无法观看');
  });

  it('gives no warning for a panel the direct route carries, nor to a member', () => {
    const three = room({ route: 'direct', routeReason: 'sfu_unreachable' });
    const { unmount } = renderInApp(<RoomPanel room={{ ...three, members: three.members.slice(0, 3) }} />);
    expect(screen.queryByTestId('room-direct-warning')).toBeNull();
    unmount();
    renderInApp(<RoomPanel room={room({ route: 'direct', routeReason: 'sfu_not_installed', you: 'm-li' })} />);
    expect(screen.queryByTestId('room-direct-warning')).toBeNull();
  });

  it('says the room is being entered before its first state', () => {
    renderInApp(<RoomPanel room={null} />);
    expect(screen.getByTestId('room-panel').getAttribute('data-state')).toBe('joining');
    expect(screen.getByTestId('room-panel').textContent).toContain('正在进入考场');
  });
});

describe("the lead's controls", () => {
  const live: QueueEntry = entry('e1', 'slot-vocal', 'CC11-LIVE', 0, 'in_room', { devices: { main: true, side: true } });

  it('extends by 1, 2 or 5 minutes during the interview', async () => {
    const onAction = vi.fn();
    renderInApp(<LeadControls entry={live} busy={null} onAction={onAction} />);
    await userEvent.setup().click(screen.getByTestId('lead-extend-2'));
    expect(onAction).toHaveBeenCalledWith({ kind: 'extend', minutes: 2 });
    // A reason typed beside the buttons goes with the next extension, then the field is empty again.
    await userEvent.setup().type(screen.getByTestId('lead-extend-reason'), '网络中断后补时');
    await userEvent.setup().click(screen.getByTestId('lead-extend-5'));
    expect(onAction).toHaveBeenLastCalledWith({ kind: 'extend', minutes: 5, reason: '网络中断后补时' });
    expect((screen.getByTestId('lead-extend-reason') as HTMLInputElement).value).toBe('');
    expect(screen.getByTestId('lead-extend-1')).toBeTruthy();
    expect(screen.getByTestId('lead-extend-5')).toBeTruthy();
    expect(screen.queryByTestId('lead-mark-absent')).toBeNull();
    expect(screen.queryByTestId('lead-readmit')).toBeNull();
  });

  it('marks absent only before the candidate entered, after a confirmation', async () => {
    const onAction = vi.fn();
    const waiting = { ...live, state: 'waiting' as const };
    renderInApp(<LeadControls entry={waiting} busy={null} onAction={onAction} />);
    expect(screen.queryByTestId('lead-extend-1')).toBeNull();
    const user = userEvent.setup();
    await user.click(screen.getByTestId('lead-mark-absent'));
    expect(onAction).not.toHaveBeenCalled();
    // The confirmation's own button (the second of that name) confirms.
    await waitFor(() => expect(screen.getAllByRole('button', { name: '标记缺考' })).toHaveLength(2));
    await user.click(screen.getAllByRole('button', { name: '标记缺考' })[1] as HTMLElement);
    expect(onAction).toHaveBeenCalledWith({ kind: 'absent' });
  });

  it('lets a candidate failed by the interruption rule back in only with a reason', async () => {
    const onAction = vi.fn();
    const failed: QueueEntry = { ...live, state: 'failed', failureReason: 'too_many_interruptions' };
    renderInApp(<LeadControls entry={failed} busy={null} onAction={onAction} />);
    const user = userEvent.setup();
    await user.click(screen.getByTestId('lead-readmit'));
    const confirm = await screen.findByTestId('readmit-confirm');
    expect((confirm as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getByTestId('readmit-reason'), { target: { value: ' ' } });
    expect((screen.getByTestId('readmit-confirm') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getByTestId('readmit-reason'), { target: { value: '  考生家中断电，考务同意重新进入 ' } });
    await user.click(screen.getByTestId('readmit-confirm'));
    expect(onAction).toHaveBeenCalledWith({ kind: 'readmit', reason: '考生家中断电，考务同意重新进入' });
  });

  it('offers no readmission after a failed face verification', () => {
    const failed: QueueEntry = { ...live, state: 'failed', failureReason: 'face_verification' };
    renderInApp(<LeadControls entry={failed} busy={null} onAction={vi.fn()} />);
    expect(screen.queryByTestId('lead-readmit')).toBeNull();
  });
});
