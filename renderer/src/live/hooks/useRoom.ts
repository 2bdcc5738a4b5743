import { useEffect, useState } from 'react';
import type { RoomState } from '@common/platform';
import { examiner } from '../../bridge';

/**
 * The panel room of one entry, as the platform pushes it (live.room, the highest revision
 * kept). The workstation is in the room while `inRoom` (the interview is on screen and the
 * candidate live): it joins with live.roomJoin — main joins again after every reconnect — and
 * leaves with live.roomLeave when the interview closes, which does not end the interview.
 */
export function useRoom(entryId: string, inRoom: boolean): RoomState | null {
  const [room, setRoom] = useState<RoomState | null>(null);

  useEffect(
    () =>
      examiner().on('live.room', (next) => {
        if (next.entryId !== entryId) return;
        setRoom((current) => (current && current.revision > next.revision ? current : next));
      }),
    [entryId],
  );

  useEffect(() => {
    if (!inRoom) return;
    const api = examiner();
    void api.invoke('live.roomJoin', { entryId });
    return () => {
      void api.invoke('live.roomLeave', { entryId });
    };
  }, [entryId, inRoom]);

  return room;
}
