import type { EventHub } from '../contract/event-hub';
import type { Logger } from '../log';
import type { PlatformClient } from '../platform/client';
import type { PlatformCache } from './platform-cache';
import type { PlatformHealthMonitor } from './platform-health-monitor';
import type { SessionService } from './session-service';

/**
 * What every area that talks to the platform is given by the session area: the client, the
 * signed-in session, the connection's health, the cache of what the platform said last, the
 * events to the renderer and the log.
 */
export interface PlatformAccess {
  readonly client: PlatformClient;
  readonly session: SessionService;
  readonly health: PlatformHealthMonitor;
  readonly cache: PlatformCache;
  readonly events: EventHub;
  readonly log: Logger;
}
