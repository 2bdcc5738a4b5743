import type { HostKind } from '@common/contract';
import { Exam, ExamList } from '@common/platform';
import type { WorkstationConfig } from '../config';
import type { EventHub } from '../contract/event-hub';
import { PlatformClient } from '../platform/client';
import { CredentialStore, memoryOnlyBox, type SecretBox } from '../services/credential-store';
import { PlatformCache } from '../services/platform-cache';
import { PlatformHealthMonitor } from '../services/platform-health-monitor';
import { SessionService } from '../services/session-service';
import type { Store } from '../store/connection';
import type { Area, CommandsOf } from '../util/area';
import { APP_NAME, APP_VERSION } from '../version';

export interface SessionDeps {
  readonly host: HostKind;
  readonly config: WorkstationConfig;
  readonly store: Store;
  readonly events: EventHub;
  /** Seals the token for storage; none: kept in memory only. */
  readonly secretBox?: SecretBox | undefined;
  readonly healthIntervalMs?: { online: number; offline: number } | undefined;
}

export interface SessionArea extends Area<'app.getInfo' | CommandsOf<'platform' | 'session' | 'exams'>> {
  /** What every other area reaches the platform through: its client, whether it answers, who is signed in, and what it said last. */
  readonly client: PlatformClient;
  readonly health: PlatformHealthMonitor;
  readonly session: SessionService;
  readonly cache: PlatformCache;
}

/** The platform and the examiner signed in to it: signed back in from stored credentials at once, the platform's health watched from start. */
export function createSessionArea(deps: SessionDeps): SessionArea {
  const { config, events } = deps;
  const client = new PlatformClient(config.platformUrl);
  const health = new PlatformHealthMonitor(client, events, {
    ...(deps.healthIntervalMs && { onlineIntervalMs: deps.healthIntervalMs.online, offlineIntervalMs: deps.healthIntervalMs.offline }),
  });
  const session = new SessionService(client, events, new CredentialStore(deps.store, deps.secretBox ?? memoryOnlyBox));
  session.restore();
  const cache = new PlatformCache(deps.store, client, session);
  return {
    client,
    health,
    session,
    cache,
    handlers: {
      'app.getInfo': () => ({ name: APP_NAME, version: APP_VERSION, host: deps.host, platformOrigin: client.origin, demo: config.demo }),
      'platform.getHealth': () => (health.current.checkedAt === null ? health.check() : health.current),
      'platform.checkNow': () => health.check(),
      'session.get': () => session.session,
      'session.login': (input) => session.login(input),
      'session.logout': () => {
        session.logout();
        return null;
      },
      'exams.list': async () => {
        const { data, freshness } = await cache.fetch('exams', 'all', '/exams', ExamList);
        return { exams: data.exams, freshness };
      },
      'exams.get': async ({ examId }) => {
        const { data, freshness } = await cache.fetch('exam', examId, `/exams/${encodeURIComponent(examId)}`, Exam);
        return { exam: data, freshness };
      },
    },
    start: () => health.start(),
    stop: () => {
      health.stop();
      session.dispose();
    },
  };
}
