import { act, render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Device } from '@common/platform';
import { useFeed } from '../../renderer/src/live/hooks/useInterviewSession';
import { InterviewSession } from '../../renderer/src/live/session/interview-session';
import type { Signaling } from '../../renderer/src/live/session/signaling';

/**
 * A feed's snapshot changes a few times a second during an interview (its stats); what shows one
 * feed must re-render for that feed only, so that the rest of the interview (the score sheet the
 * examiner is typing in) stays still. A real session, never opened: no peers, only its state.
 */
const never = () => new Promise<never>(() => undefined);
const signaling = new Proxy({}, { get: () => never }) as unknown as Signaling;

function Probe({ session, device, renders }: { session: InterviewSession; device: Device; renders: Record<Device, number> }) {
  const feed = useFeed(session, device);
  renders[device]++;
  return <span data-testid={`muted-${device}`}>{String(feed.muted)}</span>;
}

describe('useFeed', () => {
  it("re-renders what shows a feed when that feed changes, and never for the other feed's changes", () => {
    const session = new InterviewSession({ entryId: 'e1', signaling, probe: false });
    const renders: Record<Device, number> = { main: 0, side: 0 };
    const view = render(
      <>
        <Probe session={session} device="main" renders={renders} />
        <Probe session={session} device="side" renders={renders} />
      </>,
    );
    const before = { ...renders };

    act(() => session.feeds.side.setMuted(true));
    expect(view.getByTestId('muted-side').textContent).toBe('true');
    expect(view.getByTestId('muted-main').textContent).toBe('false');
    expect(renders.side).toBe(before.side + 1);
    expect(renders.main).toBe(before.main);

    act(() => session.feeds.main.setMuted(true));
    expect(view.getByTestId('muted-main').textContent).toBe('true');
    expect(renders.main).toBe(before.main + 1);
    expect(renders.side).toBe(before.side + 1);

    // The same state again is no change: nothing re-renders.
    act(() => session.feeds.main.setMuted(true));
    expect(renders).toEqual({ main: before.main + 1, side: before.side + 1 });
  });
});
