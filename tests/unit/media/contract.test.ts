import { describe, expect, it } from 'vitest';
import { commands, events, ExportClipInput, ExportSideBySideInput, MediaJob, PrepareInput, RecordingArtefacts } from '@common/contract';
import { aggregateState } from '../../../main/downloads/recordings-state';

describe('media contract', () => {
  it('lists the media commands and events in the one contract', () => {
    for (const name of [
      'recordings.overview',
      'recordings.state',
      'recordings.download',
      'recordings.pause',
      'recordings.resume',
      'recordings.cancel',
      'media.prepare',
      'media.exportSideBySide',
      'media.exportClip',
      'media.cancelJob',
    ]) {
      expect(Object.hasOwn(commands, name)).toBe(true);
    }
    for (const name of ['recordings.progress', 'media.job', 'media.artefacts']) expect(Object.hasOwn(events, name)).toBe(true);
  });

  it('fills in the defaults of media.prepare and refuses unknown keys, paths and out-of-range numbers', () => {
    expect(PrepareInput.parse({ recordingId: 'rec-1' })).toEqual({ recordingId: 'rec-1', priority: 'now', tiles: 60, peaks: 1000 });
    for (const bad of [
      { recordingId: 'rec-1', path: '/etc/passwd' },
      { recordingId: '../../etc/passwd' },
      { recordingId: 'rec-1', tiles: 1000 },
      { recordingId: 'rec-1', peaks: 1.5 },
      { recordingId: 'rec-1', priority: 'urgent' },
    ]) {
      expect(PrepareInput.safeParse(bad).success).toBe(false);
    }
  });

  it('wants a clip to end after it starts, and an even export height', () => {
    expect(ExportClipInput.safeParse({ recordingId: 'r', startMs: 5000, endMs: 5000 }).success).toBe(false);
    expect(ExportClipInput.safeParse({ recordingId: 'r', startMs: 5000, endMs: 5001 }).success).toBe(true);
    expect(ExportSideBySideInput.parse({ assignmentId: 'a' })).toEqual({ assignmentId: 'a', height: 720 });
    expect(ExportSideBySideInput.safeParse({ assignmentId: 'a', height: 481 }).success).toBe(false);
  });

  it('describes artefacts as pending, ready or failed, and jobs with a sorted error', () => {
    const pending = { state: 'pending', jobId: 'j0123456789abcdef', progress: 0.5 };
    expect(
      RecordingArtefacts.safeParse({
        recordingId: 'rec-1',
        probe: pending,
        strip: { state: 'failed', error: { kind: 'corrupt_input', code: 'media_corrupt_input', message: 'moov atom not found' } },
        waveform: { state: 'ready', value: { kind: 'no_audio' } },
        playback: { state: 'ready', value: { kind: 'original', mediaId: 'm0123456789abcdef01234567' } },
      }).success,
    ).toBe(true);
    expect(
      MediaJob.safeParse({
        jobId: 'j0123456789abcdef',
        kind: 'proxy',
        priority: 'now',
        recordingId: 'rec-1',
        assignmentId: null,
        state: 'failed',
        progress: 0.3,
        result: null,
        error: { kind: 'cancelled', code: 'media_cancelled', message: 'cancelled' },
      }).success,
    ).toBe(true);
  });
});

describe("an assignment's download state is its least advanced recording's", () => {
  it.each([
    [['ready', 'ready'], 'ready'],
    [['ready', 'failed'], 'failed'],
    [['downloading', 'failed'], 'failed'],
    [['ready', 'downloading'], 'downloading'],
    [['verifying', 'queued'], 'verifying'],
    [['ready', 'queued'], 'queued'],
    [['paused', 'ready'], 'paused'],
    [['none', 'ready'], 'none'],
    [[], 'none'],
  ] as const)('%j → %s', (states, expected) => {
    expect(aggregateState(states)).toBe(expected);
  });
});
