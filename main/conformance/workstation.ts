import { EventHub } from '../contract/event-hub';
import type { Logger } from '../log';
import { PlatformClient } from '../platform/client';
import { PlatformHealthMonitor } from '../services/platform-health-monitor';
import { SessionService } from '../services/session-service';

/**
 * The workstation's own parts the check drives, built as main/session builds them (its client,
 * session, health monitor and event hub) but with no renderer and no keychain: the token stays
 * in memory and ends with the check.
 */
export interface CheckedWorkstation {
  readonly client: PlatformClient;
  readonly events: EventHub;
  readonly session: SessionService;
  readonly health: PlatformHealthMonitor;
  readonly log: Logger;
  /** What the workstation logged as warnings and errors, oldest first: the "got" of a failure it noticed first. */
  readonly complaints: readonly string[];
}

export function workstationFor(platformUrl: string): CheckedWorkstation {
  const complaints: string[] = [];
  const note = (message: string, fields?: Record<string, unknown>) => {
    complaints.push(fields === undefined ? message : `${message} ${JSON.stringify(fields)}`);
  };
  const log: Logger = { info: () => undefined, warn: note, error: note };
  const client = new PlatformClient(platformUrl);
  const events = new EventHub(log);
  return {
    client,
    events,
    session: new SessionService(client, events),
    health: new PlatformHealthMonitor(client, events, { timeoutMs: 8_000 }),
    log,
    complaints,
  };
}
