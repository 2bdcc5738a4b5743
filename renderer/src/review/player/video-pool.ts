import type { AssignmentRecordings } from '@common/contract';
import { mediaUrl } from './angle-source';

/**
 * Video elements that start loading before the player showing them mounts, and stay warm after
 * it leaves.
 *
 * Opening a recorded exam renders the grading view (player, controls, marks; the sheet follows
 * the first frames) before React puts a <video> in the page: a couple of hundred milliseconds on
 * a grader's laptop in which Chromium could already have been fetching the index and decoding the
 * first frame. So the queue warms an exam's downloaded files before the player needs them: the
 * next exam to score at idle time (`warm`), a row the pointer rests on (`warmSoon`), and the exam
 * the moment the grader opens it (`warmOpening`); the player adopts those elements (`take`)
 * instead of making new ones. An element the player lets go (`give`) is paused, put back to its
 * start and kept, so going back to the queue and opening the same exam again does not load it
 * afresh; at most KEPT are kept, the oldest let go first.
 *
 * An element here is never in the page and never plays: it only loads its index and first frame
 * (`preload="metadata"`). Not "auto": Chromium then buffers tens of megabytes of each file ahead
 * through the page's main thread, which starved the first open (the index of a 10-minute file read
 * 500 ms after the click) and the seeks after it; playing buffers as it needs. It is muted until
 * the player says otherwise.
 */
const KEPT = 4;

const kept = new Map<string, HTMLVideoElement>();

/** A new element loading a media id (the attributes the player needs are set by the player). */
function load(mediaId: string): HTMLVideoElement {
  const video = document.createElement('video');
  video.preload = 'metadata';
  video.muted = true;
  video.playsInline = true;
  video.src = mediaUrl(mediaId);
  video.dataset.mediaId = mediaId;
  return video;
}

/** Lets an element go for good: its file's connection and decoder are released. */
function unload(video: HTMLVideoElement): void {
  video.pause();
  video.removeAttribute('src');
  video.load();
}

function keep(mediaId: string, video: HTMLVideoElement): void {
  kept.delete(mediaId);
  kept.set(mediaId, video);
  while (kept.size > KEPT) {
    const [oldestId, oldest] = kept.entries().next().value as [string, HTMLVideoElement];
    kept.delete(oldestId);
    unload(oldest);
  }
}

/** The download state the queue had of the assignments it warmed, by assignment id (the newest few). */
const known = new Map<string, AssignmentRecordings>();

/**
 * Starts loading an assignment's downloaded recordings (those already warm stay as they are),
 * and keeps the download state the queue knew, for the player's first render (`knownRecordings`).
 */
export function warm(recordings: AssignmentRecordings): void {
  known.delete(recordings.assignmentId);
  known.set(recordings.assignmentId, recordings);
  while (known.size > KEPT) known.delete(known.keys().next().value as string);
  for (const recording of recordings.recordings) {
    if (recording.state !== 'ready' || recording.mediaId === null) continue;
    const mediaId = recording.mediaId;
    keep(mediaId, kept.get(mediaId) ?? load(mediaId));
  }
}

/** The grader opens an assignment: it warms now, and an intent still waiting would load again what the player is about to take. */
export function warmOpening(recordings: AssignmentRecordings): void {
  cancelWarmSoon();
  warm(recordings);
}

/** How long the pointer rests on a row, or the keyboard stays on it, before its files start loading. */
export const INTENT_MS = 120;

let intent: ReturnType<typeof setTimeout> | null = null;

/**
 * Warms an assignment the grader looks about to open: the pointer resting on its row, or the
 * keyboard choosing it. The index and first frames are then often here before the click, the
 * fraction of a second a first open otherwise spends loading them. Passing over rows warms
 * nothing; a new intent replaces the last.
 */
export function warmSoon(recordings: AssignmentRecordings): void {
  cancelWarmSoon();
  intent = setTimeout(() => {
    intent = null;
    warm(recordings);
  }, INTENT_MS);
}

/** The pointer left the row before the intent was clear. */
export function cancelWarmSoon(): void {
  if (intent !== null) clearTimeout(intent);
  intent = null;
}

/** What the queue knew of an assignment's downloads when it was opened (main's answer follows). */
export function knownRecordings(assignmentId: string): AssignmentRecordings | null {
  return known.get(assignmentId) ?? null;
}

/** The warm element of a media id, taken out of the pool, or a new one loading it. */
export function take(mediaId: string): HTMLVideoElement {
  const video = kept.get(mediaId);
  if (!video) return load(mediaId);
  kept.delete(mediaId);
  return video;
}

/**
 * An element the player no longer shows: back in the pool at its start, paused, unless it broke
 * (then it is let go, and a new one would load afresh).
 */
export function give(mediaId: string, video: HTMLVideoElement): void {
  video.remove();
  if (video.error !== null || kept.has(mediaId)) {
    unload(video);
    return;
  }
  video.pause();
  video.muted = true;
  if (video.currentTime !== 0) video.currentTime = 0;
  keep(mediaId, video);
}

/** Lets every element go (signing out: another examiner must not inherit them). */
export function clearVideoPool(): void {
  cancelWarmSoon();
  for (const video of kept.values()) unload(video);
  kept.clear();
  known.clear();
}

/** How many elements are warm (tests). */
export function warmCount(): number {
  return kept.size;
}
