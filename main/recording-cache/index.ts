export { MEDIA_CACHE_DIR, MediaCacheFolder, extensionFor, newMediaId, safeName, type CachePath } from './cache-folder';
export { CacheEvents, type CacheEventMap, type Removal, type RemovalReason } from './events';
export { RecordingCache, type RecordingCacheDeps } from './recording-cache';
export {
  errorOf,
  findArtefact,
  linksOfAssignment,
  linksOfRecording,
  newestArtefact,
  queuedRecordings,
  recordingRow,
  servableRow,
  type ArtefactRow,
  type LinkRow,
  type RecordingRow,
  type ServableRow,
} from './recording-rows';
