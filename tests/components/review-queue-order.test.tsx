import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import i18next from 'i18next';
import { afterEach, describe, expect, it } from 'vitest';
import type { AssignmentView, RecordingsOverview } from '@common/contract';
import { Assignment, type Exam } from '@common/platform';
import { clearVideoPool, INTENT_MS, knownRecordings, take, warmCount } from '../../renderer/src/review/player/video-pool';
import { ReviewQueue } from '../../renderer/src/review/ReviewQueue';
import { fakeExaminer } from './fake-examiner';
import { renderInApp } from './render';
import { danceRubric } from './sheet-fixtures';

const exam: Exam = {
  id: 'exam-1',
  name: { zh: '校考', en: 'Exam' },
  timeZone: 'Asia/Shanghai',
  startsOn: '2026-05-01',
  test: false,
  subjects: [{ id: 'dance', name: { zh: '舞蹈', en: 'Dance' }, kind: 'recorded', answerSeconds: 300, rubric: danceRubric(), prompts: [], calibrationRequired: true, reviewMode: 'open' }],
  slots: [],
  panels: [],
  combineRule: { kind: 'mean' },
  deviationThreshold: 10,
};

function assigned(code: string, change: Partial<Assignment> = {}): AssignmentView {
  const assignment = Assignment.parse({
    assignmentId: `as-${code}`,
    examId: 'exam-1',
    subjectId: 'dance',
    slotId: 'slot-dance-rec',
    kind: 'recorded',
    candidateCode: code,
    entryId: null,
    recordings: [],
    dueAt: '2026-06-01T00:00:00.000Z',
    ...change,
  });
  return { assignment, sheetStatus: null };
}

function serve(assignments: AssignmentView[], downloads: RecordingsOverview['assignments'] = []) {
  fakeExaminer.handle('assignments.list', () => ({ assignments, freshness: { fresh: true, fetchedAt: '2026-05-01T06:00:00.000Z' } }));
  fakeExaminer.handle('recordings.overview', () => ({ assignments: downloads, usage: { usedBytes: 0, quotaBytes: 1_000_000 } }));
  renderInApp(<ReviewQueue exam={exam} reReviews={[]} onOpen={() => undefined} />);
}

const shownCodes = () => Array.from(document.querySelectorAll('[data-code]'), (element) => element.getAttribute('data-code'));

afterEach(async () => {
  await i18next.changeLanguage('zh-CN');
});

describe('the review queue in the platform’s order', () => {
  it('lists recorded exams by their position, says the order is shuffled, and leaves the anchors out', async () => {
    serve([
      assigned('C-3', { position: 3, order: 'shuffled' }),
      assigned('A1', { purpose: 'calibration', anchorId: 'anchor-1' }),
      assigned('C-1', { position: 1, order: 'shuffled' }),
      assigned('C-2', { position: 2, order: 'shuffled' }),
    ]);
    await waitFor(() => expect(screen.getByTestId('review-table').getAttribute('data-rows')).toBe('3'));
    expect((await screen.findByTestId('queue-shuffled')).textContent).toContain('顺序由平台为每位评分员随机固定，以减少顺序效应');
    await waitFor(() => expect(shownCodes()).toEqual(['C-1', 'C-2', 'C-3']));
    expect(screen.getAllByTestId('queue-position').map((cell) => cell.textContent)).toEqual(['1', '2', '3']);
  });

  it('keeps each slot together, numbered within it, in the order the slots first appear', async () => {
    const acting = { slotId: 'slot-acting-rec', subjectId: 'acting' };
    serve([
      assigned('D-2', { position: 2, order: 'shuffled' }),
      assigned('T-1', { ...acting, position: 1, order: 'shuffled' }),
      assigned('D-1', { position: 1, order: 'shuffled' }),
      assigned('T-2', { ...acting, position: 2, order: 'shuffled' }),
    ]);
    await waitFor(() => expect(shownCodes()).toEqual(['D-1', 'D-2', 'T-1', 'T-2']));
  });

  it('says before an exam is opened that the platform has only one of its angles', async () => {
    const main = { recordingId: 'rec-main', angle: 'main' as const, contentType: 'video/mp4', bytes: 1000, sha256: 'a'.repeat(64), durationMs: 20_000 };
    serve([assigned('M-1', { recordings: [main] }), assigned('B-1', { recordings: [main, { ...main, recordingId: 'rec-side', angle: 'side' }] })]);
    const warning = await screen.findByTestId('missing-angle');
    expect(warning.getAttribute('data-angle')).toBe('side');
    expect(warning.textContent).toBe('平台没有辅机位录像');
    expect(warning.closest('[data-row-key]')?.getAttribute('data-row-key')).toBe('as-M-1');
    expect(screen.getAllByTestId('missing-angle')).toHaveLength(1);
  });

  it('says before an exam is opened that a downloaded angle cannot be read, with why, and nothing for one that can', async () => {
    const main = { recordingId: 'rec-main', angle: 'main' as const, contentType: 'video/mp4', bytes: 1000, sha256: 'a'.repeat(64), durationMs: 20_000 };
    const side = { ...main, recordingId: 'rec-side', angle: 'side' as const };
    const ready = { state: 'ready' as const, bytesDone: 1000, bytes: 1000, mediaId: 'm0123456789abcdef01234567', error: null };
    serve(
      [assigned('U-1', { recordings: [main, side] })],
      [
        {
          assignmentId: 'as-U-1',
          state: 'ready',
          bytesDone: 2000,
          bytes: 2000,
          recordings: [
            { recordingId: 'rec-main', angle: 'main', ...ready },
            { recordingId: 'rec-side', angle: 'side', ...ready, error: { code: 'media_unsupported', message: 'unknown codec xyz1' } },
          ],
        },
      ],
    );
    const warning = await screen.findByTestId('unreadable-angle');
    expect(warning.getAttribute('data-angle')).toBe('side');
    expect(warning.textContent).toBe('辅机位录像无法读取');
    expect(warning.getAttribute('title')).toBe('录像的编码或格式不受支持。');
    expect(screen.getAllByTestId('unreadable-angle')).toHaveLength(1);
    expect(screen.getByTestId('download-state').getAttribute('data-state')).toBe('ready');
  });

  it('keeps the listing’s order with no positions, and says nothing of shuffling (in English too)', async () => {
    await i18next.changeLanguage('en');
    serve([assigned('C-9'), assigned('C-8')]);
    await waitFor(() => expect(screen.getByTestId('review-table').getAttribute('data-rows')).toBe('2'));
    await waitFor(() => expect(shownCodes()).toEqual(['C-9', 'C-8']));
    expect(screen.queryByTestId('queue-shuffled')).toBeNull();
    expect(screen.getByText('Order')).toBeTruthy();
  });
});

describe('the review queue warming the exam the grader is about to open', () => {
  afterEach(() => clearVideoPool());

  const downloaded = (code: string): RecordingsOverview['assignments'][number] => ({
    assignmentId: `as-${code}`,
    state: 'ready',
    bytesDone: 100,
    bytes: 100,
    recordings: [{ recordingId: `rec-${code}`, angle: 'main', state: 'ready', bytesDone: 100, bytes: 100, mediaId: `m-${code}`, error: null }],
  });
  const scored = (code: string, position: number): AssignmentView => ({ ...assigned(code, { position }), sheetStatus: 'accepted' });

  it('loads the first downloaded exam still to score at idle time, not a scored one nor one not downloaded', async () => {
    serve([scored('C-1', 1), assigned('C-2', { position: 2 }), assigned('C-3', { position: 3 })], [downloaded('C-1'), downloaded('C-3')]);
    // happy-dom has no requestIdleCallback: idle time comes after a second there.
    await waitFor(() => expect(warmCount()).toBe(1), { timeout: 3000 });
    expect(knownRecordings('as-C-3')?.assignmentId).toBe('as-C-3');
    expect(knownRecordings('as-C-1')).toBeNull();
  });

  it('starts loading a downloaded row the pointer rests on, not one it passes over', async () => {
    serve([scored('C-1', 1), scored('C-2', 2)], [downloaded('C-1'), downloaded('C-2')]);
    await waitFor(() => expect(document.querySelector('[data-row-key="as-C-2"] [data-testid="download-state"]')).not.toBeNull());
    const user = userEvent.setup();
    const row = (code: string) => document.querySelector(`[data-row-key="as-${code}"]`) as HTMLElement;
    await user.hover(row('C-1'));
    await user.hover(row('C-2'));
    await waitFor(() => expect(warmCount()).toBe(1));
    await new Promise((resolve) => setTimeout(resolve, INTENT_MS * 2));
    expect(warmCount()).toBe(1);
    expect(take('m-C-2').getAttribute('src')).toBe('/media/m-C-2');
    expect(warmCount()).toBe(0);
  });
});
