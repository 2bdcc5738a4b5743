import type { HostKind } from '@common/contract';
import { createChiefArea } from './chief';
import type { WorkstationConfig } from './config';
import { createDispatcher, type Dispatch } from './contract/dispatcher';
import { EventHub } from './contract/event-hub';
import { createEvidenceArea, type EvidenceOptions, type EvidenceService } from './evidence';
import { createLiveArea } from './live';
import type { Logger } from './log';
import { createMediaStack, type MediaStackOptions } from './media-stack';
import type { MediaLookup } from './media/serve-media';
import type { SecretBox } from './services/credential-store';
import type { LiveServiceOptions } from './services/live-service';
import type { PlatformHealthMonitor } from './services/platform-health-monitor';
import type { StoreSpaceOptions } from './services/store-space-service';
import type { SyncOptions, SyncWorker } from './services/sync-worker';
import { createSessionArea } from './session';
import { createSheetsArea } from './sheets';
import type { Store } from './store/connection';
import { openStore } from './store/database';
import { Disposables } from './util/disposables';

export interface Workstation {
  readonly dispatch: Dispatch;
  readonly events: EventHub;
  readonly health: PlatformHealthMonitor;
  readonly sync: SyncWorker;
  readonly store: Store;
  /** Evidence recordings of live interviews (files by id for the review player). */
  readonly evidence: EvidenceService;
  /** Downloaded recordings and review artefacts by media id, for the /media route and the app:// protocol. */
  readonly media: MediaLookup;
  start(): void;
  stop(): void;
}

export interface WorkstationOptions {
  readonly host: HostKind;
  readonly config: WorkstationConfig;
  readonly log: Logger;
  /** Seals the token for storage; the browser host keeps it in memory only. */
  readonly secretBox?: SecretBox;
  readonly healthIntervalMs?: { online: number; offline: number };
  readonly sync?: SyncOptions;
  /** How often to back up the database (default 10 minutes). */
  readonly backupIntervalMs?: number;
  /** Downloads (concurrency, quota, purge) and media jobs (concurrency, time limits). */
  readonly media?: MediaStackOptions;
  /** Evidence recording's disk space rules (tests on a small disk). */
  readonly evidence?: EvidenceOptions;
  /** The realtime connection's heartbeat timing (tests make it shorter). */
  readonly live?: LiveServiceOptions;
  /** How often to try to make the disk space reserve again while the disk is full. */
  readonly storeSpace?: StoreSpaceOptions;
}

/**
 * The workstation's back end, independent of its host: the same object runs inside Electron's
 * main process and inside the plain-Node browser host. Transports only call `dispatch` and
 * subscribe to `events`. Each area (`main/<area>/index.ts`) wires its own services; this only
 * hands each what it needs from the others, and starts and stops them in order.
 */
export function createWorkstation(options: WorkstationOptions): Workstation {
  const { config, log } = options;
  const { dataDir } = config;
  const events = new EventHub(log);
  const opened = openStore(dataDir);
  const store = opened.store;
  const platform = createSessionArea({ host: options.host, config, store, events, secretBox: options.secretBox, healthIntervalMs: options.healthIntervalMs });
  const { client, session, health, cache } = platform;
  const sheets = createSheetsArea(
    { store, recovery: opened.recovery, dataDir, client, session, health, cache, events, log },
    { sync: options.sync, backupIntervalMs: options.backupIntervalMs, storeSpace: options.storeSpace },
  );
  const live = createLiveArea({ client, session, health, cache, events, log, locks: sheets.locks, sheets: sheets.sheets }, options.live);
  const media = createMediaStack(
    { store, dataDir: config.dataDir, ffmpegPath: config.ffmpegPath ?? null, session, cache, health, origin: client.origin, events, log },
    {
      ...options.media,
      downloads: {
        ...(config.mediaCacheGiB === undefined ? {} : { quotaBytes: Math.round(config.mediaCacheGiB * 2 ** 30) }),
        ...(config.purgeAfterDays === undefined ? {} : { purgeAfterDueDays: config.purgeAfterDays }),
        ...options.media?.downloads,
      },
    },
  );
  const evidence = createEvidenceArea({ store, session, cache, events, log, dataDir, runner: media.runner }, options.evidence);
  const chief = createChiefArea({ dataDir, client, session, cache, log });

  // Started in this order, stopped in the reverse, the store closed last: no download, ffmpeg job or timer outlives it.
  const areas = [platform, sheets, live, evidence, media, chief];
  const teardown = new Disposables();
  teardown.add(() => store.close(), ...areas.map((area) => () => area.stop()));
  const dispatch = createDispatcher(
    { ...platform.handlers, ...sheets.handlers, ...live.handlers, ...evidence.handlers, ...media.handlers, ...chief.handlers },
    log,
  );
  return {
    dispatch,
    events,
    health,
    sync: sheets.sync,
    store,
    evidence: evidence.evidence,
    // Evidence recordings open in the review player like downloaded recordings, by media id; the
    // chief's results files are saved from the same route (as downloads).
    media: { lookup: (mediaId) => media.library.lookup(mediaId) ?? evidence.evidence.lookup(mediaId) ?? chief.files.lookup(mediaId) },
    start: () => {
      for (const area of areas) area.start();
    },
    stop: () => teardown.dispose(),
  };
}
