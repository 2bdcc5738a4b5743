import type { EventHub } from '../contract/event-hub';
import type { Logger } from '../log';
import type { PlatformCache } from '../services/cache';
import type { SessionService } from '../services/session';
import type { Store } from '../store/connection';
import { EvidenceService, type EvidenceOptions } from './evidence-service';
import type { FfmpegRunner } from '../media/runner';
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

/** The evidence service, running ffmpeg through the workstation's one runner. */
export function createEvidenceService(deps: EvidenceDeps, options: EvidenceOptions = {}): EvidenceService {
  return new EvidenceService(deps.store, deps.session, deps.cache, new EvidenceMedia(deps.runner), deps.events, deps.log, deps.dataDir, options);
}
