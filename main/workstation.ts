import type { HostKind } from '@common/contract';
import { EventHub } from './contract/event-hub';
import { createDispatcher, type Dispatch } from './contract/dispatcher';
import type { WorkstationConfig } from './config';
import type { Logger } from './log';
import { PlatformClient } from './platform/client';
import { PlatformHealthMonitor } from './services/health';
import { SessionService } from './services/session';
import { APP_NAME, APP_VERSION } from './version';

export interface Workstation {
  readonly dispatch: Dispatch;
  readonly events: EventHub;
  readonly health: PlatformHealthMonitor;
  start(): void;
  stop(): void;
}

export interface WorkstationOptions {
  readonly host: HostKind;
  readonly config: WorkstationConfig;
  readonly log: Logger;
  readonly healthIntervalMs?: { online: number; offline: number };
}

/**
 * The workstation's back end, independent of its host: the same object runs inside Electron's
 * main process and inside the plain-Node browser host. Transports only call `dispatch` and
 * subscribe to `events`.
 */
export function createWorkstation(options: WorkstationOptions): Workstation {
  const { config, log } = options;
  const events = new EventHub(log);
  const client = new PlatformClient(config.platformUrl);
  const health = new PlatformHealthMonitor(client, events, {
    ...(options.healthIntervalMs && {
      onlineIntervalMs: options.healthIntervalMs.online,
      offlineIntervalMs: options.healthIntervalMs.offline,
    }),
  });
  const session = new SessionService(client, events);

  const dispatch = createDispatcher(
    {
      'app.getInfo': () => ({
        name: APP_NAME,
        version: APP_VERSION,
        host: options.host,
        platformOrigin: client.origin,
        demo: config.demo,
      }),
      'platform.getHealth': () => (health.current.checkedAt === null ? health.check() : health.current),
      'platform.checkNow': () => health.check(),
      'session.get': () => session.session,
      'session.login': (input) => session.login(input),
      'session.logout': () => {
        session.logout();
        return null;
      },
    },
    log,
  );

  return {
    dispatch,
    events,
    health,
    start: () => health.start(),
    stop: () => {
      health.stop();
      session.dispose();
    },
  };
}
