import { describe, expect, it } from 'vitest';
import { ContractFailure, ExportClipInput, ExportEntry, MAX_LISTED_EXPORTS } from '@common/contract';
import { ExportList, exportFileName } from '../../../main/media/export-list';
import { clipWindow, sideBySideArgs } from '../../../main/media/transcode';

const A = 'as-1';
function entry(n: number, fields: Partial<ExportEntry> = {}): ExportEntry {
  return {
    jobId: `j${n.toString(16).padStart(16, '0')}`,
    assignmentId: A,
    kind: 'clip',
    angles: 'main',
    range: { startMs: 0, endMs: 1000 },
    fileName: `K_${String(n)}.mp4`,
    state: 'queued',
    progress: null,
    mediaId: null,
    error: null,
    startedAt: n,
    ...fields,
  };
}
const media = (n: number) => `m${n.toString(16).padStart(24, '0')}`;

describe('the exports main keeps', () => {
  it('forgets the finished exports whose file left the cache, and keeps the running ones and the others’', () => {
    const list = new ExportList();
    list.add('e1', entry(1), 'a');
    list.add('e1', entry(2), 'b');
    list.add('e1', entry(3), 'c');
    list.add('e2', entry(4), 'd');
    for (const n of [1, 2, 4]) list.update({ jobId: entry(n).jobId, state: 'done', progress: 1, result: { mediaId: media(n) }, error: null });
    // The recording of media 1 and 4 was evicted (for e1 only media 1 was e1's).
    const gone = new Set([media(1), media(4)]);
    list.prune((examinerId, mediaId) => !gone.has(mediaId) && (examinerId === 'e1' || examinerId === 'e2'));
    expect(list.list('e1', A).map((item) => item.startedAt)).toEqual([3, 2]);
    expect(list.list('e2', A)).toEqual([]);
    // A forgotten entry's job reports change nothing any more.
    list.update({ jobId: entry(1).jobId, state: 'done', progress: 1, result: { mediaId: media(9) }, error: null });
    expect(list.list('e1', A).map((item) => item.startedAt)).toEqual([3, 2]);
  });

  it('lists an examiner’s exports of one assignment newest first, each kept current by its job reports', () => {
    const list = new ExportList();
    list.add('e1', entry(1), 'a');
    list.add('e1', entry(2), 'b');
    list.add('e2', entry(3), 'c');
    list.update({ jobId: entry(1).jobId, state: 'done', progress: 1, result: { mediaId: media(1) }, error: null });
    const cancelled = { kind: 'cancelled', code: 'media_cancelled', message: 'cancelled' } as const;
    list.update({ jobId: entry(2).jobId, state: 'failed', progress: null, result: null, error: cancelled });
    expect(list.list('e1', A).map((item) => [item.startedAt, item.state, item.mediaId, item.error?.code ?? null])).toEqual([
      [2, 'failed', null, 'media_cancelled'],
      [1, 'done', media(1), null],
    ]);
    expect(list.list('e2', A).map((item) => item.startedAt)).toEqual([3]);
    expect(list.list('e1', 'as-2')).toEqual([]);
    // Another job's report changes nothing.
    list.update({ jobId: 'j00000000000000ff', state: 'done', progress: 1, result: { mediaId: media(9) }, error: null });
    expect(list.list('e1', A)).toHaveLength(2);
  });

  it('offers the newer file on an older entry that made the same one (the cache keeps one)', () => {
    const list = new ExportList();
    list.add('e1', entry(1), 'same');
    list.add('e1', entry(2), 'other');
    list.update({ jobId: entry(1).jobId, state: 'done', progress: 1, result: { mediaId: media(1) }, error: null });
    list.update({ jobId: entry(2).jobId, state: 'done', progress: 1, result: { mediaId: media(2) }, error: null });
    list.add('e1', entry(3), 'same');
    list.update({ jobId: entry(3).jobId, state: 'done', progress: 1, result: { mediaId: media(3) }, error: null });
    expect(list.list('e1', A).map((item) => item.mediaId)).toEqual([media(3), media(2), media(3)]);
  });

  it('keeps at most MAX_LISTED_EXPORTS, dropping the oldest finished first and never one still running', () => {
    const list = new ExportList();
    list.add('e1', entry(1, { state: 'running' }), 'x');
    for (let n = 2; n <= MAX_LISTED_EXPORTS + 1; n++) list.add('e1', entry(n, { state: 'done', mediaId: media(n) }), `k${String(n)}`);
    const kept = list.list('e1', A);
    expect(kept).toHaveLength(MAX_LISTED_EXPORTS);
    expect(kept.at(-1)?.startedAt).toBe(1);
    expect(kept.some((item) => item.startedAt === 2)).toBe(false);
    expect(kept.every((item) => ExportEntry.safeParse(item).success)).toBe(true);
  });

  it('names files by candidate code, what they show and their range, never with a path', () => {
    expect(exportFileName('K7Q2-M9XA', 'side_by_side', 'both', null)).toBe('K7Q2-M9XA_side-by-side.mp4');
    expect(exportFileName('K7Q2-M9XA', 'clip', 'side', { startMs: 1000, endMs: 2500 })).toBe('K7Q2-M9XA_side_1.0-2.5s.mp4');
    expect(exportFileName('K7Q2-M9XA', 'clip', 'both', { startMs: 0, endMs: 60_000 })).toBe('K7Q2-M9XA_side-by-side_0.0-60.0s.mp4');
    expect(exportFileName('../a/b', 'clip', 'main', { startMs: 1000, endMs: 2500 })).toBe('a_b_main_1.0-2.5s.mp4');
    expect(exportFileName(null, 'clip', 'main', null)).toBe('recording_main.mp4');
    expect(ExportEntry.shape.fileName.safeParse(exportFileName('-'.repeat(300), 'side_by_side', 'both', null)).success).toBe(true);
  });
});

describe('a clip of an assignment’s angles', () => {
  const durations = { mainMs: 26_000, sideMs: 24_000 };

  it('takes the side’s part at main time − offset, cut to what the side recorded', () => {
    expect(clipWindow('side', { startMs: 5000, endMs: 15_000 }, 2370, durations)).toEqual({ startMs: 2630, endMs: 12_630 });
    expect(clipWindow('side', { startMs: 1000, endMs: 5000 }, 2370, durations)).toEqual({ startMs: 0, endMs: 2630 });
    expect(clipWindow('side', { startMs: 1000, endMs: 5000 }, -1500, durations)).toEqual({ startMs: 2500, endMs: 6500 });
    expect(clipWindow('main', { startMs: 25_000, endMs: 30_000 }, 2370, durations)).toEqual({ startMs: 25_000, endMs: 26_000 });
    expect(clipWindow('both', { startMs: 20_000, endMs: 40_000 }, 2370, durations)).toEqual({ startMs: 20_000, endMs: 26_370 });
  });

  it('refuses a range an angle it shows was not recording', () => {
    const refused = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return error instanceof ContractFailure ? error.code : 'other';
      }
      return null;
    };
    expect(refused(() => clipWindow('side', { startMs: 0, endMs: 2370 }, 2370, durations))).toBe('invalid_input');
    expect(refused(() => clipWindow('side', { startMs: 26_370, endMs: 27_000 }, 2370, durations))).toBe('invalid_input');
    expect(refused(() => clipWindow('both', { startMs: 26_000, endMs: 27_000 }, 2370, durations))).toBe('invalid_input');
    expect(refused(() => clipWindow('side', { startMs: 0, endMs: 1000 }, 0, { mainMs: 5000, sideMs: null }))).toBe('invalid_input');
    expect(refused(() => clipWindow('side', { startMs: 0, endMs: 2371 }, 2370, durations))).toBeNull();
  });

  it('seeks both inputs for a side by side of a range, holding back a side that had not started', () => {
    const layout = { height: 180, mainWidth: 320, sideWidth: 320 };
    const later = sideBySideArgs('main.mp4', 'side.mp4', 'out.mp4', layout, 0, 2370, { startMs: 5000, endMs: 15_000 });
    expect(later.slice(later.indexOf('-ss'), later.indexOf('-filter_complex'))).toEqual(['-ss', '5.000000', '-i', 'main.mp4', '-ss', '2.630000', '-i', 'side.mp4']);
    expect(later[later.indexOf('-filter_complex') + 1]).not.toContain('tpad');
    expect(later).toEqual(expect.arrayContaining(['-t', '10.000000']));
    const early = sideBySideArgs('main.mp4', 'side.mp4', 'out.mp4', layout, 1, 2370, { startMs: 1000, endMs: 12_000 });
    expect(early.slice(early.indexOf('-ss'), early.indexOf('-filter_complex'))).toEqual(['-ss', '1.000000', '-i', 'main.mp4', '-i', 'side.mp4']);
    expect(early[early.indexOf('-filter_complex') + 1]).toContain('[1:v]setpts=PTS-STARTPTS,tpad=start_duration=1.370000:start_mode=add:color=black,');
    expect(early[early.indexOf('-filter_complex') + 1]).toContain('adelay=delays=1370:all=1[sound]');
  });

  it('takes a clip by assignment with the angles, or the older form by recording, ending after it starts', () => {
    expect(ExportClipInput.parse({ assignmentId: 'a', angles: 'side', startMs: 0, endMs: 10 })).toEqual({ assignmentId: 'a', angles: 'side', startMs: 0, endMs: 10, height: 720 });
    expect(ExportClipInput.safeParse({ recordingId: 'r', startMs: 0, endMs: 10 }).success).toBe(true);
    for (const bad of [
      { assignmentId: 'a', angles: 'top', startMs: 0, endMs: 10 },
      { assignmentId: 'a', angles: 'both', startMs: 10, endMs: 10 },
      { assignmentId: 'a', startMs: 0, endMs: 10 },
      { assignmentId: 'a', recordingId: 'r', angles: 'main', startMs: 0, endMs: 10 },
      { assignmentId: 'a', angles: 'main', startMs: 0, endMs: 10, path: '/tmp/x.mp4' },
    ]) {
      expect(ExportClipInput.safeParse(bad).success).toBe(false);
    }
  });
});
