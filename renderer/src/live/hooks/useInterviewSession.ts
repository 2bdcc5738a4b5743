import { useEffect, useState, useSyncExternalStore } from 'react';
import type { QueueEntry } from '@common/contract';
import type { RoomState } from '@common/platform';
import { examiner } from '../../bridge';
import { exposeForTests } from '../diagnostics';
import { InterviewSession, type SessionSnapshot } from '../session/interview-session';
import { contractSignaling } from '../session/signaling';

/**
 * The interview's media session for one entry: created once, opened while the interview is on
 * screen, told every change of the entry; its snapshot re-renders the panels.
 */
export function useInterviewSession(
  entryId: string,
  entry: QueueEntry | null | undefined,
  room: RoomState | null,
): { session: InterviewSession; feeds: SessionSnapshot } {
  const [session] = useState(() => new InterviewSession({ entryId, signaling: contractSignaling(), probe: window.__examinerLiveProbe === true }));
  useEffect(() => {
    session.open();
    const unexpose = exposeForTests(session, entryId);
    return () => {
      unexpose();
      void session.close();
    };
  }, [session, entryId]);
  useEffect(() => {
    session.sync(entry ?? null);
  }, [session, entry]);
  useEffect(() => {
    if (room) session.setRoom(room);
  }, [session, room]);
  // A new realtime socket in main: the platform dropped this examiner's peers with the old one.
  useEffect(() => {
    let previous: string | null = null;
    return examiner().on('live.connection', (connection) => {
      if (connection.state === 'connected' && previous !== null && previous !== 'connected') session.renew();
      previous = connection.state;
    });
  }, [session]);
  const feeds = useSyncExternalStore(session.subscribe, session.getSnapshot);
  return { session, feeds };
}
