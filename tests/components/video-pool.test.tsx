import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AssignmentRecordings } from '@common/contract';
import { cancelWarmSoon, clearVideoPool, give, INTENT_MS, knownRecordings, take, warm, warmCount, warmOpening, warmSoon } from '../../renderer/src/review/player/video-pool';

function recordings(assignmentId: string, ...mediaIds: (string | null)[]): AssignmentRecordings {
  return {
    assignmentId,
    state: 'ready',
    recordings: mediaIds.map((mediaId, index) => ({
      recordingId: `rec-${assignmentId}-${String(index)}`,
      angle: index === 0 ? 'main' : 'side',
      state: mediaId === null ? 'queued' : 'ready',
      bytesDone: 0,
      bytes: 100,
      mediaId,
      error: null,
    })),
  } as AssignmentRecordings;
}

describe('the video pool: elements loading before the player mounts', () => {
  afterEach(() => {
    clearVideoPool();
    vi.useRealTimers();
  });

  it('warms a row the grader rests on, not one passed over, and nothing twice once it is opened', () => {
    vi.useFakeTimers();
    warmSoon(recordings('passed', 'm-passed'));
    vi.advanceTimersByTime(INTENT_MS - 1);
    cancelWarmSoon();
    vi.advanceTimersByTime(INTENT_MS);
    expect(warmCount()).toBe(0);

    warmSoon(recordings('rested', 'm-main', 'm-side'));
    vi.advanceTimersByTime(INTENT_MS);
    expect(warmCount()).toBe(2);
    expect(knownRecordings('rested')?.assignmentId).toBe('rested');

    // Opened before the intent was clear: loaded once, by the open, and the player takes it.
    warmSoon(recordings('opened', 'm-opened'));
    warmOpening(recordings('opened', 'm-opened'));
    expect(take('m-opened').getAttribute('src')).toBe('/media/m-opened');
    vi.advanceTimersByTime(INTENT_MS);
    // Only the rested row's two: the intent did not load the taken file again.
    expect(warmCount()).toBe(2);
  });

  it('warms the downloaded angles of an opened exam, and the player adopts those very elements', () => {
    warm(recordings('a1', 'm-main', null));
    expect(warmCount()).toBe(1);
    expect(knownRecordings('a1')?.recordings[0]?.mediaId).toBe('m-main');
    const video = take('m-main');
    expect(video.getAttribute('src')).toBe('/media/m-main');
    expect(video.preload).toBe('metadata');
    expect(warmCount()).toBe(0);
    // Not warmed: a new element loading it.
    const fresh = take('m-other');
    expect(fresh).not.toBe(video);
    expect(fresh.getAttribute('src')).toBe('/media/m-other');
  });

  it('keeps an element the player lets go, paused at its start and muted, for the next open', () => {
    const video = take('m-main');
    document.body.append(video);
    video.muted = false;
    video.currentTime = 42;
    give('m-main', video);
    expect(video.isConnected).toBe(false);
    expect(video.muted).toBe(true);
    expect(video.currentTime).toBe(0);
    expect(take('m-main')).toBe(video);
  });

  it('lets the oldest go beyond four, and everything on clearing (signing out)', () => {
    const videos = ['m1', 'm2', 'm3', 'm4', 'm5'].map((mediaId) => [mediaId, take(mediaId)] as const);
    for (const [mediaId, video] of videos) give(mediaId, video);
    expect(warmCount()).toBe(4);
    // m1 went first: unloaded, and taking it again makes a new element.
    expect(videos[0]?.[1].hasAttribute('src')).toBe(false);
    expect(take('m1')).not.toBe(videos[0]?.[1]);
    expect(take('m2')).toBe(videos[1]?.[1]);
    warm(recordings('a1', 'm6'));
    clearVideoPool();
    expect(warmCount()).toBe(0);
    expect(videos[4]?.[1].hasAttribute('src')).toBe(false);
    expect(knownRecordings('a1')).toBeNull();
  });
});
