import { join } from 'node:path';
import type { mediaCommands } from '@common/contract/media-commands';
import { AssignmentList } from '@common/platform';
import type { EventHub } from '../contract/event-hub';
import type { Handlers } from '../contract/dispatcher';
import { DownloadService, type DownloadOptions } from '../downloads/download-service';
import { EVIDENCE_DIR } from '../evidence/evidence-service';
import type { Logger } from '../log';
import type { PlatformCache } from '../services/cache';
import type { PlatformHealthMonitor } from '../services/health';
import type { SessionService } from '../services/session';
import type { Store } from '../store/connection';
import { resolveFfmpegTools } from './binaries';
import { MediaCacheFolder } from './cache-folder';
import { sweepMediaCache } from './cache-sweep';
import { MediaLibrary } from './media-library';
import { MediaService, type MediaOptions } from './media-service';
import { FfmpegRunner } from './runner';

export interface MediaStackOptions {
  readonly downloads?: DownloadOptions;
  readonly media?: MediaOptions;
}

export interface MediaStackDeps {
  readonly store: Store;
  readonly dataDir: string;
  /** --ffmpeg-path / EXAMINER_FFMPEG_PATH / config.json "ffmpegPath". */
  readonly ffmpegPath: string | null;
  readonly session: SessionService;
  readonly cache: PlatformCache;
  readonly health: PlatformHealthMonitor;
  readonly origin: string | null;
  readonly events: EventHub;
  readonly log: Logger;
}

export interface MediaStack {
  readonly downloads: DownloadService;
  readonly media: MediaService;
  readonly runner: FfmpegRunner;
  /** Media ids to files, for the browser host's /media route and the Electron protocol. */
  readonly library: MediaLibrary;
  readonly handlers: Pick<Handlers, keyof typeof mediaCommands>;
  start(): void;
  stop(): void;
}

/** Downloads, media jobs and media serving, wired together; workstation.ts only spreads `handlers` and calls start/stop. */
export function createMediaStack(deps: MediaStackDeps, options: MediaStackOptions = {}): MediaStack {
  const folder = new MediaCacheFolder(deps.dataDir);
  const resourcesPath = (process as { resourcesPath?: string }).resourcesPath;
  const runner = new FfmpegRunner(() => resolveFfmpegTools({ configuredPath: deps.ffmpegPath, resourcesPath }), deps.log);
  const mediaRef: { current: MediaService | null } = { current: null };
  const downloads = new DownloadService(
    {
      store: deps.store,
      folder,
      session: deps.session,
      cache: deps.cache,
      health: deps.health,
      origin: deps.origin,
      events: deps.events,
      log: deps.log,
      onRemoved: (recordingId) => mediaRef.current?.forget(recordingId),
      onReady: (recordingId) => mediaRef.current?.checkReadable(recordingId),
      evidenceDir: join(deps.dataDir, EVIDENCE_DIR),
    },
    options.downloads,
  );
  // An export's file name carries the candidate code, from the assignments main last had from the platform.
  const candidateCodeOf = (examinerId: string, assignmentId: string) =>
    deps.cache.peek(examinerId, 'assignments', 'all', AssignmentList)?.assignments.find((assignment) => assignment.assignmentId === assignmentId)?.candidateCode ?? null;
  const media = new MediaService(
    { store: deps.store, folder, runner, downloads, session: deps.session, events: deps.events, log: deps.log, candidateCodeOf },
    options.media,
  );
  mediaRef.current = media;
  const library = new MediaLibrary(deps.store, folder, deps.session);

  const handlers: MediaStack['handlers'] = {
    'recordings.overview': () => downloads.overview(),
    'recordings.state': ({ assignmentId }) => downloads.state(assignmentId),
    'recordings.download': ({ assignmentId }) => downloads.download(assignmentId),
    'recordings.pause': ({ assignmentId }) => downloads.pause(assignmentId),
    'recordings.resume': ({ assignmentId }) => downloads.resume(assignmentId),
    'recordings.cancel': ({ assignmentId }) => downloads.cancel(assignmentId),
    'media.prepare': (input) => media.prepare(input),
    'media.getAlignment': ({ assignmentId }) => media.alignment.get(assignmentId),
    'media.setAlignment': ({ assignmentId, offsetMs }) => media.alignment.set(assignmentId, offsetMs),
    'media.resetAlignment': ({ assignmentId }) => media.alignment.reset(assignmentId),
    'media.exportSideBySide': (input) => media.exportSideBySide(input),
    'media.exportClip': (input) => media.exportClip(input),
    'media.listExports': ({ assignmentId }) => media.listExports(assignmentId),
    'media.cancelJob': ({ jobId }) => {
      media.cancelJob(jobId);
      return null;
    },
  };

  return {
    downloads,
    media,
    runner,
    library,
    handlers,
    start: () => {
      folder.ensure();
      sweepMediaCache(deps.store, folder, deps.log);
      downloads.start();
    },
    stop: () => {
      media.stop();
      downloads.stop();
    },
  };
}
