import { join } from 'node:path';
import type { mediaCommands } from '@common/contract/media-commands';
import { AssignmentList } from '@common/platform';
import type { EventHub } from '../contract/event-hub';
import type { Handlers } from '../contract/dispatcher';
import { DownloadService, type DownloadOptions } from '../downloads/download-service';
import { EVIDENCE_DIR } from '../evidence/evidence-service';
import type { Logger } from '../log';
import { RecordingCache, MediaCacheFolder } from '../recording-cache';
import { resolveFfmpegTools } from '../../node-shared/media/binaries';
import { MediaLibrary } from '../media/media-library';
import { MediaService, type MediaOptions } from '../media/media-service';
import { BELOW_NORMAL_PRIORITY, FfmpegRunner } from '../../node-shared/media/runner';
import type { PlatformCache } from '../services/platform-cache';
import type { PlatformHealthMonitor } from '../services/platform-health-monitor';
import type { SessionService } from '../services/session-service';
import type { Store } from '../store/connection';

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
  /** The media cache's rows and files (main/recording-cache): the one writer of both. */
  readonly recordingCache: RecordingCache;
  readonly downloads: DownloadService;
  readonly media: MediaService;
  readonly runner: FfmpegRunner;
  /** Media ids to files, for the browser host's /media route and the Electron protocol. */
  readonly library: MediaLibrary;
  readonly handlers: Pick<Handlers, keyof typeof mediaCommands>;
  start(): void;
  stop(): void;
}

/**
 * The media cache, the downloads into it and the media jobs on it, wired together: neither
 * main/downloads nor main/media imports the other; both hear from the cache (a recording ready,
 * removed, found unreadable). workstation.ts only spreads `handlers` and calls start/stop.
 */
export function createMediaStack(deps: MediaStackDeps, options: MediaStackOptions = {}): MediaStack {
  const folder = new MediaCacheFolder(deps.dataDir);
  const recordingCache = new RecordingCache({ store: deps.store, folder, log: deps.log, ...(options.downloads?.now ? { now: options.downloads.now } : {}) });
  const resourcesPath = (process as { resourcesPath?: string }).resourcesPath;
  // Below normal: the grader's player decodes on the same cores (RunnerOptions.priority).
  const runner = new FfmpegRunner(() => resolveFfmpegTools({ configuredPath: deps.ffmpegPath, resourcesPath }), deps.log, { priority: BELOW_NORMAL_PRIORITY });
  // An export's file name carries the candidate code, from the assignments main last had from the platform.
  const candidateCodeOf = (examinerId: string, assignmentId: string) =>
    deps.cache.peek(examinerId, 'assignments', 'all', AssignmentList)?.assignments.find((assignment) => assignment.assignmentId === assignmentId)?.candidateCode ?? null;
  // Media first: told of a removed recording, its jobs stop before the downloads say so to the renderer.
  const media = new MediaService(
    { store: deps.store, cache: recordingCache, runner, session: deps.session, events: deps.events, log: deps.log, candidateCodeOf },
    options.media,
  );
  const downloads = new DownloadService(
    {
      store: deps.store,
      cache: recordingCache,
      session: deps.session,
      platformCache: deps.cache,
      health: deps.health,
      origin: deps.origin,
      events: deps.events,
      log: deps.log,
      evidenceDir: join(deps.dataDir, EVIDENCE_DIR),
    },
    options.downloads,
  );
  const library = new MediaLibrary(recordingCache, deps.session);

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
    recordingCache,
    downloads,
    media,
    runner,
    library,
    handlers,
    start: () => {
      recordingCache.start();
      downloads.start();
    },
    stop: () => {
      media.stop();
      downloads.stop();
      recordingCache.stop();
    },
  };
}
