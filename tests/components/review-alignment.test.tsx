import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import i18next from 'i18next';
import { afterEach, describe, expect, it } from 'vitest';
import type { Alignment, AssignmentRecordings, MediaProbe, RecordingArtefacts } from '@common/contract';
import type { Subject } from '@common/platform';
import { RecordingReview } from '../../renderer/src/review/player/RecordingReview';
import { fakeExaminer } from './fake-examiner';
import { MAIN_MEDIA, recordedAssignment, SIDE_MEDIA } from './recorded-fixtures';
import { renderInApp } from './render';

/**
 * The review player's side of issue 15: the side on the main's clock by the alignment (the line
 * and its nudges, against a fake main), blind listening, and fair loudness.
 */
const STRIP_MEDIA = 'm00000000000000000000000c';

const recorded = recordedAssignment({ assignmentId: 'as-align-1' });

const downloaded: AssignmentRecordings = {
  assignmentId: recorded.assignmentId,
  state: 'ready',
  bytesDone: 1800,
  bytes: 1800,
  recordings: [
    { recordingId: 'rec-main', angle: 'main', state: 'ready', bytesDone: 1000, bytes: 1000, mediaId: MAIN_MEDIA, error: null },
    { recordingId: 'rec-side', angle: 'side', state: 'ready', bytesDone: 800, bytes: 800, mediaId: SIDE_MEDIA, error: null },
  ],
};

const probe = (frameRate: number): MediaProbe => ({
  durationMs: 20_000,
  container: 'mov,mp4,m4a,3gp,3g2,mj2',
  video: { codec: 'h264', width: 1280, height: 720, displayWidth: 1280, displayHeight: 720, rotation: 0, frameRate, variableFrameRate: false },
  audio: { codec: 'aac', sampleRate: 48_000, channels: 2 },
  playableInChromium: true,
});

/** Everything made: probed at `frameRate`, a strip, a waveform measured at `lufs` (null: too quiet). */
function ready(recordingId: string, mediaId: string, frameRate: number, lufs: number | null | 'no_audio'): RecordingArtefacts {
  return {
    recordingId,
    probe: { state: 'ready', value: probe(frameRate) },
    strip: { state: 'ready', value: { mediaId: STRIP_MEDIA, tileWidth: 160, tileHeight: 90, columns: 2, rows: 1, tileTimesMs: [0, 10_000] } },
    waveform: {
      state: 'ready',
      value: lufs === 'no_audio' ? { kind: 'no_audio' } : { kind: 'peaks', durationMs: 20_000, min: [-0.2, -0.1], max: [0.2, 0.1], silentGaps: [], integratedLufs: lufs },
    },
    playback: { state: 'ready', value: { kind: 'original', mediaId } },
  };
}

const bySound: Alignment = { assignmentId: recorded.assignmentId, offsetMs: 2370, source: 'sound', confidence: 0.92, detectedMs: 2370, reason: null };

function serve(options: { alignment?: Alignment; mainLufs?: number | null | 'no_audio'; sideLufs?: number | null | 'no_audio'; frameRate?: number } = {}) {
  const { alignment = bySound, mainLufs = -31.2, sideLufs = -15, frameRate = 25 } = options;
  let current = alignment;
  fakeExaminer.handle('recordings.state', () => downloaded);
  fakeExaminer.handle('evidence.list', () => ({ recordings: [] }));
  fakeExaminer.handle('media.prepare', (input) =>
    input.recordingId === 'rec-main' ? ready('rec-main', MAIN_MEDIA, frameRate, mainLufs) : ready('rec-side', SIDE_MEDIA, frameRate, sideLufs),
  );
  fakeExaminer.handle('media.getAlignment', () => current);
  fakeExaminer.handle('media.setAlignment', (input) => (current = { ...current, offsetMs: input.offsetMs, source: 'grader' }));
  fakeExaminer.handle('media.resetAlignment', () => (current = { ...current, offsetMs: current.detectedMs ?? 0, source: current.detectedMs === null ? 'none' : 'sound' }));
}

function open(reviewMode: Subject['reviewMode'] = 'open') {
  renderInApp(
    <RecordingReview assignment={recorded} marks={[]} marksReadOnly={false} onMarksChange={() => undefined} prepareAtTheLatestMs={0} reviewMode={reviewMode} />,
  );
}

const videoOf = (angle: 'main' | 'side') => document.querySelector<HTMLVideoElement>(`video[data-angle="${angle}"]`);
const shown = (video: HTMLVideoElement | null) => video !== null && video.style.visibility !== 'hidden';
const alignmentText = () => screen.getByTestId('alignment-text').textContent;

afterEach(async () => {
  await i18next.changeLanguage('zh-CN');
});

describe("the side angle on the main's clock", () => {
  it('reads the alignment when the player opens and says the sound found it, with its confidence', async () => {
    serve();
    open();
    await waitFor(() => expect(alignmentText()).toBe('辅机位 +2.37 s，按声音对齐（可信度 92%）'));
    expect(fakeExaminer.callsOf('media.getAlignment')).toEqual([{ assignmentId: recorded.assignmentId }]);
    expect(screen.getByTestId('alignment').getAttribute('data-offset-ms')).toBe('2370');
    // Nothing to reset to: the sound's own offset.
    expect(screen.getByTestId('alignment-reset')).toHaveProperty('disabled', true);
  });

  it('nudges by 100 ms and by one frame of the probed rate, each from the offset it is at, and resets', async () => {
    serve({ frameRate: 25 });
    const user = userEvent.setup();
    open();
    await waitFor(() => expect(alignmentText()).toContain('+2.37 s'));
    await waitFor(() => expect(videoOf('main')).not.toBeNull());
    // The probe (25 fps) arrives with the artefacts.
    await waitFor(() => expect(screen.getByTestId('loudness-main').textContent).toContain('LUFS'));

    await user.click(screen.getByTestId('alignment-plus-frame'));
    await waitFor(() => expect(alignmentText()).toBe('辅机位 +2.41 s，由你调整'));
    await user.click(screen.getByTestId('alignment-minus-100'));
    await waitFor(() => expect(alignmentText()).toBe('辅机位 +2.31 s，由你调整'));
    await user.click(screen.getByTestId('alignment-plus-100'));
    await waitFor(() => expect(screen.getByTestId('alignment').getAttribute('data-offset-ms')).toBe('2410'));
    await user.click(screen.getByTestId('alignment-minus-frame'));
    await waitFor(() => expect(screen.getByTestId('alignment').getAttribute('data-offset-ms')).toBe('2370'));
    expect(fakeExaminer.callsOf('media.setAlignment')).toEqual([
      { assignmentId: recorded.assignmentId, offsetMs: 2410 },
      { assignmentId: recorded.assignmentId, offsetMs: 2310 },
      { assignmentId: recorded.assignmentId, offsetMs: 2410 },
      { assignmentId: recorded.assignmentId, offsetMs: 2370 },
    ]);

    expect(screen.getByTestId('alignment-reset')).toHaveProperty('disabled', false);
    await user.click(screen.getByTestId('alignment-reset'));
    expect(fakeExaminer.callsOf('media.resetAlignment')).toEqual([{ assignmentId: recorded.assignmentId }]);
    await waitFor(() => expect(alignmentText()).toBe('辅机位 +2.37 s，按声音对齐（可信度 92%）'));
  });

  it('nudges by a thirtieth of a second when the frame rate is not known yet', async () => {
    serve({ alignment: { ...bySound, offsetMs: 0, source: 'none', confidence: null, detectedMs: null, reason: 'low_confidence' } });
    fakeExaminer.handle('media.prepare', (input) => ({
      recordingId: input.recordingId,
      probe: { state: 'pending', jobId: null, progress: null },
      strip: { state: 'pending', jobId: null, progress: null },
      waveform: { state: 'pending', jobId: null, progress: null },
      playback: { state: 'pending', jobId: null, progress: null },
    }));
    const user = userEvent.setup();
    open();
    await waitFor(() => expect(alignmentText()).toBe('无法按声音对齐：声音不足以确定两个机位的先后'));
    await user.click(screen.getByTestId('alignment-minus-frame'));
    await waitFor(() => expect(fakeExaminer.callsOf('media.setAlignment')).toEqual([{ assignmentId: recorded.assignmentId, offsetMs: -33 }]));
    await waitFor(() => expect(alignmentText()).toBe('辅机位 −0.03 s，由你调整'));
  });

  it('follows media.alignment, says each reason the sound could not tell, and ignores other assignments', async () => {
    serve({ alignment: { ...bySound, offsetMs: 0, source: 'none', confidence: null, detectedMs: null, reason: 'pending' } });
    open();
    await waitFor(() => expect(alignmentText()).toBe('正在按声音对齐两个机位…'));
    const reasons: [Alignment['reason'], string][] = [
      ['no_audio', '无法按声音对齐：辅机位没有声音'],
      ['silent', '无法按声音对齐：录像中几乎没有声音'],
      ['no_side', '无法按声音对齐：没有辅机位录像'],
      ['failed', '无法按声音对齐：分析声音时出错'],
    ];
    for (const [reason, text] of reasons) {
      act(() => fakeExaminer.emit('media.alignment', { ...bySound, offsetMs: 0, source: 'none', confidence: null, detectedMs: null, reason }));
      await waitFor(() => expect(alignmentText()).toBe(text));
    }
    act(() => fakeExaminer.emit('media.alignment', { ...bySound, assignmentId: 'as-other', offsetMs: -1500, source: 'grader' }));
    act(() => fakeExaminer.emit('media.alignment', { ...bySound, offsetMs: -1500, source: 'grader' }));
    await waitFor(() => expect(alignmentText()).toBe('辅机位 −1.50 s，由你调整'));
  });
});

describe('blind listening (拉幕)', () => {
  it('hides both pictures and the strip with the button and with B, leaving the waveform and the clock', async () => {
    serve();
    const user = userEvent.setup();
    open();
    await waitFor(() => expect(screen.getByTestId('strip').getAttribute('data-state')).toBe('ready'));
    expect(shown(videoOf('main'))).toBe(true);
    expect(shown(videoOf('side'))).toBe(true);

    await user.click(screen.getByTestId('blind-toggle'));
    expect(screen.getByTestId('review-player').getAttribute('data-blind')).toBe('true');
    expect(shown(videoOf('main'))).toBe(false);
    expect(shown(videoOf('side'))).toBe(false);
    // Still in the page: the hidden videos keep playing the sound.
    expect(videoOf('main')?.getAttribute('src')).toBe(`/media/${MAIN_MEDIA}`);
    expect(screen.getByTestId('curtain-main').textContent).toBe('已拉幕，只听声音');
    expect(screen.queryByTestId('strip')).toBeNull();
    expect(screen.getByTestId('waveform').getAttribute('data-state')).toBe('ready');
    expect(screen.getByTestId('player-time')).toBeTruthy();

    // B shows them again; typed into the note field, B is a letter.
    await user.click(screen.getByTestId('blind-toggle'));
    expect(shown(videoOf('main'))).toBe(true);
    await user.click(screen.getByTestId('mark-text'));
    await user.keyboard('Bb');
    expect(shown(videoOf('main'))).toBe(true);
    (document.activeElement as HTMLElement | null)?.blur();
    await user.keyboard('b');
    expect(shown(videoOf('main'))).toBe(false);
    expect(screen.queryByTestId('strip')).toBeNull();
    await user.keyboard('B');
    expect(shown(videoOf('side'))).toBe(true);
    expect(screen.getByTestId('strip').getAttribute('data-state')).toBe('ready');
  });

  it("opens blind for a subject graded blind by default, and the grader may show the pictures", async () => {
    serve();
    const user = userEvent.setup();
    open('blind_default');
    await waitFor(() => expect(videoOf('main')).not.toBeNull());
    expect(shown(videoOf('main'))).toBe(false);
    expect(screen.getByTestId('blind-line').textContent).toContain('本科目默认盲听');
    await user.click(screen.getByRole('button', { name: '显示画面' }));
    expect(shown(videoOf('main'))).toBe(true);
  });

  it('is always blind for a subject graded blind: no toggle, it says so, and B does nothing', async () => {
    serve();
    const user = userEvent.setup();
    open('blind_required');
    await waitFor(() => expect(videoOf('main')).not.toBeNull());
    expect(shown(videoOf('main'))).toBe(false);
    expect(shown(videoOf('side'))).toBe(false);
    expect(screen.queryByTestId('blind-toggle')).toBeNull();
    expect(screen.getByTestId('blind-required').textContent).toBe('本科目须盲听评分，不显示画面');
    await user.keyboard('b');
    expect(shown(videoOf('main'))).toBe(false);
    expect(screen.queryByTestId('strip')).toBeNull();
  });
});

describe('fair loudness', () => {
  it("shows each angle's measured loudness and the gain it plays at, and plays them as they are when switched off", async () => {
    serve({ mainLufs: -31.2, sideLufs: -15 });
    const user = userEvent.setup();
    open();
    await waitFor(() => expect(screen.getByTestId('loudness-main').textContent).toBe('主机位 −31.2 LUFS，+8.2 dB'));
    expect(screen.getByTestId('loudness-side').textContent).toBe('辅机位 −15.0 LUFS，−8.0 dB');
    const line = screen.getByTestId('loudness');
    expect(line.getAttribute('data-on')).toBe('true');
    expect(line.getAttribute('data-gain-main-db')).toBe('8.20');
    expect(line.getAttribute('data-gain-side-db')).toBe('-8.00');

    await user.click(within(line).getByRole('switch', { name: '响度均衡' }));
    expect(line.getAttribute('data-on')).toBe('false');
    expect(line.getAttribute('data-gain-main-db')).toBe('0.00');
    expect(line.getAttribute('data-gain-side-db')).toBe('0.00');
    expect(screen.getByTestId('loudness-main').textContent).toBe('主机位 −31.2 LUFS');
  });

  it('caps the raise of a near-silent angle, leaves an unmeasured one as it is, and says which has no sound', async () => {
    serve({ mainLufs: -60, sideLufs: 'no_audio' });
    open();
    await waitFor(() => expect(screen.getByTestId('loudness-main').textContent).toBe('主机位 −60.0 LUFS，+20.0 dB'));
    expect(screen.getByTestId('loudness-side').textContent).toBe('辅机位 没有声音');
    expect(screen.getByTestId('loudness').getAttribute('data-gain-side-db')).toBe('0.00');
  });

  it('says it all in English too', async () => {
    await i18next.changeLanguage('en');
    serve({ mainLufs: null });
    open('blind_required');
    await waitFor(() => expect(alignmentText()).toBe('Side angle +2.37 s, aligned by sound (confidence 92%)'));
    await waitFor(() => expect(screen.getByTestId('loudness-main').textContent).toBe('Main: loudness not measured'));
    expect(screen.getByTestId('loudness-side').textContent).toBe('Side −15.0 LUFS, −8.0 dB');
    expect(screen.getByTestId('blind-required').textContent).toBe('This subject is graded blind: the pictures are not shown');
    expect(screen.getByTestId('loudness').getAttribute('data-gain-main-db')).toBe('0.00');
  });
});
