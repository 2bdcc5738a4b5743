import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { AssignmentRecordings, EvidenceRecording, RecordingArtefacts } from '@common/contract';
import type { Assignment, ReviewMark } from '@common/platform';
import { RecordingReview } from '../../renderer/src/review/player/RecordingReview';
import { fakeExaminer } from './fake-examiner';
import { MAIN_MEDIA, recordedAssignment, SIDE_MEDIA } from './recorded-fixtures';
import { renderInApp } from './render';

const recorded = recordedAssignment();
const liveAssignment: Assignment = { ...recorded, assignmentId: 'as-live-1', kind: 'live', entryId: 'q-1', recordings: [] };

function downloads(state: 'none' | 'ready'): AssignmentRecordings {
  const ready = state === 'ready';
  return {
    assignmentId: recorded.assignmentId,
    state,
    bytesDone: ready ? 1800 : 0,
    bytes: 1800,
    recordings: [
      { recordingId: 'rec-main', angle: 'main', state, bytesDone: ready ? 1000 : 0, bytes: 1000, mediaId: ready ? MAIN_MEDIA : null, error: null },
      { recordingId: 'rec-side', angle: 'side', state, bytesDone: ready ? 800 : 0, bytes: 800, mediaId: ready ? SIDE_MEDIA : null, error: null },
    ],
  };
}

const pending = { state: 'pending', jobId: null, progress: null } as const;
const unprobed = (recordingId: string): RecordingArtefacts => ({ recordingId, probe: pending, strip: pending, waveform: pending, playback: pending });

function evidence(device: 'main' | 'side', mediaId: string): EvidenceRecording {
  return {
    recordingId: `ev-${device}`,
    assignmentId: liveAssignment.assignmentId,
    device,
    mimeType: 'video/webm',
    state: 'finished',
    bytes: 5000,
    chunks: 3,
    startedAt: '2026-05-01T06:00:00.000Z',
    finishedAt: '2026-05-01T06:05:00.000Z',
    durationMs: 300_000,
    video: { codec: 'vp8', width: 640, height: 360 },
    audio: { codec: 'opus' },
    mediaId,
    recovered: false,
    error: null,
  };
}

const videoOf = (angle: 'main' | 'side') => document.querySelector<HTMLVideoElement>(`video[data-angle="${angle}"]`);

describe('the review player fed with an assignment', () => {
  it('says a recording is not downloaded, downloads it on request, and plays it by media id once it is here', async () => {
    fakeExaminer.handle('recordings.state', () => downloads('none'));
    fakeExaminer.handle('recordings.download', () => ({ ...downloads('none'), state: 'queued' }));
    fakeExaminer.handle('evidence.list', () => ({ recordings: [] }));
    fakeExaminer.handle('media.prepare', (input) => unprobed(input.recordingId));
    const user = userEvent.setup();
    // happy-dom decodes no frame: preparation is not held back for one here.
    renderInApp(<RecordingReview assignment={recorded} marks={[]} marksReadOnly={false} onMarksChange={() => undefined} prepareAtTheLatestMs={0} />);

    await waitFor(() => expect(screen.getByTestId('angle-main').getAttribute('data-state')).toBe('not_downloaded'));
    expect(screen.getByTestId('angle-main').textContent).toContain('录像尚未下载到本机');
    expect(videoOf('main')).toBeNull();
    await user.click(screen.getByRole('button', { name: '下载 考号 K7Q2-M9XA 的录像' }));
    expect(fakeExaminer.callsOf('recordings.download')).toEqual([{ assignmentId: recorded.assignmentId }]);

    fakeExaminer.emit('recordings.progress', downloads('ready'));
    await waitFor(() => expect(videoOf('main')?.getAttribute('src')).toBe(`/media/${MAIN_MEDIA}`));
    expect(videoOf('side')?.getAttribute('src')).toBe(`/media/${SIDE_MEDIA}`);
    // The side is heard through the main: it is muted.
    expect(videoOf('side')?.muted).toBe(true);
    expect(screen.getByTestId('export-side-by-side')).toHaveProperty('disabled', false);
    await waitFor(() => expect(fakeExaminer.callsOf('media.prepare')).toHaveLength(2));
    expect(fakeExaminer.callsOf('media.prepare').map((input) => [input.recordingId, input.priority]).sort()).toEqual([
      ['rec-main', 'now'],
      ['rec-side', 'now'],
    ]);
  });

  it('stops offering a recording ffmpeg found damaged, and says so in plain words', async () => {
    fakeExaminer.handle('recordings.state', () => downloads('ready'));
    fakeExaminer.handle('evidence.list', () => ({ recordings: [] }));
    const corrupt = { state: 'failed', error: { kind: 'corrupt_input', code: 'media_corrupt_input', message: 'moov atom not found' } } as const;
    fakeExaminer.handle('media.prepare', (input) =>
      input.recordingId === 'rec-main' ? { recordingId: 'rec-main', probe: corrupt, strip: corrupt, waveform: corrupt, playback: corrupt } : unprobed(input.recordingId),
    );
    // happy-dom decodes no frame, so preparation starts when its time is up: none here.
    renderInApp(<RecordingReview assignment={recorded} marks={[]} marksReadOnly={false} onMarksChange={() => undefined} prepareAtTheLatestMs={0} />);
    await waitFor(() => expect(screen.getByTestId('angle-main').getAttribute('data-state')).toBe('failed'));
    expect(screen.getByTestId('angle-main').textContent).toContain('录像文件已损坏、不完整或不是视频文件');
    expect(videoOf('main')).toBeNull();
    expect(videoOf('side')?.getAttribute('src')).toBe(`/media/${SIDE_MEDIA}`);
  });

  it('asks ffmpeg for the review artefacts once the player has settled, here because the browser refused a file', async () => {
    fakeExaminer.handle('recordings.state', () => downloads('ready'));
    fakeExaminer.handle('evidence.list', () => ({ recordings: [] }));
    fakeExaminer.handle('media.prepare', (input) => unprobed(input.recordingId));
    renderInApp(<RecordingReview assignment={recorded} marks={[]} marksReadOnly={false} onMarksChange={() => undefined} prepareAtTheLatestMs={600_000} />);
    await waitFor(() => expect(videoOf('main')).not.toBeNull());
    // The downloaded files load first: ffmpeg's jobs would compete with their first frames.
    expect(fakeExaminer.callsOf('media.prepare')).toHaveLength(0);
    fireEvent.error(videoOf('main') as HTMLVideoElement);
    await waitFor(() => expect(fakeExaminer.callsOf('media.prepare')).toHaveLength(2));
    expect(screen.getByTestId('angle-main').getAttribute('data-state')).toBe('preparing');
  });

  it('tells the grading view it may lay out the sheet: at once with nothing downloaded', async () => {
    fakeExaminer.handle('recordings.state', () => downloads('none'));
    fakeExaminer.handle('evidence.list', () => ({ recordings: [] }));
    const onReady = vi.fn();
    renderInApp(<RecordingReview assignment={recorded} marks={[]} marksReadOnly={false} onMarksChange={() => undefined} prepareAtTheLatestMs={600_000} onReady={onReady} />);
    await waitFor(() => expect(onReady).toHaveBeenCalledTimes(1));
    expect(screen.getByTestId('angle-main').getAttribute('data-state')).toBe('not_downloaded');
  });

  it('with downloaded files, only once both angles have their first frames', async () => {
    fakeExaminer.handle('recordings.state', () => downloads('ready'));
    fakeExaminer.handle('evidence.list', () => ({ recordings: [] }));
    fakeExaminer.handle('media.prepare', (input) => unprobed(input.recordingId));
    const onReady = vi.fn();
    renderInApp(<RecordingReview assignment={recorded} marks={[]} marksReadOnly={false} onMarksChange={() => undefined} prepareAtTheLatestMs={600_000} onReady={onReady} />);
    await waitFor(() => expect(videoOf('side')).not.toBeNull());
    // happy-dom decodes nothing: the frames are said to be here, one angle after the other.
    const main = videoOf('main') as HTMLVideoElement;
    const side = videoOf('side') as HTMLVideoElement;
    Object.defineProperty(main, 'readyState', { configurable: true, value: 2 });
    fireEvent(main, new Event('loadeddata'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(onReady).not.toHaveBeenCalled();
    Object.defineProperty(side, 'readyState', { configurable: true, value: 2 });
    fireEvent(side, new Event('loadeddata'));
    await waitFor(() => expect(onReady).toHaveBeenCalledTimes(1));
  });

  it("plays a live interview's evidence recordings, with no download controls", async () => {
    fakeExaminer.handle('recordings.state', () => ({ assignmentId: liveAssignment.assignmentId, state: 'none', bytesDone: 0, bytes: 0, recordings: [] }));
    fakeExaminer.handle('evidence.list', () => ({ recordings: [evidence('main', MAIN_MEDIA), evidence('side', SIDE_MEDIA)] }));
    renderInApp(<RecordingReview assignment={liveAssignment} marks={[]} marksReadOnly={false} onMarksChange={() => undefined} />);
    await waitFor(() => expect(videoOf('main')?.getAttribute('src')).toBe(`/media/${MAIN_MEDIA}`));
    expect(videoOf('side')?.getAttribute('src')).toBe(`/media/${SIDE_MEDIA}`);
    expect(screen.getByTestId('recording-review').getAttribute('data-source')).toBe('evidence');
    expect(screen.queryByTestId('download-state')).toBeNull();
    // Evidence recordings are not exported from here.
    expect(screen.queryByTestId('export-panel')).toBeNull();
  });

  it('says an evidence file changed on disk is damaged, and does not play it', async () => {
    fakeExaminer.handle('recordings.state', () => ({ assignmentId: liveAssignment.assignmentId, state: 'none', bytesDone: 0, bytes: 0, recordings: [] }));
    const damaged: EvidenceRecording = {
      ...evidence('main', MAIN_MEDIA),
      state: 'failed',
      mediaId: null,
      error: { code: 'evidence_damaged', message: 'the finished file is 2500 bytes on disk; it was 5000 when finished' },
    };
    fakeExaminer.handle('evidence.list', () => ({ recordings: [damaged, evidence('side', SIDE_MEDIA)] }));
    renderInApp(<RecordingReview assignment={liveAssignment} marks={[]} marksReadOnly={false} onMarksChange={() => undefined} />);
    await waitFor(() => expect(screen.getByTestId('angle-main').getAttribute('data-state')).toBe('failed'));
    expect(screen.getByTestId('angle-main').textContent).toContain('该取证录像文件在磁盘上已损坏或被截断');
    expect(videoOf('main')).toBeNull();
    expect(videoOf('side')?.getAttribute('src')).toBe(`/media/${SIDE_MEDIA}`);
  });

  it('adds a note at the moment typing began, and never treats the typed letters as player keys', async () => {
    fakeExaminer.handle('recordings.state', () => downloads('ready'));
    fakeExaminer.handle('evidence.list', () => ({ recordings: [] }));
    fakeExaminer.handle('media.prepare', (input) => unprobed(input.recordingId));
    const onMarksChange = vi.fn<(marks: ReviewMark[]) => void>();
    const user = userEvent.setup();
    renderInApp(<RecordingReview assignment={recorded} marks={[]} marksReadOnly={false} onMarksChange={onMarksChange} />);
    await waitFor(() => expect(videoOf('main')).not.toBeNull());
    const play = vi.spyOn(HTMLMediaElement.prototype, 'play');
    await user.click(screen.getByTestId('mark-text'));
    await user.keyboard('k l j 音准{Enter}');
    expect(play).not.toHaveBeenCalled();
    expect(onMarksChange).toHaveBeenCalledTimes(1);
    const [marks] = onMarksChange.mock.calls[0] ?? [];
    expect(marks).toEqual([{ id: expect.stringMatching(/^mk[0-9a-f]{16}$/) as unknown as string, kind: 'note', atMs: 0, text: 'k l j 音准' }]);
  });
});
