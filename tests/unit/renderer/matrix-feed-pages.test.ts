import { describe, expect, it } from 'vitest';
import type { MatrixRow, ScoreMatrix } from '@common/platform/chief';
import { MatrixFeed } from '../../../renderer/src/chief/matrix-feed';
import { matrix, row, sheet, SLOT_ID } from '../../components/chief-fixtures';

const rowOf = (order: number, state: 'saved' | 'accepted' = 'saved'): MatrixRow => row(order, `K${String(order)}`, [sheet(`K${String(order)}`, 'm-chief', state)], null);
const pageOf = (rows: MatrixRow[], offset: number, limit: number, totalRows: number): ScoreMatrix => ({ ...matrix(rows), page: { offset, limit, totalRows } });
const shown = (feed: MatrixFeed) => feed.getSnapshot().rows.map((shownRow) => `${shownRow.candidateCode}:${shownRow.cells[0]?.state ?? ''}`);

describe('MatrixFeed in pages', () => {
  it('adds later pages in order, never over a row a push set during the load', () => {
    const feed = new MatrixFeed(SLOT_ID);
    feed.load(pageOf([rowOf(1), rowOf(2)], 0, 2, 4));
    expect(shown(feed)).toEqual(['K1:saved', 'K2:saved']);
    expect(feed.loadedRows).toBe(2);
    feed.push({ slotId: SLOT_ID, rows: [rowOf(3, 'accepted')], signedOff: null });
    feed.addPage(pageOf([rowOf(3), rowOf(4)], 2, 2, 4));
    feed.finish();
    expect(shown(feed)).toEqual(['K1:saved', 'K2:saved', 'K3:accepted', 'K4:saved']);
    feed.dispose();
  });

  it('on a reload keeps the rows shown until their pages come, and drops those no page brought', () => {
    const feed = new MatrixFeed(SLOT_ID);
    feed.load(matrix([rowOf(1), rowOf(2), rowOf(3)]));
    feed.expect();
    feed.load(pageOf([rowOf(1, 'accepted')], 0, 1, 2));
    expect(shown(feed)).toEqual(['K1:accepted', 'K2:saved', 'K3:saved']);
    feed.addPage(pageOf([rowOf(2, 'accepted')], 1, 1, 2));
    feed.finish();
    expect(shown(feed)).toEqual(['K1:accepted', 'K2:accepted']);
    expect(feed.loadedRows).toBe(2);
    feed.dispose();
  });
});
