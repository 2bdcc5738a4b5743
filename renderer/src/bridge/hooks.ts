import { useEffect, useState } from 'react';
import type { EventName, EventPayload } from '@common/contract';
import { examiner } from './index';

/**
 * The latest value of something main knows: loaded once with a command, then kept current by
 * its event. `undefined` until the first answer arrives.
 */
export function useLiveValue<N extends EventName>(
  event: N,
  load: () => Promise<EventPayload<N> | undefined>,
): EventPayload<N> | undefined {
  const [value, setValue] = useState<EventPayload<N> | undefined>(undefined);
  useEffect(() => {
    let live = true;
    const off = examiner().on(event, (payload) => {
      if (live) setValue(() => payload);
    });
    void load().then((loaded) => {
      if (live && loaded !== undefined) setValue((current) => (current === undefined ? loaded : current));
    });
    return () => {
      live = false;
      off();
    };
    // `load` is a fresh closure each render; the subscription depends only on the event.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [event]);
  return value;
}
