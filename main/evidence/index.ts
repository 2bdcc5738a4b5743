import type { EventHub } from '../contract/event-hub';
import type { Logger } from '../log';
import type { PlatformCache } from '../services/cache';
import type { SessionService } from '../services/session';
import type { Store } from '../store/connection';
import { EvidenceService } from './evidence-service';
import { resolveEvidenceTools, type EvidenceTools } from './ffmpeg-tools';
import { ToolRunner } from './remux';

export { EvidenceService, EVIDENCE_DIR, type EvidenceFile } from './evidence-service';

export interface EvidenceDeps {
  readonly store: Store;
  readonly session: SessionService;
  readonly cache: PlatformCache;
  readonly events: EventHub;
  readonly log: Logger;
  readonly dataDir: string;
}

/** The evidence service with ffmpeg and ffprobe found on first use (and found again after a failure). */
export function createEvidenceService(deps: EvidenceDeps): EvidenceService {
  let tools: EvidenceTools | null = null;
  const runner = new ToolRunner(() => (tools ??= resolveEvidenceTools()), deps.log);
  return new EvidenceService(deps.store, deps.session, deps.cache, runner, deps.events, deps.log, deps.dataDir);
}
