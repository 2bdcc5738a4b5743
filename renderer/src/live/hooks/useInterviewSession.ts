import { useEffect, useState, useSyncExternalStore } from 'react';
import type { QueueEntry } from '@common/contract';
import { exposeForTests } from '../diagnostics';
import { InterviewSession, type SessionSnapshot } from '../session/interview-session';
import { contractSignaling } from '../session/signaling';

/**
 * The interview's media session for one entry: created once, opened while the interview is on
 * screen, told every change of the entry; its snapshot re-renders the panels.
 */
export function useInterviewSession(entryId: string, entry: QueueEntry | null | undefined): { session: InterviewSession; feeds: SessionSnapshot } {
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
  const feeds = useSyncExternalStore(session.subscribe, session.getSnapshot);
  return { session, feeds };
}
