import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { App as AntApp, ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import { describe, expect, it } from 'vitest';
import { ContractFailure, type MediaJob } from '@common/contract';
import { ExportPanel, exportFileName } from '../../renderer/src/review/player/ExportPanel';
import { fakeExaminer } from './fake-examiner';

const CLIP_JOB = 'j00000000000000c1';
const SBS_JOB = 'j00000000000000b1';
const CLIP_MEDIA = 'm0000000000000000000000c1';

/** The panel inside the providers renderInApp gives it, so that rerendering with another time keeps its state. */
function panel(time: number, ready = { main: true, both: true }) {
  return (
    <ConfigProvider locale={zhCN}>
      <AntApp>
        <ExportPanel
      assignmentId="as-rec-1"
      candidateCode="K7Q2-M9XA"
      mainRecordingId="rec-main"
      mainReady={ready.main}
      bothReady={ready.both}
      time={time}
        />
      </AntApp>
    </ConfigProvider>
  );
}

function job(jobId: string, kind: MediaJob['kind'], fields: Partial<MediaJob>): MediaJob {
  return { jobId, kind, priority: 'background', recordingId: 'rec-main', assignmentId: null, state: 'queued', progress: null, result: null, error: null, ...fields };
}

const rowOf = (jobId: string) => {
  const row = document.querySelector<HTMLElement>(`[data-testid="export-job"][data-job-id="${jobId}"]`);
  if (!row) throw new Error(`no row for ${jobId}`);
  return row;
};

describe('the export panel', () => {
  it('takes the clip range from the player clock and refuses one that does not end after it starts', async () => {
    fakeExaminer.handle('media.exportClip', () => ({ jobId: CLIP_JOB }));
    const user = userEvent.setup();
    const view = render(panel(3.04));
    const range = screen.getByTestId('clip-range');
    const exportClip = screen.getByTestId('export-clip');
    expect(exportClip).toHaveProperty('disabled', true);

    await user.click(screen.getByTestId('clip-set-start'));
    view.rerender(panel(1.5));
    await user.click(screen.getByTestId('clip-set-end'));
    expect(range.getAttribute('data-start-ms')).toBe('3040');
    expect(range.getAttribute('data-end-ms')).toBe('1500');
    expect(range.getAttribute('data-valid')).toBe('false');
    expect(screen.getByTestId('clip-range-error').textContent).toBe('片段的终点必须晚于起点。');
    expect(exportClip).toHaveProperty('disabled', true);

    // The same moment for both is no clip either.
    view.rerender(panel(3.04));
    await user.click(screen.getByTestId('clip-set-end'));
    expect(range.getAttribute('data-valid')).toBe('false');

    view.rerender(panel(5.2));
    await user.click(screen.getByTestId('clip-set-end'));
    expect(range.getAttribute('data-valid')).toBe('true');
    expect(range.textContent).toBe('0:03.0 – 0:05.2');
    expect(screen.queryByTestId('clip-range-error')).toBeNull();
    await user.click(exportClip);
    expect(fakeExaminer.callsOf('media.exportClip')).toEqual([{ recordingId: 'rec-main', startMs: 3040, endMs: 5200 }]);
    await waitFor(() => expect(rowOf(CLIP_JOB).getAttribute('data-state')).toBe('queued'));
  });

  it('lists its jobs from queued to done or failed, saves a done one under a sensible name, and cancels a running one', async () => {
    fakeExaminer.handle('media.exportClip', () => ({ jobId: CLIP_JOB }));
    // The first event overtakes the answer to the command: it is not lost.
    fakeExaminer.handle('media.exportSideBySide', () => {
      fakeExaminer.emit('media.job', job(SBS_JOB, 'side_by_side', { state: 'running', progress: 0.1, assignmentId: 'as-rec-1' }));
      return { jobId: SBS_JOB };
    });
    fakeExaminer.handle('media.cancelJob', () => null);
    const user = userEvent.setup();
    const view = render(panel(1));
    await user.click(screen.getByTestId('clip-set-start'));
    view.rerender(panel(3));
    await user.click(screen.getByTestId('clip-set-end'));
    await user.click(screen.getByTestId('export-clip'));
    await user.click(screen.getByTestId('export-side-by-side'));
    await waitFor(() => expect(rowOf(SBS_JOB).getAttribute('data-state')).toBe('running'));
    expect(screen.getAllByTestId('export-job').map((row) => row.getAttribute('data-kind'))).toEqual(['side_by_side', 'clip']);

    // Someone else's export (another assignment's panel) is not listed.
    act(() => fakeExaminer.emit('media.job', job('j00000000000000f9', 'clip', { state: 'running' })));
    expect(screen.getAllByTestId('export-job')).toHaveLength(2);

    act(() => fakeExaminer.emit('media.job', job(CLIP_JOB, 'clip', { state: 'running', progress: 0.4 })));
    expect(within(rowOf(CLIP_JOB)).getByTestId('export-progress').textContent).toContain('40%');
    act(() => fakeExaminer.emit('media.job', job(CLIP_JOB, 'clip', { state: 'done', progress: 1, result: { mediaId: CLIP_MEDIA } })));
    const save = within(rowOf(CLIP_JOB)).getByTestId('export-save');
    expect(save.getAttribute('href')).toBe(`/media/${CLIP_MEDIA}`);
    expect(save.getAttribute('download')).toBe('K7Q2-M9XA_main_1.0-3.0s.mp4');
    expect(within(rowOf(CLIP_JOB)).queryByTestId('export-progress')).toBeNull();
    expect(within(rowOf(CLIP_JOB)).queryByTestId('export-cancel')).toBeNull();

    await user.click(within(rowOf(SBS_JOB)).getByTestId('export-cancel'));
    expect(fakeExaminer.callsOf('media.cancelJob')).toEqual([{ jobId: SBS_JOB }]);
    act(() =>
      fakeExaminer.emit('media.job', job(SBS_JOB, 'side_by_side', { state: 'failed', error: { kind: 'cancelled', code: 'media_cancelled', message: 'cancelled' } })),
    );
    expect(rowOf(SBS_JOB).getAttribute('data-error')).toBe('media_cancelled');
    expect(rowOf(SBS_JOB).textContent).toContain('已取消');
    expect(within(rowOf(SBS_JOB)).queryByTestId('export-save')).toBeNull();
  });

  it('says in plain words why an export failed, and when main refused to start it', async () => {
    fakeExaminer.handle('media.exportSideBySide', () => ({ jobId: SBS_JOB }));
    const user = userEvent.setup();
    render(panel(0));
    await user.click(screen.getByTestId('export-side-by-side'));
    await waitFor(() => expect(rowOf(SBS_JOB).getAttribute('data-state')).toBe('queued'));
    act(() =>
      fakeExaminer.emit('media.job', job(SBS_JOB, 'side_by_side', { state: 'failed', error: { kind: 'out_of_space', code: 'disk_full', message: 'No space left on device' } })),
    );
    expect(within(rowOf(SBS_JOB)).getByTestId('export-error').textContent).toBe('磁盘空间已满，请清理后重试。');

    // Main refuses to start one: the grader still sees a failed row saying why.
    fakeExaminer.handle('media.exportSideBySide', () => {
      throw new ContractFailure('not_downloaded', 'the side recording is not downloaded');
    });
    await user.click(screen.getByTestId('export-side-by-side'));
    await waitFor(() => expect(screen.getAllByTestId('export-job')).toHaveLength(2));
    const refused = screen.getAllByTestId('export-job')[0];
    expect(refused?.getAttribute('data-state')).toBe('failed');
    expect(refused?.getAttribute('data-error')).toBe('not_downloaded');
    expect(refused?.textContent).toContain('录像尚未下载到本机，请先下载。');
  });

  it('offers nothing an angle that does not play cannot make', () => {
    render(panel(2, { main: true, both: false }));
    expect(screen.getByTestId('export-side-by-side')).toHaveProperty('disabled', true);
    expect(screen.getByTestId('clip-set-start')).toHaveProperty('disabled', false);
  });

  it('names files by candidate code, what they show and their range, never with a path', () => {
    expect(exportFileName('K7Q2-M9XA', 'side-by-side')).toBe('K7Q2-M9XA_side-by-side.mp4');
    expect(exportFileName('../a/b', 'main', { startMs: 1000, endMs: 2500 })).toBe('a_b_main_1.0-2.5s.mp4');
  });
});
