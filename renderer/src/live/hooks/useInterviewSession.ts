import { useEffect, useState, useSyncExternalStore } from 'react';
import type { QueueEntry } from '@common/contract';
import type { Device, RoomState } from '@common/platform';
import { examiner } from '../../bridge';
import { exposeForTests } from '../diagnostics';
import type { FeedSnapshot } from '../session/feed-controller';
import type { RecorderStatus } from '../media/evidence-recorder';
import { InterviewSession } from '../session/interview-session';
import { contractSignaling } from '../session/signaling';

/**
 * The interview's media session for one entry: created once, opened while the interview is on
 * screen, told every change of the entry. Its snapshot changes a few times a second (each feed's
 * stats), so only the parts that show a feed subscribe to it (useFeed), never the whole interview:
 * the score sheet beside the feeds must stay quick to type in.
 */
export function useInterviewSession(
  entryId: string,
  entry: QueueEntry | null | undefined,
  room: RoomState | null,
): InterviewSession {
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
  return session;
}

/** One feed's snapshot, re-rendering the caller when that feed changes (not the other). */
export function useFeed(session: InterviewSession, device: Device): FeedSnapshot {
  return useSyncExternalStore(session.subscribe, () => session.getSnapshot()[device]);
}

/** One feed's evidence recorder, re-rendering the caller only when that recorder changes. */
export function useRecorder(session: InterviewSession, device: Device): RecorderStatus | null {
  return useSyncExternalStore(session.subscribe, () => session.getSnapshot()[device].recorder);
}
