import type { EventHub } from '../contract/event-hub';
import type { Logger } from '../log';
import type { FfmpegRunner } from '../../node-shared/media/runner';
import type { PlatformCache } from '../services/platform-cache';
import type { SessionService } from '../services/session-service';
import type { Store } from '../store/connection';
import type { Area, CommandsOf } from '../util/area';
import { EvidenceService, type EvidenceOptions } from './evidence-service';
import { EvidenceMedia } from './remux';

export { EvidenceService, EVIDENCE_DIR, type EvidenceFile, type EvidenceOptions } from './evidence-service';

export interface EvidenceDeps {
  readonly store: Store;
  readonly session: SessionService;
  readonly cache: PlatformCache;
  readonly events: EventHub;
  readonly log: Logger;
  readonly dataDir: string;
  /** The workstation's one ffmpeg runner (main/media), shared with the review's media jobs. */
  readonly runner: FfmpegRunner;
}

export interface EvidenceArea extends Area<CommandsOf<'evidence'>> {
  /** Evidence files by media id, for the review player (workstation.ts puts them beside the media library's). */
  readonly evidence: EvidenceService;
}

/** Evidence recordings of live interviews: ffmpeg through the workstation's one runner; unfinished ones are recovered at start. */
export function createEvidenceArea(deps: EvidenceDeps, options: EvidenceOptions = {}): EvidenceArea {
  const { runner, ...rest } = deps;
  const evidence = new EvidenceService({ ...rest, media: new EvidenceMedia(runner) }, options);
  return {
    evidence,
    handlers: {
      'evidence.start': (input) => evidence.start(input),
      'evidence.chunk': (input) => evidence.chunk(input),
      'evidence.finish': ({ recordingId }) => evidence.finish(recordingId),
      'evidence.list': ({ assignmentId }) => ({ recordings: evidence.list(assignmentId) }),
    },
    start: () => void evidence.recover(),
    stop: () => void evidence.stop(),
  };
}
