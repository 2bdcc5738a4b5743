import type { Logger } from '../log';
import type { PlatformClient } from '../platform/client';
import type { PlatformCache } from '../services/platform-cache';
import type { SessionService } from '../services/session-service';
import type { Area, CommandsOf } from '../util/area';
import { ChiefService } from './chief-service';
import { ResultsFiles } from './results-files';

export { ChiefService } from './chief-service';
export { ResultsFiles } from './results-files';

export interface ChiefDeps {
  readonly dataDir: string;
  readonly client: PlatformClient;
  readonly session: SessionService;
  readonly cache: PlatformCache;
  readonly log: Logger;
}

export interface ChiefArea extends Area<CommandsOf<'chief'>> {
  /** The results files written, by media id (saved from /media and app:// as downloads). */
  readonly files: ResultsFiles;
}

/** The chief examiner's desk (common/contract/chief-commands.ts): each command through the chief service; old results files go at start. */
export function createChiefArea(deps: ChiefDeps): ChiefArea {
  const files = new ResultsFiles(deps.dataDir, deps.session);
  const chief = new ChiefService({ client: deps.client, session: deps.session, cache: deps.cache, files, log: deps.log });
  return {
    files,
    handlers: {
      'chief.getMatrix': ({ slotId, offset, limit }) => chief.getMatrix(slotId, offset, limit),
      'chief.lock': ({ assignmentId }) => chief.lock(assignmentId),
      'chief.unlock': ({ assignmentId, reason }) => chief.unlock(assignmentId, reason),
      'chief.requestReReview': ({ assignmentId, note }) => chief.requestReReview(assignmentId, note),
      'chief.getReReviews': ({ slotId }) => chief.getReReviews(slotId),
      'chief.signOff': ({ slotId }) => chief.signOff(slotId),
      'chief.getActions': ({ slotId }) => chief.getActions(slotId),
      'chief.getRoomLog': ({ slotId }) => chief.getRoomLog(slotId),
      'chief.getAuditFlags': () => chief.getAuditFlags(),
      'chief.recordRecusal': ({ slotId, ...body }) => chief.recordRecusal(slotId, body),
      'chief.createAnchor': (input) => chief.createAnchor(input),
      'chief.getCalibration': ({ examId, subjectId }) => chief.getCalibration(examId, subjectId),
      'chief.export': (input) => chief.export(input),
    },
    start: () => files.purge(),
    stop: () => undefined,
  };
}
