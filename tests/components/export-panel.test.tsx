import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { App as AntApp, ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import { describe, expect, it } from 'vitest';
import { ContractFailure, type ExportEntry, type MediaJob } from '@common/contract';
import { ExportPanel } from '../../renderer/src/review/player/ExportPanel';
import { fakeExaminer } from './fake-examiner';

const ASSIGNMENT = 'as-rec-1';
const CLIP_JOB = 'j00000000000000c1';
const SBS_JOB = 'j00000000000000b1';
const CLIP_MEDIA = 'm0000000000000000000000c1';

interface Ready {
  readonly main: boolean;
  readonly side: boolean;
  readonly both: boolean;
}

/** The panel inside the providers renderInApp gives it, so that rerendering with another time keeps its state. */
function panel(time: number, ready: Ready = { main: true, side: true, both: true }) {
  return (
    <ConfigProvider locale={zhCN}>
      <AntApp>
        <ExportPanel
          assignmentId={ASSIGNMENT}
          mainRecordingId="rec-main"
          mainReady={ready.main}
          sideReady={ready.side}
          bothReady={ready.both}
          time={time}
        />
      </AntApp>
    </ConfigProvider>
  );
}

function entry(jobId: string, fields: Partial<ExportEntry>): ExportEntry {
  return {
    jobId,
    assignmentId: ASSIGNMENT,
    kind: 'clip',
    angles: 'main',
    range: null,
    fileName: `K7Q2-M9XA_${jobId}.mp4`,
    state: 'queued',
    progress: null,
    mediaId: null,
    error: null,
    startedAt: 1000,
    ...fields,
  };
}

function job(jobId: string, kind: MediaJob['kind'], fields: Partial<MediaJob>): MediaJob {
  return { jobId, kind, priority: 'background', recordingId: 'rec-main', assignmentId: ASSIGNMENT, state: 'queued', progress: null, result: null, error: null, ...fields };
}

const CANCELLED = { kind: 'cancelled', code: 'media_cancelled', message: 'cancelled' } as const;

/**
 * Main as far as the panel sees it: it keeps the list of exports (newest first) and names the
 * files; each export command adds one.
 */
function fakeMain(initial: ExportEntry[] = []) {
  const held = [...initial];
  let next = 0;
  fakeExaminer.handle('media.listExports', ({ assignmentId }) => ({ assignmentId, exports: held.filter((item) => item.assignmentId === assignmentId) }));
  const add = (fields: Partial<ExportEntry>) => {
    next += 1;
    const jobId = `j00000000000000${String(next).padStart(2, '0')}`;
    held.unshift(entry(jobId, { startedAt: 2000 + next, ...fields }));
    return { jobId };
  };
  fakeExaminer.handle('media.exportClip', (input) =>
    add({ kind: 'clip', angles: 'angles' in input ? input.angles : 'main', range: { startMs: input.startMs, endMs: input.endMs }, fileName: `K7Q2-M9XA_clip${String(next + 1)}.mp4` }),
  );
  fakeExaminer.handle('media.exportSideBySide', () => add({ kind: 'side_by_side', angles: 'both', fileName: 'K7Q2-M9XA_side-by-side.mp4' }));
  fakeExaminer.handle('media.cancelJob', () => null);
  return {
    held,
    set(jobId: string, fields: Partial<ExportEntry>) {
      const at = held.findIndex((item) => item.jobId === jobId);
      const old = held[at];
      if (old) held[at] = { ...old, ...fields };
    },
  };
}

const rowOf = (jobId: string) => {
  const row = document.querySelector<HTMLElement>(`[data-testid="export-job"][data-job-id="${jobId}"]`);
  if (!row) throw new Error(`no row for ${jobId}`);
  return row;
};
const rows = () => screen.queryAllByTestId('export-job');
const angleChoice = (name: string) => within(screen.getByTestId('clip-angles')).getByRole('radio', { name });
/** A segment is chosen by clicking its label (its radio input is hidden under it). */
const choose = (user: ReturnType<typeof userEvent.setup>, name: string) => user.click(within(screen.getByTestId('clip-angles')).getByText(name));

async function markRange(user: ReturnType<typeof userEvent.setup>, view: ReturnType<typeof render>, fromS: number, toS: number, ready?: Ready) {
  view.rerender(panel(fromS, ready));
  await user.click(screen.getByTestId('clip-set-start'));
  view.rerender(panel(toS, ready));
  await user.click(screen.getByTestId('clip-set-end'));
}

describe('the export panel', () => {
  it('takes the clip range from the player clock and refuses one that does not end after it starts', async () => {
    fakeMain();
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
    // Of the main angle unless the grader chose another, by assignment: main finds the recordings.
    expect(fakeExaminer.callsOf('media.exportClip')).toEqual([{ assignmentId: ASSIGNMENT, angles: 'main', startMs: 3040, endMs: 5200 }]);
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(rows()[0]?.getAttribute('data-state')).toBe('queued');
  });

  it('exports a clip of the angle chosen (主机位 / 辅机位 / 双机位), the range always on the main clock', async () => {
    fakeMain();
    const user = userEvent.setup();
    const view = render(panel(0));
    expect(screen.getByTestId('clip-angles').textContent).toBe('主机位辅机位双机位');
    expect(screen.getByTestId('clip-angles').getAttribute('data-angles')).toBe('main');
    await markRange(user, view, 2, 4.5);

    await choose(user, '辅机位');
    expect(screen.getByTestId('clip-angles').getAttribute('data-angles')).toBe('side');
    await user.click(screen.getByTestId('export-clip'));
    await choose(user, '双机位');
    await user.click(screen.getByTestId('export-clip'));
    expect(fakeExaminer.callsOf('media.exportClip')).toEqual([
      { assignmentId: ASSIGNMENT, angles: 'side', startMs: 2000, endMs: 4500 },
      { assignmentId: ASSIGNMENT, angles: 'both', startMs: 2000, endMs: 4500 },
    ]);
    // Listed as main lists them, newest first, each with what it shows.
    await waitFor(() => expect(rows().map((row) => row.getAttribute('data-angles'))).toEqual(['both', 'side']));
  });

  it('disables the choices whose angle does not play, and falls to one that does', async () => {
    fakeMain();
    const view = render(panel(1, { main: true, side: false, both: false }));
    expect(angleChoice('主机位')).toHaveProperty('disabled', false);
    expect(angleChoice('辅机位')).toHaveProperty('disabled', true);
    expect(angleChoice('双机位')).toHaveProperty('disabled', true);
    expect(screen.getByTestId('export-side-by-side')).toHaveProperty('disabled', true);
    expect(screen.getByTestId('clip-set-start')).toHaveProperty('disabled', false);

    // Only the side plays: the clip is of the side, the main cannot be chosen.
    view.rerender(panel(1, { main: false, side: true, both: false }));
    expect(angleChoice('主机位')).toHaveProperty('disabled', true);
    expect(angleChoice('辅机位')).toHaveProperty('disabled', false);
    expect(screen.getByTestId('clip-angles').getAttribute('data-angles')).toBe('side');
    expect(screen.getByTestId('clip-set-start')).toHaveProperty('disabled', false);

    // Nothing plays: no clip, and the panel says why.
    view.rerender(panel(1, { main: false, side: false, both: false }));
    expect(screen.getByTestId('clip-set-start')).toHaveProperty('disabled', true);
    expect(screen.getByText('所选机位的录像能播放后才能导出片段。')).toBeTruthy();
    await waitFor(() => expect(fakeExaminer.callsOf('media.listExports')).toHaveLength(1));
  });

  it('lists the exports main kept when it opens again (the player was left), and keeps them current from media.job', async () => {
    fakeMain([
      entry(CLIP_JOB, { kind: 'clip', angles: 'side', fileName: 'K7Q2-M9XA_side_1.0-3.0s.mp4', state: 'done', progress: 1, mediaId: CLIP_MEDIA, startedAt: 1500 }),
      entry(SBS_JOB, { kind: 'side_by_side', angles: 'both', fileName: 'K7Q2-M9XA_side-by-side.mp4', state: 'failed', error: CANCELLED, startedAt: 1000 }),
    ]);
    const first = render(panel(0));
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(fakeExaminer.callsOf('media.listExports')).toEqual([{ assignmentId: ASSIGNMENT }]);
    expect(rows().map((row) => row.getAttribute('data-job-id'))).toEqual([CLIP_JOB, SBS_JOB]);
    const save = within(rowOf(CLIP_JOB)).getByTestId('export-save');
    expect(save.getAttribute('href')).toBe(`/media/${CLIP_MEDIA}`);
    expect(save.getAttribute('download')).toBe('K7Q2-M9XA_side_1.0-3.0s.mp4');
    expect(rowOf(SBS_JOB).getAttribute('data-error')).toBe('media_cancelled');
    expect(rowOf(SBS_JOB).textContent).toContain('已取消');
    expect(within(rowOf(SBS_JOB)).queryByTestId('export-save')).toBeNull();

    // Leaving the player and coming back: the list comes from main again, not from the component.
    first.unmount();
    expect(rows()).toHaveLength(0);
    render(panel(0));
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(fakeExaminer.callsOf('media.listExports')).toHaveLength(2);
    expect(rowOf(CLIP_JOB).getAttribute('data-state')).toBe('done');
  });

  it('follows its jobs from queued to done, loads the list again for an export it does not know, ignores other assignments', async () => {
    const main = fakeMain();
    const user = userEvent.setup();
    const view = render(panel(0));
    await markRange(user, view, 1, 3);
    await user.click(screen.getByTestId('export-clip'));
    await waitFor(() => expect(rows()).toHaveLength(1));
    const clipJob = main.held[0]?.jobId ?? '';
    expect(rowOf(clipJob).textContent).toContain('K7Q2-M9XA_clip1.mp4');

    act(() => fakeExaminer.emit('media.job', job(clipJob, 'clip', { state: 'running', progress: 0.4 })));
    expect(within(rowOf(clipJob)).getByTestId('export-progress').textContent).toContain('40%');
    act(() => fakeExaminer.emit('media.job', job(clipJob, 'clip', { state: 'done', progress: 1, result: { mediaId: CLIP_MEDIA } })));
    expect(within(rowOf(clipJob)).getByTestId('export-save').getAttribute('href')).toBe(`/media/${CLIP_MEDIA}`);
    expect(within(rowOf(clipJob)).queryByTestId('export-progress')).toBeNull();
    expect(within(rowOf(clipJob)).queryByTestId('export-cancel')).toBeNull();
    // A late report of an earlier state does not take it back.
    act(() => fakeExaminer.emit('media.job', job(clipJob, 'clip', { state: 'running', progress: 0.9 })));
    expect(rowOf(clipJob).getAttribute('data-state')).toBe('done');

    // Another assignment's export is neither listed nor a reason to ask main.
    const asked = fakeExaminer.callsOf('media.listExports').length;
    act(() => fakeExaminer.emit('media.job', job('j00000000000000f9', 'clip', { state: 'running', assignmentId: 'as-rec-2' })));
    expect(fakeExaminer.callsOf('media.listExports')).toHaveLength(asked);
    expect(rows()).toHaveLength(1);

    // One of this assignment started elsewhere (another window): main's list is asked again and shows it.
    main.held.unshift(entry('j00000000000000e1', { kind: 'side_by_side', angles: 'both', state: 'running', progress: 0.2, startedAt: 9000 }));
    act(() => fakeExaminer.emit('media.job', job('j00000000000000e1', 'side_by_side', { state: 'running', progress: 0.2 })));
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(rows()[0]?.getAttribute('data-job-id')).toBe('j00000000000000e1');
  });

  it('cancels a running export: it shows as cancelled, with nothing to save', async () => {
    const main = fakeMain();
    const user = userEvent.setup();
    render(panel(0));
    await user.click(screen.getByTestId('export-side-by-side'));
    await waitFor(() => expect(rows()).toHaveLength(1));
    const sbs = main.held[0]?.jobId ?? '';
    expect(rowOf(sbs).getAttribute('data-kind')).toBe('side_by_side');
    act(() => fakeExaminer.emit('media.job', job(sbs, 'side_by_side', { state: 'running', progress: 0.1 })));
    await user.click(within(rowOf(sbs)).getByTestId('export-cancel'));
    expect(fakeExaminer.callsOf('media.cancelJob')).toEqual([{ jobId: sbs }]);
    act(() => fakeExaminer.emit('media.job', job(sbs, 'side_by_side', { state: 'failed', error: CANCELLED })));
    expect(rowOf(sbs).getAttribute('data-state')).toBe('failed');
    expect(rowOf(sbs).getAttribute('data-error')).toBe('media_cancelled');
    expect(rowOf(sbs).textContent).toContain('已取消');
    expect(within(rowOf(sbs)).queryByTestId('export-error')).toBeNull();
    expect(within(rowOf(sbs)).queryByTestId('export-save')).toBeNull();
  });

  it('says in plain words why an export failed, and when main refused to start it', async () => {
    const main = fakeMain();
    const user = userEvent.setup();
    render(panel(0));
    await user.click(screen.getByTestId('export-side-by-side'));
    await waitFor(() => expect(rows()).toHaveLength(1));
    const sbs = main.held[0]?.jobId ?? '';
    act(() =>
      fakeExaminer.emit('media.job', job(sbs, 'side_by_side', { state: 'failed', error: { kind: 'out_of_space', code: 'disk_full', message: 'No space left on device' } })),
    );
    expect(within(rowOf(sbs)).getByTestId('export-error').textContent).toBe('磁盘空间已满，请清理后重试。');

    // Main refuses to start one: the grader still sees a failed row saying why, named by what it shows.
    fakeExaminer.handle('media.exportSideBySide', () => {
      throw new ContractFailure('not_downloaded', 'the side recording is not downloaded');
    });
    await user.click(screen.getByTestId('export-side-by-side'));
    await waitFor(() => expect(rows()).toHaveLength(2));
    const refused = rows()[0];
    expect(refused?.getAttribute('data-state')).toBe('failed');
    expect(refused?.getAttribute('data-error')).toBe('not_downloaded');
    expect(refused?.textContent).toContain('录像尚未下载到本机，请先下载。');
    expect(refused?.textContent).toContain('双机位并排视频');
  });
});
