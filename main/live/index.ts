import { ContractFailure } from '@common/contract';
import { LiveService, type LiveServiceOptions } from '../services/live-service';
import type { SheetLocks } from '../services/sheet-locks';
import type { SheetService } from '../services/sheet-service';
import type { Area, CommandsOf } from '../util/area';
import type { PlatformAccess } from '../services/platform-access';

export interface LiveDeps extends PlatformAccess {
  /** Where the platform's pushes of a chief's lock go (the sheets area's). */
  readonly locks: Pick<SheetLocks, 'apply' | 'refreshLocked'>;
  /** The sheets a re-review request opens again. */
  readonly sheets: Pick<SheetService, 'reopen'>;
}

/** The examiner's realtime side: the live queue, panel rooms and their signals, and the chief's re-review requests (which reopen a sheet). */
export function createLiveArea(deps: LiveDeps, options: LiveServiceOptions = {}): Area<CommandsOf<'live' | 'reReviews'> | 'sheets.reopen'> {
  const { locks, sheets, ...rest } = deps;
  const live = new LiveService({ ...rest, sheetLocks: locks }, options);
  // The renderer's calls that only relay: answered with null.
  const relay =
    <I>(call: (input: I) => void) =>
    (input: I): null => {
      call(input);
      return null;
    };
  return {
    handlers: {
      'live.getQueue': ({ slotId }) => live.getQueue(slotId),
      'live.call': ({ slotId, entryId }) => live.call(slotId, entryId),
      'live.callNext': ({ slotId }) => live.callNext(slotId),
      'live.finish': ({ slotId, entryId }) => live.finish(slotId, entryId),
      'live.markAbsent': ({ slotId, entryId }) => live.markAbsent(slotId, entryId),
      'live.extend': ({ slotId, entryId, minutes, reason }) => live.extend(slotId, entryId, minutes, reason),
      'live.readmit': ({ slotId, entryId, reason }) => live.readmit(slotId, entryId, reason),
      'live.move': ({ slotId, entryId, move }) => live.move(slotId, entryId, move),
      'live.roomLog': ({ slotId, entryId }) => live.roomLog(slotId, entryId),
      'live.roomJoin': relay(({ entryId }) => live.roomJoin(entryId)),
      'live.roomLeave': relay(({ entryId }) => live.roomLeave(entryId)),
      'live.feedSubscribe': relay((input) => live.feedSubscribe(input)),
      'live.voicePublish': relay((input) => live.voicePublish(input)),
      'live.talking': relay((input) => live.talking(input)),
      'live.peerClose': relay((input) => live.peerClose(input)),
      'live.signal': relay((signal) => live.signal(signal)),
      'live.prompt': relay(({ entryId, text }) => live.prompt(entryId, text)),
      'live.getConnection': () => live.connection(),
      'reReviews.list': () => live.reReviews(),
      'sheets.reopen': async ({ assignmentId }) => {
        const request = (await live.reReviews()).requests.find((candidate) => candidate.assignmentId === assignmentId);
        if (!request) throw new ContractFailure('not_found', 'no open re-review request for this sheet');
        return sheets.reopen(assignmentId, request.requestId);
      },
    },
    start: () => live.start(),
    stop: () => live.stop(),
  };
}
