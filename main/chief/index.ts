import type { Handlers } from '../contract/dispatcher';
import type { ChiefService } from './service';

export { ChiefService } from './service';
export { ResultsFiles } from './results-files';

type ChiefHandlers = Pick<Handlers, `chief.${string}` & keyof Handlers>;

/** The chief examiner's desk commands (common/contract/chief-commands.ts), each through the chief service. */
export function chiefHandlers(chief: ChiefService): ChiefHandlers {
  return {
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
  };
}
